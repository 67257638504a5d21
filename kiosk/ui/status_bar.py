"""The strip along the bottom of every screen: is the kiosk online, is anything waiting to
upload, which device and workspace this is, is the camera working, and today's counts.

It redraws its countdown ("next retry in 12 s") every second from the last status it was
given, so the text stays live even when the status call itself is slow.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from kiosk.scanning.backend import ConnectionStatus, DayCounts
from kiosk.ui import texts
from kiosk.ui.theme import OFFLINE_COLOUR, ONLINE_COLOUR
from kiosk.ui.widgets import button, label


class StatusBar(QWidget):
    tryNowRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.status: ConnectionStatus | None = None
        self.counts: DayCounts | None = None
        self.device = ""
        self.workspace = ""
        self.camera_text = ""
        self.trying = False
        self.connection = label("state")
        self.connection_detail = label()
        self.try_now = button()
        self.try_now.clicked.connect(self._try_now_clicked)
        self.uploads = label()
        self.camera = label()
        self.day = label()
        self.identity = label()
        self.identity.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        grid = QGridLayout(self)
        grid.setContentsMargins(12, 4, 12, 4)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        first = QHBoxLayout()
        first.setSpacing(10)
        first.addWidget(self.connection)
        first.addWidget(self.connection_detail)
        first.addWidget(self.try_now)
        first.addStretch(1)
        grid.addLayout(first, 0, 0)
        grid.addWidget(self.uploads, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.camera, 1, 0)
        second = QHBoxLayout()
        second.setSpacing(18)
        second.addWidget(self.day)
        second.addWidget(self.identity)
        grid.addLayout(second, 1, 1, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 1)
        self.refresh()

    def set_status(self, status: ConnectionStatus, counts: DayCounts) -> None:
        self.status, self.counts = status, counts
        self.refresh()

    def set_identity(self, device: str, workspace: str) -> None:
        self.device, self.workspace = device, workspace
        self.refresh()

    def set_camera(self, text: str) -> None:
        self.camera_text = text
        self.refresh()

    def set_trying(self, trying: bool) -> None:
        self.trying = trying
        self.refresh()

    def _try_now_clicked(self) -> None:
        self.set_trying(True)
        self.tryNowRequested.emit()

    def refresh(self, now: datetime | None = None) -> None:
        """Re-render from the last status (called every second for the countdown)."""
        now = now or datetime.now(UTC)
        status = self.status
        self.try_now.setText(self.tr("Trying…") if self.trying else self.tr("Try now"))
        self.try_now.setEnabled(not self.trying)
        if status is None:
            self._set_connection(self.tr("NOT CONNECTED"), OFFLINE_COLOUR.name(), "")
            self.try_now.setVisible(False)
            self.uploads.setText("")
        else:
            self._render_connection(status, now)
            scans = status.pending - status.steps
            parts = (
                [self.tr("%n scan(s) waiting to upload", "", scans)]
                if scans or not status.steps
                else []
            )
            if status.steps:  # a void or wallet message owed is not a scan: say it apart
                parts.append(self.tr("%n pass update(s) to send", "", status.steps))
            waiting = " · ".join(parts)
            if status.rejected:
                waiting += " (" + self.tr("%n refused by the server", "", status.rejected) + ")"
            last = (
                self.tr("last upload %1").replace("%1", texts.when(status.last_sync, now))
                if status.last_sync
                else self.tr("no upload yet")
            )
            self.uploads.setText(f"{waiting} · {last}")
        counts = self.counts
        self.day.setText(
            self.tr("Today: %1 admitted · %2 rejected")
            .replace("%1", str(counts.admitted))
            .replace("%2", str(counts.rejected))
            if counts
            else ""
        )
        self.camera.setText(
            self.tr("Camera: %1").replace("%1", self.camera_text) if self.camera_text else ""
        )
        ident = self.device
        if self.workspace:
            ident = self.tr("%1 in %2").replace("%1", self.device).replace("%2", self.workspace)
        self.identity.setText(ident)

    def _render_connection(self, status: ConnectionStatus, now: datetime) -> None:
        if status.needs_provisioning:
            self._set_connection(
                self.tr("DEVICE REFUSED"), OFFLINE_COLOUR.name(), self.tr("register again in Admin")
            )
            self.try_now.setVisible(False)
            return
        if status.online:
            self._set_connection(self.tr("● ONLINE"), ONLINE_COLOUR.name(), "")
            self.try_now.setVisible(status.pending > 0 and status.next_retry_at is not None)
            return
        parts = []
        if status.offline_since is not None:
            parts.append(self.tr("since %1").replace("%1", texts.when(status.offline_since, now)))
        if status.next_retry_at is not None:
            seconds = max(0, round((status.next_retry_at - now).total_seconds()))
            parts.append(self.tr("retry in %n s", "", seconds))
        self._set_connection(self.tr("● OFFLINE"), OFFLINE_COLOUR.name(), ", ".join(parts))
        self.connection.setToolTip(status.offline_reason or "")
        self.try_now.setVisible(True)

    def _set_connection(self, text: str, colour: str, detail: str) -> None:
        self.connection.setText(text)
        self.connection.setStyleSheet(f"color: {colour};")
        self.connection_detail.setText(detail)
        self.connection_detail.setVisible(bool(detail))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)
