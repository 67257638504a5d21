"""Drawing barcodes with zxing-cpp's writer: phone-screen frames for the synthetic camera and
the benchmark corpus. Kept apart from the sources so both can share it."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
import zxingcpp


@lru_cache(maxsize=64)
def barcode_image(text: str | bytes, fmt: str, module_px: int = 1) -> np.ndarray:
    """Black-on-white grey image of one symbol with its quiet zone, ``module_px`` per module."""
    barcode = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, fmt))
    image = np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=module_px))
    image.setflags(write=False)
    return image


def linear_height(image: np.ndarray, fmt: str) -> np.ndarray:
    """zxing-cpp draws 1D codes short; give them a printed-ticket height (~1/3 of width)."""
    if fmt in ("QRCode", "Aztec", "DataMatrix", "PDF417"):
        return image
    h, w = image.shape[:2]
    want = max(h, w // 3)
    return cv2.resize(image, (w, want), interpolation=cv2.INTER_NEAREST) if want > h else image


def phone_screen(text: str | bytes, fmt: str, code_px: int = 300) -> np.ndarray:
    """A BGR picture of a phone showing a wallet pass with the code, about 2:1 tall."""
    symbol = linear_height(barcode_image(text, fmt), fmt)
    h, w = symbol.shape[:2]
    scale = code_px / max(w, h)
    symbol = cv2.resize(
        symbol, (max(int(w * scale), 1), max(int(h * scale), 1)), interpolation=cv2.INTER_NEAREST
    )
    sh, sw = symbol.shape[:2]
    linear = fmt not in ("QRCode", "Aztec", "DataMatrix", "PDF417")
    # A long 1D code fills the screen's width on a wallet pass; a square one leaves a margin.
    screen_w = int(max(sw, sh) * (1.08 if linear else 1.35))
    screen_h = int(screen_w * (0.9 if linear else 1.9))
    bezel = max(screen_w // 18, 4)
    phone = np.full((screen_h + 2 * bezel, screen_w + 2 * bezel, 3), 30, np.uint8)  # body
    screen = np.full((screen_h, screen_w, 3), 252, np.uint8)
    header = screen_h // 5
    screen[:header] = (140, 70, 20)  # the pass's coloured header strip
    cv2.putText(
        screen,
        "Tiketo",
        (screen_w // 12, header // 2 + 8),
        cv2.FONT_HERSHEY_SIMPLEX,
        screen_w / 400,
        (255, 255, 255),
        max(screen_w // 200, 1),
        cv2.LINE_AA,
    )
    top = header + (screen_h - header - sh) // 2
    left = (screen_w - sw) // 2
    screen[top : top + sh, left : left + sw] = symbol[:, :, None]
    phone[bezel : bezel + screen_h, bezel : bezel + screen_w] = screen
    return phone


def place(
    background: np.ndarray,
    picture: np.ndarray,
    center: tuple[float, float],
    tilt: float = 0.0,
    rotate_deg: float = 0.0,
) -> None:
    """Paste ``picture`` into ``background`` (in place) with a mild perspective and rotation.

    ``tilt`` (0 to ~0.3) narrows one side as if the phone leaned back.
    """
    ph, pw = picture.shape[:2]
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    dx = pw * tilt / 2
    dst = np.array(
        [[dx - pw / 2, -ph / 2], [pw / 2 - dx, -ph / 2], [pw / 2, ph / 2], [-pw / 2, ph / 2]],
        dtype=np.float32,
    )
    angle = np.deg2rad(rotate_deg)
    rot = np.array(
        [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], dtype=np.float32
    )
    dst = dst @ rot.T + np.array(center, dtype=np.float32)
    bh, bw = background.shape[:2]
    # Warp only into the picture's bounding box: warping the whole frame costs 5-10x more.
    x0, y0 = np.clip(np.floor(dst.min(axis=0)), 0, [bw, bh]).astype(int)
    x1, y1 = np.clip(np.ceil(dst.max(axis=0)) + 1, 0, [bw, bh]).astype(int)
    if x1 <= x0 or y1 <= y0:
        return
    local = (dst - np.array([x0, y0], dtype=np.float32)).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, local)
    region = background[y0:y1, x0:x1]
    cv2.warpPerspective(
        picture,
        matrix,
        (x1 - x0, y1 - y0),
        dst=region,
        borderMode=cv2.BORDER_TRANSPARENT,
        flags=cv2.INTER_LINEAR,
    )


def backdrop(width: int, height: int, seed: int = 0) -> np.ndarray:
    """A dim, uneven room-like background (BGR) so frames are not a flat colour."""
    rng = np.random.default_rng(seed)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    base = 70 + 50 * ys + 20 * xs
    image = np.repeat(base[:, :, None], 3, axis=2)
    image += rng.normal(0, 4, (height, width, 1)).astype(np.float32)
    image[:, :, 0] += 10
    return np.clip(image, 0, 255).astype(np.uint8)
