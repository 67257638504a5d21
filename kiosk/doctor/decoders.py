"""Decoder checks: each backend must read a code it was just shown, not merely import.

A round trip (generate a QR code in memory, decode it) proves the native library loads and
works, which is what breaks on a fresh venue PC (missing libzbar, missing VC++ runtime).
"""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Any

from kiosk.doctor.model import CheckResult, fail, ok, warn

SAMPLE_TEXT = "TIKETO-DOCTOR-1"


def sample_image() -> Any:
    """A greyscale numpy image holding one QR code with :data:`SAMPLE_TEXT`."""
    try:
        import numpy as np
        import zxingcpp

        barcode = zxingcpp.create_barcode(SAMPLE_TEXT, zxingcpp.BarcodeFormat.QRCode)
        return np.array(zxingcpp.write_barcode_to_image(barcode, scale=4))
    except Exception:  # zxing-cpp missing or too old: OpenCV can draw one too
        import cv2

        matrix = cv2.QRCodeEncoder.create().encode(SAMPLE_TEXT)
        return cv2.resize(matrix, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)


def zxing_check() -> CheckResult:
    name = "decoder.zxing-cpp"
    try:  # the reader scanning uses (kiosk/capture/readers/), not a second way to call it
        from kiosk.capture.readers import ZxingReader
    except ImportError as exc:
        return fail(
            name,
            f"zxing-cpp cannot be loaded ({exc}).",
            "Reinstall the kiosk: zxing-cpp is its main barcode decoder.",
        )
    try:
        texts = [found.text for found in ZxingReader(["QRCode"]).read(sample_image())]
    except Exception as exc:
        return fail(
            name,
            f"zxing-cpp failed to decode a test code ({exc}).",
            "Reinstall the kiosk: zxing-cpp is its main barcode decoder.",
        )
    if SAMPLE_TEXT not in texts:
        return fail(
            name,
            "zxing-cpp loaded but did not read a test QR code.",
            "Reinstall the kiosk: its barcode decoder is broken.",
        )
    version = _version("zxing-cpp")
    return ok(name, f"zxing-cpp {version} reads QR codes.".replace("  ", " "))


def pyzbar_check() -> CheckResult:
    name = "decoder.pyzbar"
    try:
        from kiosk.capture.readers import ReaderUnavailable, ZbarReader
    except ImportError as exc:
        return warn(
            name, f"The second decoder (pyzbar/zbar) cannot be loaded ({exc}).", _zbar_advice()
        )
    try:
        reader = ZbarReader(["QRCode"])
    except ReaderUnavailable as exc:  # libzbar is missing or broken
        return warn(
            name, f"The second decoder (pyzbar/zbar) is not available ({exc}).", _zbar_advice()
        )
    try:
        texts = [found.text for found in reader.read(sample_image())]
    except Exception as exc:
        return warn(name, f"pyzbar failed to decode a test code ({exc}).", _zbar_advice())
    if SAMPLE_TEXT not in texts:
        return warn(name, "pyzbar loaded but did not read a test QR code.", _zbar_advice())
    return ok(name, "pyzbar with libzbar reads QR codes (second decoder for damaged codes).")


def _zbar_advice() -> str:
    if sys.platform.startswith("win"):
        return (
            "Install the Microsoft Visual C++ 2013 redistributable (x64), which zbar needs; "
            "scanning still works with zxing-cpp alone."
        )
    if sys.platform == "darwin":
        return "Run 'brew install zbar'; scanning still works with zxing-cpp alone."
    return "Run 'sudo apt-get install libzbar0'; scanning still works with zxing-cpp alone."


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # a bundle may not ship package metadata
        return ""
