"""Turning per-frame readings into scans: one scan per presentation of a code.

Pure logic with the time passed in, so tests need no clock.

* A code seen in consecutive frames is one scan, however long it stays in view. Brief misses
  (a frame or two the decoder could not read, up to ``gap_seconds``) do not split it.
* A code must be read in ``confirmations`` frames of one presentation before it counts.
* After a code counts (and again when its verdict is shown, via :meth:`hold`), the same code
  is ignored for ``hold_seconds`` even if it leaves and comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.capture.types import Detection


@dataclass
class _Seen:
    first: float
    last: float
    reads: int
    counted: bool = False


class Debouncer:
    def __init__(
        self, confirmations: int = 1, hold_seconds: float = 3.0, gap_seconds: float = 0.5
    ) -> None:
        if confirmations < 1:
            raise ValueError("confirmations must be at least 1")
        self.confirmations = confirmations
        self.hold_seconds = hold_seconds
        self.gap_seconds = gap_seconds
        self._seen: dict[str, _Seen] = {}
        self._held_until: dict[str, float] = {}

    def feed(self, detections: Iterable[Detection], now: float) -> list[Detection]:
        """One frame's readings in; the detections that are new scans out."""
        self._forget(now)
        scans: list[Detection] = []
        in_frame: set[str] = set()
        for det in detections:
            key = det.text
            if key in in_frame:
                continue  # two copies of one code in a frame are one reading
            in_frame.add(key)
            seen = self._seen.get(key)
            if seen is None:
                seen = self._seen[key] = _Seen(now, now, 0)
            seen.last = now
            seen.reads += 1
            if seen.counted or seen.reads < self.confirmations:
                continue
            seen.counted = True  # this presentation is spent, counted or held
            if self._held_until.get(key, float("-inf")) > now:
                continue
            self._held_until[key] = now + self.hold_seconds
            scans.append(det)
        return scans

    def hold(self, code: str, now: float) -> None:
        """Ignore ``code`` for ``hold_seconds`` from ``now`` (call when its verdict shows)."""
        self._held_until[code] = max(self._held_until.get(code, now), now + self.hold_seconds)

    def is_held(self, code: str, now: float) -> bool:
        return self._held_until.get(code, float("-inf")) > now

    def _forget(self, now: float) -> None:
        for key in [k for k, s in self._seen.items() if now - s.last > self.gap_seconds]:
            del self._seen[key]
        for key in [k for k, until in self._held_until.items() if until <= now]:
            del self._held_until[key]
