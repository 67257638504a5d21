"""Benchmark the scan pipeline against the embedded server on loopback; prints a Markdown table.

    .venv/bin/python bench/scan_pipeline.py [--scans 300] [--backlog 10000]

Measures what the door feels (one ``ScanService.scan`` call: lookup + decision + durable
journal commit, online and offline), the journal commit alone, the pure decision, and how fast
a backlog of queued scans drains to the server after an outage.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.passes import guest_pass
from kiosk.journal import Journal, ScanRecord
from kiosk.journal.states import UploadState
from kiosk.passfacts import PassFacts
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.rules import Lookup, LookupOutcome, decide
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def row(name: str, samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[-1]
    return f"| {name} | {len(samples)} | {statistics.median(samples):.2f} ms | {p95:.2f} ms |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    settings = Settings().with_changes(upload={"concurrency": args.concurrency})
    rows: list[str] = []
    with DemoServer() as server, tempfile.TemporaryDirectory() as folder:
        for number in range(args.scans * 2):
            server.state.add_pass(guest_pass(number))
        paths = resolve_paths(Path(folder) / "kiosk").ensure()
        credentials = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "bench")

        with ScanService(paths, credentials, settings, background=False) as service:
            online = iter(range(args.scans))
            rows.append(
                row(
                    "scan, online (lookup + decide + journal commit)",
                    timed(lambda: service.scan(guest_pass(next(online)).code), args.scans),
                )
            )
            server.stop()
            service.scan("warm-up: goes offline")
            offline = iter(range(args.scans, args.scans * 2))
            rows.append(
                row(
                    "scan, offline (cache/policy + decide + journal commit)",
                    timed(lambda: service.scan(guest_pass(next(offline)).code), args.scans),
                )
            )
            server.start()
            service.sync(600)  # so the backlog below is exactly --backlog scans
        facts = PassFacts("p", "Ada", False, None)
        now = datetime.now(UTC)
        rows.append(
            row(
                "decide() alone (pure function)",
                timed(
                    lambda: decide(
                        "C", Lookup(LookupOutcome.FOUND, facts), None, settings.scanning, now
                    ),
                    10_000,
                ),
            )
        )

        with Journal(Path(folder) / "bench.sqlite3") as journal:

            def write() -> None:
                with journal.transaction() as tx:
                    tx.insert_scan(_record())

            rows.append(row("journal write (one scan, WAL, synchronous=FULL)", timed(write, 1000)))

        with Journal(paths.journal_file) as journal, journal.transaction() as tx:
            for _ in range(args.backlog):
                tx.insert_scan(_record())
        with ScanService(paths, credentials, settings, background=False) as service:
            pending = service.status().pending
            start = time.perf_counter()
            result = service.sync(3600)
            elapsed = time.perf_counter() - start
        rate = result.uploaded / elapsed
    print("| measurement | n | median | p95 |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    print(
        f"| upload backlog of {pending:,} scans (concurrency {args.concurrency}) | "
        f"{result.uploaded:,} | {rate:,.0f} scans/s | {elapsed:.1f} s total |"
    )


def _record() -> ScanRecord:
    return ScanRecord(
        str(uuid.uuid4()),
        f"BENCH-{uuid.uuid4().hex[:12]}",
        "valid",
        "entry",
        0,
        False,
        datetime.now(UTC),
        True,
        "manual",
        "Accepted offline.",
        UploadState.PENDING,
    )


if __name__ == "__main__":
    main()
