"""Real barcode images for the capture tests, drawn with zxing-cpp's writer."""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.capture.render import barcode_image, linear_height

# A payload each format can hold (numeric formats get digits without their check digit).
PAYLOADS = {
    "QRCode": "TKT-VALID-0001",
    "Aztec": "TKT-VALID-0001",
    "PDF417": "TKT-VALID-0001",
    "Code128": "TKT-VALID-0001",
    "DataMatrix": "TKT-VALID-0001",
    "EAN13": "590123412345",
    "EAN8": "9638507",
    "Code39": "TKT-0001",
    "Code93": "TKT-0001",
    "ITF": "12345678",
    "UPCA": "03600029145",
    "UPCE": "0123456",
    "Codabar": "A123456B",
}
# What a reader returns for those payloads (check digits added, UPC-A read as EAN-13).
EXPECTED = {
    **PAYLOADS,
    "EAN13": "5901234123457",
    "EAN8": "96385074",
    "UPCA": "0036000291452",
    "UPCE": "0012345000065",  # zxing-cpp 3 gives UPC-E as its 13-digit GTIN
}
READ_AS = {"UPCA": "EAN13"}


def symbol(text: str | bytes, fmt: str, module_px: int = 3) -> np.ndarray:
    return linear_height(barcode_image(text, fmt, module_px), fmt)


def frame_with(
    code: np.ndarray,
    width: int = 1280,
    height: int = 720,
    x: int = 100,
    y: int = 80,
    background: int = 190,
) -> np.ndarray:
    """A grey camera-sized frame with ``code`` pasted at (x, y)."""
    frame = np.full((height, width), background, np.uint8)
    h, w = code.shape[:2]
    frame[y : y + h, x : x + w] = code
    return frame


def as_bgr(grey: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
