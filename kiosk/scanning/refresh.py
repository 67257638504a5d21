"""Background upkeep while online and idle: pass templates (daily) and cached passes.

Lowest priority of all API work: it runs on the uploader's thread only after the upload queue
is drained, one call at a time, yields as soon as a scan is queued, and uses the upload
client, so a door lookup (its own client and connections) never waits behind it. Cached
passes are re-read with ``pass(projectId, id)``, at most ``upload.refresh_per_minute`` a
minute, least recently confirmed first, so a pass voided on the server after this kiosk saw
it is refused in the next outage.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from kiosk.journal import Journal, JournalUnavailable
from kiosk.journal.passcache import PassCacheStore, StalePass
from kiosk.logs import log_event
from kiosk.scanning.connectivity import Connectivity
from kiosk.tiketo import PassNotFound, RetryLater, TiketoClient, Unauthorized, UnreadableAnswer
from kiosk.tiketo.templates import PassTemplate, TemplateVariable
from kiosk.tiketo.transport import deadline as call_deadline

log = logging.getLogger(__name__)

TEMPLATES_EVERY = timedelta(days=1)
TEMPLATES_RETRY = timedelta(minutes=10)  # after a failed fetch
REFRESH_AFTER = timedelta(minutes=10)  # a pass confirmed more recently is fresh enough
WINDOW_SECONDS = 60.0
PAUSE_SECONDS = 60.0  # after a call that could not reach the server
# Each call's own deadline: this work shares the uploader's thread, so a slow server must not
# hold uploads (or the probe that brings the kiosk back online) up for long.
CALL_SECONDS = 3.0


class TemplateCatalog:
    """The workspace's pass templates, cached in the journal, refreshed daily. Thread-safe:
    lookups read it, the upkeep thread refreshes it."""

    def __init__(self, store: PassCacheStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._templates: dict[str, PassTemplate] = {}
        self._fetched_at: datetime | None = None
        self._failed_at: datetime | None = None
        try:
            self._templates, self._fetched_at = store.templates()
        except JournalUnavailable:
            log.exception("Cached pass templates unreadable")

    def variables_for(self, template_id: str | None) -> tuple[TemplateVariable, ...] | None:
        with self._lock:
            template = self._templates.get(template_id) if template_id else None
        return template.variables if template else None

    def due(self, now: datetime) -> bool:
        with self._lock:
            if self._failed_at is not None and now - self._failed_at < TEMPLATES_RETRY:
                return False
            return self._fetched_at is None or not (
                timedelta(0) <= now - self._fetched_at < TEMPLATES_EVERY
            )

    def refresh(self, client: TiketoClient, now: datetime) -> None:
        """Fetch and cache the templates; a failure is logged and retried later."""
        try:
            templates = client.pass_templates()
            self._store.save_templates(templates, now)
        except (UnreadableAnswer, JournalUnavailable) as exc:
            log_event(log, "templates", logging.WARNING, result="failed", reason=str(exc))
            with self._lock:
                self._failed_at = now
            return
        with self._lock:
            self._templates = {t.id: t for t in templates}
            self._fetched_at, self._failed_at = now, None
        log_event(log, "templates", result="ok", count=len(templates))


class Upkeep:
    """One call of :meth:`run` does what is due, within the per-minute budget."""

    def __init__(
        self,
        journal: Journal,
        client: TiketoClient,
        link: Connectivity,
        catalog: TemplateCatalog,
        *,
        per_minute: int,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = PassCacheStore(journal)
        self._client = client
        self._link = link
        self.catalog = catalog
        self._per_minute = per_minute
        self._clock = clock
        self._monotonic = monotonic
        self._calls: deque[float] = deque()  # monotonic times of refresh calls this minute
        self._paused_until = float("-inf")

    def run(self, should_yield: Callable[[], bool]) -> int:
        """Refresh templates if due, then cached passes while the budget allows and nothing
        more urgent is waiting. Returns how many passes were re-read."""
        if not self._link.online or self._monotonic() < self._paused_until:
            return 0
        try:
            if self.catalog.due(self._clock()):
                with call_deadline(time.monotonic() + CALL_SECONDS):
                    self.catalog.refresh(self._client, self._clock())
            return self._refresh_passes(should_yield)
        except (RetryLater, Unauthorized) as exc:
            # Not this work's job to declare an outage (lookups and uploads do, with their
            # own wording and backoff): just pause, so it never competes with them.
            log_event(log, "pass_refresh", logging.WARNING, result="paused", reason=str(exc))
            self._paused_until = self._monotonic() + max(
                PAUSE_SECONDS, getattr(exc, "retry_after", 0) or 0
            )
        except JournalUnavailable:
            log.exception("Pass cache refresh failed")
        return 0

    def _refresh_passes(self, should_yield: Callable[[], bool]) -> int:
        budget = self._budget()
        if budget <= 0:
            return 0
        now = self._clock()
        stale = self._cache.stale(now - REFRESH_AFTER, budget)
        done = 0
        for entry in stale:
            if should_yield() or not self._link.online:
                break
            self._calls.append(self._monotonic())
            self._refresh_one(entry)
            done += 1
        if done:
            log_event(log, "pass_refresh", count=done)
        return done

    def _refresh_one(self, entry: StalePass) -> None:
        now = self._clock()
        try:
            with call_deadline(time.monotonic() + CALL_SECONDS):
                found = self._client.pass_by_id(entry.project_id, entry.pass_id)
        except PassNotFound:
            log_event(log, "pass_refresh", logging.WARNING, result="gone", pass_id=entry.pass_id)
            self._cache.gone(entry.pass_id, now)
            return
        except UnreadableAnswer as exc:  # answered, but not usefully: try it later
            log_event(
                log,
                "pass_refresh",
                logging.WARNING,
                result="unreadable",
                pass_id=entry.pass_id,
                reason=str(exc),
            )
            self._cache.postpone(entry.pass_id, now)
            return
        found = found.with_variables(self.catalog.variables_for(found.template_id))
        self._cache.confirm(
            entry.pass_id,
            found.voided,
            found.expiration_date,
            now,
            full=True,
            holder=found.holder_name,
            template_name=found.template_name,
            scan_config=found.project.scan_config if found.project else {},
        )

    def _budget(self) -> int:
        """Calls still allowed in the sliding minute."""
        if self._per_minute <= 0:
            return 0
        horizon = self._monotonic() - WINDOW_SECONDS
        while self._calls and self._calls[0] <= horizon:
            self._calls.popleft()
        return self._per_minute - len(self._calls)

    def seconds_until_budget(self) -> float | None:
        """When the next re-read is allowed, if the budget is spent now."""
        if self._per_minute <= 0 or len(self._calls) < self._per_minute:
            return None
        return max(0.05, self._calls[0] + WINDOW_SECONDS - self._monotonic())
