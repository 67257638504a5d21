"""A summary of the journal for status displays, without opening it for writing."""

from __future__ import annotations

import sqlite3

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
        ).fetchone()[0]
        last_sync = read_last_sync(conn)
    except sqlite3.Error:
        return 0, None
    finally:
        conn.close()
    return int(pending), (None if last_sync is None
                          else last_sync.isoformat().replace("+00:00", "Z"))
