"""Does the kiosk screen stutter while a 10,000-scan backlog uploads? Measure it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_event_loop_lag.py [--backlog 10000]

A 10 ms QTimer runs on the UI thread next to the real kiosk window (real ScanService; the
demo server runs in its own process, as the real API is on another machine, so its Python
threads do not compete for this process's GIL). Lag is how late each tick fires: while the
event loop is free it is ~0; any blocking call on the UI thread (a journal query, an HTTP
request, a big repaint) shows up as a late tick. Three phases:

* backlog: the kiosk starts with --backlog accepted scans in its journal (an outage just
  ended); the uploader drains the first half while the status bar refreshes every second
  (its pending count queries the big queue);
* backlog + door: the second half, plus the synthetic camera at 15 fps with its preview and
  a manual scan every 0.5 s, the way a busy door looks during the catch-up;
* idle: afterwards, the window with the 1 s status refresh and nothing else.

A tick later than 50 ms is a visible stutter (three frames at 60 Hz); the table counts them.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

from kiosk.capture import SyntheticSource
from kiosk.demo import DEMO_WORKSPACE_TOKEN
from kiosk.demo.passes import VALID_CODE, guest_pass
from kiosk.journal import Journal, ScanRecord
from kiosk.journal.states import UploadState
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.settings import Settings
from kiosk.ui.app import KioskApp
from kiosk.ui.main import application

TICK_MS = 10
STUTTER_MS = 50


@dataclass
class Phase:
    name: str
    lags_ms: list[float]
    uploaded: int
    seconds: float

    def row(self) -> str:
        lags = sorted(self.lags_ms)
        p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]  # noqa: E731
        stutters = sum(1 for lag in lags if lag > STUTTER_MS)
        rate = f"{self.uploaded / self.seconds:,.0f}/s" if self.uploaded else "—"
        return (
            f"| {self.name} | {len(lags):,} | {statistics.median(lags):.1f} | "
            f"{p(0.95):.1f} | {p(0.99):.1f} | {max(lags):.1f} | {stutters} | "
            f"{self.uploaded:,} ({rate}) |"
        )


def measure(seconds: float, until: object = None) -> tuple[list[float], float]:
    """Run the event loop for ``seconds`` (or until ``until()``), recording tick lateness."""
    lags: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        lags.append(max(0.0, (now - last[0]) / 1e6 - TICK_MS))
        last[0] = now

    timer.timeout.connect(tick)
    loop = QEventLoop()
    started = time.monotonic()

    def check() -> None:  # the real kiosk runs app.exec(); so does this, not a polling loop
        if time.monotonic() - started >= seconds or (until is not None and until()):  # type: ignore[operator]
            loop.quit()

    checker = QTimer()
    checker.timeout.connect(check)
    checker.start(100)
    clock.start()
    timer.start(TICK_MS)
    loop.exec()
    checker.stop()
    timer.stop()
    return lags[1:], time.monotonic() - started


class ServerProcess:
    """``kiosk demo --server-only`` in a child process."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None
        self.start()

    def start(self) -> None:
        root = Path(__file__).resolve().parent.parent
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk",
                "--data-dir",
                str(self.data_dir),
                "demo",
                "--server-only",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("Demo API server:"):
                self.url = line.split(":", 1)[1].strip()
                self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
                return
        raise RuntimeError("the demo server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.communicate(timeout=10)
            self.proc = None


def fill_backlog(journal_file: Path, count: int, codes: list[str]) -> None:
    now = datetime.now(UTC)
    with Journal(journal_file) as journal, journal.transaction() as tx:
        for index in range(count):
            tx.insert_scan(
                ScanRecord(
                    str(uuid.uuid4()),
                    codes[index % len(codes)],
                    "valid",
                    "entry",
                    0,
                    False,
                    now,
                    True,
                    "camera",
                    "Accepted offline.",
                    UploadState.PENDING,
                )
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the idle phase")
    parser.add_argument(
        "--limit", type=float, default=120.0, help="longest an upload phase may run"
    )
    args = parser.parse_args()
    application()
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-lag-") as tmp:
        server = ServerProcess(Path(tmp) / "server")
        guests = [guest_pass(n) for n in range(200)]
        paths = resolve_paths(Path(tmp) / "kiosk").ensure()
        provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "bench")
        settings = Settings().with_changes(
            screen={"fullscreen": False, "verdict_seconds": 0.4}, camera={"hold_seconds": 1.0}
        )
        fill_backlog(paths.journal_file, args.backlog, [g.code for g in guests])

        def camera(_: object) -> SyntheticSource | None:
            return SyntheticSource(
                [VALID_CODE, guests[0].code],
                width=960,
                height=540,
                fps=15,
                show_seconds=1.0,
                gap_seconds=0.5,
            )

        kiosk = KioskApp(paths, settings=settings, source_factory=None)
        kiosk.window.resize(1024, 600)
        kiosk.start()
        try:

            def pending() -> int:
                status = kiosk.window.status_bar.status
                return status.pending if status is not None else args.backlog

            half = args.backlog // 2
            lags, took = measure(args.limit, lambda: pending() <= args.backlog - half)
            uploaded = args.backlog - pending()
            phases.append(Phase(f"{args.backlog:,}-scan backlog uploading", lags, uploaded, took))

            kiosk.camera_feed._source_factory = camera
            kiosk.camera_feed.start()
            scans = QTimer()
            scans.timeout.connect(lambda: kiosk.submit(f"MANUAL-{uuid.uuid4().hex[:6]}", "manual"))
            scans.start(500)
            mark = pending()
            lags, took = measure(args.limit, lambda: pending() == 0)
            scans.stop()
            uploaded = mark - pending()
            phases.append(
                Phase("rest of backlog + camera preview + scan every 0.5 s", lags, uploaded, took)
            )
            left = pending()
            kiosk.camera.stop()
            lags, took = measure(args.seconds)
            phases.append(Phase("idle afterwards (status refresh only)", lags, 0, took))
        finally:
            kiosk.shutdown()
            server.stop()
    print(
        f"Event-loop lag on the UI thread ({TICK_MS} ms timer; ms late per tick; "
        f"stutter = later than {STUTTER_MS} ms)\n"
    )
    print("| phase | ticks | median | p95 | p99 | max | stutters | uploaded |")
    print("|---|---|---|---|---|---|---|---|")
    for phase in phases:
        print(phase.row())
    print(f"\nScans still waiting at the end: {left}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
