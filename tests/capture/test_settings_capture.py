"""The capture and scanner settings, and building the worker from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.capture import CameraSource, FileSource, SyntheticSource
from kiosk.capture.factory import source_from_settings, worker_from_settings
from kiosk.capture.sources import SourceUnavailable, resolve_camera
from kiosk.settings import CameraSettings, load_settings


def test_capture_settings_load_and_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        "[camera]\nthorough_budget_ms = 15\nreconnect_max_seconds = 2\n"
        "[scanner]\nkey_interval_ms = 40\nsilence_ms = 5\nmin_length = 6\n"
    )
    loaded = load_settings(path)
    assert loaded.settings.camera.thorough_budget_ms == 15.0
    assert loaded.settings.scanner.key_interval_ms == 40.0
    assert loaded.settings.scanner.min_length == 6
    assert loaded.settings.scanner.silence_ms == 100.0  # 5 is out of range
    assert ["scanner.silence_ms" in p for p in loaded.problems] == [True]


def test_device_setting_picks_the_source() -> None:
    assert isinstance(source_from_settings(CameraSettings(device="synthetic")), SyntheticSource)
    assert isinstance(source_from_settings(CameraSettings(device="file:/tmp/x")), FileSource)
    camera = source_from_settings(CameraSettings(device="2", width=640, height=480, fps=15))
    assert isinstance(camera, CameraSource)
    assert (camera.device, camera.width, camera.height, camera.fps) == ("2", 640, 480, 15)


def test_worker_from_settings_uses_the_settings() -> None:
    settings = CameraSettings(
        device="synthetic",
        formats=["QRCode", "EAN13"],
        confirmations=2,
        hold_seconds=7,
        thorough_budget_ms=12,
    )
    worker = worker_from_settings(settings)
    assert worker.decoder.formats == ["QRCode", "EAN13"]
    assert worker.debouncer.confirmations == 2 and worker.debouncer.hold_seconds == 7
    assert worker.decoder.live_budget_s == pytest.approx(0.012)
    assert not worker.running


def test_camera_names_resolve_to_indexes() -> None:
    cameras = [(0, "Integrated Camera: Integrated C"), (2, "Logitech BRIO")]
    assert resolve_camera("logitech", cameras) == 2
    assert resolve_camera("1", cameras) == 1
    with pytest.raises(SourceUnavailable, match="Logitech BRIO"):
        resolve_camera("Razer", cameras)


def test_device_problem_names_what_cannot_be_opened(tmp_path) -> None:
    from kiosk.capture.factory import device_choices, device_problem

    for usable in ("0", "3", "synthetic", " Synthetic ", f"file:{tmp_path}", ""):
        assert device_problem(usable) is None, usable
    assert "does not exist" in (device_problem(f"file:{tmp_path}/missing.mp4") or "")
    assert "needs the path" in (device_problem("file:") or "")
    assert "No camera named like 'no-such-camera-xyz'" in (
        device_problem("no-such-camera-xyz") or ""
    )
    assert device_choices()[-1] == ("synthetic", "synthetic")
