"""Barcode format names: the kiosk's names (settings, JSON) and each decoder's own."""

from __future__ import annotations

from collections.abc import Iterable

import zxingcpp

from kiosk.settings import BARCODE_FORMATS

# Formats a wallet pass or printed ticket carries, by the names settings and JSON use
# (these are zxing-cpp's BarcodeFormat member names).
KNOWN_FORMATS = BARCODE_FORMATS  # one list: settings validate against it

# zbar's symbol type names -> the kiosk's. zbar reads no Aztec or DataMatrix at all.
ZBAR_TO_KIOSK = {
    "QRCODE": "QRCode",
    "PDF417": "PDF417",
    "CODE128": "Code128",
    "EAN13": "EAN13",
    "EAN8": "EAN8",
    "CODE39": "Code39",
    "CODE93": "Code93",
    "I25": "ITF",
    "UPCA": "UPCA",
    "UPCE": "UPCE",
    "CODABAR": "Codabar",
    "ISBN13": "EAN13",
    "ISBN10": "EAN13",
}
KIOSK_TO_ZBAR = {
    "QRCode": ("QRCODE",),
    "PDF417": ("PDF417",),
    "Code128": ("CODE128",),
    "EAN13": ("EAN13", "ISBN13", "ISBN10"),
    "EAN8": ("EAN8",),
    "Code39": ("CODE39",),
    "Code93": ("CODE93",),
    "ITF": ("I25",),
    "UPCA": ("UPCA", "EAN13"),
    "UPCE": ("UPCE",),
    "Codabar": ("CODABAR",),
}


def zxing_formats(names: Iterable[str] | None) -> list[zxingcpp.BarcodeFormat]:
    """zxing-cpp formats for kiosk names; None means every readable format."""
    if names is None:
        return [zxingcpp.BarcodeFormat.AllReadable]
    out = []
    for name in names:
        fmt = getattr(zxingcpp.BarcodeFormat, name, None)
        if fmt is None:
            raise ValueError(f"Unknown barcode format {name!r}")
        out.append(fmt)
    return out


def zxing_name(fmt: zxingcpp.BarcodeFormat) -> str:
    return str(getattr(fmt, "name", fmt))


def zbar_symbols(names: Iterable[str] | None) -> list[str] | None:
    """zbar symbol type names for kiosk names (None: all); empty when zbar reads none."""
    if names is None:
        return None
    out: list[str] = []
    for name in names:
        out.extend(s for s in KIOSK_TO_ZBAR.get(name, ()) if s not in out)
    return out
