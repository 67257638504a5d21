"""A camera that films a phone showing the demo passes one after another.

Used by ``kiosk demo`` (no webcam needed), the tests and the latency benchmark. Each code is
in view for ``show_seconds`` then the phone leaves for ``gap_seconds``, so every pass is a
new scan. Frames carry ``truth`` (the code in view or None).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.capture.render import backdrop, phone_screen, place
from kiosk.capture.sources import EndOfStream, FrameSource
from kiosk.capture.types import Frame, SourceInfo

WALLET_FORMATS = ("QRCode", "Aztec", "PDF417", "Code128")
SHOW_SECONDS = 2.0
GAP_SECONDS = 0.7


def demo_codes() -> list[str]:
    """The demo server's passes, then one it does not know."""
    from kiosk.demo.passes import UNKNOWN_CODE, seed_passes

    return [p.code for p in seed_passes()] + [UNKNOWN_CODE]


@dataclass(frozen=True)
class SyntheticScript:
    """What the synthetic camera shows: ``codes`` in turn (None: :func:`demo_codes`), each in
    view for ``show_seconds``, then an empty counter for ``gap_seconds``. The settings'
    ``camera.device = "synthetic"`` shows the default; ``kiosk demo`` passes its own order to
    ``kiosk.capture.factory.source_from_settings``. The fields are named as
    :class:`SyntheticSource`'s arguments."""

    codes: tuple[str, ...] | None = None
    show_seconds: float = SHOW_SECONDS
    gap_seconds: float = GAP_SECONDS


class SyntheticSource(FrameSource):
    """Renders codes into frames at ``fps``.

    ``realtime`` paces ``read()`` to the frame rate like a camera; without it frames come as
    fast as they are asked for (tests, throughput benchmarks) and the timeline is virtual.
    """

    def __init__(
        self,
        codes: Sequence[str] | None = None,
        *,
        width: int = 1280,
        height: int = 720,
        fps: float = 30.0,
        formats: Sequence[str] = WALLET_FORMATS,
        show_seconds: float = SHOW_SECONDS,
        gap_seconds: float = GAP_SECONDS,
        noise: float = 3.0,
        motion: bool = True,
        realtime: bool = True,
        loop: bool = True,
        seed: int = 0,
    ) -> None:
        self.codes = list(codes) if codes is not None else demo_codes()
        if not self.codes:
            raise ValueError("SyntheticSource needs at least one code")
        self.width, self.height, self.fps = width, height, float(fps)
        self.formats = list(formats)
        self.show_seconds, self.gap_seconds = show_seconds, gap_seconds
        self.noise, self.motion, self.realtime, self.loop = noise, motion, realtime, loop
        self._rng = np.random.default_rng(seed)
        self._backdrop = backdrop(width, height, seed)
        self._phones: dict[tuple[str, str], np.ndarray] = {}
        self._noise: list[np.ndarray] = []
        self._index = 0
        self._next_due = 0.0
        self.name = f"synthetic {width}x{height}@{fps:g}"

    def open(self) -> SourceInfo:
        self._index = 0
        self._next_due = time.monotonic()
        return SourceInfo(self.name, self.width, self.height, self.fps)

    def close(self) -> None:
        pass

    def shown_at(self, index: int) -> tuple[str | None, str | None]:
        """(code, format) in view in frame ``index``, or (None, None) between passes."""
        t = index / self.fps
        period = self.show_seconds + self.gap_seconds
        slot = int(t // period)
        if not self.loop and slot >= len(self.codes):
            return None, None
        if t - slot * period >= self.show_seconds:
            return None, None
        return self.codes[slot % len(self.codes)], self.formats[slot % len(self.formats)]

    @property
    def finished(self) -> bool:
        period = self.show_seconds + self.gap_seconds
        return not self.loop and self._index / self.fps >= period * len(self.codes)

    def render(self, index: int) -> Frame:
        code, fmt = self.shown_at(index)
        image = self._backdrop.copy()
        if code is not None and fmt is not None:
            phone = self._phone(code, fmt)
            t = index / self.fps
            wobble = (np.sin(t * 2.1) * 0.02, np.cos(t * 1.7) * 0.02) if self.motion else (0, 0)
            center = (self.width * (0.5 + wobble[0]), self.height * (0.5 + wobble[1]))
            place(
                image,
                phone,
                center,
                tilt=0.06 if self.motion else 0.0,
                rotate_deg=float(np.sin(t) * 4) if self.motion else 0.0,
            )
        if self.noise > 0:
            image = cv2.add(image, self._noise_field(index), dtype=cv2.CV_8U)
        return Frame(image, time.monotonic(), index, truth=code)

    def _phone(self, code: str, fmt: str) -> np.ndarray:
        """The phone picture for a code, drawn and sized to the frame once."""
        phone = self._phones.get((code, fmt))
        if phone is None:
            phone = phone_screen(code, fmt, code_px=int(min(self.width, self.height) * 1.2))
            scale = min(0.9 * self.height / phone.shape[0], 0.8 * self.width / phone.shape[1])
            phone = cv2.resize(phone, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            self._phones[(code, fmt)] = phone
        return phone

    def _noise_field(self, index: int) -> np.ndarray:
        """Sensor noise, drawn once for a few frames and cycled (drawing it per frame would
        cost more than rendering the frame)."""
        if not self._noise:
            for _ in range(4):
                grain = self._rng.normal(0, self.noise, (self.height, self.width))
                self._noise.append(cv2.merge([grain.astype(np.float32)] * 3))
        return self._noise[index % len(self._noise)]

    def read(self) -> Frame | None:
        if self.finished:
            raise EndOfStream("synthetic source finished")
        if self.realtime:
            delay = self._next_due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next_due = max(self._next_due + 1 / self.fps, time.monotonic() - 1 / self.fps)
        frame = self.render(self._index)
        self._index += 1
        return frame
