"""Going offline and back shows in the status bar: state, pending count, last upload."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from PySide6.QtCore import Qt

from kiosk.demo.passes import EVENT_CODE, VALID_CODE
from tests.ui.conftest import wait_until
from tests.ui.test_scanning import scan_manually


def test_offline_then_back_updates_status_and_pending(qtbot, kiosk, demo_server):
    bar = kiosk.window.status_bar
    wait_until(qtbot, lambda: bar.status is not None and bar.status.online)
    assert "ONLINE" in bar.connection.text()
    assert "door-1 in Demo Venue" in bar.identity.text()

    demo_server.stop()
    verdict = scan_manually(qtbot, kiosk, VALID_CODE)
    assert verdict.offline
    screen = kiosk.window.verdict
    assert screen.word.text() == "ACCEPTED"
    assert screen.badge.isVisibleTo(screen) and "OFFLINE" in screen.badge.text()
    kiosk.window.verdict.dismiss()
    scan_manually(qtbot, kiosk, EVENT_CODE)
    wait_until(qtbot, lambda: not bar.status.online and bar.status.pending == 2)
    assert "OFFLINE" in bar.connection.text()
    assert "since" in bar.connection_detail.text()
    assert "2 scans waiting to upload" in bar.uploads.text()
    assert bar.try_now.isVisibleTo(bar)
    assert (
        "Offline:" in kiosk.window.scanning.notice.text()
        or kiosk.window.current is kiosk.window.verdict
    )
    assert "Today: 2 admitted" in bar.day.text()

    demo_server.start()
    qtbot.mouseClick(bar.try_now, Qt.MouseButton.LeftButton)
    wait_until(qtbot, lambda: bar.status.online and bar.status.pending == 0, timeout=15)
    assert "ONLINE" in bar.connection.text()
    assert "0 scans waiting to upload" in bar.uploads.text()
    assert "last upload" in bar.uploads.text()
    assert len(demo_server.state.scan_events) == 2


def test_a_slow_status_call_does_not_pile_up_or_freeze_the_screen(qtbot, kiosk):
    """The journal or the network may stall a status call: ticks are skipped meanwhile,
    and the event loop keeps running (the countdown still redraws)."""
    release = threading.Event()
    calls = []
    original = kiosk.runner.backend.status

    def slow_status():
        calls.append(time.monotonic())
        release.wait(10)
        return original()

    kiosk.runner.backend.status = slow_status
    wait_until(qtbot, lambda: calls)
    started = time.monotonic()
    qtbot.wait(2500)  # two more timer ticks while the first call hangs
    assert len(calls) == 1
    assert time.monotonic() - started < 3.5  # the UI thread was never blocked
    release.set()
    wait_until(qtbot, lambda: len(calls) >= 2, timeout=5)


def test_pass_updates_owed_are_not_called_scans(kiosk):
    """A void or wallet message still to send is shown apart from the scans."""
    from datetime import UTC, datetime

    from kiosk.scanning.backend import ConnectionStatus

    bar = kiosk.window.status_bar
    bar.status = ConnectionStatus(
        online=True,
        offline_since=None,
        offline_reason=None,
        pending=3,
        next_retry_at=None,
        last_sync=datetime.now(UTC),
        needs_provisioning=False,
        steps=2,
    )
    bar.refresh()
    assert bar.uploads.text().startswith("1 scan waiting to upload · 2 pass updates to send")
    bar.status = replace(bar.status, pending=2, steps=2)
    bar.refresh()
    assert bar.uploads.text().startswith("2 pass updates to send · last upload")
