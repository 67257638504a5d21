"""Camera check: the configured camera opens and delivers frames at the requested size.

It opens the camera exactly as scanning does (``kiosk.capture.factory.source_from_settings``:
same device name lookup, backend and pixel format), reads a few frames, and compares their
size with ``camera.width`` x ``camera.height``.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from kiosk.doctor.model import CheckResult, fail, ok, warn
from kiosk.settings import CameraSettings

if TYPE_CHECKING:
    from kiosk.capture.sources import FrameSource

NAME = "camera"
FRAMES = 10
NO_CAMERA_ADVICE = (
    "Plug in the USB camera (and close other programs using it), or set "
    "camera.device in settings.toml; a kiosk with only a USB barcode scanner "
    "can run 'kiosk doctor --no-camera'."
)


def _quiet_opencv() -> None:
    """OpenCV prints a warning per camera it fails to open; doctor says it better."""
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    try:
        import cv2

        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    except (ImportError, AttributeError):
        pass


def camera_check(
    camera: CameraSettings, *, source: FrameSource | None = None, time_limit: float = 6.0
) -> CheckResult:
    """Open the camera, read up to :data:`FRAMES` frames, compare their size."""
    _quiet_opencv()
    try:
        from kiosk.capture.factory import FILE_PREFIX, SYNTHETIC, source_from_settings
        from kiosk.capture.sources import SourceUnavailable
    except ImportError as exc:
        return fail(NAME, f"The camera code cannot be loaded ({exc}).", "Reinstall the kiosk.")
    device = camera.device.strip()
    if source is None:
        if device.casefold() == SYNTHETIC:
            return warn(
                NAME,
                "camera.device is 'synthetic': the kiosk shows rendered demo passes, not a camera.",
                "Set camera.device to 0 (the first camera) in settings.toml for real scanning.",
            )
        source = source_from_settings(camera)
    try:
        source.open()
    except SourceUnavailable as exc:
        return fail(NAME, str(exc), NO_CAMERA_ADVICE)
    except Exception as exc:  # a driver error is a failed check, not a crashed doctor
        return fail(NAME, f"Camera {device} failed to open ({exc}).", NO_CAMERA_ADVICE)
    try:
        shape, count, elapsed = _read_frames(source, time_limit)
    finally:
        source.close()
    if shape is None:
        return fail(
            NAME,
            f"Camera {device} opened but delivered no picture.",
            "Unplug and re-plug the camera; on Linux make sure this user is in the 'video' group.",
        )
    got_height, got_width = shape
    if (got_width, got_height) != (camera.width, camera.height):
        return warn(
            NAME,
            f"Camera {device} delivers {got_width}x{got_height} frames, not the "
            f"requested {camera.width}x{camera.height}.",
            f"Set camera.width = {got_width} and camera.height = {got_height} in "
            "settings.toml, or use a camera that supports the requested size.",
        )
    if device.startswith(FILE_PREFIX):
        return warn(
            NAME,
            f"camera.device reads frames from a file ({device}), not a camera.",
            "Set camera.device to 0 (the first camera) for real scanning.",
        )
    return ok(
        NAME,
        f"Camera {device} delivers {got_width}x{got_height} frames "
        f"(about {count / elapsed:.0f} per second).",
    )


def _read_frames(source: Any, time_limit: float) -> tuple[tuple[int, int] | None, int, float]:
    """(height, width) of the last frame, frames read, seconds spent."""
    from kiosk.capture.sources import EndOfStream

    shape, count, started = None, 0, time.monotonic()
    while count < FRAMES and time.monotonic() < started + time_limit:
        try:
            frame = source.read()
        except EndOfStream:
            break
        if frame is None:
            # a camera may need a moment for its first frame; after that, a gap is the end
            if count > 0 or time.monotonic() > started + time_limit / 2:
                break
            time.sleep(0.05)
            continue
        count += 1
        shape = (int(frame.image.shape[0]), int(frame.image.shape[1]))
    return shape, count, max(time.monotonic() - started, 1e-6)
