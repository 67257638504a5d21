"""The synthetic camera (the only stand-in: for the physical webcam) through the real
capture worker: preview frames with the code outlined, and a scan reaching the verdict."""

from __future__ import annotations

from kiosk.capture import SyntheticSource
from kiosk.demo.passes import EXPIRED_CODE, VALID_CODE
from kiosk.scanning.verdict import VerdictKind
from tests.ui.conftest import wait_until


def synthetic(codes):
    def factory(_camera_settings):
        return SyntheticSource(codes, width=640, height=360, fps=15, show_seconds=1.0,
                               gap_seconds=0.5)
    return factory


def test_camera_scan_reaches_the_verdict_screen(qtbot, make_app, credentials):
    kinds = []
    kiosk = make_app(source_factory=synthetic([VALID_CODE, EXPIRED_CODE]))
    kiosk.verdictShown.connect(lambda verdict: kinds.append(verdict.kind))
    window = kiosk.window
    wait_until(qtbot, lambda: kinds)
    assert kinds[0] is VerdictKind.VALID
    assert window.current is window.verdict
    assert window.verdict.holder.text() == "Ada Lovelace"
    assert "ready" in window.status_bar.camera.text()
    wait_until(qtbot, lambda: VerdictKind.EXPIRED in kinds, timeout=10)
    assert kinds.count(VerdictKind.VALID) == 1  # the same pass in view is one scan
    assert window.scanning.camera.frames_shown > 3
    window.verdict.dismiss()
    wait_until(qtbot, lambda: window.scanning.ready.text() == "READY TO SCAN")


def test_camera_preview_draws_the_outline(qtbot, make_app, credentials, ui_settings):
    ui_settings.screen.verdict_seconds = 0.5
    kiosk = make_app(ui_settings, source_factory=synthetic([VALID_CODE]))
    view = kiosk.window.scanning.camera
    wait_until(qtbot, lambda: view.frames_shown > 0 and view.has_outline(), timeout=10)
    image = kiosk.window.grab().toImage()
    assert not image.isNull()


def test_no_camera_says_what_to_do(qtbot, make_app, credentials):
    from kiosk.capture import CameraSource

    kiosk = make_app(source_factory=lambda _: CameraSource("no-such-camera-xyz"))
    window = kiosk.window
    wait_until(qtbot, lambda: "not found" in window.status_bar.camera.text(), timeout=10)
    assert window.scanning.ready.text() == "READY: use the scanner or type the code"
    assert "USB scanner" in window.scanning.camera._message
