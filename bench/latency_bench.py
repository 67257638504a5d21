"""Time from a code entering the camera's view to the verdict being known.

    .venv/bin/python bench/latency_bench.py [--rounds 3] [--size 1280x720] [--fps 30]

The synthetic camera shows each demo pass in turn, in real time, at the given size and frame
rate; the real capture worker reads, decodes and debounces; each scan goes to the real
ScanService against the embedded demo API server over HTTP on 127.0.0.1 (journal on disk),
whose verdict ends the measurement. The moment a code "enters" is the capture time of the
first frame showing it. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import cv2

from kiosk.capture import CaptureWorker, Preview, ScanEvent, SyntheticSource
from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.service import ScanService


def main() -> None:
    parser = argparse.ArgumentParser(description="Code-to-verdict latency benchmark.")
    parser.add_argument("--rounds", type=int, default=3, help="times through the demo passes")
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--confirmations", type=int, default=1)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    cv2.setNumThreads(1)

    entered: dict[int, float] = {}  # presentation number -> capture time of its first frame
    verdicts: list[tuple[str, float, float, float, str]] = []
    lock = threading.Lock()
    source = SyntheticSource(
        width=width, height=height, fps=args.fps, show_seconds=1.5, gap_seconds=0.7, loop=True
    )
    period = source.show_seconds + source.gap_seconds
    presentations = len(source.codes) * args.rounds

    def on_preview(preview: Preview) -> None:
        frame = preview.frame
        if frame.truth is not None:
            slot = int(frame.index / source.fps // period)
            with lock:
                entered.setdefault(slot, frame.timestamp)

    with tempfile.TemporaryDirectory() as tmp, DemoServer() as server:
        paths = resolve_paths(Path(tmp)).ensure()
        credentials = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "bench")
        service = ScanService(paths, credentials)
        done = threading.Event()

        def on_scan(event: ScanEvent) -> None:
            verdict = service.scan(event.code, source="camera")
            known = time.monotonic()
            slot = int(event.frame_index / source.fps // period)
            with lock:
                start = entered.get(slot, event.frame_time)
                verdicts.append((event.code, start, event.decided_time, known, verdict.kind.value))
                if len(verdicts) >= presentations:
                    done.set()

        # A short hold, so the same pass shown again next round is a new scan.
        worker = CaptureWorker(
            source,
            on_scan=on_scan,
            on_preview=on_preview,
            confirmations=args.confirmations,
            hold_seconds=1.0,
        )
        with worker:
            done.wait(presentations * period + 10)
        service.close()

    detect = [(d - s) * 1000 for _, s, d, _, _ in verdicts]
    verdict_ms = [(k - s) * 1000 for _, s, _, k, _ in verdicts]
    decode = sorted(t * 1000 for t in worker.stats.decode_seconds)
    print(
        f"{width}x{height} at {args.fps:g} fps, confirmations={args.confirmations}: "
        f"{len(verdicts)} of {presentations} presentations scanned; frames read "
        f"{worker.stats.frames_read}, decoded {worker.stats.frames_decoded}, dropped "
        f"{worker.stats.frames_dropped}\n"
    )
    print("| measure | median ms | p90 ms | max ms |")
    print("|---|---|---|---|")
    for name, values in (
        ("code enters view -> scan decided", detect),
        ("code enters view -> verdict known", verdict_ms),
        ("decode time per frame", decode),
    ):
        if values:
            values = sorted(values)
            p90 = values[min(int(len(values) * 0.9), len(values) - 1)]
            print(f"| {name} | {statistics.median(values):.0f} | {p90:.0f} | {max(values):.0f} |")
    print("\nverdicts: " + ", ".join(f"{code}={kind}" for code, _, _, _, kind in verdicts[:6]))


if __name__ == "__main__":
    main()
