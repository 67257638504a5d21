"""Render every kiosk screen to PNG, offscreen, at 1024x600 and 1920x1080.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/render_screens.py [--out docs/screens]

The screens are the real ones on the real ScanService against the embedded demo server:
each verdict comes from an actual scan; the camera frame is a synthetic phone showing a
demo pass, outlined where the real decoder found the code. Besides the PNGs, the script
checks what a person would check: the window really is the size asked for, and no label's
text is wider than the label (clipped).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics, QImage, QPolygonF
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QWidget

from kiosk.capture import SyntheticSource
from kiosk.capture.decoder import Decoder
from kiosk.capture.types import CameraState
from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.passes import (
    EVENT_CODE,
    EXPIRED_CODE,
    LOYALTY_CODE,
    UNKNOWN_CODE,
    VALID_CODE,
    VOIDED_CODE,
)
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.settings import Settings
from kiosk.ui.app import KioskApp
from kiosk.ui.camera import _to_qimage
from kiosk.ui.main import application
from kiosk.ui.pin import hash_pin

SIZES = ((1024, 600), (1920, 1080))


def wait(condition: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def clipped_labels(window: QWidget) -> list[str]:
    """Single-line labels whose text is wider than the label, and widgets sticking out of
    their parent (outside scroll areas): both are clipped on screen."""
    problems = []
    for widget in window.findChildren(QWidget):
        parent = widget.parentWidget()
        if not widget.isVisible() or parent is None or _in_scroll_area(widget):
            continue
        if not parent.rect().adjusted(-1, -1, 1, 1).contains(widget.geometry()):
            problems.append(
                f"{type(widget).__name__} {widget.objectName()!r} "
                f"{widget.geometry().getRect()} sticks out of "
                f"{type(parent).__name__} {parent.rect().getRect()}"
            )
    for area in window.findChildren(QAbstractScrollArea):
        inner = getattr(area, "widget", lambda: None)()
        if (
            area.isVisible()
            and inner is not None
            and inner.minimumSizeHint().width() > area.viewport().width() + 2
        ):
            problems.append(
                f"{type(inner).__name__} in a scroll area needs "
                f"{inner.minimumSizeHint().width()}px, has "
                f"{area.viewport().width()}px"
            )
    for label in window.findChildren(QLabel):
        if not label.isVisible() or label.wordWrap() or not label.text():
            continue
        width = QFontMetrics(label.font()).horizontalAdvance(label.text())
        if width > label.contentsRect().width() + 2:
            problems.append(
                f"{label.text()!r} needs {width}px, has {label.contentsRect().width()}px"
            )
    return problems


def _in_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


class Renderer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: list[Path] = []
        self.problems: list[str] = []

    def shot(self, kiosk: KioskApp, name: str, size: tuple[int, int]) -> None:
        window = kiosk.window
        settle()
        if (window.width(), window.height()) != size:
            tallest = max(
                (window.stack.widget(i) for i in range(window.stack.count())),
                key=lambda screen: screen.minimumSizeHint().height(),
            )
            self.problems.append(
                f"{name}: window is {window.width()}x{window.height()}, not "
                f"{size[0]}x{size[1]} (needs {window.minimumSizeHint().toTuple()}; tallest "
                f"{type(tallest).__name__} {tallest.minimumSizeHint().toTuple()}, status bar "
                f"{window.status_bar.minimumSizeHint().toTuple()})"
            )
        for problem in clipped_labels(window):
            self.problems.append(f"{name} {size[0]}x{size[1]}: {problem}")
        path = self.out / f"{name}-{size[0]}x{size[1]}.png"
        window.grab().save(str(path))
        self.written.append(path)


def camera_frame() -> tuple[QImage, list[QPolygonF]]:
    source = SyntheticSource([VALID_CODE], width=1280, height=720, motion=True, realtime=False)
    source.open()
    frame = source.render(12)
    detections = Decoder(["QRCode", "Aztec", "PDF417", "Code128"]).decode_still(frame.image)
    image, factor = _to_qimage(frame.image)
    outlines = [
        QPolygonF([QPointF(x * factor, y * factor) for x, y in d.position]) for d in detections
    ]
    return image, outlines


def make_kiosk(
    root: Path, server: DemoServer, provisioned: bool, size: tuple[int, int], language: str = "en"
) -> KioskApp:
    paths = resolve_paths(root).ensure()
    if provisioned and not paths.device_file.exists():
        provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "door-1")
    settings = Settings().with_changes(
        screen={"fullscreen": False, "verdict_seconds": 60, "language": language},
        scanning={"lookup_timeout_seconds": 1.0},
        upload={"max_backoff_seconds": 30},
        admin={"pin_hash": hash_pin("2468")},
    )
    kiosk = KioskApp(paths, settings=settings, source_factory=None)
    kiosk.window.resize(*size)
    kiosk.start()
    kiosk.window.resize(*size)
    if provisioned:
        wait(lambda: kiosk.runner is not None)
        wait(lambda: kiosk.window.status_bar.status is not None)
    return kiosk


def scan(kiosk: KioskApp, code: str) -> None:
    shown = []
    kiosk.verdictShown.connect(shown.append)
    kiosk.submit(code, "manual")
    wait(lambda: shown)
    kiosk.verdictShown.disconnect()


def render_size(renderer: Renderer, size: tuple[int, int], tmp: Path) -> None:
    frame = camera_frame()
    with DemoServer() as server:
        kiosk = make_kiosk(tmp / f"main-{size[0]}", server, True, size)
        w = kiosk.window
        try:
            kiosk.camera_feed._show_state(CameraState.CONNECTED, "")
            w.scanning.camera.show_frame(*frame)
            w.scanning.camera._outlined_at = time.monotonic() + 3600  # keep the outline
            renderer.shot(kiosk, "scanning", size)
            for name, code in (
                ("verdict-valid", VALID_CODE),
                ("verdict-voided", VOIDED_CODE),
                ("verdict-expired", EXPIRED_CODE),
                ("verdict-unknown", UNKNOWN_CODE),
                ("verdict-already-scanned", VALID_CODE),
                ("verdict-reward", LOYALTY_CODE),
                ("verdict-error", "\ud800broken"),
            ):
                scan(kiosk, code)
                renderer.shot(kiosk, name, size)
                w.verdict.dismiss()
            server.stop()
            scan(kiosk, EVENT_CODE)
            renderer.shot(kiosk, "verdict-accepted-offline", size)
            w.verdict.dismiss()
            wait(lambda: not w.status_bar.status.online)
            settle(1.1)
            renderer.shot(kiosk, "scanning-offline", size)
            kiosk._open_history()
            wait(lambda: w.history.table.rowCount() >= 7)
            renderer.shot(kiosk, "history", size)
            kiosk.admin_actions.ask_pin(kiosk.admin_actions.open_admin)
            for digit in "24":
                w.pin.press(digit)
            renderer.shot(kiosk, "pin", size)
            w.pin.enter("68")
            renderer.shot(kiosk, "admin", size)
        finally:
            kiosk.shutdown()
        kiosk = make_kiosk(tmp / f"first-{size[0]}", server, False, size)
        try:
            kiosk.camera_feed._show_state(
                CameraState.DISCONNECTED, "Camera 0 not found. Retrying in 2 s."
            )
            renderer.shot(kiosk, "first-run", size)
        finally:
            kiosk.shutdown()
        server.start()
        kiosk = make_kiosk(tmp / f"pl-{size[0]}", server, True, size, language="pl")
        try:
            scan(kiosk, VALID_CODE)
            kiosk.window.verdict.dismiss()
            scan(kiosk, VALID_CODE)
            renderer.shot(kiosk, "pl-verdict-already-scanned", size)
            kiosk.window.verdict.dismiss()
            kiosk.admin_actions.open_admin()
            renderer.shot(kiosk, "pl-admin", size)
        finally:
            kiosk.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "screens"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    application()
    renderer = Renderer(args.out)
    with tempfile.TemporaryDirectory(prefix="kiosk-render-") as tmp:
        for size in SIZES:
            render_size(renderer, size, Path(tmp))
    for path in renderer.written:
        print(path)
    for problem in renderer.problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if renderer.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
