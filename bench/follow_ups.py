"""What voiding the documented way and keeping the cache fresh cost; prints a Markdown table.

    .venv/bin/python bench/follow_ups.py [--scans 200] [--passes 300]

Embedded server on loopback in the same process. Drains N redeem-and-void scans queued
offline with ``scanning.void_with = "scan-event"`` (one call per scan) and ``"update-pass"``
(scan event, then pass() + updatePass), and re-reads N cached passes with pass(projectId, id).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.passes import guest_pass
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.refresh import Upkeep
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings


def drain_redeems(void_with: str, scans: int) -> tuple[float, int]:
    """Seconds to upload ``scans`` queued redeem-and-void scans, and the server calls made."""
    settings = Settings().with_changes(
        scanning={"mode": "redeem", "redeem_voids_pass": True, "void_with": void_with},
        upload={"refresh_per_minute": 0},
    )
    with DemoServer() as server, tempfile.TemporaryDirectory() as folder:
        for number in range(scans):
            server.state.add_pass(guest_pass(number))
        paths = resolve_paths(Path(folder)).ensure()
        credentials = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "bench")
        with ScanService(paths, credentials, settings, background=False) as service:
            for number in range(scans):  # looked up online (ids cached), then queued
                service.scan(guest_pass(number).code)
            before = server.request_count
            start = time.perf_counter()
            result = service.sync(600)
            seconds = time.perf_counter() - start
            assert result.stopped_because is None, result
            return seconds, server.request_count - before


def refresh_passes(passes: int) -> tuple[float, int]:
    settings = Settings().with_changes(upload={"refresh_per_minute": 0})
    with DemoServer() as server, tempfile.TemporaryDirectory() as folder:
        for number in range(passes):
            server.state.add_pass(guest_pass(number))
        paths = resolve_paths(Path(folder)).ensure()
        credentials = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "bench")
        with ScanService(paths, credentials, settings, background=False) as service:
            for number in range(passes):
                service.scan(guest_pass(number).code)
            upkeep = Upkeep(
                service.journal,
                service._upload_client,
                service.link,
                service.templates,
                per_minute=passes,
                clock=service._clock,
            )
            with service.journal.connection() as conn:
                conn.execute("UPDATE pass_cache SET checked_at = '2000-01-01T00:00:00.000000Z'")
            start = time.perf_counter()
            done = upkeep.run(lambda: False)
            return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--passes", type=int, default=300)
    args = parser.parse_args()
    print("| measurement | n | total | per item | server calls |")
    print("|---|---|---|---|---|")
    for void_with in ("scan-event", "update-pass"):
        seconds, calls = drain_redeems(void_with, args.scans)
        print(
            f"| upload redeem+void, void_with={void_with} | {args.scans} | {seconds:.2f} s | "
            f"{seconds / args.scans * 1000:.1f} ms | {calls} |"
        )
    seconds, done = refresh_passes(args.passes)
    print(
        f"| re-read cached passes, pass(projectId, id) | {done} | {seconds:.2f} s | "
        f"{seconds / max(done, 1) * 1000:.1f} ms | {done} |"
    )


if __name__ == "__main__":
    main()
