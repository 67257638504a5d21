"""One upload round: the due scans go up in batches, then the follow-up steps they owe.

Scans go up in batches (several aliased createScanEvent mutations per request, see
:mod:`kiosk.tiketo.batch`), sized by :mod:`kiosk.scanning.batching`; each scan's answer is
read back from its alias, so one refused scan does not fail the others. The client's request
gate (:mod:`kiosk.tiketo.gate`) keeps uploads behind door lookups and within
``upload.concurrency`` requests in flight.

A scan is marked uploaded only after the server confirmed it. A crash between the server's
answer and that journal update re-sends the scan later with the same ``scanId`` in ``data``,
which is how the server side recognises the retry. The caller
(:class:`kiosk.scanning.uploader.Uploader`) holds the data folder's upload lock for the round.

A scan the server refuses (GraphQL errors, or an answer without an event id) is "rejected":
the server answered, so it is not an outage and the kiosk stays online. It must not hold up
the queue either: it is retried on its own slow schedule (about a minute, doubling up to
an hour), behind the others; it is never deleted, and ``kiosk sync`` retries it at once.
Any other failure takes the kiosk offline (:mod:`kiosk.scanning.connectivity`) and ends the
round.
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
from kiosk.logs import log_event
from kiosk.scanning.batching import BatchSizer, split
from kiosk.scanning.connectivity import Connectivity, rejected_retry_at
from kiosk.scanning.followups import FollowUpSender
from kiosk.tiketo import RetryLater, TiketoClient, Unauthorized, UnreadableAnswer
from kiosk.tiketo.batch import NotAttempted, ScanEventInput
from kiosk.tiketo.errors import RequestTooLarge, TimedOut
from kiosk.tiketo.transport import deadline as call_deadline

log = logging.getLogger(__name__)


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _scan_event_data(item: PendingUpload, device: str) -> dict[str, Any]:
    """The AWSJSON ``data`` of a createScanEvent: enough for the server to spot a retry.
    ``device`` is the name the scan was made under (``device`` for scans from before
    scans kept theirs)."""
    return {
        "scanId": item.scan_id,
        "scannedAt": _iso_utc(item.scanned_at),
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


class UploadRound:
    """Drains the queue, one round at a time, over its own pool of ``concurrency`` workers."""

    def __init__(
        self,
        journal: Journal,
        client: TiketoClient,
        connectivity: Connectivity,
        clock: Callable[[], datetime],
        *,
        device: str,
        identity: tuple[str, str] | None,
        concurrency: int,
        batch_size: int,
        stopping: Callable[[], bool],
    ) -> None:
        self._journal = journal
        self._client = client
        self._link = connectivity
        self._device = device
        self._identity = identity  # (device, workspace): only this device's scans, if given
        self._clock = clock
        self._stopping = stopping  # the uploader is closing: send nothing more
        self.sizer = BatchSizer(batch_size)
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, concurrency), thread_name_prefix="kiosk-upload"
        )
        self._lock = threading.Lock()  # one round at a time: no scan uploaded twice
        # Steps owed after scan events (void, wallet message), sent under the same lock.
        self._follow_ups = FollowUpSender(journal, client, connectivity, clock)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self, due_only: bool, deadline: float | None) -> DrainResult:
        """Upload queued scans until the queue is empty, a call fails, or ``deadline``
        (a ``time.monotonic()`` value) passes; then the follow-up steps that are due."""
        uploaded = 0
        stopped: str | None = None
        rejected: set[str] = set()
        slots = self._client.gate.upload_slots
        with self._lock:
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
                _, stopped = self._follow_ups.send_due(due_only, deadline, self._identity)
        return DrainResult(uploaded, stopped)

    def _upload_batch(
        self, items: list[PendingUpload], ends_at: float | None
    ) -> list[Exception | None]:
        """Send ``items`` in one request (by the drain's deadline, if any) and record the
        server's confirmations in one transaction; one outcome per item: None (uploaded),
        an exception, or _SEND_AGAIN (the batch was too large: it goes again, smaller)."""
        if self._stopping():
            return [RetryLater("The kiosk is shutting down.")] * len(items)
        scans = [
            ScanEventInput(
                item.code,
                item.reward_points,
                True if item.voids_pass else None,
                _scan_event_data(item, self._device),
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
                self._follow_ups.note_receipt(item, result)
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
