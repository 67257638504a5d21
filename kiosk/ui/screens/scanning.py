"""The screen the kiosk shows between verdicts: live camera, "ready to scan", manual entry.

It never decides anything: codes typed here go out through ``codeEntered`` and the verdict
comes back to the window from the scan worker.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.capture.types import CameraState
from kiosk.settings import ScanningSettings
from kiosk.ui import texts
from kiosk.ui.widgets import CameraView, FitLabel, button, label, mark_screen


class ScanningScreen(QWidget):
    codeEntered = Signal(str)  # manual entry
    historyRequested = Signal()
    adminRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mark_screen(self)
        self._mode = "entry"
        self._points = 0
        self._checking = 0
        self._camera_state = CameraState.CONNECTING
        self.mode_badge = label()
        self.mode_badge.setObjectName("ModeBadge")
        self.history_button = button()
        self.admin_button = button()
        self.ready = FitLabel(40)
        self.ready.setObjectName("ReadyBanner")
        self.camera = CameraView()
        self.notice = label("error", wrap=True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setVisible(False)
        self._offline_reason = ""
        self._refused = False
        self.manual = QLineEdit()
        self.manual.setMaxLength(4096)
        self.manual.returnPressed.connect(self._submit)
        self.check_button = button("primary")
        self.check_button.clicked.connect(self._submit)

        top = QHBoxLayout()
        top.addWidget(self.mode_badge)
        top.addStretch(1)
        top.addWidget(self.history_button)
        top.addWidget(self.admin_button)
        entry = QHBoxLayout()
        entry.addWidget(self.manual, 1)
        entry.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.ready)
        layout.addWidget(self.camera, 1)
        layout.addWidget(self.notice)
        layout.addLayout(entry)
        self.history_button.clicked.connect(self.historyRequested)
        self.admin_button.clicked.connect(self.adminRequested)
        self.retranslate()

    def set_mode(self, settings: ScanningSettings) -> None:
        self._mode = settings.mode
        self._points = {
            "entry": settings.entry_points,
            "reward": settings.reward_points,
            "redeem": -settings.redeem_points,
        }.get(settings.mode, 0)
        self._update_badge()

    def set_scale(self, scale: float) -> None:
        self.ready.set_pixel_size(round(40 * scale))

    def set_checking(self, scans_in_flight: int) -> None:
        """While a lookup runs the banner says so: staff know the kiosk heard the code."""
        self._checking = scans_in_flight
        self._update_ready()

    def set_camera_state(self, state: CameraState, message: str) -> None:
        self._camera_state = state
        self.camera.set_message(message)
        self._update_ready()

    def set_offline_notice(self, reason: str, refused: bool) -> None:
        """Say plainly why the kiosk is offline and what that means for the queue."""
        self._offline_reason, self._refused = reason, refused
        self._update_notice()

    def _update_notice(self) -> None:
        if self._refused:
            text = self.tr("The server refused this device. Register it again in Admin.")
        elif self._offline_reason:
            text = self.tr("Offline: %1 Scans are checked here and uploaded later.").replace(
                "%1", self._offline_reason
            )
        else:
            text = ""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _submit(self) -> None:
        code = self.manual.text().strip()
        if code:
            self.manual.clear()
            self.codeEntered.emit(code)

    def _update_badge(self) -> None:
        text = texts.mode_name(self._mode)
        if self._points or self._mode != "entry":
            text = f"{text} · {texts.points_text(self._points)}"
        self.mode_badge.setText(text)

    def _update_ready(self) -> None:
        if self._checking:
            self.ready.setText(self.tr("Checking…"))
        elif self._camera_state is CameraState.CONNECTED:
            self.ready.setText(self.tr("READY TO SCAN"))
        else:
            self.ready.setText(self.tr("READY: use the scanner or type the code"))

    def retranslate(self) -> None:
        self.history_button.setText(self.tr("History"))
        self.admin_button.setText(self.tr("Admin"))
        self.manual.setPlaceholderText(self.tr("Type a code and press Enter"))
        self.check_button.setText(self.tr("Check"))
        self._update_badge()
        self._update_ready()
        self._update_notice()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
