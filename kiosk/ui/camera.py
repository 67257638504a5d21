"""Bridges the capture worker (plain threads, callbacks) to the UI thread (signals).

The worker calls back on its own threads. Preview frames are converted to a small QImage
right there (QImage is safe off the UI thread; QPixmap is not) and only the newest one is
kept: if the UI has not painted the previous frame yet, no second signal is queued, so a
busy UI thread can never fall behind a 30 fps camera.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QImage, QPolygonF

from kiosk.capture.types import CameraState
from kiosk.settings import CameraSettings

if TYPE_CHECKING:
    from kiosk.capture import CaptureWorker, FrameSource, Preview, ScanEvent, StateChange

PREVIEW_MAX_WIDTH = 960
PREVIEW_MIN_INTERVAL = 1 / 20  # 20 fps is smooth enough to aim a phone


class CaptureBridge(QObject):
    previewReady = Signal()  # pull the frame with take_preview()
    scanned = Signal(str)
    stateChanged = Signal(object, str)  # CameraState, the worker's sentence

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest: tuple[QImage, list[QPolygonF]] | None = None
        self._signalled = False
        self._last_preview = 0.0
        self.worker: CaptureWorker | None = None
        self.state = CameraState.STOPPED

    def start(self, camera: CameraSettings, source: FrameSource | None = None) -> None:
        """Start the worker the [camera] settings describe (the one construction path,
        ``kiosk.capture.factory.worker_from_settings``); ``source`` replaces the device the
        settings name (the demo's scripted phone, the tests' synthetic camera)."""
        from kiosk.capture.factory import worker_from_settings

        self.stop()
        self.worker = worker_from_settings(
            camera,
            source=source,
            on_scan=self._on_scan,
            on_preview=self._on_preview,
            on_state=self._on_state,
        )
        self.worker.start()

    def stop(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()

    def hold(self, code: str) -> None:
        """The verdict for ``code`` is up: do not read it again for the hold time."""
        if self.worker is not None:
            self.worker.hold(code)

    def take_preview(self) -> tuple[QImage, list[QPolygonF]] | None:
        with self._lock:
            latest, self._latest = self._latest, None
            self._signalled = False
        return latest

    # -- worker threads -----------------------------------------------------------------------

    def _on_scan(self, event: ScanEvent) -> None:
        self.scanned.emit(event.code)

    def _on_state(self, change: StateChange) -> None:
        self.stateChanged.emit(change.state, change.message)

    def _on_preview(self, preview: Preview) -> None:
        now = time.monotonic()
        if now - self._last_preview < PREVIEW_MIN_INTERVAL and not preview.detections:
            return
        self._last_preview = now
        image, factor = _to_qimage(preview.frame.image)
        outlines = [
            QPolygonF([QPointF(x * factor, y * factor) for x, y in d.position])
            for d in preview.detections
        ]
        with self._lock:
            self._latest = (image, outlines)
            if self._signalled:
                return
            self._signalled = True
        self.previewReady.emit()


def _to_qimage(frame: np.ndarray) -> tuple[QImage, float]:
    """A detached RGB QImage at most PREVIEW_MAX_WIDTH wide, and the scale applied."""
    height, width = frame.shape[:2]
    factor = min(1.0, PREVIEW_MAX_WIDTH / max(width, 1))
    if factor < 1.0:
        frame = cv2.resize(
            frame, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA
        )
    if frame.ndim == 2:
        fmt = QImage.Format.Format_Grayscale8
    else:
        fmt = QImage.Format.Format_BGR888
    frame = np.ascontiguousarray(frame)
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, frame.strides[0], fmt).copy(), factor


# Builds the frame source for the [camera] settings; a factory returning None means no camera.
SourceFactory = Callable[[CameraSettings], "FrameSource | None"]


def camera_source(camera: CameraSettings) -> FrameSource | None:
    """The screen's default: the device ``camera.device`` names (a webcam, 'synthetic' or
    'file:PATH'), read by ``kiosk.capture.factory.source_from_settings`` as for the doctor."""
    from kiosk.capture.factory import source_from_settings

    return source_from_settings(camera)
