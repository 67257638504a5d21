"""Online/offline state and when to try the API next (exponential backoff with jitter).

The kiosk goes offline on the first failed call and comes back by itself: a background probe
retries after 1 s, 2 s, 4 s ... up to ``upload.max_backoff_seconds``, each delay jittered so
a venue's kiosks do not all hit the server at the same instant when it returns, and never
sooner than the server's Retry-After. A refused token is not retried: it needs people.

Retry times run on the monotonic clock: a wall clock stepped back six hours during an outage
must not put the next probe six hours away. Wall-clock times (``offline_since``,
``next_retry_at``) are only for showing.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.logs import log_event

log = logging.getLogger(__name__)

FIRST_DELAY_SECONDS = 1.0
REJECTED_RETRY_STEP = 6  # backoff_delay(attempt + step): the first retry ~32-64 s later
REJECTED_MAX_RETRY_SECONDS = 3600.0
REVOKED = "The Tiketo server refused this kiosk's token: provision the device again."


def backoff_delay(
    failures: int,
    max_seconds: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after ``failures`` consecutive failures ("equal jitter": the delay is
    drawn from [d/2, d] with d doubling), at least ``retry_after`` when the server gave one."""
    ceiling = min(max_seconds, FIRST_DELAY_SECONDS * 2 ** max(0, min(failures - 1, 30)))
    delay = (rng or random).uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def rejected_retry_at(
    event: str, scan_id: str, attempt: int, reason: str, now: datetime, **fields: object
) -> datetime:
    """When to send again what the server refused (a scan event, a follow-up step), and the
    log line saying so. The server answered, so it is not an outage; the refused item must not
    hold up the queue either: it waits on its own slow schedule (about a minute, doubling up to
    an hour) behind the others. ``fields`` lead the log line (e.g. the follow-up's step)."""
    delay = backoff_delay(attempt + REJECTED_RETRY_STEP, REJECTED_MAX_RETRY_SECONDS)
    log_event(
        log,
        event,
        logging.WARNING,
        **fields,
        result="rejected",
        scan_id=scan_id,
        attempt=attempt,
        retry_seconds=round(delay),
        reason=reason,
    )
    return now + timedelta(seconds=delay)


def sentence(text: str) -> str:
    """One line ending with a full stop, whatever the server's message looked like."""
    line = " ".join(text.split())
    return line if line.endswith((".", "!", "?")) else line + "."


@dataclass(frozen=True)
class LinkState:
    online: bool
    offline_since: datetime | None
    reason: str | None
    next_retry_at: datetime | None
    needs_provisioning: bool


class Connectivity:
    """Thread-safe state shared by the door (scan) and the background uploader."""

    def __init__(
        self,
        max_backoff_seconds: float,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_backoff = max_backoff_seconds
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._online = True
        self._offline_since: datetime | None = None
        self._reason: str | None = None
        self._retry_at: float | None = None  # on the monotonic clock
        self._failures = 0
        self._needs_provisioning = False

    @property
    def online(self) -> bool:
        with self._lock:
            return self._online and not self._needs_provisioning

    @property
    def needs_provisioning(self) -> bool:
        with self._lock:
            return self._needs_provisioning

    def failed(self, reason: str, now: datetime, retry_after: float | None = None) -> None:
        """A call failed in a way worth retrying: go (or stay) offline, schedule the probe."""
        with self._lock:
            if self._online:
                self._online = False
                self._offline_since = now
                log_event(log, "connectivity", logging.WARNING, state="offline", reason=reason)
            self._failures += 1
            self._reason = sentence(reason)
            delay = backoff_delay(self._failures, self._max_backoff, retry_after, self._rng)
            self._retry_at = self._monotonic() + delay

    def succeeded(self) -> None:
        with self._lock:
            if not self._online:
                log_event(log, "connectivity", state="online")
            self._online = True
            self._offline_since = None
            self._reason = None
            self._retry_at = None
            self._failures = 0

    def unauthorized(self, reason: str, now: datetime) -> None:
        """The token was refused: stop calling the API until the device is provisioned again.
        (``reason``, the client's wording, goes to the log; staff see :data:`REVOKED`.)"""
        log.warning("API refused the device token: %s", reason)
        with self._lock:
            self._needs_provisioning = True
            if self._online:
                self._online = False
                self._offline_since = now
            self._reason = REVOKED
            self._retry_at = None

    def probe_due(self, now: datetime | None = None, force: bool = False) -> bool:
        """Offline, allowed to retry, and the wait is over (or ``force``). ``now`` (wall
        clock) is not used: the wait is measured on the monotonic clock."""
        with self._lock:
            if self._online or self._needs_provisioning:
                return False
            return force or self._retry_at is None or self._monotonic() >= self._retry_at

    def seconds_until_retry(self, now: datetime | None = None) -> float | None:
        with self._lock:
            if self._online or self._needs_provisioning or self._retry_at is None:
                return None
            return max(0.0, self._retry_at - self._monotonic())

    def snapshot(self, now: datetime | None = None) -> LinkState:
        """The state; ``next_retry_at`` is shown on the wall clock ``now`` (default: now)."""
        with self._lock:
            next_retry_at = None
            if self._retry_at is not None:
                wall = now or datetime.now(UTC)
                next_retry_at = wall + timedelta(
                    seconds=max(0.0, self._retry_at - self._monotonic())
                )
            return LinkState(
                self._online and not self._needs_provisioning,
                self._offline_since,
                self._reason,
                next_retry_at,
                self._needs_provisioning,
            )
