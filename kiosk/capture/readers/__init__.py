"""Barcode readers behind one interface (:class:`BarcodeReader`), one module per library,
and the factory that builds the second one only when its native library loads."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from kiosk.capture.readers.base import BarcodeReader, Binarizer, ReaderUnavailable
from kiosk.capture.readers.zbar import INSTALL_HINT, ZbarReader, load_pyzbar
from kiosk.capture.readers.zxing import ZxingReader

log = logging.getLogger(__name__)

__all__ = [
    "BarcodeReader",
    "Binarizer",
    "ReaderUnavailable",
    "ZbarReader",
    "ZxingReader",
    "load_pyzbar",
    "zbar_reader",
]


def zbar_reader(formats: Sequence[str] | None = None) -> ZbarReader | None:
    """The zbar reader, or None when libzbar cannot be loaded (said once, as a warning:
    the kiosk reads with zxing-cpp alone)."""
    try:
        return ZbarReader(list(formats) if formats is not None else None)
    except ReaderUnavailable as exc:
        _warn_once(str(exc))
        return None


@functools.cache
def _warn_once(problem: str) -> None:
    log.warning(
        "Second barcode decoder unavailable (%s); reading with zxing-cpp alone. %s",
        problem,
        INSTALL_HINT,
    )
