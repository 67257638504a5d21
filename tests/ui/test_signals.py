"""SIGTERM and SIGINT reach the Qt thread through the wakeup socket, with no timer running,
and the process's previous handlers come back afterwards."""

from __future__ import annotations

import os
import signal

from kiosk.ui.signals import SignalWatch


def test_a_signal_wakes_the_event_loop_and_handlers_are_restored(qtbot):
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    received = []
    watch = SignalWatch(received.append)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: received == [signal.SIGTERM], timeout=10_000)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C: no KeyboardInterrupt, a clean quit
        qtbot.waitUntil(lambda: received == [signal.SIGTERM, signal.SIGINT], timeout=10_000)
    finally:
        watch.close()
    assert {sig: signal.getsignal(sig) for sig in before} == before
    assert signal.set_wakeup_fd(-1) == -1  # no wakeup socket left behind
