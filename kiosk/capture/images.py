"""Loading still images for decoding: any path, EXIF rotation applied, transparency on white."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


class ImageError(Exception):
    """The file is missing or is not an image we can read; the message says which."""


def load_image(path: str | Path) -> np.ndarray:
    """BGR uint8 image from ``path``.

    Reads bytes first and decodes them (cv2.imread fails on non-ASCII paths on Windows).
    Transparent pixels become white: a black code on a transparent PNG would otherwise be
    black on black. Phone photos are turned upright by their EXIF orientation.
    """
    path = Path(path)
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except FileNotFoundError as exc:
        raise ImageError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ImageError(f"{path}: is a folder, not an image") from exc
    except OSError as exc:
        raise ImageError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if data.size == 0:
        raise ImageError(f"{path}: the file is empty")
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if image is None:
        image = _with_pillow(path)
    if image is None:
        raise ImageError(f"{path}: not an image format the kiosk can read")
    raw = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if (
        raw is not None
        and raw.ndim == 3
        and raw.shape[2] == 4
        and raw.shape[:2] == image.shape[:2]
        and raw[:, :, 3].min() < 255
    ):
        alpha = raw[:, :, 3:4].astype(np.float32) / (65535.0 if raw.dtype == np.uint16 else 255.0)
        image = (image.astype(np.float32) * alpha + 255.0 * (1 - alpha)).astype(np.uint8)
    return image


def _with_pillow(path: Path) -> np.ndarray | None:
    """Formats OpenCV lacks (e.g. GIF), when Pillow is installed."""
    try:
        from PIL import Image, ImageOps
    except ImportError:
        return None
    try:
        with Image.open(path) as img:
            rgba = ImageOps.exif_transpose(img).convert("RGBA")
    except Exception:
        return None
    array = np.asarray(rgba).astype(np.float32)
    alpha = array[:, :, 3:4] / 255.0
    rgb = array[:, :, :3] * alpha + 255.0 * (1 - alpha)
    return np.asarray(cv2.cvtColor(rgb.astype(np.uint8), cv2.COLOR_RGB2BGR))
