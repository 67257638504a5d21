"""A summary of the journal for status displays, without opening it for writing."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.journal import passcache
from kiosk.journal.db import JournalUnavailable, open_read_only
from kiosk.journal.history import read_last_sync
from kiosk.journal.problems import explain
from kiosk.journal.salvage import moved_aside
from kiosk.journal.uploads import count_owed
from kiosk.paths import Paths


@dataclass(frozen=True)
class JournalSummary:
    """What the journal says, or why it could not be read (then ``pending`` is None).

    ``moved_aside`` names damaged journals (and foreign WAL files) set aside next to it: they
    stay listed until an operator deletes them.
    """

    pending: int | None
    last_sync: str | None
    error: str | None = None
    moved_aside: list[Path] = field(default_factory=list)
    rejected: int | None = None  # of ``pending``: what the server refused (retried slowly)
    steps: int | None = None  # of ``pending``: follow-up steps (voiding a pass, a message)


def owed_words(total: int, steps: int) -> str:
    """ "2 scan(s) and 1 follow-up step(s)" for ``total`` owed of which ``steps`` are steps:
    a void or a wallet message still to send is not a scan, and must not be called one."""
    scans = f"{total - steps} scan(s)"
    return f"{scans} and {steps} follow-up step(s) (pass void, wallet message)" if steps else scans


def journal_summary(paths: Paths) -> JournalSummary:
    """Scans waiting to upload and the last successful upload (ISO-8601 UTC), read-only.

    A status check never creates, migrates or moves the journal, and never reports a number
    it could not read: when the journal cannot be read, ``error`` says why.
    """
    moved = moved_aside(paths.journal_file)
    if not paths.journal_file.exists():
        return JournalSummary(0, None, None, moved, rejected=0, steps=0)
    try:
        conn = open_read_only(paths.journal_file)
    except JournalUnavailable as exc:
        return JournalSummary(None, None, str(exc), moved)
    try:
        owed = count_owed(conn)
        last_sync = read_last_sync(conn)
    except sqlite3.Error as exc:
        return JournalSummary(
            None, None, str(explain(paths.journal_file, exc, reading=True)), moved
        )
    finally:
        conn.close()
    return JournalSummary(
        owed.total,
        None if last_sync is None else last_sync.isoformat().replace("+00:00", "Z"),
        None,
        moved,
        rejected=owed.rejected,
        steps=owed.steps,
    )


def cache_age(paths: Paths, now: datetime | None = None) -> float | None:
    """Seconds since the server last confirmed the least recently confirmed cached pass:
    the age of the oldest fact an offline decision may rest on (None: nothing cached).
    Read-only, like :func:`journal_summary`."""
    if not paths.journal_file.exists():
        return None
    try:
        conn = open_read_only(paths.journal_file)
    except (sqlite3.Error, JournalUnavailable):
        return None
    try:
        age = passcache.cache_age(conn, now or datetime.now(UTC))
    except sqlite3.Error:  # e.g. a journal from before the pass cache kept checked_at
        return None
    finally:
        conn.close()
    return None if age is None else round(age, 1)
