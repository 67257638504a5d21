"""One gate for every call the kiosk makes to the API: how many may be in flight, who goes
first, and when the server asked everyone to wait.

- At most ``limit`` requests are in flight across the clients sharing the gate (the kiosk
  passes ``upload.concurrency``): a 10,000-scan backlog never floods the server.
- Door lookups go first: a waiting lookup takes the next free slot before any upload, and
  when the limit is 2 or more, uploads leave one slot free for the door, so a lookup never
  queues behind a batch upload (with a limit of 1 it may wait for the one in flight).
- A 429's Retry-After holds every call, lookups and uploads alike, until it has passed: a
  call made before then fails at once with :class:`RateLimited` (the door decides offline,
  the uploader waits) instead of asking the server again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from kiosk.tiketo.errors import ApiUnreachable, RateLimited


class RequestGate:
    """Thread-safe; share one between the lookup and the upload client."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._door_slots = 1 if self.limit > 1 else 0  # held back from uploads
        self._cond = threading.Condition()
        self._in_flight = 0
        self._doors_waiting = 0
        self._not_before = 0.0  # time.monotonic() before which nothing is sent
        self.most_in_flight = 0  # for tests and benches

    @property
    def upload_slots(self) -> int:
        """How many uploads may be in flight at once (the limit, less the door's slot)."""
        return self.limit - self._door_slots

    @property
    def in_flight(self) -> int:
        with self._cond:
            return self._in_flight

    def retry_after_left(self) -> float:
        """Seconds left of the server's last Retry-After (0 when none is in force)."""
        with self._cond:
            return max(0.0, self._not_before - time.monotonic())

    def hold_off(self, seconds: float) -> None:
        """The server said Retry-After ``seconds``: no call goes out before then."""
        with self._cond:
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    @contextmanager
    def slot(self, *, door: bool, ends_at: float) -> Iterator[None]:
        """Hold one in-flight slot for the block; wait for one until ``ends_at``
        (time.monotonic)."""
        with self._cond:
            left = self._not_before - time.monotonic()
            if left > 0:
                raise RateLimited("The Tiketo server asked us to slow down.", left)
            if door:
                self._doors_waiting += 1
            try:
                while not self._free(door):
                    wait = ends_at - time.monotonic()
                    if wait <= 0:
                        raise ApiUnreachable(
                            "The kiosk's connections to the Tiketo server stayed busy."
                        )
                    self._cond.wait(min(wait, 1.0))
            finally:
                if door:
                    self._doors_waiting -= 1
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    def _free(self, door: bool) -> bool:
        if door:
            return self._in_flight < self.limit
        return self._doors_waiting == 0 and self._in_flight < self.limit - self._door_slots
