"""What a trustworthy row of each salvaged table looks like, and which version of it wins.

Salvage recovers three tables, because each holds something the kiosk owes someone:
``scans`` (events owed to the server), ``follow_ups`` (a void owed after a redeem, without
which a single-use coupon stays valid on the server, and wallet messages) and
``fleet_outbox`` (admissions owed to the venue's other doors). A damaged page can hand back
garbage without an error, so every row is checked against what this kiosk writes before it
is trusted.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from kiosk.journal.salvage_read import Row, Table
from kiosk.journal.states import UploadState

VERDICTS = {"valid", "voided", "expired", "unknown", "duplicate", "error"}
# Later states win; "failed" is what "rejected" was called before the rejected migration.
STATES = {
    UploadState.NOT_NEEDED: 0,
    UploadState.PENDING: 1,
    "failed": 2,
    UploadState.REJECTED: 2,
    UploadState.HELD: 2,
    UploadState.UPLOADED: 3,
}
QUEUED = (UploadState.PENDING, "failed", UploadState.REJECTED)
# Follow-up steps (kiosk/journal/followups.py): an ended step never runs again.
STEP_STATES = {UploadState.PENDING: 1, UploadState.REJECTED: 2, "done": 3, "skipped": 3}
STEPS = {"void", "message"}
OUTBOX_KINDS = {"admission", "pass"}
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def is_time(value: Any) -> bool:
    if not isinstance(value, str) or not _TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _optional_text(*values: Any) -> bool:
    return all(v is None or isinstance(v, str) for v in values)


def _json_object(value: Any) -> bool:
    try:
        return isinstance(value, str) and isinstance(json.loads(value), dict)
    except ValueError:
        return False


def plausible_scan(row: Row) -> Row | None:
    """The row, if it looks like a scan this kiosk wrote (garbage from a damaged page not)."""
    (scan_id, code, verdict, mode, points, voids, scanned_at, offline, source) = row[:9]
    (_pass_id, _holder, message, state, attempts, next_at, _error, _uploaded, _event) = row[9:18]
    device, workspace = row[18:20]
    if not (
        isinstance(scan_id, str)
        and 0 < len(scan_id) <= 200
        and isinstance(code, str)
        and code
        and verdict in VERDICTS
        and state in STATES
        and isinstance(mode, str)
        and isinstance(source, str)
        and isinstance(message, str)
        and isinstance(points, int)
        and voids in (0, 1)
        and offline in (0, 1)
        and isinstance(attempts, int)
        and is_time(scanned_at)
        and (next_at is None or is_time(next_at))
        and _optional_text(device, workspace)
    ):
        return None
    if state in QUEUED and next_at is None:
        row = (*row[:14], scanned_at, *row[15:])
    if state == "failed":  # today's vocabulary
        row = (*row[:12], UploadState.REJECTED, *row[13:])
    return row


def plausible_follow_up(row: Row) -> Row | None:
    scan_id, step, project_id, pass_id, payload, state, attempts, next_at, error, done_at = row
    if not (
        isinstance(scan_id, str)
        and 0 < len(scan_id) <= 200
        and step in STEPS
        and _optional_text(project_id, pass_id, error)
        and _json_object(payload)
        and state in STEP_STATES
        and isinstance(attempts, int)
        and (next_at is None or is_time(next_at))
        and (done_at is None or is_time(done_at))
    ):
        return None
    return row


def plausible_outbox(row: Row) -> Row | None:
    _id, kind, code, body, expires_at, created_at = row
    if not (
        kind in OUTBOX_KINDS
        and isinstance(code, str)
        and code
        and _json_object(body)
        and is_time(expires_at)
        and is_time(created_at)
    ):
        return None
    return row


SCANS = Table(
    name="scans",
    columns=(
        "scan_id",
        "code",
        "verdict",
        "mode",
        "reward_points",
        "voids_pass",
        "scanned_at",
        "offline",
        "source",
        "pass_id",
        "holder",
        "message",
        "upload_state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "uploaded_at",
        "server_event_id",
    ),
    later_columns=("device", "workspace"),
    plausible=plausible_scan,
    key=lambda row: row[0],
    rank=lambda row: (STATES[row[12]], int(row[13])),
)
FOLLOW_UPS = Table(
    name="follow_ups",
    columns=(
        "scan_id",
        "step",
        "project_id",
        "pass_id",
        "payload",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "done_at",
    ),
    later_columns=(),
    plausible=plausible_follow_up,
    key=lambda row: (row[0], row[1]),
    rank=lambda row: (STEP_STATES[row[5]], int(row[6])),
)
FLEET_OUTBOX = Table(
    name="fleet_outbox",
    columns=("id", "kind", "code", "body", "expires_at", "created_at"),
    later_columns=(),
    plausible=plausible_outbox,
    key=lambda row: row[1:4],
    rank=lambda row: (0,),
    rowid_column=True,
)
