"""kiosk demo: the embedded Tiketo server, a throwaway device, and the kiosk on top.

The camera is ``camera.device = "synthetic"``, built by the one factory
(``kiosk.capture.factory``) like any other; it shows the demo passes in an order that puts
valid, voided, expired and unknown on screen within ten seconds. Accepted scans upload to
the embedded server, so ``kiosk --data-dir DIR status --json`` shows ``last_sync`` while the
demo runs.
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from typing import TYPE_CHECKING, Any

from kiosk.cli.common import EXIT_OK, paths_from, run_guarded
from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.passes import (
    EVENT_CODE,
    EXPIRED_CODE,
    LOYALTY_CODE,
    UNKNOWN_CODE,
    VALID_CODE,
    VOIDED_CODE,
    seed_passes,
)
from kiosk.provisioning import provision

if TYPE_CHECKING:
    from kiosk.capture import FrameSource
    from kiosk.settings import CameraSettings, Settings

DEMO_PIN = "1234"
# One of each verdict first, then the loyalty card and a second guest; the loop then brings
# VALID_CODE back within the re-entry window, which shows ALREADY SCANNED.
DEMO_SEQUENCE = (VALID_CODE, VOIDED_CODE, EXPIRED_CODE, UNKNOWN_CODE, LOYALTY_CODE, EVENT_CODE)
SHOW_SECONDS, GAP_SECONDS = 1.2, 0.8
DEMO_FRAME = (960, 540, 15)  # width, height, fps: smooth in a demo window on any laptop


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the kiosk against an embedded demo server (no account needed)",
        description="Starts an embedded Tiketo API server on 127.0.0.1 with demo passes, "
        "provisions a throwaway device against it (unless --data-dir is given), and shows "
        "the kiosk with a simulated camera. Closing the window ends the demo.",
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: any free)")
    parser.add_argument(
        "--server-only", action="store_true", help="only run the demo API server until interrupted"
    )
    parser.add_argument("--fullscreen", action="store_true", help="show the kiosk full-screen")
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as throwaway:
        own_folder = args.data_dir is not None
        if not own_folder:
            args.data_dir = throwaway
        if not args.server_only:
            from kiosk.cli.display import check_display

            check_display()
        paths = paths_from(args)
        with DemoServer(port=args.port) as server:
            provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "demo-kiosk")
            print(f"Demo API server: {server.url}")
            print(f"Data folder: {paths.data_dir.parent}")
            print(
                "Demo codes: " + ", ".join(p.code for p in seed_passes()) + f", {UNKNOWN_CODE}",
                flush=True,
            )
            if args.server_only:
                _wait_for_stop()
                return EXIT_OK
            print(f"Admin PIN: {DEMO_PIN}", flush=True)
            return _run_screen(paths, save=not own_folder, fullscreen=args.fullscreen)


def _run_screen(paths: Any, *, save: bool, fullscreen: bool) -> int:
    from kiosk.settings import load_settings, save_settings
    from kiosk.ui.main import run_kiosk
    from kiosk.ui.pin import hash_pin

    loaded = load_settings(paths.settings_file).settings
    settings = loaded.with_changes(
        screen={
            "fullscreen": fullscreen,
            "verdict_seconds": min(loaded.screen.verdict_seconds, 1.8),
            "verdict_hold_until_tap": False,
        },
        camera={"hold_seconds": min(loaded.camera.hold_seconds, SHOW_SECONDS)},
        admin={"pin_hash": loaded.admin.pin_hash or hash_pin(DEMO_PIN)},
    )
    if save:  # a folder of the user's own keeps its settings file as it was
        save_settings(paths.settings_file, settings)

    code = run_kiosk(paths, **screen_options(settings))
    return EXIT_OK if code == 0 else code


def screen_options(settings: Settings) -> dict[str, Any]:
    """KioskApp's options for the demo: the settings with the demo's camera, the camera built
    by :func:`demo_source`, the demo banner and the PIN hint."""
    width, height, fps = DEMO_FRAME
    camera = {"device": "synthetic", "width": width, "height": height, "fps": fps}
    return {
        "demo": True,
        "settings": settings.with_changes(camera=camera),
        "source_factory": demo_source,
        "pin_hint": f"Demo PIN: {DEMO_PIN}",
    }


def demo_source(camera: CameraSettings) -> FrameSource:
    """The demo screen's camera: whatever the one factory builds for ``camera`` (the synthetic
    device, unless Admin picks another), with the synthetic camera showing the demo order."""
    from kiosk.capture.factory import source_from_settings
    from kiosk.capture.synthetic import SyntheticScript

    script = SyntheticScript(DEMO_SEQUENCE, show_seconds=SHOW_SECONDS, gap_seconds=GAP_SECONDS)
    return source_from_settings(camera, script=script)


def _wait_for_stop() -> None:
    """Block until Ctrl+C or SIGTERM, so the demo quits cleanly either way."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print("Press Ctrl+C to stop.", flush=True)
    while not stop.wait(0.5):
        pass
