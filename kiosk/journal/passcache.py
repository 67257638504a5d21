"""Keeping the pass cache fresh: what to re-read, what the server said, how old it is.

The cache (``pass_cache``) serves offline decisions. Facts age: a pass voided on the server
after this kiosk saw it would be admitted in the next outage. So the kiosk re-reads cached
passes when it is online and idle (``pass(projectId, id)``, see
:mod:`kiosk.scanning.refresh`), and every scan event's answer refreshes its pass too.
``checked_at`` is when the server last confirmed a row. Pass templates are cached here as well.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kiosk.journal.records import from_db_time, to_db_time
from kiosk.journal.states import QUEUED_STATES
from kiosk.journal.store import Journal
from kiosk.tiketo.templates import PassTemplate, parse_variables

# A cached pass stays voided while this kiosk still owes the server the void that made it so
# (a refresh before the void step ran must not un-void it).
_VOID_OWED = (
    "EXISTS (SELECT 1 FROM follow_ups f WHERE f.step = 'void' AND f.pass_id ="
    " pass_cache.pass_id AND f.state IN (?, ?)) OR EXISTS (SELECT 1 FROM scans s"
    " WHERE s.code = pass_cache.code AND s.voids_pass = 1 AND s.upload_state IN (?, ?))"
)


@dataclass(frozen=True)
class StalePass:
    code: str
    project_id: str
    pass_id: str


class PassCacheStore:
    """Freshness operations on ``journal``'s pass cache and template cache."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def stale(self, checked_before: datetime, limit: int) -> list[StalePass]:
        """Cached passes the server has not confirmed since ``checked_before``, least
        recently confirmed first (only those whose project is known can be re-read)."""
        with self._journal.connection() as conn:
            rows = conn.execute(
                "SELECT code, project_id, pass_id FROM pass_cache WHERE project_id IS NOT NULL"
                " AND coalesce(checked_at, seen_at) < ? ORDER BY coalesce(checked_at, seen_at)"
                " LIMIT ?",
                (to_db_time(checked_before), limit),
            ).fetchall()
        return [StalePass(*row) for row in rows]

    def confirm(
        self,
        pass_id: str,
        voided: bool,
        expires_at: datetime | None,
        now: datetime,
        *,
        holder: str | None = None,
        template_name: str | None = None,
        scan_config: dict[str, object] | None = None,
        full: bool = False,
        project_id: str | None = None,
        template_id: str | None = None,
    ) -> None:
        """What the server just said of ``pass_id``. ``full`` (a whole pass was read) also
        replaces the holder, template name and scanConfig; ids fill in ones a row lacks
        (a row cached before the kiosk kept them)."""
        sets = (
            "voided = (? OR " + _VOID_OWED + "), expires_at = ?, checked_at = ?,"
            " project_id = coalesce(project_id, ?), template_id = coalesce(template_id, ?)"
        )
        values: tuple[object, ...] = (
            int(voided),
            *QUEUED_STATES,
            *QUEUED_STATES,
            to_db_time(expires_at) if expires_at else None,
            to_db_time(now),
            project_id,
            template_id,
        )
        if full:
            sets += ", holder = ?, template_name = ?, scan_config = ?"
            values += (holder, template_name, json.dumps(scan_config or {}))
        with self._journal.connection() as conn:
            conn.execute(f"UPDATE pass_cache SET {sets} WHERE pass_id = ?", (*values, pass_id))

    def gone(self, pass_id: str, now: datetime) -> None:
        """The server no longer has this pass: refuse it offline (as voided) from now on."""
        with self._journal.connection() as conn:
            conn.execute(
                "UPDATE pass_cache SET voided = 1, checked_at = ? WHERE pass_id = ?",
                (to_db_time(now), pass_id),
            )

    def postpone(self, pass_id: str, now: datetime) -> None:
        """A re-read the server refused: do not ask about this pass again at once."""
        with self._journal.connection() as conn:
            conn.execute(
                "UPDATE pass_cache SET checked_at = ? WHERE pass_id = ?", (to_db_time(now), pass_id)
            )

    def cache_age(self, now: datetime) -> float | None:
        with self._journal.connection() as conn:
            return cache_age(conn, now)

    # --- pass templates -----------------------------------------------------------------------

    def save_templates(self, templates: list[PassTemplate], now: datetime) -> None:
        """Replace the cached templates with the server's current list."""
        with self._journal.transaction() as tx:
            conn = tx.connection
            conn.execute("DELETE FROM pass_templates")
            conn.executemany(
                "INSERT INTO pass_templates (id, body, fetched_at) VALUES (?,?,?)",
                [(t.id, json.dumps(t.to_json()), to_db_time(now)) for t in templates],
            )
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('templates_fetched_at', ?)",
                (to_db_time(now),),
            )

    def templates(self) -> tuple[dict[str, PassTemplate], datetime | None]:
        """The cached templates by id, and when they were fetched (None: never)."""
        with self._journal.connection() as conn:
            rows = conn.execute("SELECT id, body FROM pass_templates").fetchall()
            stamp = conn.execute(
                "SELECT value FROM meta WHERE key = 'templates_fetched_at'"
            ).fetchone()
        found = {}
        for template_id, body in rows:
            try:
                raw = json.loads(body)
            except ValueError:
                continue
            variables = parse_variables(raw.get("variables")) if isinstance(raw, dict) else None
            if variables is not None:
                name = raw.get("name")
                found[template_id] = PassTemplate(
                    template_id, name if isinstance(name, str) else None, variables
                )
        return found, from_db_time(stamp[0]) if stamp else None


def cache_age(conn: sqlite3.Connection, now: datetime) -> float | None:
    """Seconds since the server last confirmed the least recently confirmed cached pass
    (the oldest fact an offline decision may rest on); None when nothing is cached."""
    row = conn.execute("SELECT min(coalesce(checked_at, seen_at)) FROM pass_cache").fetchone()
    oldest = from_db_time(row[0]) if row else None
    return None if oldest is None else max(0.0, (now - oldest).total_seconds())
