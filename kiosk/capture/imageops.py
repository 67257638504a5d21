"""Image helpers the decoders share: grey conversion, a cheap "is there a code" guess, the
dominant edge angle, turning an image upright and mapping corners back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cv2
import numpy as np

from kiosk.capture.types import Detection, Point, Quad


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
    small = (
        cv2.resize(
            grey, (max(int(w * scale), 8), max(int(h * scale), 8)), interpolation=cv2.INTER_AREA
        )
        if scale < 1
        else grey
    )
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
    turned = cv2.warpAffine(
        grey, matrix, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return turned, cv2.invertAffineTransform(matrix)


def quad(
    points: Iterable[Sequence[float]], scale: float = 1.0, dx: float = 0.0, dy: float = 0.0
) -> Quad:
    """Four corners (top-left first, clockwise) as a :data:`Quad`, scaled then shifted:
    where a reading in a scaled or cropped copy lies in the original image."""
    tl, tr, br, bl = (_point(p, scale, dx, dy) for p in points)
    return tl, tr, br, bl


def _point(p: Sequence[float], scale: float, dx: float, dy: float) -> Point:
    return float(p[0]) * scale + dx, float(p[1]) * scale + dy


def mapped(detections: list[Detection], back: np.ndarray) -> list[Detection]:
    """Detections found in a turned copy, with corners mapped back to the original image."""
    out = []
    for det in detections:
        pts = np.array(det.position, dtype=np.float32).reshape(-1, 1, 2)
        orig = cv2.transform(pts, back).reshape(-1, 2)
        out.append(Detection(det.text, det.format, quad(orig), det.raw, det.binary, det.backend))
    return out


def order_quad(points: np.ndarray) -> list[tuple[float, float]]:
    """Corners ordered top-left, top-right, bottom-right, bottom-left."""
    pts = [(float(x), float(y)) for x, y in points]
    s = sorted(pts, key=lambda p: p[0] + p[1])
    tl, br = s[0], s[-1]
    rest = [p for p in pts if p not in (tl, br)] or [tl, br]
    tr = max(rest, key=lambda p: p[0] - p[1])
    bl = min(rest, key=lambda p: p[0] - p[1])
    return [tl, tr, br, bl]
