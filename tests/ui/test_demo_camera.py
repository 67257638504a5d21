"""``kiosk demo`` gets its camera the way the screen and the doctor do: through
``kiosk.capture.factory``, with ``camera.device = "synthetic"`` showing the demo's order."""

from __future__ import annotations

import dataclasses

from kiosk.capture import CameraSource, FileSource, SyntheticSource
from kiosk.cli.demo import DEMO_SEQUENCE, GAP_SECONDS, SHOW_SECONDS, screen_options
from kiosk.scanning.verdict import VerdictKind
from kiosk.settings import Settings
from tests.ui.conftest import wait_until


def test_the_demo_camera_is_the_synthetic_device_showing_the_demo_order():
    settings = Settings()
    options = screen_options(settings)
    camera = options["settings"].camera
    assert camera.device == "synthetic"
    assert settings.camera.device == "0"  # the settings given are left as they were
    source = options["source_factory"](camera)
    assert isinstance(source, SyntheticSource)
    assert source.codes == list(DEMO_SEQUENCE)
    assert (source.show_seconds, source.gap_seconds) == (SHOW_SECONDS, GAP_SECONDS)
    assert (source.width, source.height, source.fps) == (960, 540, 15)


def test_the_demo_camera_is_what_the_factory_makes_of_the_settings(tmp_path):
    """The demo builds no camera of its own: a device Admin picks in the demo is opened as
    the factory opens it (a camera of the demo's own would stay synthetic)."""
    options = screen_options(Settings())
    factory, camera = options["source_factory"], options["settings"].camera
    folder = tmp_path / "frames"
    folder.mkdir()
    from_file = factory(dataclasses.replace(camera, device=f"file:{folder}"))
    assert isinstance(from_file, FileSource) and from_file.path == folder
    webcam = factory(dataclasses.replace(camera, device="Logitech"))
    assert isinstance(webcam, CameraSource) and webcam.device == "Logitech"
    assert (webcam.width, webcam.height, webcam.fps) == (960, 540, 15)


def test_the_demo_screen_scans_the_demo_order(qtbot, make_app, credentials, ui_settings):
    """On the screen's own worker path (``worker_from_settings``), with the demo's options."""
    options = screen_options(ui_settings)
    kinds = []
    kiosk = make_app(options["settings"], source_factory=options["source_factory"], demo=True)
    kiosk.verdictShown.connect(lambda verdict: kinds.append(verdict.kind))
    worker = kiosk.camera.worker
    assert worker is not None and isinstance(worker.source, SyntheticSource)
    assert worker.source.codes == list(DEMO_SEQUENCE)
    assert worker.decoder.live_budget_s == ui_settings.camera.thorough_budget_ms / 1000
    wait_until(qtbot, lambda: kinds, timeout=20)
    assert kinds[0] is VerdictKind.VALID  # DEMO_SEQUENCE starts with the valid pass
