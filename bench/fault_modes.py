"""How long a scan takes at the door with the server in each fault mode; prints a table.

    .venv/bin/python bench/fault_modes.py [--scans 5] [--lookup-timeout 3]

For each of the embedded server's fault modes (kiosk/demo/faults.py), a freshly started
ScanService (online, as at the start of a shift) scans ``--scans`` codes one after another,
the way the screen's scan lane does. "first" is the scan that meets the fault; "then" the
slowest of those after it (offline by then, or answered at once). Every scan must end within
the lookup timeout plus 0.5 s; the last column says whether it did.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer, Fault
from kiosk.demo.faults import gzip_bomb
from kiosk.demo.passes import VALID_CODE, guest_pass
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings

OPTIONS = {
    Fault.SLOW: {"slow_seconds": 30.0},
    Fault.SLOW_HEADERS: {"drip_seconds": 1.0},
    Fault.SLOW_BODY: {"drip_seconds": 1.0},
    Fault.ODD_CREATED_AT: {"created_at": 1_700_000_000},
    Fault.REJECT_SCANS: {},
    Fault.LOOKUP_ANSWER: {"answer": {"id": "p-1", "voided": True, "expirationDate": "tuesday"}},
    Fault.RATE_LIMITED: {"retry_after": "30"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=5)
    parser.add_argument("--lookup-timeout", type=float, default=3.0)
    args = parser.parse_args()
    logging.getLogger().addHandler(logging.NullHandler())  # the kiosk's warnings: not here
    settings = Settings().with_changes(scanning={"lookup_timeout_seconds": args.lookup_timeout})
    limit = args.lookup_timeout + 0.5
    gzip_bomb()  # build the demo server's bomb once, outside the timings
    print(
        f"| fault mode | first scan | then (slowest of {args.scans - 1}) | verdict | "
        f"all under {limit:.1f} s |"
    )
    print("|---|---|---|---|---|")
    worst = 0.0
    for fault in Fault:
        with DemoServer() as server, tempfile.TemporaryDirectory() as folder:
            for number in range(args.scans):
                server.state.add_pass(guest_pass(number))
            paths = resolve_paths(Path(folder) / "kiosk").ensure()
            credentials = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "bench")
            server.set_fault(fault, **OPTIONS.get(fault, {}))
            with ScanService(paths, credentials, settings) as service:
                times, verdicts = [], []
                for number in range(args.scans):
                    code = VALID_CODE if number == 0 else guest_pass(number).code
                    start = time.perf_counter()
                    verdict = service.scan(code, "camera")
                    times.append(time.perf_counter() - start)
                    verdicts.append(verdict)
                server.clear_fault()
                server.stop()  # ends the slow answers still dripping before close() waits
        first = verdicts[0]
        said = first.kind.value + (" (offline)" if first.offline else "")
        worst = max(worst, *times)
        print(
            f"| {fault.value} | {times[0] * 1000:.0f} ms | {max(times[1:]) * 1000:.0f} ms | "
            f"{said} | {'yes' if max(times) < limit else 'NO'} |"
        )
    print(f"\nslowest scan: {worst:.2f} s (limit {limit:.1f} s)")


if __name__ == "__main__":
    main()
