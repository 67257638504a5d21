"""Telling a USB barcode scanner ("keyboard wedge") from a person at the keyboard.

Scanners type a whole code in a burst, a few milliseconds per key, usually followed by Enter;
people leave 80 ms or more between keys. Pure logic with the time passed in, so the timing
rules are tested without a keyboard or a clock; ``kiosk.ui.wedge`` is the thin Qt part.

Rules (``max_interval`` 30 ms, ``silence`` 100 ms, ``min_length`` 4 by default):

* keys are held back while they arrive less than ``max_interval`` apart;
* Enter (or Tab: some scanners send it as their suffix) after a held-back burst of at least
  ``min_length`` keys ends a scan (the suffix is consumed); a burst of at least
  ``min_length`` keys followed by ``silence`` without a key ends a scan too (scanners
  configured without a suffix);
* anything else is a person typing: held-back keys are released (``forward``) as soon as
  the next key is slow or ``max_interval`` passes, in their original order, and their Enter
  passes through.

Two things a loaded PC does are undone rather than guessed at. Keys released as a person's
(a key stalled on its way and the next one seemed slow) are taken back (``reclaim``) when the
next key's own time shows it followed them within ``max_interval``: they were the start of a
burst. And once a scanner has ended a scan with a suffix, a burst ends on silence only after
``suffix_grace`` (1 s): a stall of the GUI thread longer than ``silence`` then waits for the
Enter instead of cutting the code in two.

Times are whatever clock the caller uses, as long as it is one clock: the Qt side passes the
X server's key timestamps, so keys are timed when they were typed, not when a busy GUI thread
got round to them. A time that goes backwards (the server's millisecond counter wrapped, or
it restarted) ends the run of keys rather than joining two unrelated ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class WedgeResult:
    scan: str | None = None  # a complete scanned code, exactly as typed
    forward: list[Any] = field(default_factory=list)  # payloads of keys a person typed
    reclaim: list[Any] = field(default_factory=list)  # forwarded earlier, part of a burst
    pass_enter: bool = False  # the Enter/Tab was not a scan suffix: deliver it normally


@dataclass
class _Key:
    char: str
    time: float
    payload: Any


class WedgeDecoder:
    def __init__(
        self,
        max_interval: float = 0.030,
        silence: float = 0.100,
        min_length: int = 4,
        suffix_grace: float = 1.0,
    ) -> None:
        self.max_interval, self.silence, self.min_length = max_interval, silence, min_length
        self.suffix_grace = suffix_grace
        self.suffix_seen = False  # a scan ended with Enter/Tab: this scanner sends a suffix
        self._keys: list[_Key] = []
        self._released: list[_Key] = []  # the last keys forwarded, while still reclaimable

    @property
    def pending(self) -> bool:
        return bool(self._keys)

    def next_deadline(self) -> float | None:
        """When :meth:`poll` should next run (monotonic seconds), or None when idle."""
        if not self._keys:
            return None
        last = self._keys[-1].time
        return last + (self._burst_silence() if self._is_burst() else self.max_interval)

    def key(self, char: str, now: float, payload: Any = None) -> WedgeResult:
        """A printable key was pressed. ``payload`` comes back in ``forward`` if a person
        typed it (the Qt filter passes the event's details to replay it)."""
        result = WedgeResult()
        if self._keys and not 0 <= now - self._keys[-1].time <= self.max_interval:
            result = self._finish()
        elif (
            not self._keys
            and self._released
            and 0 <= now - self._released[-1].time <= self.max_interval
        ):
            result.reclaim = [k.payload for k in self._released]
            self._keys, self._released = self._released, []
        self._keys.append(_Key(char, now, payload if payload is not None else char))
        return result

    def enter(self, now: float) -> WedgeResult:
        """Enter, Return or Tab (a scanner's suffix, or a person's key) was pressed."""
        if self._is_burst() and 0 <= now - self._keys[-1].time <= self._burst_silence():
            self.suffix_seen = True
            return WedgeResult(scan=self._take())
        result = self._release()
        self._released = []  # a person's Enter: those keys are theirs for good
        result.pass_enter = True
        return result

    def other_key(self) -> WedgeResult:
        """A non-printable key (arrow, Backspace, a shortcut): a person is at the keyboard."""
        result = self._finish()
        self._released = []
        return result

    def poll(self, now: float) -> WedgeResult:
        """Time passed without a key: release a person's keys, or end a no-Enter scan."""
        if not self._keys:
            return WedgeResult()
        quiet = now - self._keys[-1].time
        if self._is_burst():
            return (
                WedgeResult(scan=self._take()) if quiet >= self._burst_silence() else WedgeResult()
            )
        return self._release() if quiet > self.max_interval else WedgeResult()

    def _burst_silence(self) -> float:
        return max(self.silence, self.suffix_grace) if self.suffix_seen else self.silence

    def _is_burst(self) -> bool:
        return len(self._keys) >= self.min_length

    def _finish(self) -> WedgeResult:
        """The current run of keys is over: a scan if it was a burst, else a person's."""
        if self._is_burst():
            return WedgeResult(scan=self._take())
        return self._release()

    def _take(self) -> str:
        code = "".join(k.char for k in self._keys)
        self._keys.clear()
        self._released = []
        return code

    def _release(self) -> WedgeResult:
        payloads = [k.payload for k in self._keys]
        self._released, self._keys = self._keys, []
        return WedgeResult(forward=payloads)
