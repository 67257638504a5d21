"""The kiosk window: one screen at a time above the always-visible status bar.

It arranges screens and guards closing; what the screens ask for is handled by
:class:`kiosk.ui.app.KioskApp`. Outside demo mode a close request (window manager, Alt+F4)
is refused until an admin has unlocked "Quit": a kiosk must not be closable from the queue.

Kiosk PCs often run a bare X session (``xinit`` with only the kiosk, no window manager), where
nobody acts on Qt's full-screen request and the window would keep its tiny size hint: so the
window takes the screen's geometry itself, and a window opens at a usable size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent, QScreen
from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.screens.admin import AdminScreen
from kiosk.ui.screens.first_run import FirstRunScreen
from kiosk.ui.screens.history import HistoryScreen
from kiosk.ui.screens.pin_prompt import PinScreen
from kiosk.ui.screens.scanning import ScanningScreen
from kiosk.ui.screens.verdict import VerdictScreen
from kiosk.ui.status_bar import StatusBar
from kiosk.ui.theme import scale_for, stylesheet

MIN_SIZE = QSize(800, 480)  # the layout fits down to this (tests/ui/test_window_size.py)
WINDOWED_SIZE = QSize(1024, 600)  # --windowed and the demo: usable, and fits a 1024x600 panel
FULLSCREEN_CHECK_MS = 1500  # time a window manager gets to honour the full-screen request


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
        for screen in (
            self.scanning,
            self.verdict,
            self.history,
            self.first_run,
            self.pin,
            self.admin,
        ):
            self.stack.addWidget(screen)
        self.status_bar = StatusBar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status_bar)
        self.setMinimumSize(MIN_SIZE)
        self.retranslate()
        self._restyle()

    @property
    def current(self) -> QWidget | None:
        return self.stack.currentWidget()

    def show_screen(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen)
        if screen is self.scanning:
            self.scanning.manual.setFocus()
        else:
            screen.setFocus()

    def show_fullscreen(self) -> None:
        """Cover the screen, whether or not a window manager takes the request."""
        screen = self._fit_minimum()
        self.setGeometry(screen.geometry())  # what a bare X session keeps
        self.showFullScreen()
        self._take_focus()
        QTimer.singleShot(FULLSCREEN_CHECK_MS, self._cover_screen)

    def show_windowed(self) -> None:
        """A normal window of at least WINDOWED_SIZE (the screen, if smaller), centred."""
        screen = self._fit_minimum()
        area = screen.availableGeometry()
        if self.isFullScreen():
            self.showNormal()
        size = WINDOWED_SIZE.expandedTo(self.size()).boundedTo(area.size())
        rect = QRect(area.topLeft(), size)
        rect.moveCenter(area.center())
        self.setGeometry(rect)
        self.show()
        self._take_focus()

    def _fit_minimum(self) -> QScreen:
        """The window's screen; the minimum size never exceeds it (a 640x480 panel)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        self.setMinimumSize(MIN_SIZE.boundedTo(screen.availableGeometry().size()))
        return screen

    def _take_focus(self) -> None:
        """Without a window manager nobody gives the window the keyboard, and a USB scanner
        types into whichever window has it."""
        self.raise_()
        self.activateWindow()

    def _cover_screen(self) -> None:
        if not self.isFullScreen():
            return
        full = (self.screen() or QGuiApplication.primaryScreen()).geometry()
        if self.frameGeometry() != full:
            self.setGeometry(full)

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
