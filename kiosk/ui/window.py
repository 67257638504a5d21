"""The kiosk window: one screen at a time above the always-visible status bar.

It arranges screens and guards closing; what the screens ask for is handled by
:class:`kiosk.ui.app.KioskApp`. Outside demo mode a close request (window manager, Alt+F4)
is refused until an admin has unlocked "Quit": a kiosk must not be closable from the queue.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.screens.admin import AdminScreen
from kiosk.ui.screens.first_run import FirstRunScreen
from kiosk.ui.screens.history import HistoryScreen
from kiosk.ui.screens.pin_prompt import PinScreen
from kiosk.ui.screens.scanning import ScanningScreen
from kiosk.ui.screens.verdict import VerdictScreen
from kiosk.ui.status_bar import StatusBar
from kiosk.ui.theme import scale_for, stylesheet


class KioskWindow(QWidget):
    closeRefused = Signal()  # someone tried to close the kiosk without the PIN

    def __init__(self, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KioskWindow")
        self.demo = demo
        self.close_authorized = False
        self.scale = 0.0
        self.scanning = ScanningScreen()
        self.verdict = VerdictScreen()
        self.history = HistoryScreen()
        self.first_run = FirstRunScreen()
        self.pin = PinScreen()
        self.admin = AdminScreen()
        self.stack = QStackedWidget()
        # A stack is as tall as its tallest page; the window must stay the screen's size, so
        # pages fit the space given (the render script checks nothing is clipped).
        self.stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        for screen in (self.scanning, self.verdict, self.history, self.first_run, self.pin,
                       self.admin):
            self.stack.addWidget(screen)
        self.status_bar = StatusBar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status_bar)
        self.retranslate()
        self._restyle()

    @property
    def current(self) -> QWidget:
        return self.stack.currentWidget()

    def show_screen(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen)
        if screen is self.scanning:
            self.scanning.manual.setFocus()
        else:
            screen.setFocus()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._restyle()

    def _restyle(self) -> None:
        """Scale the stylesheet with the window (only when the scale really changes)."""
        scale = scale_for(max(self.width(), 1), max(self.height(), 1))
        if abs(scale - self.scale) < 0.02:
            return
        self.scale = scale
        self.setStyleSheet(stylesheet(scale))
        self.verdict.set_scale(scale)
        self.scanning.set_scale(scale)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.demo or self.close_authorized:
            event.accept()
            return
        event.ignore()
        self.closeRefused.emit()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Tiketo kiosk"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
