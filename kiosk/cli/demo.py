"""kiosk demo: the embedded Tiketo server, a throwaway device, and the kiosk on top."""

from __future__ import annotations

import argparse
import signal
import tempfile
import threading
from typing import Any

from kiosk.cli.common import EXIT_OK, paths_from, run_guarded
from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.passes import seed_passes
from kiosk.provisioning import provision


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the kiosk against an embedded demo server (no account needed)",
        description="Starts an embedded Tiketo API server on 127.0.0.1 with demo passes, "
        "provisions a throwaway device against it (unless --data-dir is given), and runs.",
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: any free)")
    parser.add_argument("--server-only", action="store_true",
                        help="only run the demo API server until interrupted")
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as throwaway:
        if args.data_dir is None:
            args.data_dir = throwaway
        paths = paths_from(args)
        with DemoServer(port=args.port) as server:
            provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "demo-kiosk")
            print(f"Demo API server: {server.url}")
            print(f"Data folder: {paths.data_dir.parent}")
            print("Demo codes: " + ", ".join(p.code for p in seed_passes()))
            _wait_for_stop()
    return EXIT_OK


def _wait_for_stop() -> None:
    """Block until Ctrl+C or SIGTERM, so the demo quits cleanly either way."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print("Press Ctrl+C to stop.", flush=True)
    while not stop.wait(0.5):
        pass
