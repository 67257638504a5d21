"""A summary of the journal for status displays, without opening it for writing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from kiosk.journal import passcache
from kiosk.journal.db import open_database
from kiosk.journal.store import QUEUED_STATES, read_last_sync
from kiosk.paths import Paths


def journal_summary(paths: Paths) -> tuple[int, str | None]:
    """(scans waiting to upload, time of the last successful upload in ISO-8601 UTC).

    Read-only: a status check must never create, migrate or move the journal. A journal that
    cannot be read reports nothing pending; the scanning side says what is wrong with it.
    """
    if not paths.journal_file.exists():
        return 0, None
    try:
        conn, _ = open_database(paths.journal_file, read_only=True)
    except sqlite3.Error:
        return 0, None
    try:
        pending = conn.execute(
            "SELECT count(*) FROM scans WHERE upload_state IN (?, ?)", QUEUED_STATES
        ).fetchone()[0] + _open_follow_ups(conn)
        last_sync = read_last_sync(conn)
    except sqlite3.Error:
        return 0, None
    finally:
        conn.close()
    return int(pending), (None if last_sync is None
                          else last_sync.isoformat().replace("+00:00", "Z"))


def cache_age(paths: Paths, now: datetime | None = None) -> float | None:
    """Seconds since the server last confirmed the least recently confirmed cached pass:
    the age of the oldest fact an offline decision may rest on (None: nothing cached).
    Read-only, like :func:`journal_summary`."""
    if not paths.journal_file.exists():
        return None
    try:
        conn, _ = open_database(paths.journal_file, read_only=True)
    except sqlite3.Error:
        return None
    try:
        age = passcache.cache_age(conn, now or datetime.now(UTC))
    except sqlite3.Error:  # e.g. a journal from before the pass cache kept checked_at
        return None
    finally:
        conn.close()
    return None if age is None else round(age, 1)


def _open_follow_ups(conn: sqlite3.Connection) -> int:
    """Follow-up steps (void, wallet message) still to send; 0 for an older journal."""
    try:
        return int(conn.execute(
            "SELECT count(*) FROM follow_ups f JOIN scans s USING (scan_id)"
            " WHERE f.state IN (?, ?) AND s.upload_state != 'held'", QUEUED_STATES).fetchone()[0])
    except sqlite3.OperationalError:
        return 0
