"""Realistic damage for generated barcode images: what phones, screens and webcams do to a
code. Used by the benchmark corpus (bench/make_corpus.py) and the decoder tests, so both
measure against the same kinds of image."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Damage = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def on_canvas(
    symbol: np.ndarray, module_scale: float, margin: float = 0.35, background: int = 235
) -> np.ndarray:
    """BGR picture of the symbol scaled to ``module_scale`` px per module on a light card."""
    h, w = symbol.shape[:2]
    scaled = cv2.resize(
        symbol,
        (max(int(w * module_scale), 1), max(int(h * module_scale), 1)),
        interpolation=cv2.INTER_NEAREST if module_scale >= 1 else cv2.INTER_AREA,
    )
    sh, sw = scaled.shape[:2]
    pad_y, pad_x = int(sh * margin) + 10, int(sw * margin) + 10
    canvas = np.full((sh + 2 * pad_y, sw + 2 * pad_x), background, np.uint8)
    canvas[pad_y : pad_y + sh, pad_x : pad_x + sw] = np.minimum(scaled, background)
    return cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR)


def perspective(image: np.ndarray, rng: np.random.Generator, strength: float = 0.12) -> np.ndarray:
    h, w = image.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    jitter = rng.uniform(-strength, strength, (4, 2)) * np.array([w, h], dtype=np.float32)
    dst = (src + jitter).astype(np.float32)
    dst -= dst.min(axis=0)
    size = (int(dst[:, 0].max()) + 1, int(dst[:, 1].max()) + 1)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(image, matrix, size, borderMode=cv2.BORDER_REPLICATE)


def rotate(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    angle = float(rng.uniform(10, 80)) * float(rng.choice([-1, 1]))
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, matrix, (nw, nh), borderMode=cv2.BORDER_REPLICATE)


def blur(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Out-of-focus plus a little motion."""
    sigma = float(rng.uniform(1.0, 2.0))
    out = cv2.GaussianBlur(image, (0, 0), sigma)
    length = int(rng.integers(3, 7))
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1 / length
    return cv2.filter2D(out, -1, kernel)


def glare(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A bright reflection blob washing out part of the code (a phone screen under lights)."""
    h, w = image.shape[:2]
    cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    radius = rng.uniform(0.15, 0.3) * max(h, w)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    blob = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2)) * rng.uniform(110, 160)
    out: np.ndarray = np.clip(image.astype(np.float32) * 0.85 + blob[:, :, None], 0, 255)
    return out.astype(np.uint8)


def noise(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sensor noise of a webcam in a dim hall, plus lowered contrast."""
    dim = image.astype(np.float32) * 0.6 + 50
    grain = rng.normal(0, rng.uniform(14, 22), image.shape[:2]).astype(np.float32)
    out: np.ndarray = np.clip(dim + grain[:, :, None], 0, 255)
    return out.astype(np.uint8)


def jpeg(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    quality = int(rng.integers(12, 25))
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
    if decoded is None:
        raise RuntimeError("JPEG round trip failed")
    return np.asarray(decoded)


def moire(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone screen filmed by a camera: sub-pixel grid interference, slight blur, a tint."""
    h, w = image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    period = rng.uniform(2.6, 3.6)
    angle = rng.uniform(0, np.pi)
    wave = np.sin((xs * np.cos(angle) + ys * np.sin(angle)) * 2 * np.pi / period)
    beat = np.sin((xs * np.sin(angle) - ys * np.cos(angle)) * 2 * np.pi / (period * 7))
    pattern = (wave * 18 + beat * 12)[:, :, None]
    tint = np.array([1.0, 0.95, 0.85], dtype=np.float32)
    tinted = image.astype(np.float32) * tint + pattern
    return np.asarray(cv2.GaussianBlur(np.clip(tinted, 0, 255).astype(np.uint8), (3, 3), 0))


DAMAGES: dict[str, tuple[float, list[Damage]]] = {
    # name: (pixels per module, damage steps)
    "clean": (3.0, []),
    "small": (1.4, []),  # tiny modules: a code far from the camera
    "large": (12.0, [jpeg]),  # a code filling the frame
    "perspective": (4.0, [perspective]),
    "rotated": (4.0, [rotate]),
    "blur": (5.0, [blur]),
    "glare": (4.0, [glare]),
    "noise": (3.0, [noise]),
    "jpeg": (3.0, [jpeg]),
    "moire": (4.0, [moire, jpeg]),
    "phone": (3.0, [perspective, moire, blur, jpeg]),  # all at once
}


def damaged(symbol: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """``symbol`` (grey, 1 px per module) on a card, scaled and damaged as ``kind`` says."""
    scale, steps = DAMAGES[kind]
    image = on_canvas(symbol, scale)
    for step in steps:
        image = step(image, rng)
    return image
