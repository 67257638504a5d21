"""The synthetic camera (the only stand-in: for the physical webcam) through the real
capture worker: preview frames with the code outlined, and a scan reaching the verdict."""

from __future__ import annotations

from kiosk.capture import SyntheticSource
from kiosk.demo.passes import EXPIRED_CODE, VALID_CODE
from kiosk.scanning.verdict import VerdictKind
from tests.ui.conftest import wait_until


def synthetic(codes):
    def factory(_camera_settings):
        return SyntheticSource(
            codes, width=640, height=360, fps=15, show_seconds=1.0, gap_seconds=0.5
        )

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
    settings = ui_settings.with_changes(screen={"verdict_seconds": 0.5})
    kiosk = make_app(settings, source_factory=synthetic([VALID_CODE]))
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


def test_default_factory_opens_the_synthetic_device(qtbot, make_app, credentials, ui_settings):
    """``camera.device = "synthetic"`` on the screen's own path (no injected source), with the
    thorough budget and reconnect limit of the settings reaching the worker."""
    from kiosk.ui.camera import camera_source

    settings = ui_settings.with_changes(
        camera={
            "device": "synthetic",
            "width": 640,
            "height": 360,
            "fps": 15,
            "thorough_budget_ms": 12,
            "reconnect_max_seconds": 42,
        }
    )
    kinds = []
    kiosk = make_app(settings, source_factory=camera_source)
    kiosk.verdictShown.connect(lambda verdict: kinds.append(verdict.kind))
    worker = kiosk.camera.worker
    assert worker is not None
    assert worker.decoder.live_budget_s == 0.012
    assert worker.backoff_max_s == 42
    wait_until(qtbot, lambda: kinds, timeout=20)
    assert kinds[0] is VerdictKind.VALID  # the first demo pass
    assert "ready" in kiosk.window.status_bar.camera.text()


def test_default_factory_opens_an_image_folder(qtbot, make_app, credentials, ui_settings, tmp_path):
    """``camera.device = "file:FOLDER"``: the screen reads the folder's images in a loop."""
    import cv2

    from kiosk.ui.camera import camera_source

    phone = SyntheticSource(
        [EXPIRED_CODE],
        width=480,
        height=320,
        fps=10,
        show_seconds=10,
        gap_seconds=0,
        motion=False,
        realtime=False,
    )
    folder = tmp_path / "frames"
    folder.mkdir()
    for index in range(3):
        assert cv2.imwrite(str(folder / f"{index:03d}.png"), phone.render(index).image)
    settings = ui_settings.with_changes(camera={"device": f"file:{folder}", "fps": 10})
    kinds = []
    kiosk = make_app(settings, source_factory=camera_source)
    kiosk.verdictShown.connect(lambda verdict: kinds.append(verdict.kind))
    wait_until(qtbot, lambda: kinds, timeout=20)
    assert kinds == [VerdictKind.EXPIRED]
    assert kiosk.camera.worker is not None and kiosk.camera.worker.running
