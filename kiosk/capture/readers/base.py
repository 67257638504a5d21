"""The one interface every barcode library is used through (as Electrum's ``qrreader``).

A reader is built for a list of the kiosk's format names and reads every code of those
formats in an image. The decoder (kiosk/capture/decoder.py) decides which reader runs on
which copy of a frame and when; a reader only translates between its library and
:class:`~kiosk.capture.types.Detection`.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from kiosk.capture.formats import KNOWN_FORMATS
from kiosk.capture.types import Detection


class ReaderUnavailable(Exception):
    """The reader's native library cannot be loaded; the message says which and why."""


class Binarizer(enum.Enum):
    """How a reader that binarises (zxing-cpp) turns grey into black and white."""

    LOCAL = "local"  # robust to blur and uneven light
    GLOBAL = "global"  # about 4x cheaper on a whole frame, as good on sharp ones


class BarcodeReader(abc.ABC):
    name: ClassVar[str]  # the library's name, reported in Detection.backend

    def __init__(self, formats: Sequence[str] | None = None) -> None:
        self.formats = list(formats) if formats is not None else list(KNOWN_FORMATS)

    @abc.abstractmethod
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
        """Every code in ``image`` (grey or BGR), corners scaled by ``scale`` and shifted by
        (``dx``, ``dy``): where they lie in the image this one was cut or resized from.

        ``thorough`` lets the library search rotations and inverted codes (slower);
        ``every_format`` reads every format the library knows instead of ``formats``.
        """
