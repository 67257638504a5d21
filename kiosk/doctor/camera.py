"""Camera check: the configured camera opens and delivers frames at the requested size.

OpenCV is used directly (not the kiosk's capture layer) so the doctor still answers when
the capture code, Qt or the screen is what is broken.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.doctor.model import CheckResult, fail, ok, warn

NAME = "camera"
FRAMES = 10
SYSFS_VIDEO = Path("/sys/class/video4linux")
NO_CAMERA_ADVICE = ("Plug in the USB camera (and close other programs using it), or set "
                    "camera.device in settings.toml; a kiosk with only a USB barcode scanner "
                    "can run 'kiosk doctor --no-camera'.")


def resolve_device(device: str, sysfs: Path = SYSFS_VIDEO) -> int | None:
    """Camera index for ``camera.device``: a number, or a name fragment (Linux only)."""
    text = device.strip()
    if text.isdigit():
        return int(text)
    if not sysfs.is_dir():
        return None
    for entry in sorted(sysfs.glob("video*")):
        try:
            name = (entry / "name").read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if text.lower() in name.lower() and entry.name[5:].isdigit():
            return int(entry.name[5:])
    return None


def _quiet_opencv(cv2: Any) -> None:
    """OpenCV prints a warning per camera it fails to open; doctor says it better."""
    try:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    except AttributeError:
        pass


def _open_device(cv2: Any, index: int) -> Any:
    backend = cv2.CAP_DSHOW if sys.platform.startswith("win") else cv2.CAP_ANY
    return cv2.VideoCapture(index, backend)


def camera_check(device: str, width: int, height: int, fps: int = 30, *,
                 open_capture: Callable[[Any, int], Any] = _open_device,
                 time_limit: float = 6.0) -> CheckResult:
    """Open the camera, read a few frames, compare their size with the requested one."""
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    try:
        import cv2
    except ImportError as exc:
        return fail(NAME, f"OpenCV cannot be loaded ({exc}).", "Reinstall the kiosk.")
    _quiet_opencv(cv2)
    index = resolve_device(device)
    if index is None:
        if not device.strip().isdigit() and not SYSFS_VIDEO.is_dir():
            return warn(NAME, f"Cameras cannot be found by name ('{device}') on this system.",
                        "Set camera.device in settings.toml to a number: 0 for the first "
                        "camera, 1 for the second.")
        return fail(NAME, f"No camera with a name containing '{device}' is connected.",
                    NO_CAMERA_ADVICE)
    capture = open_capture(cv2, index)
    try:
        if not capture.isOpened():
            return fail(NAME, f"Camera {index} cannot be opened (none connected, or in use).",
                        NO_CAMERA_ADVICE)
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        capture.set(cv2.CAP_PROP_FPS, fps)
        shape, count, started = None, 0, time.monotonic()
        deadline = started + time_limit
        while count < FRAMES and time.monotonic() < deadline:
            grabbed, frame = capture.read()
            if not grabbed or frame is None:
                # a camera may need a moment for its first frame; after that, a gap is the end
                if count > 0 or time.monotonic() > started + time_limit / 2:
                    break
                time.sleep(0.05)
                continue
            count += 1
            shape = frame.shape[:2]
        elapsed = max(time.monotonic() - started, 1e-6)
    finally:
        capture.release()
    if shape is None:
        return fail(NAME, f"Camera {index} opened but delivered no picture.",
                    "Unplug and re-plug the camera; on Linux make sure this user is in the "
                    "'video' group.")
    got_height, got_width = shape
    rate = count / elapsed
    if (got_width, got_height) != (width, height):
        return warn(NAME, f"Camera {index} delivers {got_width}x{got_height} frames, not the "
                    f"requested {width}x{height}.",
                    f"Set camera.width = {got_width} and camera.height = {got_height} in "
                    "settings.toml, or use a camera that supports the requested size.")
    return ok(NAME, f"Camera {index} delivers {got_width}x{got_height} frames "
              f"(about {rate:.0f} per second).")
