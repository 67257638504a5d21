"""Where frames come from: a real camera, a video file or image folder, or (synthetic.py)
rendered demo passes. All three share :class:`FrameSource`, which the capture worker drives
from its own thread.
"""

from __future__ import annotations

import abc
import logging
import os
import re
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.capture.types import Frame, SourceInfo

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"}


class SourceUnavailable(Exception):
    """The source cannot be opened now (camera unplugged, busy, file missing); the message
    is one sentence staff can read."""


class EndOfStream(Exception):
    """A finite source (a file without looping) has no more frames."""


class FrameSource(abc.ABC):
    """One stream of frames. ``open`` then ``read`` repeatedly, then ``close``.

    ``read`` returns a :class:`Frame`, or None when the device failed to deliver one (e.g.
    the camera was unplugged): the worker then closes the source and reopens it with backoff.
    It raises :class:`EndOfStream` when a finite source is done. Implementations pace
    themselves (a camera blocks until its next frame; files and synthetic frames sleep to
    their frame rate when ``realtime``).
    """

    name: str = "source"

    @abc.abstractmethod
    def open(self) -> SourceInfo:
        """Start delivering frames; raise SourceUnavailable with a plain reason if not."""

    @abc.abstractmethod
    def read(self) -> Frame | None: ...

    @abc.abstractmethod
    def close(self) -> None: ...


# -- camera -----------------------------------------------------------------------------------


def list_cameras() -> list[tuple[int, str]]:
    """(index, name) of the video devices Linux knows, from /sys/class/video4linux."""
    root = Path("/sys/class/video4linux")
    cameras = []
    if root.is_dir():
        for entry in sorted(root.iterdir()):
            match = re.fullmatch(r"video(\d+)", entry.name)
            if not match:
                continue
            try:
                name = (entry / "name").read_text(encoding="utf-8").strip()
            except OSError:
                name = entry.name
            cameras.append((int(match.group(1)), name))
    return cameras


def resolve_camera(device: str | int, cameras: list[tuple[int, str]] | None = None) -> int:
    """Camera index for a setting that is an index ("0") or a name fragment ("Logitech")."""
    text = str(device).strip()
    if text.isdigit():
        return int(text)
    if not sys.platform.startswith("linux") and cameras is None:
        raise SourceUnavailable(
            f"Cameras can be chosen by name only on Linux; set camera.device to an index "
            f"instead of {text!r}."
        )
    cameras = list_cameras() if cameras is None else cameras
    wanted = text.casefold()
    for index, name in cameras:
        if wanted in name.casefold():
            return index
    known = ", ".join(f"{i}: {n}" for i, n in cameras) or "none"
    raise SourceUnavailable(f"No camera named like {text!r} is connected (cameras: {known}).")


def _capture_backend() -> int:
    """V4L2 on Linux; DirectShow on Windows (Media Foundation can take seconds to open a
    USB camera and often ignores the requested size); OpenCV's choice elsewhere."""
    if sys.platform.startswith("linux"):
        return int(cv2.CAP_V4L2)
    if sys.platform.startswith("win"):
        return int(cv2.CAP_DSHOW)
    return int(cv2.CAP_ANY)


