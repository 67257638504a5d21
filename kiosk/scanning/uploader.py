"""The background uploader: drains the journal's queue into createScanEvent calls.

Runs in its own thread so the door never waits for it; each round
(:mod:`kiosk.scanning.upload_round`) sends the due scans in batches over a small pool
(``upload.concurrency``). While offline it probes the API (a cheap ``projects`` query) on the
backoff schedule in :mod:`kiosk.scanning.connectivity`, and drains the queue as soon as the
probe succeeds. Once the queue is empty it gives its thread to the lowest-priority upkeep
(:mod:`kiosk.scanning.refresh`), and now and then prunes the journal.

Every process on one data folder (the screen, ``kiosk scan``, ``kiosk sync``) uploads only
while it holds the folder's upload lock (:mod:`kiosk.journal.lock`) and reads the queue afresh
under it, so no two send one scan.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.journal import Journal, JournalUnavailable
from kiosk.journal.lock import UploadLock
from kiosk.scanning.batching import BatchSizer
from kiosk.scanning.connectivity import Connectivity
from kiosk.scanning.upload_round import DrainResult, UploadRound
from kiosk.tiketo import RetryLater, TiketoClient, Unauthorized

log = logging.getLogger(__name__)

IDLE_WAKEUP_SECONDS = 30.0
DEFAULT_BATCH_SIZE = 100
PRUNE_EVERY_SECONDS = 3600.0  # a kiosk left running for days keeps its journal bounded
LOCK_BUSY_RETRY_SECONDS = 2.0  # another process was uploading: look again this soon


def utc_now() -> datetime:
    return datetime.now(UTC)


class Uploader:
    """Uploads queued scans; :meth:`start` runs it in the background, :meth:`drain` inline."""

    def __init__(
        self,
        journal: Journal,
        client: TiketoClient,
        connectivity: Connectivity,
        *,
        device: str,
        concurrency: int,
        workspace: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._journal = journal
        self._client = client
        self._link = connectivity
        self._clock = clock
        self._round = UploadRound(
            journal,
            client,
            connectivity,
            clock,
            device=device,
            identity=None if workspace is None else (device, workspace),
            concurrency=concurrency,
            batch_size=batch_size,
            stopping=self._shutting_down,
        )
        self._upload_lock = UploadLock(journal.path.with_name(journal.path.name + ".upload-lock"))
        self._lock_busy = False  # the last drain found another process uploading
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._force = False
        self._thread: threading.Thread | None = None
        self._last_prune = time.monotonic()
        # Lowest-priority work once the queue is empty (templates, cached passes).
        self.upkeep: Callable[[Callable[[], bool]], object] | None = None

    @property
    def sizer(self) -> BatchSizer:
        """How many scans go in one request now (it adapts to the server's answers)."""
        return self._round.sizer

    # --- background ---------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kiosk-uploader", daemon=True)
        self._thread.start()

    def wake(self, force: bool = False) -> None:
        """New work (a scan was queued) or ``force``: probe and upload now."""
        if force:
            self._force = True
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._round.close()

    def _shutting_down(self) -> bool:
        """Closing a started uploader: batches not sent yet stay queued for the next run."""
        return self._stop.is_set() and self._thread is not None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before the round, so a wake() during it is not lost
            force, self._force = self._force, False
            try:
                result = self.step(force=force)
                if (
                    self.upkeep is not None
                    and result is not None
                    and not result.busy
                    and result.stopped_because is None
                    and not self._wake.is_set()
                ):
                    self.upkeep(self._wake.is_set)  # yields as soon as a scan is queued
            except Exception:  # never let the uploader die silently: log, wait, go on
                log.exception("Upload round failed")
            self._prune_now_and_then()
            if not self._stop.is_set():
                self._wake.wait(self._sleep_seconds())

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_EVERY_SECONDS:
            return
        self._last_prune = time.monotonic()
        try:
            removed = self._journal.prune(self._clock())
        except JournalUnavailable:
            log.exception("Pruning the journal failed")
            return
        if removed:
            log.info("Pruned %d old scans from the journal", removed)

    def step(self, force: bool = False, deadline: float | None = None) -> DrainResult | None:
        """One round: probe if offline and due (or forced), then upload what is due."""
        if self._link.needs_provisioning:
            return None
        if not self._link.online:
            if not self._link.probe_due(self._clock(), force):
                return None
            if not self.probe():
                return None
        return self.drain(due_only=not force, deadline=deadline)

    def _sleep_seconds(self) -> float:
        if self._link.needs_provisioning:
            return IDLE_WAKEUP_SECONDS
        now = self._clock()
        if not self._link.online:
            wait = self._link.seconds_until_retry(now)
            return IDLE_WAKEUP_SECONDS if wait is None else min(wait, IDLE_WAKEUP_SECONDS)
        try:
            next_at = self._journal.next_attempt_at(now)
        except JournalUnavailable:
            return IDLE_WAKEUP_SECONDS
        if next_at is None:
            return IDLE_WAKEUP_SECONDS
        if self._lock_busy:
            return LOCK_BUSY_RETRY_SECONDS
        return min(max((next_at - now).total_seconds(), 0.05), IDLE_WAKEUP_SECONDS)

    # --- the work -----------------------------------------------------------------------------

    def probe(self) -> bool:
        """Ask the API something cheap; True (and online) when it answered."""
        try:
            self._client.projects()
        except Unauthorized as exc:
            self._link.unauthorized(str(exc), self._clock())
            return False
        except RetryLater as exc:
            self._link.failed(str(exc), self._clock(), exc.retry_after)
            return False
        self._link.succeeded()
        return True

    def drain(
        self,
        *,
        due_only: bool = True,
        deadline: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> DrainResult:
        """Upload queued scans until the queue is empty, a call fails, or ``deadline``
        (a ``time.monotonic()`` value) passes. ``due_only=False`` also retries scans that
        are waiting out their own backoff (what ``kiosk sync`` and "try now" want).

        Only while holding the data folder's upload lock: with a ``deadline`` it waits for
        another process's upload round to end (``on_wait(holder)`` says so once); without,
        it leaves the work to that process and looks again in a moment."""
        wait = 0.0 if deadline is None else max(0.0, deadline - time.monotonic())
        with self._upload_lock.held(wait, on_wait) as got:
            self._lock_busy = not got
            if not got:
                return DrainResult(
                    0, f"{self._upload_lock.holder().capitalize()} is uploading.", busy=True
                )
            return self._round.run(due_only, deadline)
