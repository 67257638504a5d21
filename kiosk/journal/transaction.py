"""The statements one atomic scan write may run (:meth:`kiosk.journal.Journal.transaction`).

Separate from the Journal (store.py), which owns the connection, its lock and the damage
handling; a transaction only ever sees the connection inside BEGIN IMMEDIATE ... COMMIT.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from kiosk.journal.records import CachedPass, ScanRecord, from_db_time, to_db_time
from kiosk.journal.states import QUEUED_STATES, UploadState


class JournalTransaction:
    """The statements allowed inside :meth:`Journal.transaction` (one atomic scan)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @property
    def connection(self) -> sqlite3.Connection:
        """For other journal modules' statements in this transaction (journal/fleet.py)."""
        return self._conn

    def last_accepted_at(self, code: str, now: datetime | None = None) -> datetime | None:
        """When ``code`` was last admitted here; with ``now``, the admission nearest to it
        on either side (a scan stamped in the future by a clock that was ahead must not
        hide the real last one)."""
        row = self._conn.execute(
            "SELECT max(scanned_at) FROM scans WHERE code = ? AND verdict = 'valid'"
            + (" AND scanned_at <= ?" if now is not None else ""),
            (code, to_db_time(now)) if now is not None else (code,),
        ).fetchone()
        before = from_db_time(row[0]) if row else None
        if now is None:
            return before
        row = self._conn.execute(
            "SELECT min(scanned_at) FROM scans WHERE code = ? AND verdict = 'valid'"
            " AND scanned_at > ?",
            (code, to_db_time(now)),
        ).fetchone()
        after = from_db_time(row[0]) if row else None
        if before is None or after is None:
            return before or after
        return before if now - before <= after - now else after

    def insert_scan(self, record: ScanRecord) -> None:
        self._conn.execute(
            "INSERT INTO scans (scan_id, code, verdict, mode, reward_points, voids_pass,"
            " scanned_at, offline, source, pass_id, holder, message, upload_state,"
            " next_attempt_at, device, workspace) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                record.scan_id,
                record.code,
                record.verdict,
                record.mode,
                int(record.reward_points),
                int(record.voids_pass),
                to_db_time(record.scanned_at),
                int(record.offline),
                record.source,
                record.pass_id,
                record.holder,
                record.message,
                record.upload_state,
                to_db_time(record.scanned_at)
                if record.upload_state == UploadState.PENDING
                else None,
                record.device,
                record.workspace,
            ),
        )

    def put_pass(self, cached: CachedPass, seen_at: datetime) -> None:
        facts = cached.facts
        self._conn.execute(
            "INSERT OR REPLACE INTO pass_cache (code, pass_id, holder, voided, expires_at,"
            " pass_type, template_name, scan_config, seen_at, project_id, template_id,"
            " checked_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                cached.code,
                facts.pass_id,
                facts.holder,
                int(facts.voided),
                to_db_time(facts.expires_at) if facts.expires_at else None,
                facts.pass_type,
                facts.template_name,
                json.dumps(facts.scan_config),
                to_db_time(seen_at),
                facts.project_id,
                facts.template_id,
                to_db_time(seen_at),
            ),
        )

    def add_follow_up(
        self,
        scan_id: str,
        step: str,
        project_id: str | None,
        pass_id: str | None,
        payload: dict[str, Any],
    ) -> None:
        """A step to upload after this scan's event (see kiosk/journal/followups.py)."""
        self._conn.execute(
            "INSERT INTO follow_ups (scan_id, step, project_id, pass_id, payload, state)"
            " VALUES (?,?,?,?,?,?)",
            (
                scan_id,
                step,
                project_id,
                pass_id,
                json.dumps(payload, sort_keys=True),
                UploadState.PENDING,
            ),
        )

    def void_owed(self, code: str) -> bool:
        """This kiosk voided ``code``'s pass and has not told the server yet (a queued scan
        event voiding it, or an open void step): the server's "valid" is not news."""
        row = self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM follow_ups f JOIN scans s USING (scan_id)"
            " WHERE s.code = ? AND f.step = 'void' AND f.state IN (?, ?))"
            " OR EXISTS (SELECT 1 FROM scans WHERE code = ? AND voids_pass = 1"
            " AND upload_state IN (?, ?))",
            (code, *QUEUED_STATES, code, *QUEUED_STATES),
        ).fetchone()
        return bool(row[0])

    def mark_pass_voided(self, code: str) -> None:
        self._conn.execute("UPDATE pass_cache SET voided = 1 WHERE code = ?", (code,))
