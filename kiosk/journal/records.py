"""What the journal's rows hold, as typed records, and how a row becomes one.

Rows are read by column name (:func:`named_rows`), never by position, so adding a column to a
query cannot shift the others.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.journal.states import UploadState
from kiosk.passfacts import PassFacts


def to_db_time(moment: datetime) -> str:
    """Fixed-width UTC text, so comparisons and ORDER BY work on the text itself."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def named_rows(
    conn: sqlite3.Connection, query: str, params: tuple[Any, ...] | list[Any] = ()
) -> list[sqlite3.Row]:
    """The rows of ``query``, readable by column name. The row factory is set on this cursor
    only: the shared connection's other readers keep plain tuples."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(query, params).fetchall()


@dataclass(frozen=True)
class ScanRecord:
    """One journaled scan, whatever its verdict."""

    scan_id: str
    code: str
    verdict: str
    mode: str
    reward_points: int
    voids_pass: bool
    scanned_at: datetime
    offline: bool
    source: str
    message: str
    upload_state: UploadState
    pass_id: str | None = None
    holder: str | None = None
    device: str | None = None  # the device (and workspace) the scan was made under
    workspace: str | None = None


@dataclass(frozen=True)
class PendingUpload:
    """An accepted scan waiting for its createScanEvent."""

    scan_id: str
    code: str
    mode: str
    reward_points: int
    voids_pass: bool
    scanned_at: datetime
    offline: bool
    source: str
    attempts: int
    device: str | None = None


@dataclass(frozen=True)
class CachedPass:
    """What the kiosk remembers of a pass to decide offline."""

    code: str
    facts: PassFacts  # project_id and template_id: what pass(projectId, id) and updatePass need
    seen_at: datetime | None = None
    checked_at: datetime | None = None  # when the server last confirmed these facts


def scan_record_from(row: sqlite3.Row) -> ScanRecord:
    """A ``scans`` row (the history's columns) as a record."""
    return ScanRecord(
        scan_id=row["scan_id"],
        code=row["code"],
        verdict=row["verdict"],
        mode=row["mode"],
        reward_points=row["reward_points"],
        voids_pass=bool(row["voids_pass"]),
        scanned_at=_time(row["scanned_at"]),
        offline=bool(row["offline"]),
        source=row["source"],
        message=row["message"],
        upload_state=UploadState(row["upload_state"]),
        pass_id=row["pass_id"],
        holder=row["holder"],
    )


def pending_upload_from(row: sqlite3.Row) -> PendingUpload:
    """A queued ``scans`` row (:meth:`Journal.due_uploads`' columns) as an upload to send."""
    return PendingUpload(
        scan_id=row["scan_id"],
        code=row["code"],
        mode=row["mode"],
        reward_points=row["reward_points"],
        voids_pass=bool(row["voids_pass"]),
        scanned_at=_time(row["scanned_at"]),
        offline=bool(row["offline"]),
        source=row["source"],
        attempts=row["attempts"],
        device=row["device"],
    )


def cached_pass_from(row: sqlite3.Row) -> CachedPass:
    """A ``pass_cache`` row as what the kiosk remembers; unreadable scanConfig: none."""
    try:
        config = json.loads(row["scan_config"])
    except ValueError:
        config = {}
    facts = PassFacts(
        pass_id=row["pass_id"],
        holder=row["holder"],
        voided=bool(row["voided"]),
        expires_at=from_db_time(row["expires_at"]),
        pass_type=row["pass_type"],
        template_name=row["template_name"],
        scan_config=config if isinstance(config, dict) else {},
        project_id=row["project_id"],
        template_id=row["template_id"],
    )
    return CachedPass(
        code=row["code"],
        facts=facts,
        seen_at=from_db_time(row["seen_at"]),
        checked_at=from_db_time(row["checked_at"]),
    )


def _time(text: str) -> datetime:
    moment = from_db_time(text)
    assert moment is not None
    return moment
