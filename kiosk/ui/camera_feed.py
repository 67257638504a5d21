"""The camera on the screen: which capture runs, where its picture goes, what its state says.

KioskApp owns one CameraFeed (as it owns AdminActions and RegistrationFlow). It starts the
capture the ``[camera]`` settings describe, again whenever Admin changes them; shows the
preview on the screen that is up (first run, else scanning); and turns the camera's state
into the status bar's word, the screens' notices and the state the other doors are told.
The capture threads are CaptureBridge's (kiosk/ui/camera.py); the codes it reads go to
KioskApp.submit like every other source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.capture.types import CameraState
from kiosk.ui.camera import SourceFactory

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class CameraFeed(QObject):
    def __init__(self, app: KioskApp, source_factory: SourceFactory | None) -> None:
        super().__init__(app)
        self.app = app
        self._source_factory = source_factory
        app.camera.previewReady.connect(self._show_preview)
        app.camera.stateChanged.connect(self._show_state)

    def start(self) -> None:
        """(Re)start the capture for the current ``[camera]`` settings; no source: camera off."""
        app = self.app
        source = None
        if self._source_factory is not None:
            source = self._source_factory(app.settings.camera)
        if source is None:
            app.camera.stop()
            self._show_state(CameraState.STOPPED, "")
            return
        app.camera.start(app.settings.camera, source)

    def _show_preview(self) -> None:
        latest = self.app.camera.take_preview()
        if latest is None:
            return
        image, outlines = latest
        w = self.app.window
        target = w.first_run.camera if w.current is w.first_run else w.scanning.camera
        target.show_frame(image, outlines)

    def _show_state(self, state: CameraState, message: str) -> None:
        app, w = self.app, self.app.window
        app.camera.state = state
        if app.runner is not None:
            app.runner.backend.camera_state = state.value  # shared with the other doors
        words = {
            CameraState.CONNECTING: self.tr("starting"),
            CameraState.CONNECTED: self.tr("ready"),
            CameraState.DISCONNECTED: self.tr("not found, retrying"),
            CameraState.RECONNECTING: self.tr("reconnecting"),
            CameraState.ENDED: self.tr("ended"),
            CameraState.STOPPED: self.tr("off"),
        }
        w.status_bar.set_camera(words[state])
        if state is CameraState.CONNECTED:
            notice = ""
        else:
            notice = self.tr("No camera picture. Use the USB scanner or type the code below.")
            if message and state is not CameraState.STOPPED:
                notice = f"{notice}\n{message}"
        w.scanning.set_camera_state(state, notice)
        w.first_run.camera.set_message(
            ""
            if state is CameraState.CONNECTED
            else self.tr("No camera picture: type the API URL and the token instead.")
        )
