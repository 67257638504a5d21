"""zxing-cpp, the kiosk's first reader: fast, exact with binary payloads, every format."""

from __future__ import annotations

import numpy as np
import zxingcpp

from kiosk.capture.formats import zxing_formats, zxing_name
from kiosk.capture.imageops import quad
from kiosk.capture.readers.base import BarcodeReader, Binarizer
from kiosk.capture.types import Detection

MIN_ITF_LENGTH = 6  # shorter ITF reads are fragments of damaged symbols (zbar's default too)
BINARIZERS = {
    Binarizer.LOCAL: zxingcpp.Binarizer.LocalAverage,
    Binarizer.GLOBAL: zxingcpp.Binarizer.GlobalHistogram,
}


class ZxingReader(BarcodeReader):
    name = "zxing-cpp"

    def __init__(self, formats: list[str] | None = None) -> None:
        super().__init__(formats)
        self._formats = zxingcpp.BarcodeFormats(zxing_formats(self.formats))
        self._every = zxingcpp.BarcodeFormats(zxing_formats(None))

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
        results = zxingcpp.read_barcodes(
            image,
            formats=self._every if every_format else self._formats,
            try_rotate=thorough,
            try_invert=thorough,
            try_downscale=True,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=BINARIZERS[binarizer],
        )
        return [
            self._detection(r, scale, dx, dy)
            for r in results
            if r.valid
            and not (r.format == zxingcpp.BarcodeFormat.ITF and len(r.text) < MIN_ITF_LENGTH)
        ]

    def _detection(self, result: zxingcpp.Barcode, scale: float, dx: float, dy: float) -> Detection:
        pos = result.position
        corners = [
            (p.x, p.y) for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        ]
        raw = bytes(result.bytes)
        binary = result.content_type == zxingcpp.ContentType.Binary
        return Detection(
            _text_of(raw, result.text, binary),
            zxing_name(result.format),
            quad(corners, scale, dx, dy),
            raw,
            binary,
            self.name,
        )


def _text_of(raw: bytes, text: str, binary: bool) -> str:
    if not binary:
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # one code point per byte: lossless, no U+FFFD
