"""Starting and stopping the kiosk screen: the Qt application, signals, the event loop.

SIGTERM (systemd, ``kill``) and Ctrl+C quit cleanly: Python handles signals only between
bytecodes, and Qt's event loop runs in C++, so a 200 ms timer gives Python a turn to notice.
Whatever ends the loop, :meth:`KioskApp.shutdown` stops the camera, waits for running calls
and closes the journal before the process exits.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable

from PySide6.QtCore import QLoggingCategory, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.paths import Paths
from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

APP_NAME = "Tiketo kiosk"


def application() -> QApplication:
    """The process's QApplication (created once)."""
    app = QApplication.instance()
    if app is None:
        # Audio back-end probing is noisy on machines without speakers; it is not an error.
        QLoggingCategory.setFilterRules("qt.multimedia.*=false\nqt.qpa.*.warning=false")
        app = QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName(APP_NAME)
    return app  # type: ignore[return-value]


def run_kiosk(paths: Paths, *, on_started: Callable[[KioskApp], None] | None = None,
              **options: object) -> int:
    """Show the kiosk until it is quit (Admin, SIGTERM, or closing the demo window)."""
    app = application()
    kiosk = KioskApp(paths, **options)  # type: ignore[arg-type]
    previous = _quit_on_signals(app, kiosk)
    heartbeat = QTimer()
    heartbeat.start(200)
    heartbeat.timeout.connect(lambda: None)
    try:
        kiosk.start()
        if on_started is not None:
            on_started(kiosk)
        app.setQuitOnLastWindowClosed(True)
        code = app.exec()
    finally:
        heartbeat.stop()
        kiosk.shutdown()
        _restore_signals(previous)
    log.info("Kiosk screen closed.")
    return int(code)


def _quit_on_signals(app: QApplication, kiosk: KioskApp) -> dict[int, object]:
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.getsignal(sig)
        signal.signal(sig, lambda number, _frame: _quit(app, kiosk, number))
    return previous


def _quit(app: QApplication, kiosk: KioskApp, number: int) -> None:
    """The service manager (or Ctrl+C) is authority enough: no PIN for a signal."""
    log.info("Signal %s: quitting.", signal.Signals(number).name)
    kiosk.window.close_authorized = True  # Qt 6 asks every window before quitting
    app.quit()


def _restore_signals(previous: dict[int, object]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]
