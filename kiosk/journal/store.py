"""The Journal: the file, its one connection and lock, damage found in use, and retention.

One connection, one lock: every write is serialised (SQLite allows one writer anyway), and a
scan's "has this code been accepted recently?" check and its insert run in one transaction,
so two scanners racing on the same code cannot both be admitted.

What is read and written lives beside it: the upload queue (:mod:`kiosk.journal.uploads`) and
the history (:mod:`kiosk.journal.history`) are mixins of the Journal; one scan's write is a
:class:`~kiosk.journal.transaction.JournalTransaction`; follow-up steps and the pass cache's
freshness are companion stores over it (:mod:`kiosk.journal.followups`,
:mod:`kiosk.journal.passcache`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.journal.access import retried_after_recovery
from kiosk.journal.db import JournalRecovered, open_database, reopen_damaged
from kiosk.journal.history import ScanHistory
from kiosk.journal.problems import explain, is_corrupt_error
from kiosk.journal.records import to_db_time
from kiosk.journal.states import UploadState
from kiosk.journal.transaction import JournalTransaction
from kiosk.journal.uploads import UploadQueue

log = logging.getLogger(__name__)

# A scan whose follow-up steps (void, wallet message) are not done yet is never pruned.
KEEP_OPEN_FOLLOW_UPS = (
    " AND scan_id NOT IN (SELECT scan_id FROM follow_ups"
    f" WHERE state IN ('{UploadState.PENDING}', '{UploadState.REJECTED}'))"
)


class Journal(UploadQueue, ScanHistory):
    """The journal file at ``path``. Thread-safe; close it when done.

    The upload queue's and the history's methods come from their mixins
    (:mod:`kiosk.journal.uploads`, :mod:`kiosk.journal.history`), which reach the database
    only through :meth:`connection` and :meth:`transaction`."""

    def __init__(self, path: Path, *, retention_days: int = 30, max_entries: int = 500_000) -> None:
        self.path = path
        self.retention = timedelta(days=retention_days)
        self.max_entries = max_entries
        self._lock = threading.RLock()
        self._conn, self.problem = open_database(path)
        self._file = _file_identity(path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the ways in ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[JournalTransaction]:
        """One atomic, durable write (BEGIN IMMEDIATE ... COMMIT, fsynced before returning)."""
        with self._lock, self._guard():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield JournalTransaction(self._conn)
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the journal's lock, with SQLite failures turned into
        journal errors: for the journal's mixins (upload queue, history) and companion
        modules (follow-ups, pass cache)."""
        with self._lock, self._guard():
            yield self._conn

    # --- retention ----------------------------------------------------------------------------

    @retried_after_recovery
    def prune(self, now: datetime) -> int:
        """Delete uploaded (and never-queued) scans older than the retention or beyond the
        size limit, and passes not seen within the retention. Queued scans are never pruned."""
        cutoff = to_db_time(now - self.retention)
        done = (UploadState.UPLOADED, UploadState.NOT_NEEDED)
        with self.transaction() as tx:
            conn = tx.connection
            removed = conn.execute(
                "DELETE FROM scans WHERE upload_state IN (?, ?) AND scanned_at < ?"
                + KEEP_OPEN_FOLLOW_UPS,
                (*done, cutoff),
            ).rowcount
            removed += conn.execute(
                "DELETE FROM scans WHERE scan_id IN (SELECT scan_id FROM scans"
                " WHERE upload_state IN (?, ?) ORDER BY scanned_at DESC LIMIT -1 OFFSET ?)"
                + KEEP_OPEN_FOLLOW_UPS,
                (*done, self.max_entries),
            ).rowcount
            conn.execute("DELETE FROM follow_ups WHERE scan_id NOT IN (SELECT scan_id FROM scans)")
            conn.execute("DELETE FROM pass_cache WHERE seen_at < ?", (cutoff,))
        return removed

    # --- internals ----------------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite failures (reads and writes) into one-sentence journal errors.

        Damage found in use gets the same treatment as damage found at start: the file is
        moved aside, a new journal takes its place with the readable scans recovered, and
        :class:`JournalRecovered` tells the caller to try again. Nothing more is ever written
        to the damaged file.
        """
        self._follow_moves()
        try:
            yield
        except sqlite3.Error as exc:
            if self._conn.in_transaction:
                try:
                    self._conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if is_corrupt_error(exc):
                raise self._replace_damaged(exc) from exc
            raise explain(self.path, exc) from exc

    def _replace_damaged(self, exc: sqlite3.Error) -> JournalRecovered:
        log.error("journal_damaged error=%s", exc)
        still_here = _file_identity(self.path) == self._file
        self._close_quietly()
        self._conn, problem = reopen_damaged(self.path, exc, move=still_here)
        self._file = _file_identity(self.path)
        self.problem = problem or f"The scan journal was damaged ({exc}) and replaced."
        return JournalRecovered(self.problem)

    def _follow_moves(self) -> None:
        """Another kiosk process moved the journal aside (it found it damaged): reopen the
        new one at the same path instead of writing on into the moved file."""
        if _file_identity(self.path) == self._file:
            return
        log.warning("journal_replaced_by_another_process path=%s", self.path)
        self._close_quietly()
        self._conn, problem = open_database(self.path)
        self._file = _file_identity(self.path)
        if problem:
            self.problem = problem

    def _close_quietly(self) -> None:
        try:
            self._conn.close()
        except sqlite3.Error:
            pass


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino
