"""Starting and stopping the kiosk screen: the Qt application, signals, the event loop.

SIGTERM (systemd, ``kill``) and Ctrl+C quit cleanly, woken through a socket notifier
(kiosk/ui/signals.py), not a polling timer.
Whatever ends the loop, :meth:`KioskApp.shutdown` stops the camera, waits for running calls
and closes the journal before the process exits.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLoggingCategory
from PySide6.QtWidgets import QApplication

from kiosk.paths import Paths
from kiosk.ui.app import KioskApp
from kiosk.ui.signals import SignalWatch

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


def run_kiosk(
    paths: Paths, *, on_started: Callable[[KioskApp], None] | None = None, **options: Any
) -> int:
    """Show the kiosk until it is quit (Admin, SIGTERM, or closing the demo window)."""
    app = application()
    kiosk = KioskApp(paths, **options)  # options: KioskApp's keyword arguments
    signals = SignalWatch(lambda number: _quit(app, kiosk, number))
    try:
        kiosk.start()
        if on_started is not None:
            on_started(kiosk)
        app.setQuitOnLastWindowClosed(True)
        code = app.exec()
    finally:
        kiosk.shutdown()
        signals.close()
    log.info("Kiosk screen closed.")
    return int(code)


def _quit(app: QApplication, kiosk: KioskApp, number: int) -> None:
    """The service manager (or Ctrl+C) is authority enough: no PIN for a signal."""
    log.info("Signal %s: quitting.", signal.Signals(number).name)
    kiosk.window.close_authorized = True  # Qt 6 asks every window before quitting
    app.quit()
