"""Camera and barcode reading, with no Qt in sight.

The UI uses :class:`CaptureWorker` (threads + callbacks) with a :class:`FrameSource`
(:class:`CameraSource`, :class:`FileSource` or :class:`SyntheticSource`), and
:class:`WedgeDecoder` through ``kiosk.ui.wedge`` for USB keyboard-wedge scanners.
"""

from kiosk.capture.debounce import Debouncer
from kiosk.capture.decoder import Decoder, looks_like_code
from kiosk.capture.factory import source_from_settings, worker_from_settings
from kiosk.capture.sources import (
    CameraSource,
    EndOfStream,
    FileSource,
    FrameSource,
    SourceUnavailable,
    list_cameras,
    resolve_camera,
)
from kiosk.capture.synthetic import SyntheticScript, SyntheticSource, demo_codes
from kiosk.capture.types import CameraState, Detection, Frame, Preview, SourceInfo, StateChange
from kiosk.capture.wedge import WedgeDecoder, WedgeResult
from kiosk.capture.worker import CaptureStats, CaptureWorker, ScanEvent

__all__ = [
    "CameraSource",
    "CameraState",
    "CaptureStats",
    "CaptureWorker",
    "Debouncer",
    "Decoder",
    "Detection",
    "EndOfStream",
    "FileSource",
    "Frame",
    "FrameSource",
    "Preview",
    "ScanEvent",
    "SourceInfo",
    "SourceUnavailable",
    "StateChange",
    "SyntheticScript",
    "SyntheticSource",
    "WedgeDecoder",
    "WedgeResult",
    "demo_codes",
    "list_cameras",
    "looks_like_code",
    "resolve_camera",
    "source_from_settings",
    "worker_from_settings",
]
