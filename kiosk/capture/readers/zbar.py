"""zbar through pyzbar, the second reader: it reads some damaged 1D codes zxing-cpp does
not. pyzbar loads the native libzbar when imported; without it this reader is unavailable
(the factory in kiosk/capture/readers/__init__.py says so once and goes on without it)."""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import cv2
import numpy as np

from kiosk.capture.formats import KNOWN_FORMATS, ZBAR_TO_KIOSK, zbar_symbols
from kiosk.capture.imageops import order_quad, quad
from kiosk.capture.readers.base import BarcodeReader, Binarizer, ReaderUnavailable
from kiosk.capture.types import Detection

INSTALL_HINT = "On Debian: apt-get install libzbar0"


@functools.cache
def load_pyzbar() -> ModuleType:
    """The pyzbar module (loaded once per process); ReaderUnavailable when libzbar is not."""
    try:
        import pyzbar.pyzbar  # raises ImportError when libzbar0 is not installed
    except Exception as exc:  # ImportError, OSError: a broken libzbar install
        raise ReaderUnavailable(f"libzbar missing: {exc}") from exc
    module: ModuleType = pyzbar.pyzbar  # untyped: mypy sees Any
    return module


class ZbarReader(BarcodeReader):
    name = "pyzbar"

    def __init__(self, formats: list[str] | None = None) -> None:
        super().__init__(formats)
        self._pyzbar: Any = load_pyzbar()  # untyped library: its results are read by name
        # Even for "every format" name zbar's symbols: left to itself it also runs its DataBar
        # decoder, which prints assertion failures to stderr on ordinary images.
        self._symbols = zbar_symbols(self.formats) or []
        self._every = zbar_symbols(KNOWN_FORMATS) or []
        self._allowed = set(self.formats) | {"EAN13"}

    def read(
        self,
        image: np.ndarray,
        *,
        thorough: bool = False,
        every_format: bool = False,
        binarizer: Binarizer = Binarizer.LOCAL,
        scale: float = 1.0,
        dx: float = 0.0,
        dy: float = 0.0,
    ) -> list[Detection]:
        """zbar has one way of reading: ``thorough`` and ``binarizer`` change nothing."""
        symbols = self._every if every_format else self._symbols
        if not symbols:
            return []
        kinds = self._pyzbar.ZBarSymbol
        results = self._pyzbar.decode(image, symbols=[getattr(kinds, s) for s in symbols])
        found = (self._detection(r, scale, dx, dy) for r in results)
        return [d for d in found if d is not None and (every_format or d.format in self._allowed)]

    def _detection(self, result: Any, scale: float, dx: float, dy: float) -> Detection | None:
        fmt = ZBAR_TO_KIOSK.get(getattr(result, "type", ""))
        if fmt is None:
            return None
        raw = bytes(result.data)
        if fmt == "UPCA" and len(raw) == 12:
            fmt, raw = "EAN13", b"0" + raw  # zxing-cpp reports UPC-A as EAN-13 too
        points = list(result.polygon)
        if len(points) >= 3:
            # zbar's polygon is the hull of the scan hits; reduce it to its rotated box.
            hull = np.array([(p.x, p.y) for p in points], np.float32)
            corners = order_quad(cv2.boxPoints(cv2.minAreaRect(hull)))
        else:
            r = result.rect
            corners = [
                (r.left, r.top),
                (r.left + r.width, r.top),
                (r.left + r.width, r.top + r.height),
                (r.left, r.top + r.height),
            ]
        try:
            text, binary = raw.decode("utf-8"), False
        except UnicodeDecodeError:
            text, binary = raw.decode("latin-1"), True
        return Detection(text, fmt, quad(corners, scale, dx, dy), raw, binary, self.name)
