"""Building the capture parts from the kiosk's settings, so the UI needs one call."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.capture.sources import (
    CameraSource,
    FileSource,
    FrameSource,
    SourceUnavailable,
    list_cameras,
    resolve_camera,
)
from kiosk.capture.synthetic import SyntheticScript, SyntheticSource
from kiosk.capture.types import Preview, StateChange
from kiosk.capture.worker import CaptureWorker, ScanEvent
from kiosk.settings import CameraSettings

SYNTHETIC = "synthetic"
FILE_PREFIX = "file:"


def source_from_settings(
    camera: CameraSettings, *, script: SyntheticScript | None = None
) -> FrameSource:
    """``camera.device``: an index or name -> the webcam; 'synthetic' -> rendered passes as
    ``script`` says (default: the demo passes in turn); 'file:PATH' -> a video file or image
    folder (looping)."""
    device = camera.device.strip()
    if device.casefold() == SYNTHETIC:
        shown = dataclasses.asdict(script or SyntheticScript())  # SyntheticSource's own names
        return SyntheticSource(width=camera.width, height=camera.height, fps=camera.fps, **shown)
    if device.startswith(FILE_PREFIX):
        return FileSource(Path(device[len(FILE_PREFIX) :]).expanduser(), fps=camera.fps, loop=True)
    return CameraSource(device, camera.width, camera.height, camera.fps)


def device_choices() -> list[tuple[str, str]]:
    """(setting value, label) for each camera connected now, then the synthetic camera: what
    Admin offers for ``camera.device``."""
    choices = [(str(index), f"{index}: {name}") for index, name in list_cameras()]
    return [*choices, (SYNTHETIC, SYNTHETIC)]


def device_problem(device: str) -> str | None:
    """Why ``camera.device`` names nothing the kiosk can open, in one sentence; None if it
    can be used. An index is always accepted (a camera may be plugged in later)."""
    text = device.strip()
    if not text or text.isdigit() or text.casefold() == SYNTHETIC:
        return None
    if text.startswith(FILE_PREFIX):
        path = Path(text[len(FILE_PREFIX) :]).expanduser()
        if not text[len(FILE_PREFIX) :].strip():
            return "file: needs the path of a video file or an image folder."
        if not path.exists():
            return f"{path} does not exist."
        return None
    try:
        resolve_camera(text)
    except SourceUnavailable as exc:
        return str(exc)
    return None


def worker_from_settings(
    camera: CameraSettings,
    *,
    source: FrameSource | None = None,
    on_scan: Callable[[ScanEvent], Any] | None = None,
    on_preview: Callable[[Preview], Any] | None = None,
    on_state: Callable[[StateChange], Any] | None = None,
) -> CaptureWorker:
    """A capture worker (not started) configured from the [camera] settings."""
    return CaptureWorker(
        source or source_from_settings(camera),
        formats=camera.formats,
        confirmations=camera.confirmations,
        hold_seconds=camera.hold_seconds,
        live_budget_s=camera.thorough_budget_ms / 1000,
        backoff_max_s=camera.reconnect_max_seconds,
        on_scan=on_scan,
        on_preview=on_preview,
        on_state=on_state,
    )
