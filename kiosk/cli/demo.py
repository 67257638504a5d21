"""kiosk demo: the embedded Tiketo server, a throwaway device, and the kiosk on top.

The synthetic camera shows the demo passes in an order that puts valid, voided, expired
and unknown on screen within ten seconds; accepted scans upload to the embedded server, so
``kiosk --data-dir DIR status --json`` shows ``last_sync`` while the demo runs.
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from typing import Any

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

DEMO_PIN = "1234"
# One of each verdict first, then the loyalty card and a second guest; the loop then brings
# VALID_CODE back within the re-entry window, which shows ALREADY SCANNED.
DEMO_SEQUENCE = (VALID_CODE, VOIDED_CODE, EXPIRED_CODE, UNKNOWN_CODE, LOYALTY_CODE, EVENT_CODE)
SHOW_SECONDS, GAP_SECONDS = 1.2, 0.8


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
    from kiosk.capture import SyntheticSource
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

    def camera(_: Any) -> SyntheticSource:
        return SyntheticSource(
            list(DEMO_SEQUENCE),
            width=960,
            height=540,
            fps=15,
            show_seconds=SHOW_SECONDS,
            gap_seconds=GAP_SECONDS,
        )

    code = run_kiosk(
        paths, demo=True, settings=settings, source_factory=camera, pin_hint=f"Demo PIN: {DEMO_PIN}"
    )
    return EXIT_OK if code == 0 else code


def _wait_for_stop() -> None:
    """Block until Ctrl+C or SIGTERM, so the demo quits cleanly either way."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print("Press Ctrl+C to stop.", flush=True)
    while not stop.wait(0.5):
        pass
