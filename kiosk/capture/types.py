"""Plain data the capture layer hands out: detections, frames, camera state.

Nothing here knows about Qt; the UI wraps the worker's callbacks into signals.
"""

from __future__ import annotations

import base64
import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Point = tuple[float, float]
# Four corners in frame pixels: top-left, top-right, bottom-right, bottom-left (of the symbol,
# so a rotated code gives a rotated quadrilateral the UI can draw as a polygon).
Quad = tuple[Point, Point, Point, Point]


@dataclass(frozen=True)
class Detection:
    """One decoded barcode.

    ``text`` is the payload exactly as encoded: no trimming, control characters and trailing
    spaces kept. When the symbol holds bytes that are not text (``binary`` is True) and those
    bytes are not valid UTF-8, ``text`` maps each byte to the code point of the same value
    (Latin-1), which is lossless and never produces U+FFFD replacement characters; ``raw``
    always holds the bytes themselves.
    """

    text: str
    format: str  # the kiosk's format name, e.g. "QRCode", "EAN13" (see kiosk.capture.formats)
    position: Quad
    raw: bytes = b""
    binary: bool = False
    backend: str = "zxing-cpp"

    @property
    def center(self) -> Point:
        xs = [p[0] for p in self.position]
        ys = [p[1] for p in self.position]
        return (sum(xs) / 4, sum(ys) / 4)

    @property
    def size(self) -> float:
        """Length of the longer diagonal: a scale for 'near' when comparing positions."""
        (x0, y0), _, (x2, y2), _ = self.position
        _, (x1, y1), _, (x3, y3) = self.position
        return float(
            max(
                ((x2 - x0) ** 2 + (y2 - y0) ** 2) ** 0.5,
                ((x3 - x1) ** 2 + (y3 - y1) ** 2) ** 0.5,
                1.0,
            )
        )

    def bounds(self) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) bounding box of the corners, in whole pixels."""
        xs = [p[0] for p in self.position]
        ys = [p[1] for p in self.position]
        return int(min(xs)), int(min(ys)), int(max(xs)) + 1, int(max(ys)) + 1

    def as_json(self) -> dict[str, Any]:
        """The ``kiosk decode --json`` shape; binary payloads add their bytes as base64."""
        out: dict[str, Any] = {
            "text": self.text,
            "format": self.format,
            "position": [[round(x, 1), round(y, 1)] for x, y in self.position],
        }
        if self.binary:
            out["binary"] = True
            out["base64"] = base64.b64encode(self.raw).decode("ascii")
        return out


@dataclass
class Frame:
    """One image from a frame source (BGR or grey uint8)."""

    image: np.ndarray
    timestamp: float  # time.monotonic() when the frame was read
    index: int = 0
    # What the frame really shows, when the source knows (the synthetic source does): the
    # code text, or None for a frame without a code. Used by tests and the latency benchmark.
    truth: str | None = None


@dataclass(frozen=True)
class SourceInfo:
    """What a source actually delivers (cameras may ignore the requested values)."""

    name: str
    width: int
    height: int
    fps: float


class CameraState(enum.StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    RECONNECTING = "reconnecting"
    ENDED = "ended"  # a file source without looping reached its end
    STOPPED = "stopped"


@dataclass(frozen=True)
class StateChange:
    state: CameraState
    message: str  # one plain sentence for staff, e.g. "Camera disconnected; retrying in 2 s."
    info: SourceInfo | None = None
    retry_in: float | None = None


@dataclass
class Preview:
    """A frame for the preview with the outlines of what was read most recently."""

    frame: Frame
    detections: list[Detection] = field(default_factory=list)
