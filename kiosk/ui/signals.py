"""Unix signals (SIGTERM from systemd or ``kill``, Ctrl+C) reaching the Qt event loop.

Python runs signal handlers only between bytecodes, and Qt's event loop sits in C++, so a
handler alone would wait for the next Python callback. As Picard does
(``_init_signal_handling``), the C-level handler writes the signal number to a socket given
to :func:`signal.set_wakeup_fd`, and a :class:`QSocketNotifier` on the other end wakes the
loop at once: no polling timer.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier

SIGNALS = (signal.SIGINT, signal.SIGTERM)
Handler = Callable[[int, FrameType | None], object] | int | None


class SignalWatch(QObject):
    """Calls ``on_signal(number)`` on the Qt thread for each SIGINT/SIGTERM until closed."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno())
        # A Python handler must be installed for the wakeup byte to be written; the work
        # happens when the notifier fires, on the Qt thread.
        self._previous: dict[signal.Signals, Handler] = {
            sig: signal.signal(sig, _noted) for sig in SIGNALS
        }
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        try:
            received = self._read.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for number in received:
            if number in SIGNALS:
                self._on_signal(number)

    def close(self) -> None:
        """Give the process its previous handlers back."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for sig, handler in self._previous.items():
            if handler is not None:  # None: a handler not set from Python, nothing to restore
                signal.signal(sig, handler)
        self._read.close()
        self._write.close()


def _noted(_number: int, _frame: FrameType | None) -> None:
    """The wakeup byte carries the signal; nothing to do at the Python level."""
