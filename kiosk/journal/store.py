"""Reading and writing the journal: scans, the upload queue and the pass cache.

One connection, one lock: every write is serialised (SQLite allows one writer anyway), and a
scan's "has this code been accepted recently?" check and its insert run in one transaction,
so two scanners racing on the same code cannot both be admitted.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from kiosk.journal.db import JournalRecovered, open_database, reopen_damaged
from kiosk.journal.problems import explain, is_corrupt_error
from kiosk.journal.records import (
    CachedPass,
    PendingUpload,
    ScanRecord,
    cached_pass_from,
    from_db_time,
    named_rows,
    pending_upload_from,
    scan_record_from,
    to_db_time,
)
from kiosk.journal.states import QUEUED_STATES, UploadState
from kiosk.journal.transaction import JournalTransaction

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# A scan whose follow-up steps (void, wallet message) are not done yet is never pruned.
KEEP_OPEN_FOLLOW_UPS = (
    " AND scan_id NOT IN (SELECT scan_id FROM follow_ups"
    f" WHERE state IN ('{UploadState.PENDING}', '{UploadState.REJECTED}'))"
)
# A retry time further ahead than any backoff sets means the wall clock was stepped back:
# such a scan is due now rather than hours later.
RETRY_HORIZON = timedelta(hours=2)


def due_filter(
    now: datetime | None,
    identity: tuple[str, str] | None,
    *,
    state: str,
    retry_at: str,
    scan: str = "",
) -> tuple[str, tuple[Any, ...]]:
    """The WHERE conditions (with their parameters) that make queued work due, shared by
    scans and follow-up steps: only ``identity``'s device (and rows from before scans kept
    one), and with ``now`` every pending row, and rejected ones whose ``retry_at`` has come
    or lies beyond any backoff (the clock went back). ``scan`` prefixes the scans columns."""
    sql = ""
    params: tuple[Any, ...] = ()
    if identity is not None:  # never send another device's work with this token
        sql += f" AND ({scan}device IS NULL OR ({scan}device = ? AND {scan}workspace IS ?))"
        params += identity
    if now is not None:
        sql += f" AND ({state} = ? OR {retry_at} <= ? OR {retry_at} > ?)"
        params += (UploadState.PENDING, to_db_time(now), to_db_time(now + RETRY_HORIZON))
    return sql, params


def _retried_after_recovery(method: Callable[..., _T]) -> Callable[..., _T]:
    """Run ``method`` again, once, when the journal was found damaged and replaced under it:
    the caller then sees the fresh journal (with the recovered scans), not the damage."""

    @functools.wraps(method)
    def wrapper(self: Journal, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except JournalRecovered:
            return method(self, *args, **kwargs)

    return wrapper


class Journal:
    """The journal file at ``path``. Thread-safe; close it when done."""

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

    # --- writing ------------------------------------------------------------------------------

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
        journal errors: for the journal's companion modules (follow-ups, pass cache)."""
        with self._lock, self._guard():
            yield self._conn

    @_retried_after_recovery
    def mark_uploaded(self, scan_id: str, event_id: str, now: datetime) -> None:
        self.mark_uploaded_many([(scan_id, event_id)], now)

    def mark_uploaded_many(self, receipts: list[tuple[str, str | None]], now: datetime) -> None:
        """Record the server's event ids for (scan_id, event_id) pairs in one durable
        transaction (one fsync for a whole uploaded batch); None: recorded, id unknown."""
        if not receipts:
            return
        stamp = to_db_time(now)
        with self.transaction() as tx:
            tx.connection.executemany(
                "UPDATE scans SET upload_state = ?, uploaded_at = ?, server_event_id = ?,"
                " attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL"
                " WHERE scan_id = ?",
                [
                    (UploadState.UPLOADED, stamp, event_id, scan_id)
                    for scan_id, event_id in receipts
                ],
            )
            tx.connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_sync', ?)", (stamp,)
            )

    @_retried_after_recovery
    def mark_rejected(self, scan_id: str, error: str, next_attempt_at: datetime) -> None:
        """The server refused this scan: show it as rejected, try again at
        ``next_attempt_at``. (An upload already confirmed is never touched.)"""
        with self._lock, self._guard():
            self._conn.execute(
                "UPDATE scans SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
                " upload_state = ? WHERE scan_id = ? AND upload_state IN (?, ?)",
                (
                    error[:500],
                    to_db_time(next_attempt_at),
                    UploadState.REJECTED,
                    scan_id,
                    *QUEUED_STATES,
                ),
            )

    @_retried_after_recovery
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

    # --- reading ------------------------------------------------------------------------------

    @_retried_after_recovery
    def cached_pass(self, code: str) -> CachedPass | None:
        with self._lock, self._guard():
            rows = named_rows(
                self._conn,
                "SELECT code, pass_id, holder, voided, expires_at, pass_type, template_name,"
                " scan_config, seen_at, project_id, template_id, checked_at FROM pass_cache"
                " WHERE code = ?",
                (code,),
            )
        return cached_pass_from(rows[0]) if rows else None

    @_retried_after_recovery
    def due_uploads(
        self, now: datetime | None, limit: int, identity: tuple[str, str] | None = None
    ) -> list[PendingUpload]:
        """Queued scans whose next attempt is due (all queued ones when ``now`` is None):
        every pending scan whatever its time stamp (a scan stamped in the future by a clock
        that was ahead still uploads), and rejected ones whose retry time has come, or lies
        beyond any backoff (the clock went back). Pending first, oldest first, so a scan the
        server keeps rejecting never blocks the others."""
        # A scan voids its pass in the scan event itself unless a "void" follow-up step
        # (updatePass, scanning.void_with) does it after the event.
        query = (
            "SELECT scan_id, code, mode, reward_points, voids_pass AND NOT EXISTS"
            " (SELECT 1 FROM follow_ups f WHERE f.scan_id = scans.scan_id"
            " AND f.step = 'void') AS voids_pass, scanned_at, offline,"
            " source, attempts, device FROM scans WHERE upload_state IN (?, ?)"
        )
        due, due_params = due_filter(
            now, identity, state="upload_state", retry_at="next_attempt_at"
        )
        query += due
        params: tuple[Any, ...] = (*QUEUED_STATES, *due_params)
        query += " ORDER BY upload_state = ?, next_attempt_at, scanned_at LIMIT ?"
        params += (UploadState.REJECTED,)
        with self._lock, self._guard():
            rows = named_rows(self._conn, query, (*params, limit))
        return [pending_upload_from(row) for row in rows]

    @_retried_after_recovery
    def change_device(self, old: tuple[str, str] | None, new: tuple[str, str]) -> tuple[int, int]:
        """Re-provisioning from ``old`` to ``new`` (device name, workspace): queued scans of
        another device are held (never sent as ``new``), held scans of ``new`` are queued
        again. Returns (held, queued again)."""
        with self.transaction() as tx:
            conn = tx.connection
            if old is not None:
                conn.execute(
                    "UPDATE scans SET device = ?, workspace = ? WHERE device IS NULL"
                    " AND upload_state IN (?, ?, ?)",
                    (*old, *QUEUED_STATES, UploadState.HELD),
                )
            held = conn.execute(
                "UPDATE scans SET upload_state = ? WHERE upload_state IN (?, ?)"
                " AND device IS NOT NULL AND NOT (device = ? AND workspace IS ?)",
                (UploadState.HELD, *QUEUED_STATES, *new),
            ).rowcount
            released = conn.execute(
                "UPDATE scans SET upload_state = ? WHERE upload_state = ? AND device = ?"
                " AND workspace IS ?",
                (UploadState.PENDING, UploadState.HELD, *new),
            ).rowcount
        return held, released

    @_retried_after_recovery
    def queue_counts(self) -> tuple[int, int]:
        """(pending, rejected) accepted scans not yet uploaded, and follow-up steps not yet
        done (a voided pass or wallet message still to send is work left, too)."""
        with self._lock, self._guard():
            rows = dict(
                self._conn.execute(
                    "SELECT upload_state, count(*) FROM scans WHERE upload_state IN (?, ?)"
                    " GROUP BY upload_state",
                    QUEUED_STATES,
                ).fetchall()
            )
            steps = dict(
                self._conn.execute(
                    "SELECT f.state, count(*) FROM follow_ups f JOIN scans s USING (scan_id)"
                    " WHERE f.state IN (?, ?) AND s.upload_state != ? GROUP BY f.state",
                    (*QUEUED_STATES, UploadState.HELD),
                ).fetchall()
            )
        return (
            rows.get(UploadState.PENDING, 0) + steps.get(UploadState.PENDING, 0),
            rows.get(UploadState.REJECTED, 0) + steps.get(UploadState.REJECTED, 0),
        )

    @_retried_after_recovery
    def next_attempt_at(self, now: datetime | None = None) -> datetime | None:
        """When the next queued scan is due; with ``now``, a pending scan is due at ``now``
        and a retry time beyond the horizon counts as ``now`` (see :meth:`due_uploads`)."""
        with self._lock, self._guard():
            row = self._conn.execute(
                "SELECT min(next_attempt_at), coalesce(sum(upload_state = ?), 0)"
                " FROM scans WHERE upload_state IN (?, ?)",
                (UploadState.PENDING, *QUEUED_STATES),
            ).fetchone()
        earliest = from_db_time(row[0])
        if now is None or earliest is None:
            return earliest
        if row[1] or earliest > now + RETRY_HORIZON:
            return now
        return earliest

    @_retried_after_recovery
    def last_sync(self) -> datetime | None:
        with self._lock, self._guard():
            return read_last_sync(self._conn)

    @_retried_after_recovery
    def history(self, limit: int = 100, search: str = "") -> list[tuple[ScanRecord, UploadState]]:
        """Newest first; ``search`` matches part of the code or the holder's name."""
        query = (
            "SELECT scan_id, code, verdict, mode, reward_points, voids_pass, scanned_at,"
            " offline, source, message, upload_state, pass_id, holder FROM scans"
        )
        params: list[Any] = []
        if search:
            pattern = (
                "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            query += " WHERE code LIKE ? ESCAPE '\\' OR holder LIKE ? ESCAPE '\\'"
            params += [pattern, pattern]
        query += " ORDER BY scanned_at DESC LIMIT ?"
        with self._lock, self._guard():
            rows = named_rows(self._conn, query, (*params, max(0, limit)))
        return [(record, record.upload_state) for record in map(scan_record_from, rows)]

    @_retried_after_recovery
    def counts_between(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(admitted, rejected) scans in [start, end)."""
        with self._lock, self._guard():
            row = self._conn.execute(
                "SELECT coalesce(sum(verdict = 'valid'), 0), coalesce(sum(verdict != 'valid'), 0)"
                " FROM scans WHERE scanned_at >= ? AND scanned_at < ?",
                (to_db_time(start), to_db_time(end)),
            ).fetchone()
        return int(row[0]), int(row[1])

    @_retried_after_recovery
    def scan_ids(self) -> set[str]:
        with self._lock, self._guard():
            return {r[0] for r in self._conn.execute("SELECT scan_id FROM scans")}

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


def read_last_sync(conn: sqlite3.Connection) -> datetime | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'last_sync'").fetchone()
    return from_db_time(row[0]) if row else None
