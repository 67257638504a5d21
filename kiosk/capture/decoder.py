"""Barcode decoding: zxing-cpp first, pyzbar second, on a fast path and a thorough one.

* ``decode_fast``: what every live frame gets. 8-bit grey, only the enabled formats,
  rotation/inversion search off; the region around the last detection first (local
  binariser), then the whole frame (global-histogram binariser, ~4x cheaper).
* ``decode_live``: the fast path, then (only when the frame looks like it holds a code and
  time is left in the frame's budget) thorough steps: local binariser, rotation + inversion,
  the second backend, de-skew, contrast equalisation, a softened copy. Each step's cost is
  guessed, then learned per frame size; a step that would overrun the budget is skipped, so
  the camera never falls behind.
* ``decode_still``: still images and ``kiosk decode``. Always runs raw zxing-cpp AND raw pyzbar
  on the image as given (so it reads at least what either reads alone), then, while nothing
  is found and time is left, de-skew and the other copies (equalised, rescaled, blurred
  against screen moire, sharpened, thresholded) with both binarisers and both decoders.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from kiosk.capture.formats import (
    KNOWN_FORMATS,
    ZBAR_TO_KIOSK,
    zbar_symbols,
    zxing_formats,
    zxing_name,
)
from kiosk.capture.types import Detection, Quad

log = logging.getLogger(__name__)

MIN_ITF_LENGTH = 6  # shorter ITF reads are fragments of damaged symbols (zbar's default too)
ZXING = "zxing-cpp"
ZBAR = "pyzbar"

_zbar_module: object | None = None
_zbar_checked = False


def load_zbar() -> object | None:
    """The pyzbar module, or None when libzbar is missing (said once, as a warning)."""
    global _zbar_module, _zbar_checked
    if not _zbar_checked:
        _zbar_checked = True
        try:
            from pyzbar import pyzbar  # raises ImportError when libzbar0 is not installed
        except Exception as exc:  # ImportError, OSError: a broken libzbar install
            log.warning("Second barcode decoder unavailable (libzbar missing: %s); "
                        "reading with zxing-cpp alone. On Debian: apt-get install libzbar0",
                        exc)
        else:
            _zbar_module = pyzbar
    return _zbar_module


def to_grey(image: np.ndarray) -> np.ndarray:
    """8-bit single-channel view of a BGR, BGRA or grey image (no copy when already grey)."""
    if image.ndim == 2:
        return image if image.dtype == np.uint8 else cv2.convertScaleAbs(image)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.shape[2] == 1:
        return image[:, :, 0]
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def looks_like_code(grey: np.ndarray, threshold: float = 0.18) -> bool:
    """Cheap guess (about 1 ms at 1080p) whether a frame holds something barcode-like.

    Barcodes are dense, high-contrast edges: on a ~160 px wide thumbnail, some block has a
    large share of strong-gradient pixels. Blank walls, faces and dark frames do not. Used to
    decide whether a frame the fast path could not read deserves the thorough path.
    """
    h, w = grey.shape[:2]
    scale = 320 / max(w, 1)
    small = cv2.resize(grey, (max(int(w * scale), 8), max(int(h * scale), 8)),
                       interpolation=cv2.INTER_AREA) if scale < 1 else grey
    grad = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    strong = (grad > 48).astype(np.float32)
    block = max(min(small.shape[:2]) // 6, 8)
    density = cv2.blur(strong, (block, block))
    return bool(density.max() >= threshold)


def dominant_angle(grey: np.ndarray) -> float:
    """Angle (degrees) of the strongest edge direction, from the image's structure tensor.

    Bars of a 1D code give one dominant gradient direction; rotating by this angle makes
    them vertical, which zxing-cpp and zbar need (they only try 90-degree turns).
    """
    small = grey
    if max(grey.shape) > 800:
        f = 800 / max(grey.shape)
        small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    return float(np.degrees(0.5 * np.arctan2(2 * jxy, jxx - jyy)))


def rotated(grey: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """``grey`` turned by ``angle`` degrees on a canvas big enough to hold it, and the 2x3
    matrix mapping the turned image's points back to the original's."""
    h, w = grey.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    turned = cv2.warpAffine(grey, matrix, (nw, nh), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    return turned, cv2.invertAffineTransform(matrix)


def _mapped(detections: list[Detection], back: np.ndarray) -> list[Detection]:
    """Detections found in a turned copy, with corners mapped back to the original image."""
    out = []
    for det in detections:
        pts = np.array(det.position, dtype=np.float32).reshape(-1, 1, 2)
        orig = cv2.transform(pts, back).reshape(-1, 2)
        quad: Quad = tuple((float(x), float(y)) for x, y in orig)  # type: ignore[assignment]
        out.append(Detection(det.text, det.format, quad, det.raw, det.binary, det.backend))
    return out


def _text_of(raw: bytes, text: str, binary: bool) -> str:
    if not binary:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # one code point per byte: lossless, no U+FFFD


def _from_zxing(result: zxingcpp.Barcode, scale: float, dx: float, dy: float) -> Detection:
    pos = result.position
    quad: Quad = tuple(  # type: ignore[assignment]
        (p.x * scale + dx, p.y * scale + dy)
        for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
    )
    raw = bytes(result.bytes)
    binary = result.content_type == zxingcpp.ContentType.Binary
    return Detection(_text_of(raw, result.text, binary), zxing_name(result.format), quad, raw,
                     binary, ZXING)


def _from_zbar(result: object, scale: float, dx: float, dy: float) -> Detection | None:
    fmt = ZBAR_TO_KIOSK.get(getattr(result, "type", ""))
    if fmt is None:
        return None
    raw = bytes(result.data)  # type: ignore[attr-defined]
    if fmt == "UPCA" and len(raw) == 12:
        fmt, raw = "EAN13", b"0" + raw  # zxing-cpp reports UPC-A as EAN-13 too
    points = list(result.polygon)  # type: ignore[attr-defined]
    if len(points) >= 3:
        # zbar's polygon is the hull of the scan hits; reduce it to its bounding rotated box.
        box = cv2.boxPoints(cv2.minAreaRect(np.array([(p.x, p.y) for p in points], np.float32)))
        quad_pts = _order_quad(box)
    else:
        r = result.rect  # type: ignore[attr-defined]
        quad_pts = [(r.left, r.top), (r.left + r.width, r.top),
                    (r.left + r.width, r.top + r.height), (r.left, r.top + r.height)]
    quad: Quad = tuple((x * scale + dx, y * scale + dy) for x, y in quad_pts)  # type: ignore
    try:
        text, binary = raw.decode("utf-8"), False
    except UnicodeDecodeError:
        text, binary = raw.decode("latin-1"), True
    return Detection(text, fmt, quad, raw, binary, ZBAR)


def _order_quad(points: np.ndarray) -> list[tuple[float, float]]:
    """Corners ordered top-left, top-right, bottom-right, bottom-left."""
    pts = [(float(x), float(y)) for x, y in points]
    s = sorted(pts, key=lambda p: p[0] + p[1])
    tl, br = s[0], s[-1]
    rest = [p for p in pts if p not in (tl, br)] or [tl, br]
    tr = max(rest, key=lambda p: p[0] - p[1])
    bl = min(rest, key=lambda p: p[0] - p[1])
    return [tl, tr, br, bl]


def merge(found: list[Detection], new: Iterable[Detection]) -> None:
    """Add ``new`` detections to ``found``, one entry per symbol.

    Two readings of the same kind of code in the same place are one symbol:
    * read by different backends: the first wins (zxing-cpp's, which keeps binary payloads
      exact, over zbar's, which re-encodes bytes it takes for another character set);
    * read twice by one backend, one text inside the other: the longer one wins (zxing-cpp
      sometimes also reports a fragment of a damaged ITF or Codabar symbol).
    """
    for det in new:
        keep = True
        for i, old in enumerate(found):
            if _family(old) != _family(det) or _overlap(old, det) < 0.3:
                continue
            if old.raw == det.raw or old.backend != det.backend:
                keep = False
                break
            if det.text in old.text:
                keep = False
                break
            if old.text in det.text:
                found[i] = det
                keep = False
                break
        if keep:
            found.append(det)


def _overlap(a: Detection, b: Detection) -> float:
    """Intersection of the two bounding boxes over the smaller box's area. Boxes are grown by
    a tenth of their size first: a 1D code's corners are often one thin scan line."""

    def box(d: Detection) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = d.bounds()
        m = d.size / 10
        return x0 - m, y0 - m, x1 + m, y1 + m

    ax0, ay0, ax1, ay1 = box(a)
    bx0, by0, bx1, by1 = box(b)
    w = min(ax1, bx1) - max(ax0, bx0)
    h = min(ay1, by1) - max(ay0, by0)
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return w * h / max(smaller, 1.0)


def _confident(found: list[Detection]) -> bool:
    """Whether to stop trying: something besides ITF was read. ITF has no fixed length or
    strong framing, so a damaged symbol often yields a fragment; later steps may read it
    whole, and :func:`merge` then keeps the longer reading."""
    return any(d.format != "ITF" for d in found) or any(len(d.text) >= 14 for d in found)


def _family(det: Detection) -> str:
    """zbar reports UPC-A and UPC-E as EAN-13; treat the EAN/UPC formats as one."""
    return "EANUPC" if det.format in ("EAN13", "UPCA", "UPCE") else det.format


@dataclass
class _Step:
    name: str
    run: Callable[[], list[Detection]]
    factor: float  # guessed cost as a multiple of the fast path's, until measured


class Decoder:
    """Reads barcodes from frames and still images. One per worker thread (it keeps state:
    the region of interest and the learned cost of each thorough step)."""

    def __init__(self, formats: Sequence[str] | None = None, *, use_zbar: bool = True,
                 live_budget_s: float = 0.030, still_budget_s: float = 3.0) -> None:
        self.formats = list(formats) if formats is not None else list(KNOWN_FORMATS)
        self._zx_formats = zxing_formats(self.formats)
        self._zbar_symbols = zbar_symbols(self.formats)
        self.zbar = load_zbar() if use_zbar else None
        self.live_budget_s = live_budget_s
        self.still_budget_s = still_budget_s
        self._roi_hint: tuple[int, int, int, int] | None = None
        self._roi_time = 0.0
        self.roi_memory_s = 1.5
        self._step_cost: dict[tuple[str, tuple[int, ...]], float] = {}
        self._step_cursor = 0

    # -- backends -----------------------------------------------------------------------------

    def zxing(self, image: np.ndarray, *, formats: list[zxingcpp.BarcodeFormat] | None = None,
              fast: bool = True, binarizer: zxingcpp.Binarizer | None = None,
              scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> list[Detection]:
        results = zxingcpp.read_barcodes(
            image, formats=formats or self._zx_formats,  # type: ignore[arg-type]
            try_rotate=not fast, try_invert=not fast, try_downscale=True,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=binarizer or zxingcpp.Binarizer.LocalAverage)
        return [_from_zxing(r, scale, dx, dy) for r in results
                if r.valid and not (r.format == zxingcpp.BarcodeFormat.ITF
                                    and len(r.text) < MIN_ITF_LENGTH)]

    def zbar_decode(self, image: np.ndarray, *, all_formats: bool = False, scale: float = 1.0,
                    dx: float = 0.0, dy: float = 0.0) -> list[Detection]:
        if self.zbar is None:
            return []
        # Even for "every format" name zbar's symbols: left to itself it also runs its DataBar
        # decoder, which prints assertion failures to stderr on ordinary images.
        symbols = zbar_symbols(KNOWN_FORMATS) if all_formats else self._zbar_symbols
        if not symbols:
            return []
        zbar_symbol = self.zbar.ZBarSymbol  # type: ignore[attr-defined]
        results = self.zbar.decode(  # type: ignore[attr-defined]
            image, symbols=[getattr(zbar_symbol, s) for s in symbols])
        out = [_from_zbar(r, scale, dx, dy) for r in results]
        allowed = None if all_formats else set(self.formats) | {"EAN13"}
        return [d for d in out if d is not None and (allowed is None or d.format in allowed)]

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
            found = self.zxing(np.ascontiguousarray(grey[y0:y1, x0:x1]), dx=x0, dy=y0)
        if not found:
            found = self.zxing(grey, binarizer=zxingcpp.Binarizer.GlobalHistogram)
        self.remember(found, now)
        return found

    def decode_live(self, image: np.ndarray, now: float | None = None,
                    budget_s: float | None = None) -> list[Detection]:
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

        steps = [_Step("local binariser", lambda: self.zxing(grey), 3.0),
                 _Step("rotate+invert", lambda: self.zxing(grey, fast=False), 10.0)]
        if self.zbar is not None:
            steps.append(_Step("zbar", lambda: self.zbar_decode(grey), 3.0))
        steps.append(_Step("deskew", lambda: self._deskewed(grey), 4.0))
        steps.append(_Step("clahe", lambda: self.zxing(clahe()), 4.0))
        steps.append(_Step("soften", lambda: self.zxing(cv2.GaussianBlur(grey, (5, 5), 0)),
                           4.0))
        return steps

    def _deskewed(self, grey: np.ndarray) -> list[Detection]:
        angle = dominant_angle(grey)
        if not 3 < abs(angle) < 87:
            return []
        turned, back = rotated(grey, angle)
        return _mapped(self.zxing(turned), back)

    # -- still images -------------------------------------------------------------------------

    def decode_still(self, image: np.ndarray, budget_s: float | None = None,
                     formats: Sequence[str] | None = None) -> list[Detection]:
        """Thorough path for a still image: every backend, then extra steps on a budget.

        ``formats`` None reads every format either backend knows (not only the live ones).
        """
        start = time.perf_counter()
        budget = self.still_budget_s if budget_s is None else budget_s
        zx_formats = zxing_formats(formats) if formats is not None else zxing_formats(None)
        every = formats is None
        found: list[Detection] = []
        # 1. Raw zxing-cpp and raw pyzbar on the image exactly as given.
        merge(found, self._zx_all(image, zx_formats))
        if self.zbar is not None:
            merge(found, self._zbar_all(image, every))
        if _confident(found):
            return found
        grey = to_grey(image)
        angle = dominant_angle(grey)
        if 3 < abs(angle) < 87:  # tilted bars: turn them upright first
            turned, back = rotated(grey, angle)
            for binarizer in (None, zxingcpp.Binarizer.GlobalHistogram):
                merge(found, _mapped(self._zx_all(turned, zx_formats, binarizer), back))
            if self.zbar is not None:
                merge(found, _mapped(self._zbar_all(turned, every), back))
            if _confident(found):
                return found
        for step_image, scale in self._still_variants(grey):
            if time.perf_counter() - start > budget:
                break
            for binarizer in (None, zxingcpp.Binarizer.GlobalHistogram):
                merge(found, self._zx_all(step_image, zx_formats, binarizer, scale))
            if self.zbar is not None:
                merge(found, self._zbar_all(step_image, every, scale))
            if _confident(found):
                break
        return found

    def _zx_all(self, image: np.ndarray, formats: list[zxingcpp.BarcodeFormat],
                binarizer: zxingcpp.Binarizer | None = None,
                scale: float = 1.0) -> list[Detection]:
        return self.zxing(image, formats=formats, fast=False, binarizer=binarizer, scale=scale)

    def _zbar_all(self, image: np.ndarray, every: bool, scale: float = 1.0) -> list[Detection]:
        return self.zbar_decode(image, all_formats=every, scale=scale)

    @staticmethod
    def _still_variants(grey: np.ndarray) -> Iterable[tuple[np.ndarray, float]]:
        """Copies of the image worth another try, cheapest and likeliest first."""
        yield cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(grey), 1.0
        h, w = grey.shape[:2]
        for factor in (0.5, 0.25):  # downscaling averages away noise, blur and moire
            if min(h, w) * factor >= 100:
                small = cv2.resize(grey, (int(w * factor), int(h * factor)),
                                   interpolation=cv2.INTER_AREA)
                yield small, 1 / factor
        yield cv2.GaussianBlur(grey, (0, 0), 2.0), 1.0
        yield cv2.medianBlur(grey, 5), 1.0
        if max(h, w) <= 1600:  # tiny modules: give the binariser more pixels per module
            yield cv2.resize(grey, (w * 2, h * 2), interpolation=cv2.INTER_CUBIC), 0.5
        sharp = cv2.addWeighted(grey, 2.0, cv2.GaussianBlur(grey, (0, 0), 3), -1.0, 0)
        yield sharp, 1.0
        _, otsu = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        yield otsu, 1.0