class CameraSource(FrameSource):
    """A webcam through OpenCV. The requested size and rate are asked for; ``open`` reports
    what the camera actually agreed to."""

    def __init__(
        self,
        device: str | int = 0,
        width: int = 1280,
        height: int = 720,
        fps: float = 30,
        *,
        fourcc: str | None = "MJPG",
    ) -> None:
        self.device = device
        self.width, self.height, self.fps = width, height, fps
        self.fourcc = fourcc
        self._capture: cv2.VideoCapture | None = None
        self._index = 0
        self.name = f"camera {device}"

    def open(self) -> SourceInfo:
        index = resolve_camera(self.device)
        backend = _capture_backend()
        if sys.platform.startswith("linux") and not os.path.exists(f"/dev/video{index}"):
            raise SourceUnavailable(f"Camera {self.device} is not connected.")
        capture = cv2.VideoCapture(index, backend)
        if not capture.isOpened():
            capture.release()
            raise SourceUnavailable(f"Camera {self.device} is not connected or is in use.")
        if self.fourcc:  # most USB webcams reach 720p/1080p at 30 fps only in MJPG
            capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*self.fourcc))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # keep the driver from queueing stale frames
        self._capture = capture
        info = SourceInfo(
            self.name,
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            float(capture.get(cv2.CAP_PROP_FPS)) or float(self.fps),
        )
        if (info.width, info.height) != (self.width, self.height):
            log.info(
                "Camera %s gives %dx%d instead of the requested %dx%d",
                self.device,
                info.width,
                info.height,
                self.width,
                self.height,
            )
        return info

    def read(self) -> Frame | None:
        if self._capture is None:
            return None
        ok, image = self._capture.read()
        if not ok or image is None:
            return None
        self._index += 1
        return Frame(image, time.monotonic(), self._index)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


# -- files ------------------------------------------------------------------------------------


class FileSource(FrameSource):
    """A video file, or a folder of images shown in name order, optionally looping."""

    def __init__(
        self, path: str | Path, *, fps: float = 30.0, loop: bool = False, realtime: bool = True
    ) -> None:
        self.path = Path(path)
        self.fps, self.loop, self.realtime = fps, loop, realtime
        self.name = f"file {self.path.name}"
        self._images: list[Path] = []
        self._video: cv2.VideoCapture | None = None
        self._position = 0
        self._index = 0
        self._next_due = 0.0

    def open(self) -> SourceInfo:
        if self.path.is_dir():
            self._images = sorted(
                p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
            )
            if not self._images:
                raise SourceUnavailable(f"No images in folder {self.path}.")
            first = cv2.imread(str(self._images[0]))
            if first is None:
                raise SourceUnavailable(f"Cannot read image {self._images[0]}.")
            height, width = first.shape[:2]
        else:
            if not self.path.exists():
                raise SourceUnavailable(f"Video file {self.path} does not exist.")
            video = cv2.VideoCapture(str(self.path))
            if not video.isOpened():
                raise SourceUnavailable(f"Cannot open video file {self.path}.")
            self._video = video
            width = int(video.get(cv2.CAP_PROP_FRAME_WIDTH))
            height = int(video.get(cv2.CAP_PROP_FRAME_HEIGHT))
            self.fps = float(video.get(cv2.CAP_PROP_FPS)) or self.fps
        self._position = 0
        self._next_due = time.monotonic()
        return SourceInfo(self.name, width, height, self.fps)

    def read(self) -> Frame | None:
        if self.realtime:
            delay = self._next_due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next_due = max(self._next_due + 1 / self.fps, time.monotonic() - 1 / self.fps)
        image = self._next_image()
        self._index += 1
        return Frame(image, time.monotonic(), self._index)

    def _next_image(self) -> np.ndarray:
        if self._video is not None:
            ok, image = self._video.read()
            if not ok:
                if not self.loop or self._position == 0:
                    raise EndOfStream(f"End of {self.path.name}")
                self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
                self._position = 0
                ok, image = self._video.read()
                if not ok:
                    raise EndOfStream(f"End of {self.path.name}")
            self._position += 1
            return np.asarray(image)
        for _ in range(len(self._images)):  # skip unreadable files, at most one lap
            if self._position >= len(self._images):
                if not self.loop:
                    raise EndOfStream(f"End of {self.path.name}")
                self._position = 0
            path = self._images[self._position]
            self._position += 1
            loaded = cv2.imread(str(path))
            if loaded is not None:
                return np.asarray(loaded)
            log.warning("Skipping unreadable image %s", path)
        raise EndOfStream(f"No readable images left in {self.path}")

    def close(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None
