"""The background uploader: drains the journal's queue into createScanEvent calls.

Runs in its own thread with a small pool (``upload.concurrency``) so the door never waits
for it. While offline it probes the API (a cheap ``projects`` query) on the backoff schedule
in :mod:`kiosk.scanning.connectivity`, and drains the queue as soon as the probe succeeds.

Scans go up in batches (several aliased createScanEvent mutations per request, see
:mod:`kiosk.tiketo.batch`), sized by :mod:`kiosk.scanning.batching`; each scan's answer is
read back from its alias, so one refused scan does not fail the others. The client's request
gate (:mod:`kiosk.tiketo.gate`) keeps uploads behind door lookups and within
``upload.concurrency`` requests in flight.

A scan is marked uploaded only after the server confirmed it. A crash between the server's
answer and that journal update re-sends the scan later with the same ``scanId`` in ``data``,
which is how the server side recognises the retry. Every process on one data folder (the
screen, ``kiosk scan``, ``kiosk sync``) uploads only while it holds the folder's upload lock
(:mod:`kiosk.journal.lock`) and reads the queue afresh under it, so no two send one scan.

A scan the server refuses (GraphQL errors, or an answer without an event id) is "rejected":
the server answered, so it is not an outage and the kiosk stays online. It must not hold up
the queue either: it is retried on its own slow schedule (about a minute, doubling up to
an hour), behind the others; it is never deleted, and ``kiosk sync`` retries it at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.journal import Journal, JournalUnavailable, PendingUpload
from kiosk.journal.lock import UploadLock
from kiosk.logs import log_event
from kiosk.scanning.batching import BatchSizer, split
from kiosk.scanning.connectivity import Connectivity, rejected_retry_at
from kiosk.scanning.followups import FollowUpSender
from kiosk.tiketo import RetryLater, TiketoClient, Unauthorized, UnreadableAnswer
from kiosk.tiketo.batch import NotAttempted, ScanEventInput
from kiosk.tiketo.errors import RequestTooLarge, TimedOut
from kiosk.tiketo.transport import deadline as call_deadline

log = logging.getLogger(__name__)

IDLE_WAKEUP_SECONDS = 30.0
DEFAULT_BATCH_SIZE = 100
PRUNE_EVERY_SECONDS = 3600.0  # a kiosk left running for days keeps its journal bounded
LOCK_BUSY_RETRY_SECONDS = 2.0  # another process was uploading: look again this soon


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def scan_event_data(item: PendingUpload, device: str) -> dict[str, Any]:
    """The AWSJSON ``data`` of a createScanEvent: enough for the server to spot a retry.
    ``device`` is the name the scan was made under (``device`` for scans from before
    scans kept theirs)."""
    return {
        "scanId": item.scan_id,
        "scannedAt": iso_utc(item.scanned_at),
        "device": item.device or device,
        "mode": item.mode,
        "offline": item.offline,
        "source": item.source,
    }


@dataclass(frozen=True)
class DrainResult:
    uploaded: int
    stopped_because: str | None  # why it stopped before the queue was empty, if it did
    busy: bool = False  # another process held the upload lock the whole time


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
        self._device = device
        self._identity = None if workspace is None else (device, workspace)
        self._clock = clock
        self._concurrency = max(1, concurrency)
        self.sizer = BatchSizer(batch_size)
        self._pool = ThreadPoolExecutor(
            max_workers=self._concurrency, thread_name_prefix="kiosk-upload"
        )
        self._drain_lock = threading.Lock()  # one drain at a time: no scan uploaded twice
        self.upload_lock = UploadLock(journal.path.with_name(journal.path.name + ".upload-lock"))
        self._lock_busy = False  # the last drain found another process uploading
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._force = False
        self._thread: threading.Thread | None = None
        self._last_prune = time.monotonic()
        # Steps owed after scan events (void, wallet message), sent under the same lock.
        self.follow_ups = FollowUpSender(journal, client, connectivity, clock)
        # Lowest-priority work once the queue is empty (templates, cached passes).
        self.upkeep: Callable[[Callable[[], bool]], object] | None = None

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
        self._pool.shutdown(wait=True, cancel_futures=True)

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
        with self.upload_lock.held(wait, on_wait) as got:
            self._lock_busy = not got
            if not got:
                return DrainResult(
                    0, f"{self.upload_lock.holder().capitalize()} is uploading.", busy=True
                )
            return self._drain_locked(due_only, deadline)

    def _drain_locked(self, due_only: bool, deadline: float | None) -> DrainResult:
        uploaded = 0
        stopped: str | None = None
        rejected: set[str] = set()
        slots = self._client.gate.upload_slots
        with self._drain_lock:
            while stopped is None:
                if deadline is not None and time.monotonic() >= deadline:
                    stopped = "Time ran out before every scan was uploaded."
                    break
                size = self.sizer.size
                room = size * slots
                # Scans rejected in this drain stay queued; skip them (the limit allows for them).
                due = [
                    item
                    for item in self._journal.due_uploads(
                        self._clock() if due_only else None, room + len(rejected), self._identity
                    )
                    if item.scan_id not in rejected
                ][:room]
                if not due:
                    break
                futures = [
                    (chunk, self._pool.submit(self._upload_batch, chunk, deadline))
                    for chunk in split(due, size, slots)
                ]
                for chunk, future in futures:
                    for item, outcome in zip(chunk, _results(future, len(chunk)), strict=True):
                        if outcome is None:
                            uploaded += 1
                        elif isinstance(outcome, NotAttempted) or stopped is not None:
                            continue  # queued still: the next round sends it
                        else:
                            stopped = self._handle_failure(item, outcome)
                            if isinstance(outcome, UnreadableAnswer):
                                rejected.add(item.scan_id)
                            if stopped is not None:
                                for _, pending in futures:
                                    pending.cancel()
            if stopped is None:  # then the steps owed after confirmed scan events
                _, stopped = self.follow_ups.send_due(due_only, deadline, self._identity)
        return DrainResult(uploaded, stopped)

    def _upload_batch(
        self, items: list[PendingUpload], ends_at: float | None
    ) -> list[Exception | None]:
        """Send ``items`` in one request (by the drain's deadline, if any) and record the
        server's confirmations in one transaction; one outcome per item: None (uploaded),
        an exception, or _SEND_AGAIN (the batch was too large: it goes again, smaller)."""
        if self._stop.is_set() and self._thread is not None:
            return [RetryLater("The kiosk is shutting down.")] * len(items)
        scans = [
            ScanEventInput(
                item.code,
                item.reward_points,
                True if item.voids_pass else None,
                scan_event_data(item, self._device),
            )
            for item in items
        ]
        try:
            with call_deadline(float("inf") if ends_at is None else ends_at):
                results = self._client.create_scan_events(scans)
        except RequestTooLarge as exc:
            if len(items) == 1:
                return [exc]
            self.sizer.shrink(len(items), too_large=True)
            return [_SEND_AGAIN] * len(items)
        except (RetryLater, Unauthorized, UnreadableAnswer) as exc:
            if isinstance(exc, TimedOut) and len(items) > 1:
                self.sizer.shrink(len(items))
            return [exc] * len(items)
        except Exception as exc:  # e.g. the client was closed under us at shutdown
            return [RetryLater(f"The upload was interrupted ({type(exc).__name__}).")] * len(items)
        confirmed = [
            (item.scan_id, result.id or None)
            for item, result in zip(items, results, strict=True)
            if not isinstance(result, Exception)
        ]
        try:
            self._journal.mark_uploaded_many(confirmed, self._clock())
        except JournalUnavailable as exc:
            return [exc] * len(items)
        self.sizer.grow()
        for item, result in zip(items, results, strict=True):
            if not isinstance(result, Exception):
                self.follow_ups.note_receipt(item, result)
                # No id: recorded before a refused scan emptied the batch's answer.
                log_event(
                    log,
                    "upload",
                    result="ok",
                    scan_id=item.scan_id,
                    event_id=result.id or "unanswered",
                    attempt=item.attempts + 1,
                )
        return [result if isinstance(result, Exception) else None for result in results]

    def _handle_failure(self, item: PendingUpload, outcome: Exception) -> str | None:
        """Record what went wrong; returns why draining must stop, or None to go on."""
        if isinstance(outcome, UnreadableAnswer):  # the server answered: not an outage
            self._reject(item, outcome)
            return None
        now = self._clock()
        log_event(
            log,
            "upload",
            logging.WARNING,
            result="failed",
            scan_id=item.scan_id,
            attempt=item.attempts + 1,
            error=type(outcome).__name__,
            reason=str(outcome),
        )
        if isinstance(outcome, Unauthorized):
            self._link.unauthorized(str(outcome), now)
        elif isinstance(outcome, RetryLater):
            self._link.failed(str(outcome), now, outcome.retry_after)
        else:
            # The journal could not record the server's answer (say, the disk is full): back
            # off like an outage instead of re-sending the same scan in a tight loop.
            self._link.failed(str(outcome), now)
        return str(outcome)

    def _reject(self, item: PendingUpload, error: UnreadableAnswer) -> None:
        retry_at = rejected_retry_at(
            "upload", item.scan_id, item.attempts + 1, str(error), self._clock()
        )
        try:
            self._journal.mark_rejected(item.scan_id, str(error), retry_at)
        except JournalUnavailable:
            log.exception("Could not record the failed upload of %s", item.scan_id)


_SEND_AGAIN = NotAttempted("The batch was too large; it is sent again in smaller ones.")


def _results(future: Future[list[Exception | None]], count: int) -> list[Exception | None]:
    if future.cancelled():
        return [RetryLater("The upload was cancelled.")] * count
    return future.result()
