"""What the door and the uploader feel over a slow link, measured over real HTTPS.

    .venv/bin/python bench/network_bench.py [--rtt 0,50,150] [--scans 60] [--backlog 10000]

For each emulated round trip (the demo server's link emulation: every request waits one
round trip, every new connection one more for TCP and one for TLS; HTTP/2 offered; the
server runs in its own process so its work does not share the kiosk's interpreter lock):

- verdict time of an online scan (lookup + decision + durable journal commit), median/p99;
- the first scan after a quiet spell. The server closes connections idle for
  ``--idle-timeout`` seconds (a load balancer's idle timeout, shortened so the bench does
  not wait ten minutes) and the kiosk then stays quiet for ``--idle`` seconds (longer than
  the timeout), the median of ``--spells`` such spells: with keep-warm on
  (``api.keep_warm_seconds`` half the timeout), then off, which pays TCP + TLS again;
- a backlog of ``--backlog`` queued scans to empty, with door lookups every 250 ms while it
  drains (a voided pass, so they add nothing to the queue; their median next to the idle
  median).

Bounded in time: about a minute per round trip with the defaults.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.certs import TestCertificates, make_test_certificates
from kiosk.demo.link import Link
from kiosk.demo.passes import VOIDED_CODE, guest_pass
from kiosk.journal import Journal, ScanRecord
from kiosk.journal.states import UploadState
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings

GUESTS = 2000


def serve(
    certs: TestCertificates, link: Link, ready: multiprocessing.Queue, stop: multiprocessing.Event
) -> None:  # type: ignore[valid-type]
    """The demo server in its own process, until ``stop``."""
    server = DemoServer(tls=certs, http2=True, link=link)
    for number in range(GUESTS):
        server.state.add_pass(guest_pass(number))
    with server:
        ready.put(server.url)
        stop.wait()
        ready.put(len(server.state.events()))


def ms(seconds: float) -> float:
    return seconds * 1000


def scan_times(service: ScanService, codes: list[str]) -> list[float]:
    samples = []
    for code in codes:
        started = time.perf_counter()
        verdict = service.scan(code)
        samples.append(ms(time.perf_counter() - started))
        assert not verdict.offline, verdict.message
    return samples


def after_idle(service: ScanService, codes: Iterator[str], args: argparse.Namespace) -> str:
    """Median verdict time of the first scan after each of ``--spells`` quiet spells."""
    samples = []
    for _ in range(args.spells):
        time.sleep(args.idle)
        samples.extend(scan_times(service, [next(codes)]))
    return f"{statistics.median(samples):.1f} ms"


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[-1] if len(samples) > 1 else samples[0]


def measure(
    rtt_ms: float, args: argparse.Namespace, certs: TestCertificates, folder: Path
) -> dict[str, str]:
    link = Link(rtt_ms / 1000, args.jitter_ms / 1000, args.idle_timeout)
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    process = context.Process(target=serve, args=(certs, link, ready, stop), daemon=True)
    process.start()
    url = ready.get(timeout=60)
    result: dict[str, str] = {}
    try:
        paths = resolve_paths(folder / f"kiosk-{rtt_ms:g}").ensure()
        credentials = provision(
            paths.device_file, url, DEMO_WORKSPACE_TOKEN, "bench", ca_file=str(certs.ca_file)
        )
        settings = Settings().with_changes(
            api={"ca_file": str(certs.ca_file), "keep_warm_seconds": args.idle_timeout / 2}
        )
        codes = iter(guest_pass(n).code for n in range(GUESTS))
        with ScanService(paths, credentials, settings) as service:
            scan_times(service, [next(codes)])  # the very first connection
            idle = scan_times(service, [next(codes) for _ in range(args.scans)])
            result["median"] = f"{statistics.median(idle):.1f} ms"
            result["p99"] = f"{p99(idle):.1f} ms"
            result["after idle (warm)"] = after_idle(service, codes, args)
        cold = settings.with_changes(api={"keep_warm_seconds": 0})
        with ScanService(paths, credentials, cold) as service:
            scan_times(service, [next(codes)])
            result["after idle (no keep-warm)"] = after_idle(service, codes, args)
        with Journal(paths.journal_file) as journal, journal.transaction() as tx:
            for _ in range(args.backlog):
                tx.insert_scan(
                    ScanRecord(
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
                        device=credentials.device_name,
                        workspace=credentials.workspace,
                    )
                )
        with ScanService(paths, credentials, settings, background=False) as service:
            scan_times(service, [next(codes)])
            door: list[float] = []
            done = threading.Event()

            def door_lookups() -> None:  # a voided pass: looked up, nothing to upload
                while not done.is_set():
                    door.extend(scan_times(service, [VOIDED_CODE]))
                    done.wait(0.25)

            watcher = threading.Thread(target=door_lookups)
            started = time.perf_counter()
            watcher.start()
            drained = service.sync(args.limit)
            elapsed = time.perf_counter() - started
            done.set()
            watcher.join()
            left = service.status().pending
        result["backlog"] = (
            f"{elapsed:.1f} s" if left == 0 else f"not empty after {elapsed:.0f} s ({left} left)"
        )
        result["rate"] = f"{drained.uploaded / elapsed:,.0f} scans/s"
        result["door during drain"] = (
            f"{statistics.median(door):.1f} ms (p99 {p99(door):.1f}, n={len(door)})"
        )
    finally:
        stop.set()
        events = ready.get(timeout=30)
        process.join(timeout=30)
    result["server events"] = f"{events:,}"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt", default="0,50,150", help="round trips to emulate, in ms")
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--scans", type=int, default=60)
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=2.0,
        help="the server closes connections idle this long (seconds)",
    )
    parser.add_argument("--idle", type=float, default=4.5, help="quiet spell (seconds)")
    parser.add_argument("--spells", type=int, default=3, help="quiet spells measured")
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument(
        "--limit",
        type=float,
        default=120.0,
        help="give up draining the backlog after this long (seconds)",
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        certs = make_test_certificates(Path(folder) / "tls")
        for rtt in [float(x) for x in args.rtt.split(",")]:
            found = measure(rtt, args, certs, Path(folder))
            rows.append((rtt, found))
            print(f"# {rtt:g} ms: {found}", file=sys.stderr)
    print(
        "| round trip | verdict median | verdict p99 | first scan after idle (keep-warm / off)"
        f" | backlog of {args.backlog:,} to empty | door verdict during drain |"
    )
    print("|---|---|---|---|---|---|")
    for rtt, found in rows:
        print(
            f"| {rtt:g} ms | {found['median']} | {found['p99']} | "
            f"{found['after idle (warm)']} / {found['after idle (no keep-warm)']} | "
            f"{found['backlog']} ({found['rate']}) | {found['door during drain']} |"
        )


if __name__ == "__main__":
    main()
