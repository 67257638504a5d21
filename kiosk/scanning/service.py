"""ScanService: the scan pipeline behind the kiosk screen and ``kiosk scan``.

For each code: refuse it if it cannot be a code; look the pass up (the API, or the pass cache
while offline: :mod:`kiosk.scanning.lookup`); decide and write the verdict to the journal in
one durable transaction (:mod:`kiosk.scanning.recording`); only then wake the background
uploader and the door hook. So a scan whose verdict was shown is on disk, and a scan is never
sent before it is on disk. The service builds and owns what that takes: the journal, the API
clients (:mod:`kiosk.scanning.api_clients`), the uploader, the door hook and the venue fleet
(:mod:`kiosk.scanning.door_and_fleet`).

Every public method is thread-safe and may block (disk, network with short timeouts), so the
UI calls them from worker threads. Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx

from kiosk.device import DeviceCredentials
from kiosk.fleet.status import ROLE_SCREEN
from kiosk.journal import Journal, JournalUnavailable
from kiosk.journal.passcache import PassCacheStore
from kiosk.journal.uploads import QueueCounts
from kiosk.logs import log_scan
from kiosk.paths import Paths
from kiosk.scanning import codes
from kiosk.scanning.api_clients import open_clients
from kiosk.scanning.backend import ConnectionStatus, DayCounts, HistoryEntry, ScanBackend
from kiosk.scanning.connectivity import Connectivity
from kiosk.scanning.door_and_fleet import door_hook, fleet_status_fields, join_fleet
from kiosk.scanning.lookup import PassLookup
from kiosk.scanning.modes import policy_from_settings
from kiosk.scanning.recording import ScanRecorder
from kiosk.scanning.refresh import TemplateCatalog, Upkeep
from kiosk.scanning.rules import LookupOutcome
from kiosk.scanning.upload_round import DrainResult
from kiosk.scanning.uploader import Uploader, utc_now
from kiosk.scanning.verdict import Verdict, VerdictKind
from kiosk.settings import Settings, load_settings
from kiosk.tiketo.warm import KeepWarm

log = logging.getLogger(__name__)

TRY_NOW_SECONDS = 15.0


class ScanService:
    """Implements :class:`kiosk.scanning.backend.ScanBackend`. Close it when done."""

    def __init__(
        self,
        paths: Paths,
        credentials: DeviceCredentials,
        settings: Settings | None = None,
        *,
        background: bool = True,
        fleet_role: str = ROLE_SCREEN,  # what this process is to its door in the fleet
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.problems: list[str] = []
        self.journal_error: str | None = None  # the last scan the journal could not record
        self.camera_state: str | None = None  # set by the screen; in the fleet status
        if settings is None:
            loaded = load_settings(paths.settings_file)
            settings, self.problems = loaded.settings, list(loaded.problems)
        self.settings = settings
        self._clock = clock
        self._device = credentials.device_name
        self._workspace = credentials.workspace
        upload = self.settings.upload
        self.journal = Journal(
            paths.journal_file,
            retention_days=self.settings.journal.retention_days,
            max_entries=self.settings.journal.max_entries,
        )
        if self.journal.problem:
            self.problems.append(self.journal.problem)
        try:
            clients = open_clients(credentials, self.settings, transport, self.problems)
        except BaseException:
            self.journal.close()
            raise
        self.gate = clients.gate
        self._lookup_client, self._upload_client = clients.lookup, clients.upload
        self.link = Connectivity(upload.max_backoff_seconds)
        self.uploader = Uploader(
            self.journal,
            self._upload_client,
            self.link,
            device=self._device,
            workspace=self._workspace,
            concurrency=upload.concurrency,
            batch_size=upload.batch_size,
            clock=clock,
        )
        self.templates = TemplateCatalog(PassCacheStore(self.journal))
        self.upkeep = Upkeep(
            self.journal,
            self._upload_client,
            self.link,
            self.templates,
            per_minute=upload.refresh_per_minute,
            clock=clock,
        )
        self.uploader.upkeep = self.upkeep.run
        self.keep_warm = KeepWarm(
            self._lookup_client, self.settings.api.keep_warm_seconds, lambda: self.link.online
        )
        self.door_hook = door_hook(self.settings.door_hook, self.problems)
        try:
            self.journal.prune(clock())
        except JournalUnavailable as exc:
            self.problems.append(str(exc))
        self.fleet = (
            join_fleet(
                paths,
                self.journal,
                self._device,
                role=fleet_role,
                status_fields=lambda: fleet_status_fields(
                    self.link, self.journal, self.camera_state
                ),
                clock=clock,
                retention_days=self.settings.journal.retention_days,
                problems=self.problems,
            )
            if background
            else None
        )
        self._lookup = PassLookup(
            self._lookup_client,
            self.link,
            self.journal,
            self.templates,
            self.fleet,
            on_outage=self.uploader.wake,
            clock=clock,
        )
        self._recorder = ScanRecorder(
            self.journal, self.fleet, device=self._device, workspace=self._workspace
        )
        if background:
            self.uploader.start()
            self.keep_warm.start()

    # --- ScanBackend ----------------------------------------------------------------------------

    def apply_settings(self, settings: Settings) -> None:
        """Every scan reads ``self.settings`` anew, so a new object takes effect at once."""
        self.settings = settings

    def scan(self, code: str, source: str = "manual") -> Verdict:
        now = self._clock()
        scanning = self.settings.scanning
        refused = codes.refusal(code, scanning.max_code_length)
        if refused is not None:
            verdict = self._error(codes.printable(code, scanning.max_code_length), refused, now)
            log_scan(log, verdict, source)
            return verdict
        lookup = self._lookup.look_up(code)
        try:
            verdict, shared = self._recorder.record(code, lookup, source, scanning, now)
        except JournalUnavailable as exc:
            log.error("Scan not recorded: %s", exc)
            self.journal_error = str(exc)
            return self._error(code, str(exc), now, offline=lookup.outcome is LookupOutcome.OFFLINE)
        log_scan(log, verdict, source)
        if shared and self.fleet is not None:
            self.fleet.wake()
        if verdict.accepted:
            self.uploader.wake()
            self.door_hook.on_verdict(verdict)
        return verdict

    def status(self) -> ConnectionStatus:
        state = self.link.snapshot(self._clock())
        try:
            owed = self.journal.queue_counts()
            last_sync = self.journal.last_sync()
            next_upload = self.journal.next_attempt_at(self._clock()) if state.online else None
        except JournalUnavailable as exc:  # never a made-up 0: callers check journal_error
            self.journal_error = str(exc)
            owed = QueueCounts(0, 0, 0)
            last_sync = next_upload = None
        next_retry = state.next_retry_at if not state.online else next_upload
        if next_retry is not None and state.online:
            next_retry = max(next_retry, self._clock())
        return ConnectionStatus(
            online=state.online,
            offline_since=state.offline_since,
            offline_reason=state.reason,
            pending=owed.total,
            next_retry_at=next_retry,
            last_sync=last_sync,
            needs_provisioning=state.needs_provisioning,
            rejected=owed.rejected,
            steps=owed.steps,
            fleet=self.fleet.status() if self.fleet else None,
        )

    def try_now(self) -> None:
        """Probe and upload at once (blocks up to ~15 s; the background keeps going after)."""
        self.uploader.step(force=True, deadline=time.monotonic() + TRY_NOW_SECONDS)

    def history(self, limit: int = 100, search: str = "") -> list[HistoryEntry]:
        return [
            HistoryEntry(
                scan_id=record.scan_id,
                code=record.code,
                kind=VerdictKind(record.verdict),
                scanned_at=record.scanned_at,
                offline=record.offline,
                holder=record.holder,
                reward_points=record.reward_points,
                upload_state=state,
            )
            for record, state in self.journal.history(limit, search)
        ]

    def counts_today(self) -> DayCounts:
        local_now = self._clock().astimezone()
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        admitted, rejected = self.journal.counts_between(midnight, midnight + timedelta(days=1))
        return DayCounts(admitted=admitted, rejected=rejected)

    def close(self) -> None:
        self.door_hook.drain(self.settings.door_hook.timeout_seconds)
        self.door_hook.close()
        if self.fleet is not None:
            self.fleet.close()
        self.keep_warm.close()
        self.uploader.close()
        self._lookup_client.close()
        self._upload_client.close()
        self.journal.close()

    def __enter__(self) -> ScanService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- for the command line -----------------------------------------------------------------

    def flush(self, seconds: float) -> DrainResult | None:
        """Upload what is due within ``seconds`` (probing once first when offline)."""
        deadline = time.monotonic() + seconds
        if self.link.needs_provisioning:
            return None
        if not self.link.online and not self.uploader.probe():
            return None
        return self.uploader.drain(due_only=True, deadline=deadline)

    def sync(self, seconds: float, on_wait: Callable[[str], None] | None = None) -> DrainResult:
        """Upload everything queued (rejected scans too) within ``seconds``; waits out a
        Retry-After or a short outage when there is time left, and for another process's
        upload round (``on_wait(holder)`` is told once) rather than sending beside it."""
        deadline = time.monotonic() + seconds
        uploaded = 0
        while True:
            if self.link.needs_provisioning:
                return DrainResult(uploaded, self.link.snapshot().reason)
            result = self.uploader.drain(due_only=False, deadline=deadline, on_wait=on_wait)
            uploaded += result.uploaded
            if result.stopped_because is None:
                return DrainResult(uploaded, None)
            wait = self.link.seconds_until_retry(self._clock())
            if wait is None or time.monotonic() + wait >= deadline:
                return DrainResult(uploaded, result.stopped_because)
            time.sleep(wait)

    # --- internals ----------------------------------------------------------------------------

    def _error(self, code: str, message: str, now: datetime, offline: bool = False) -> Verdict:
        """A verdict for a scan that could not be journaled (refused code, journal failure)."""
        return Verdict(
            code=code,
            kind=VerdictKind.ERROR,
            offline=offline,
            scan_id=None,
            mode=policy_from_settings(self.settings.scanning).mode,
            scanned_at=now,
            message=message,
        )


if TYPE_CHECKING:  # mypy checks that ScanService fulfils the contract the UI codes against
    _contract: type[ScanBackend] = ScanService
