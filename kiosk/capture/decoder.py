"""Live scheduling and the still-image pipeline over the barcode readers.

The readers (kiosk/capture/readers/: zxing-cpp first, zbar second) only read; this module
decides what they read and when, on a fast path and a thorough one:

* ``decode_fast``: what every live frame gets. 8-bit grey, only the enabled formats,
  rotation/inversion search off; the region around the last detection first (local
  binariser), then the whole frame (global-histogram binariser, ~4x cheaper).
* ``decode_live``: the fast path, then (only when the frame looks like it holds a code and
  time is left in the frame's budget) thorough steps: local binariser, rotation + inversion,
  the second reader, de-skew, contrast equalisation, a softened copy. Each step's cost is
  guessed, then learned per frame size; a step that would overrun the budget is skipped, so
  the camera never falls behind.
* ``decode_still``: still images and ``kiosk decode``. Always runs raw zxing-cpp AND raw zbar
  on the image as given (so it reads at least what either reads alone), then, while nothing
  is found and time is left, de-skew and the other copies (equalised, rescaled, blurred
  against screen moire, sharpened, thresholded) with both binarisers and both readers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.capture.formats import KNOWN_FORMATS
from kiosk.capture.imageops import dominant_angle, looks_like_code, mapped, rotated, to_grey
from kiosk.capture.merging import confident, merge
from kiosk.capture.readers import Binarizer, ZbarReader, ZxingReader, zbar_reader
from kiosk.capture.types import Detection

__all__ = ["Decoder", "looks_like_code", "to_grey"]
BINARIZERS = (Binarizer.LOCAL, Binarizer.GLOBAL)


@dataclass
class _Step:
    name: str
    run: Callable[[], list[Detection]]
    factor: float  # guessed cost as a multiple of the fast path's, until measured


class Decoder:
    """Reads barcodes from frames and still images. One per worker thread (it keeps state:
    the region of interest and the learned cost of each thorough step)."""

    def __init__(
        self,
        formats: Sequence[str] | None = None,
        *,
        use_zbar: bool = True,
        live_budget_s: float = 0.030,
        still_budget_s: float = 3.0,
    ) -> None:
        self.formats = list(formats) if formats is not None else list(KNOWN_FORMATS)
        self.zxing = ZxingReader(self.formats)
        self.zbar: ZbarReader | None = zbar_reader(self.formats) if use_zbar else None
        self.live_budget_s = live_budget_s
        self.still_budget_s = still_budget_s
        self._roi_hint: tuple[int, int, int, int] | None = None
        self._roi_time = 0.0
        self.roi_memory_s = 1.5
        self._step_cost: dict[tuple[str, tuple[int, ...]], float] = {}
        self._step_cursor = 0

    # -- live frames --------------------------------------------------------------------------

    def remember(self, detections: Sequence[Detection], now: float) -> None:
        """Centre the next frame's region of interest on these detections."""
        if not detections:
            return
        boxes = [d.bounds() for d in detections]
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[2] for b in boxes)
        y1 = max(b[3] for b in boxes)
        self._roi_hint, self._roi_time = (x0, y0, x1, y1), now

    def _roi(self, shape: tuple[int, ...], now: float) -> tuple[int, int, int, int] | None:
        if self._roi_hint is None or now - self._roi_time > self.roi_memory_s:
            return None
        h, w = shape[:2]
        x0, y0, x1, y1 = self._roi_hint
        mx, my = max(x1 - x0, 40), max(y1 - y0, 40)  # the code may have moved by its own size
        rx0, ry0 = max(0, x0 - mx), max(0, y0 - my)
        rx1, ry1 = min(w, x1 + mx), min(h, y1 + my)
        if rx1 - rx0 < 16 or ry1 - ry0 < 16 or (rx1 - rx0) * (ry1 - ry0) > 0.6 * w * h:
            return None
        return rx0, ry0, rx1, ry1

    def decode_fast(self, image: np.ndarray, now: float | None = None) -> list[Detection]:
        """Fast path: grey, enabled formats, no rotation/inversion search.

        The region around the last detection goes first, with zxing-cpp's local binariser
        (robust to blur and uneven light, and cheap on a small region); then the whole frame
        with the global-histogram binariser, about 4x faster than the local one on a full
        frame and as good on sharp frames. A blurred frame it misses gets the local
        binariser as the first thorough step.
        """
        now = time.monotonic() if now is None else now
        grey = to_grey(image)
        roi = self._roi(grey.shape, now)
        found: list[Detection] = []
        if roi is not None:
            x0, y0, x1, y1 = roi
            found = self.zxing.read(np.ascontiguousarray(grey[y0:y1, x0:x1]), dx=x0, dy=y0)
        if not found:
            found = self.zxing.read(grey, binarizer=Binarizer.GLOBAL)
        self.remember(found, now)
        return found

    def decode_live(
        self, image: np.ndarray, now: float | None = None, budget_s: float | None = None
    ) -> list[Detection]:
        """Fast path, then thorough steps while the frame's time budget allows.

        A step runs only if its expected cost fits in what is left of the budget: learned
        per step and frame size as steps run, guessed from the fast path's time before that.
        The local-binariser step (blurred frames) goes first; the others take turns across
        frames, so a code-like frame the fast path cannot read gets each affordable step
        within a few frames instead of the same first one every time.
        """
        start = time.perf_counter()
        now = time.monotonic() if now is None else now
        budget = self.live_budget_s if budget_s is None else budget_s
        found = self.decode_fast(image, now)
        fast_cost = time.perf_counter() - start
        if found or budget <= 0:
            return found
        grey = to_grey(image)
        if not looks_like_code(grey):
            return found
        first, *rest = self._live_steps(grey)
        cursor = self._step_cursor % max(len(rest), 1)
        for position, step in enumerate([first, *rest[cursor:], *rest[:cursor]]):
            key = (step.name, grey.shape)
            elapsed = time.perf_counter() - start
            expected = self._step_cost.get(key, step.factor * fast_cost)
            if elapsed + expected > budget:
                continue
            t0 = time.perf_counter()
            result = step.run()
            cost = time.perf_counter() - t0
            old = self._step_cost.get(key)
            self._step_cost[key] = cost if old is None else 0.7 * old + 0.3 * cost
            if position > 0:
                self._step_cursor = (cursor + position) % len(rest)
            if result:
                self.remember(result, now)
                return result
        return found

    def _live_steps(self, grey: np.ndarray) -> list[_Step]:
        """The thorough steps for a live frame, with a guess of each one's cost as a
        multiple of the fast path's (measured at 720p; replaced by real costs as they run)."""

        def clahe() -> np.ndarray:
            return np.asarray(cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(grey))

        read = self.zxing.read
        steps = [
            _Step("local binariser", lambda: read(grey), 3.0),
            _Step("rotate+invert", lambda: read(grey, thorough=True), 10.0),
        ]
        zbar = self.zbar
        if zbar is not None:
            steps.append(_Step("zbar", lambda: zbar.read(grey), 3.0))
        steps.append(_Step("deskew", lambda: self._deskewed(grey), 4.0))
        steps.append(_Step("clahe", lambda: read(clahe()), 4.0))
        steps.append(_Step("soften", lambda: read(cv2.GaussianBlur(grey, (5, 5), 0)), 4.0))
        return steps

    def _deskewed(self, grey: np.ndarray) -> list[Detection]:
        angle = dominant_angle(grey)
        if not 3 < abs(angle) < 87:
            return []
        turned, back = rotated(grey, angle)
        return mapped(self.zxing.read(turned), back)

    # -- still images -------------------------------------------------------------------------

    def decode_still(
        self, image: np.ndarray, budget_s: float | None = None, formats: Sequence[str] | None = None
    ) -> list[Detection]:
        """Thorough path for a still image: every reader, then extra steps on a budget.

        ``formats`` None reads every format either reader knows (not only the live ones).
        """
        start = time.perf_counter()
        budget = self.still_budget_s if budget_s is None else budget_s
        every = formats is None
        zxing = self.zxing if every else ZxingReader(list(formats or ()))
        zbar = self.zbar

        def read_all(
            picture: np.ndarray,
            found: list[Detection],
            scale: float = 1.0,
            back: np.ndarray | None = None,
        ) -> None:
            """Both binarisers and both readers on ``picture``, merged into ``found``."""
            readings = [
                zxing.read(
                    picture, thorough=True, every_format=every, binarizer=binarizer, scale=scale
                )
                for binarizer in BINARIZERS
            ]
            if zbar is not None:
                readings.append(zbar.read(picture, every_format=every, scale=scale))
            for reading in readings:
                merge(found, reading if back is None else mapped(reading, back))

        found: list[Detection] = []
        # 1. Raw zxing-cpp and raw zbar on the image exactly as given.
        merge(found, zxing.read(image, thorough=True, every_format=every))
        if zbar is not None:
            merge(found, zbar.read(image, every_format=every))
        if confident(found):
            return found
        grey = to_grey(image)
        angle = dominant_angle(grey)
        if 3 < abs(angle) < 87:  # tilted bars: turn them upright first
            turned, back = rotated(grey, angle)
            read_all(turned, found, back=back)
            if confident(found):
                return found
        for step_image, scale in self._still_variants(grey):
            if time.perf_counter() - start > budget:
                break
            read_all(step_image, found, scale)
            if confident(found):
                break
        return found

    @staticmethod
    def _still_variants(grey: np.ndarray) -> Iterable[tuple[np.ndarray, float]]:
        """Copies of the image worth another try, cheapest and likeliest first."""
        yield cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(grey), 1.0
        h, w = grey.shape[:2]
        for factor in (0.5, 0.25):  # downscaling averages away noise, blur and moire
            if min(h, w) * factor >= 100:
                small = cv2.resize(
                    grey, (int(w * factor), int(h * factor)), interpolation=cv2.INTER_AREA
                )
                yield small, 1 / factor
        yield cv2.GaussianBlur(grey, (0, 0), 2.0), 1.0
        yield cv2.medianBlur(grey, 5), 1.0
        if max(h, w) <= 1600:  # tiny modules: give the binariser more pixels per module
            yield cv2.resize(grey, (w * 2, h * 2), interpolation=cv2.INTER_CUBIC), 0.5
        sharp = cv2.addWeighted(grey, 2.0, cv2.GaussianBlur(grey, (0, 0), 3), -1.0, 0)
        yield sharp, 1.0
        _, otsu = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        yield otsu, 1.0
