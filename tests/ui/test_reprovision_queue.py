"""Registering the screen again as another device never sends the old device's scans."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.demo import DEMO_WORKSPACE_TOKEN
from kiosk.demo.passes import guest_pass
from kiosk.journal import Journal
from kiosk.journal.states import UploadState
from tests.ui.conftest import wait_until
from tests.ui.test_scanning import scan_manually


def test_register_again_as_another_device_holds_the_old_queue(qtbot, kiosk, demo_server, paths):
    from tests.ui.test_admin import open_admin

    demo_server.state.add_pass(guest_pass(1))
    demo_server.stop()
    queued = scan_manually(qtbot, kiosk, guest_pass(1).code)  # offline: queued
    assert queued.accepted and queued.offline
    demo_server.state.revoke_device("door-1")  # its scans cannot upload any more
    demo_server.start()
    kiosk.runner.backend.try_now()
    wait_until(qtbot, lambda: kiosk.runner.backend.status().needs_provisioning)
    admin = open_admin(qtbot, kiosk)
    qtbot.mouseClick(admin.reprovision, Qt.MouseButton.LeftButton)
    screen = kiosk.window.first_run
    qtbot.keyClicks(screen.token, DEMO_WORKSPACE_TOKEN)
    screen.name.clear()
    qtbot.keyClicks(screen.name, "door-9")
    with qtbot.waitSignal(kiosk.backendReady, timeout=15_000):
        qtbot.mouseClick(screen.register, Qt.MouseButton.LeftButton)
    kiosk.runner.backend.sync(5)
    assert queued.scan_id not in {e.data["scanId"] for e in demo_server.state.events()}
    with Journal(paths.journal_file) as journal:
        states = {record.scan_id: state for record, state in journal.history()}
    assert states[queued.scan_id] == UploadState.HELD
