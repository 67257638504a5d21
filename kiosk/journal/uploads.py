"""The upload queue: which scans are due, what the server said of them, whose they are.

A mixin of :class:`kiosk.journal.Journal` (kept apart so the Journal's module stays about the
file, its lock and its damage). Queued scans are ``pending`` or ``rejected``; only the
device (and workspace) that made a scan may send it, and a scan the server keeps rejecting
never blocks the others.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.journal.access import JournalAccess, retried_after_recovery
from kiosk.journal.records import (
    PendingUpload,
    from_db_time,
    named_rows,
    pending_upload_from,
    to_db_time,
)
from kiosk.journal.states import QUEUED_STATES, UploadState

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


@dataclass(frozen=True)
class QueueCounts:
    """What the journal still owes the server."""

    scans: int  # accepted scans not yet uploaded (refused ones included)
    steps: int  # follow-up steps not yet done: voiding a pass, a wallet message
    rejected: int  # of both: refused by the server, retried on their own slow schedule

    @property
    def total(self) -> int:
        return self.scans + self.steps


def count_owed(conn: sqlite3.Connection) -> QueueCounts:
    """Accepted scans not yet uploaded, and follow-up steps not yet done (a voided pass or
    wallet message still to send is work left, too), counted apart so that nobody is told
    "3 scans" when one scan and two pass updates are owed. Steps of scans held for another
    device are not owed by this one. A journal from before follow-up steps owes none."""
    rows = dict(
        conn.execute(
            "SELECT upload_state, count(*) FROM scans WHERE upload_state IN (?, ?)"
            " GROUP BY upload_state",
            QUEUED_STATES,
        ).fetchall()
    )
    try:
        steps = dict(
            conn.execute(
                "SELECT f.state, count(*) FROM follow_ups f JOIN scans s USING (scan_id)"
                " WHERE f.state IN (?, ?) AND s.upload_state != ? GROUP BY f.state",
                (*QUEUED_STATES, UploadState.HELD),
            ).fetchall()
        )
    except sqlite3.OperationalError as exc:  # read-only status of a journal not yet migrated
        if "no such table" not in str(exc):
            raise
        steps = {}
    return QueueCounts(
        scans=sum(rows.values()),
        steps=sum(steps.values()),
        rejected=rows.get(UploadState.REJECTED, 0) + steps.get(UploadState.REJECTED, 0),
    )


class UploadQueue(JournalAccess):
    """Reads and updates of queued scans, through the Journal's connection and transactions."""

    @retried_after_recovery
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

    @retried_after_recovery
    def mark_rejected(self, scan_id: str, error: str, next_attempt_at: datetime) -> None:
        """The server refused this scan: show it as rejected, try again at
        ``next_attempt_at``. (An upload already confirmed is never touched.)"""
        with self.connection() as conn:
            conn.execute(
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

    @retried_after_recovery
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
        with self.connection() as conn:
            rows = named_rows(conn, query, (*params, limit))
        return [pending_upload_from(row) for row in rows]

    @retried_after_recovery
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

    @retried_after_recovery
    def queue_counts(self) -> QueueCounts:
        """What this journal still owes the server (see :func:`count_owed`)."""
        with self.connection() as conn:
            return count_owed(conn)

    @retried_after_recovery
    def next_attempt_at(self, now: datetime | None = None) -> datetime | None:
        """When the next queued scan is due; with ``now``, a pending scan is due at ``now``
        and a retry time beyond the horizon counts as ``now`` (see :meth:`due_uploads`)."""
        with self.connection() as conn:
            row = conn.execute(
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
