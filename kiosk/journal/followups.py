"""Follow-up upload steps: what an accepted scan still owes the server after its scan event.

A step is written in the same transaction as its scan (so it is never lost), becomes due once
the scan event is confirmed (``scans.upload_state = 'uploaded'``), and is sent under the same
upload lock as scan events, read afresh under it. Steps:

- ``void``: ``updatePass(..., {voided: true})``, the documented way to void a pass
  (``scanning.void_with = "update-pass"``);
- ``message``: ``putPassMessage`` with the scan's id as the message id
  (``scanning.wallet_message``).

States: ``pending`` (to send), ``rejected`` (the server refused it; retried on a slow
schedule, like a rejected scan), ``done``, ``skipped`` (it can never be sent: the pass is
unknown to the server; logged and kept for the history).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.journal.records import named_rows, to_db_time
from kiosk.journal.states import QUEUED_STATES, UploadState
from kiosk.journal.store import Journal
from kiosk.journal.uploads import due_filter

VOID = "void"
MESSAGE = "message"
DONE = "done"
SKIPPED = "skipped"
STEP_ORDER = (VOID, MESSAGE)


@dataclass(frozen=True)
class FollowUp:
    scan_id: str
    step: str
    code: str
    project_id: str | None
    pass_id: str | None
    payload: dict[str, Any]
    attempts: int
    state: str


class FollowUpStore:
    """Reads and updates follow-up steps in ``journal`` (thread-safe like the journal)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def due(
        self, now: datetime | None, limit: int, identity: tuple[str, str] | None = None
    ) -> list[FollowUp]:
        """Open steps whose scan event is confirmed: pending ones, and rejected ones whose
        retry time has come or lies beyond any backoff (the clock went back); all open ones
        when ``now`` is None. Pending first, then in scan order, voids before messages."""
        query = (
            "SELECT f.scan_id, f.step, s.code, f.project_id, f.pass_id, f.payload,"
            " f.attempts, f.state FROM follow_ups f JOIN scans s USING (scan_id)"
            " WHERE s.upload_state = ? AND f.state IN (?, ?)"
        )
        due, due_params = due_filter(
            now, identity, state="f.state", retry_at="f.next_attempt_at", scan="s."
        )
        query += due
        params: tuple[Any, ...] = (UploadState.UPLOADED, *QUEUED_STATES, *due_params)
        query += " ORDER BY f.state = ?, s.scanned_at, f.step = ? LIMIT ?"
        params += (UploadState.REJECTED, MESSAGE, limit)
        with self._journal.connection() as conn:
            rows = named_rows(conn, query, params)
        return [
            FollowUp(
                scan_id=r["scan_id"],
                step=r["step"],
                code=r["code"],
                project_id=r["project_id"],
                pass_id=r["pass_id"],
                payload=_payload(r["payload"]),
                attempts=r["attempts"],
                state=r["state"],
            )
            for r in rows
        ]

    def mark_done(self, scan_id: str, step: str, now: datetime) -> None:
        self._set(
            scan_id,
            step,
            "state = ?, done_at = ?, last_error = NULL,"
            " next_attempt_at = NULL, attempts = attempts + 1",
            (DONE, to_db_time(now)),
        )

    def mark_skipped(self, scan_id: str, step: str, reason: str, now: datetime) -> None:
        self._set(
            scan_id,
            step,
            "state = ?, done_at = ?, last_error = ?, next_attempt_at = NULL",
            (SKIPPED, to_db_time(now), reason[:500]),
        )

    def mark_rejected(self, scan_id: str, step: str, error: str, next_attempt_at: datetime) -> None:
        self._set(
            scan_id,
            step,
            "state = ?, last_error = ?, next_attempt_at = ?, attempts = attempts + 1",
            (UploadState.REJECTED, error[:500], to_db_time(next_attempt_at)),
        )

    def fill_pass(self, scan_id: str, project_id: str | None, pass_id: str) -> None:
        """The scan event's answer named the pass: fill in ids a step made offline lacked."""
        with self._journal.connection() as conn:
            conn.execute(
                "UPDATE follow_ups SET pass_id = coalesce(pass_id, ?),"
                " project_id = coalesce(project_id, ?) WHERE scan_id = ?",
                (pass_id, project_id, scan_id),
            )

    def state_of(self, scan_id: str, step: str) -> str | None:
        with self._journal.connection() as conn:
            row = conn.execute(
                "SELECT state FROM follow_ups WHERE scan_id = ? AND step = ?", (scan_id, step)
            ).fetchone()
        return row[0] if row else None

    def _set(self, scan_id: str, step: str, assignments: str, values: tuple[Any, ...]) -> None:
        """Update one open step (a step already done is never touched again)."""
        with self._journal.connection() as conn:
            conn.execute(
                f"UPDATE follow_ups SET {assignments} WHERE scan_id = ? AND step = ?"
                " AND state IN (?, ?)",
                (*values, scan_id, step, *QUEUED_STATES),
            )


def _payload(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
