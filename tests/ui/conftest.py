"""The real kiosk window, offscreen, on the real ScanService talking to the embedded server.

Only the webcam is replaced (by the synthetic camera, where a test needs one). Every app is
shut down at teardown: its camera threads, worker lanes and the service's uploader stop.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.paths import Paths
from kiosk.settings import Settings, save_settings
from kiosk.ui.app import KioskApp
from kiosk.ui.pin import hash_pin

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt makes the QApplication

PIN = "2468"


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Every thread the kiosk screen starts (worker lanes, camera) is stopped by its owner."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while True:
        left = [
            t.name
            for t in set(threading.enumerate()) - before
            if t.is_alive() and t.name.startswith(("kiosk-ui-", "capture-"))
        ]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not left, f"threads still running after the test: {left}"


@pytest.fixture
def ui_settings() -> Settings:
    return Settings().with_changes(
        screen={"fullscreen": False, "verdict_seconds": 30},  # tests dismiss or wait on purpose
        scanning={"lookup_timeout_seconds": 1.0},
        upload={"max_backoff_seconds": 1.0},
        admin={"pin_hash": hash_pin(PIN)},
    )


@pytest.fixture
def make_app(qtbot: Any, paths: Paths, ui_settings: Settings) -> Iterator[Callable[..., KioskApp]]:
    made: list[KioskApp] = []

    def make(
        settings: Settings | None = None,
        *,
        source_factory: Any = None,
        demo: bool = False,
        wait_ready: bool = True,
    ) -> KioskApp:
        settings = settings or ui_settings
        save_settings(paths.settings_file, settings)
        app = KioskApp(paths, demo=demo, settings=settings, source_factory=source_factory)
        made.append(app)
        qtbot.addWidget(app.window)
        app.window.resize(1024, 600)
        if wait_ready and paths.device_file.exists():
            with qtbot.waitSignal(app.backendReady, timeout=10_000):
                app.start()
        else:
            app.start()
        return app

    yield make
    for app in made:
        app.shutdown()


@pytest.fixture
def kiosk(make_app: Callable[..., KioskApp], credentials: Any) -> KioskApp:
    """A provisioned kiosk on the scanning screen, no camera."""
    return make_app()


def wait_until(qtbot: Any, condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the event loop run until ``condition()`` holds (fails the test otherwise)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        qtbot.wait(20)
