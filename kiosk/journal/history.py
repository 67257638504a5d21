"""Reading back what the journal holds: the scan history, counts, the last sync, passes seen.

A mixin of :class:`kiosk.journal.Journal` (kept apart so the Journal's module stays about the
file, its lock and its damage). These are reads for people (Admin's history, the status bar,
``kiosk status``) and the cached pass behind an offline decision; none of them writes.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from kiosk.journal.access import JournalAccess, retried_after_recovery
from kiosk.journal.records import (
    CachedPass,
    ScanRecord,
    cached_pass_from,
    from_db_time,
    named_rows,
    scan_record_from,
    to_db_time,
)
from kiosk.journal.states import UploadState


class ScanHistory(JournalAccess):
    """Reads of recorded scans and cached passes, through the Journal's connection."""

    @retried_after_recovery
    def cached_pass(self, code: str) -> CachedPass | None:
        with self.connection() as conn:
            rows = named_rows(
                conn,
                "SELECT code, pass_id, holder, voided, expires_at, pass_type, template_name,"
                " scan_config, seen_at, project_id, template_id, checked_at FROM pass_cache"
                " WHERE code = ?",
                (code,),
            )
        return cached_pass_from(rows[0]) if rows else None

    @retried_after_recovery
    def last_sync(self) -> datetime | None:
        with self.connection() as conn:
            return read_last_sync(conn)

    @retried_after_recovery
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
        with self.connection() as conn:
            rows = named_rows(conn, query, (*params, max(0, limit)))
        return [(record, record.upload_state) for record in map(scan_record_from, rows)]

    @retried_after_recovery
    def counts_between(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(admitted, rejected) scans in [start, end)."""
        with self.connection() as conn:
            row = conn.execute(
                "SELECT coalesce(sum(verdict = 'valid'), 0), coalesce(sum(verdict != 'valid'), 0)"
                " FROM scans WHERE scanned_at >= ? AND scanned_at < ?",
                (to_db_time(start), to_db_time(end)),
            ).fetchone()
        return int(row[0]), int(row[1])

    @retried_after_recovery
    def scan_ids(self) -> set[str]:
        with self.connection() as conn:
            return {r[0] for r in conn.execute("SELECT scan_id FROM scans")}


def read_last_sync(conn: sqlite3.Connection) -> datetime | None:
    """When an upload was last confirmed; also read by ``kiosk status`` on its read-only
    connection, which never opens a Journal."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'last_sync'").fetchone()
    return from_db_time(row[0]) if row else None
