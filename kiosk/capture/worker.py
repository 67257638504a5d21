"""The capture worker: camera reading and decoding on their own threads, never the UI's.

Two threads, so the preview stays smooth while a frame decodes and decoding never queues:

* the reader thread opens the source, reads frames as fast as the source delivers them,
  keeps only the newest one for the decoder (older unread ones are dropped, counted in
  ``stats``), and hands every frame to ``on_preview`` with the most recent outlines;
* the decoder thread takes the newest frame, decodes it (fast path, then thorough steps on
  the frame's time budget), runs the debouncer and calls ``on_scan`` for each new scan.

A source that fails to open or stops delivering frames (camera unplugged) is reported as
``disconnected`` and reopened with exponential backoff (``reconnecting``) until it returns
(``connected``). Callbacks run on the worker's threads: the UI turns them into queued
signals and must not block in them. A callback that raises is logged, not fatal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.capture.debounce import Debouncer
from kiosk.capture.decoder import Decoder
from kiosk.capture.sources import EndOfStream, FrameSource, SourceUnavailable
from kiosk.capture.types import CameraState, Detection, Frame, Preview, SourceInfo, StateChange

log = logging.getLogger(__name__)

OUTLINE_SECONDS = 0.3  # how long an outline stays on the preview after its code was last read


@dataclass(frozen=True)
class ScanEvent:
    """A code that counts as a scan (after debounce)."""

    detection: Detection
    frame_time: float  # monotonic time the frame holding the code was read
    decided_time: float  # monotonic time the debouncer accepted it
    frame_index: int = 0

    @property
    def code(self) -> str:
        return self.detection.text


@dataclass
class CaptureStats:
    frames_read: int = 0
    frames_decoded: int = 0
    frames_dropped: int = 0  # read but replaced by a newer frame before decoding
    decode_seconds: list[float] = field(default_factory=list)  # the last 300 decode times
    reconnects: int = 0


class CaptureWorker:
    """Owns a frame source, a decoder and a debouncer; ``start()``/``stop()`` the threads."""

    def __init__(
        self,
        source: FrameSource,
        *,
        formats: Sequence[str] | None = None,
        confirmations: int = 1,
        hold_seconds: float = 3.0,
        on_scan: Callable[[ScanEvent], Any] | None = None,
        on_preview: Callable[[Preview], Any] | None = None,
        on_state: Callable[[StateChange], Any] | None = None,
        live_budget_s: float = 0.030,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 5.0,
        decoder: Decoder | None = None,
    ) -> None:
        self.source = source
        self.decoder = decoder or Decoder(formats, live_budget_s=live_budget_s)
        self.debouncer = Debouncer(confirmations, hold_seconds)
        self.on_scan, self.on_preview, self.on_state = on_scan, on_preview, on_state
        self.backoff_initial_s, self.backoff_max_s = backoff_initial_s, backoff_max_s
        self.stats = CaptureStats()
        self.state = CameraState.STOPPED
        self.info: SourceInfo | None = None
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._pending: Frame | None = None
        self._reader_done = False
        self._lock = threading.Lock()
        self._outlines: list[Detection] = []
        self._outline_time = 0.0
        self._latest_preview: Preview | None = None
        self._threads: list[threading.Thread] = []

    # -- public API ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        self._reader_done = False
        self._threads = [
            threading.Thread(target=self._read_loop, name="capture-reader", daemon=True),
            threading.Thread(target=self._decode_loop, name="capture-decoder", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop both threads and close the source. Safe to call twice."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout)
        self._threads = []

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def hold(self, code: str) -> None:
        """Ignore ``code`` for the hold time from now (call when its verdict is shown)."""
        with self._lock:
            self.debouncer.hold(code, time.monotonic())

    def latest_preview(self) -> Preview | None:
        """The newest preview frame, for a UI that coalesces preview signals."""
        with self._lock:
            return self._latest_preview

    def __enter__(self) -> CaptureWorker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- reader thread ------------------------------------------------------------------------

    def _set_state(self, state: CameraState, message: str, retry_in: float | None = None) -> None:
        self.state = state
        self._call(self.on_state, StateChange(state, message, self.info, retry_in))

    def _call(self, callback: Callable[[Any], Any] | None, arg: Any) -> None:
        if callback is None:
            return
        try:
            callback(arg)
        except Exception:
            log.exception("Capture callback %r failed", callback)

    def _open_with_backoff(self, reconnect: bool) -> bool:
        """Open the source, retrying with backoff until it opens or stop() is called."""
        delay = self.backoff_initial_s * (2 if reconnect else 1)
        while not self._stop.is_set():
            if reconnect:
                self._set_state(CameraState.RECONNECTING, f"Reconnecting to {self.source.name}…")
                self.stats.reconnects += 1
            try:
                self.info = self.source.open()
            except SourceUnavailable as exc:
                reason = str(exc)
            except Exception as exc:  # a driver error must not kill the thread
                log.exception("Opening %s failed", self.source.name)
                reason = f"{self.source.name} failed to open ({exc})."
            else:
                info = self.info
                self._set_state(
                    CameraState.CONNECTED,
                    f"{info.name} connected: {info.width}x{info.height} at {info.fps:g} fps.",
                )
                return True
            self._set_state(
                CameraState.DISCONNECTED,
                f"Camera disconnected: {reason} Retrying in {delay:g} s.",
                delay,
            )
            reconnect = True
            if self._stop.wait(delay):
                break
            delay = min(delay * 2, self.backoff_max_s)
        return False

    def _read_loop(self) -> None:
        self._set_state(CameraState.CONNECTING, f"Opening {self.source.name}…")
        reconnect = False
        try:
            while not self._stop.is_set():
                if not self._open_with_backoff(reconnect):
                    break
                reconnect = True
                if not self._pump_frames():
                    break
        finally:
            self._close_source()
            with self._cond:
                self._reader_done = True
                self._cond.notify_all()
            if self.state != CameraState.ENDED:
                self._set_state(CameraState.STOPPED, "Camera stopped.")

    def _pump_frames(self) -> bool:
        """Read until stop (False), end of stream (False) or a read failure (True: reopen)."""
        while not self._stop.is_set():
            try:
                frame = self.source.read()
            except EndOfStream as exc:
                self._set_state(CameraState.ENDED, str(exc))
                return False
            except Exception:
                log.exception("Reading from %s failed", self.source.name)
                frame = None
            if frame is None:
                self._close_source()
                self._set_state(
                    CameraState.DISCONNECTED,
                    f"Camera disconnected: {self.source.name} stopped sending "
                    f"frames. Retrying in {self.backoff_initial_s:g} s.",
                    self.backoff_initial_s,
                )
                return not self._stop.wait(self.backoff_initial_s)
            self.stats.frames_read += 1
            with self._cond:
                if self._pending is not None:
                    self.stats.frames_dropped += 1
                self._pending = frame
                self._cond.notify()
            with self._lock:
                recent = frame.timestamp - self._outline_time <= OUTLINE_SECONDS
                preview = Preview(frame, list(self._outlines) if recent else [])
                self._latest_preview = preview
            self._call(self.on_preview, preview)
        return False

    def _close_source(self) -> None:
        try:
            self.source.close()
        except Exception:
            log.exception("Closing %s failed", self.source.name)

    # -- decoder thread -----------------------------------------------------------------------

    def _decode_loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stop.is_set() and not self._reader_done:
                    self._cond.wait(0.5)
                frame, self._pending = self._pending, None
                if frame is None:
                    if self._stop.is_set() or self._reader_done:
                        return
                    continue
            if self._stop.is_set():
                return
            self._decode(frame)

    def _decode(self, frame: Frame) -> None:
        started = time.perf_counter()
        try:
            detections = self.decoder.decode_live(frame.image, frame.timestamp)
        except Exception:
            log.exception("Decoding a frame failed")
            detections = []
        elapsed = time.perf_counter() - started
        self.stats.frames_decoded += 1
        self.stats.decode_seconds.append(elapsed)
        del self.stats.decode_seconds[:-300]
        now = time.monotonic()
        with self._lock:
            # Outlines show what the newest decoded frame holds; a brief miss keeps the last
            # ones for OUTLINE_SECONDS so the outline does not flicker.
            if detections or frame.timestamp - self._outline_time > OUTLINE_SECONDS:
                self._outlines, self._outline_time = detections, frame.timestamp
            scans = self.debouncer.feed(detections, now)
        for det in scans:
            self._call(self.on_scan, ScanEvent(det, frame.timestamp, now, frame.index))
