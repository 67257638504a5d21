"""Per-frame decode time for live camera frames, by resolution, path and scene.

    .venv/bin/python bench/frame_bench.py [--frames 40]

Scenes: a phone showing a wallet pass (QR, Aztec, PDF417, Code128 in turn; synthetic
source with noise, tilt and motion), an empty scene (smooth backdrop), and a busy scene
without a code (posters, text and edges that make the frame look code-like, so the
thorough steps run). Paths:

* fast: ``Decoder.decode_fast`` (enabled formats, grey, no rotate/invert, ROI first);
* live: ``Decoder.decode_live`` with the default 30 ms thorough budget (what the worker runs);
* thorough: ``decode_live`` with no budget (every thorough step on every unread frame);
* zxing defaults / zxing 6 formats: raw ``zxingcpp.read_barcodes`` for reference.

One core (OpenCV told to use one thread; zxing-cpp is single-threaded). Prints Markdown.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import cv2
import numpy as np
import zxingcpp

from kiosk.capture.decoder import Decoder, to_grey
from kiosk.capture.synthetic import SyntheticSource
from kiosk.settings import CameraSettings

SIZES = ((640, 480), (1280, 720), (1920, 1080))


def code_frames(width: int, height: int, count: int) -> list[tuple[np.ndarray, str]]:
    source = SyntheticSource(
        width=width, height=height, fps=30, show_seconds=1.0, gap_seconds=0.0, realtime=False
    )
    source.open()
    step = max(int(30 * 6 / count), 1)  # spread over the six demo passes
    frames = [source.render(i) for i in range(0, step * count, step)]
    return [(f.image, f.truth or "") for f in frames]


def empty_frames(width: int, height: int, count: int) -> list[tuple[np.ndarray, str]]:
    source = SyntheticSource(
        width=width, height=height, show_seconds=0.0, gap_seconds=1.0, realtime=False
    )
    source.open()
    return [(source.render(i).image, "") for i in range(count)]


def busy_frames(width: int, height: int, count: int) -> list[tuple[np.ndarray, str]]:
    """Posters with text, stripes and boxes: edge-dense, but no barcode."""
    rng = np.random.default_rng(5)
    frames = []
    for _ in range(count):
        image = SyntheticSource(width=width, height=height, realtime=False)._backdrop.copy()
        for _ in range(12):
            x, y = int(rng.integers(0, width - 50)), int(rng.integers(0, height - 30))
            color = tuple(int(c) for c in rng.integers(0, 255, 3))
            cv2.rectangle(
                image,
                (x, y),
                (x + int(rng.integers(30, width // 3)), y + int(rng.integers(20, height // 3))),
                color,
                -1,
            )
        for _ in range(8):
            x, y = int(rng.integers(0, width - 200)), int(rng.integers(20, height))
            cv2.putText(
                image,
                "FESTIVAL GATE B 19:00",
                (x, y),
                cv2.FONT_HERSHEY_SIMPLEX,
                width / 1500,
                (20, 20, 20),
                2,
                cv2.LINE_AA,
            )
        frames.append((image, ""))
    return frames


def measure(
    frames: list[tuple[np.ndarray, str]], run: Callable[[np.ndarray, float], list[str]]
) -> tuple[float, float, float]:
    """(median ms, p95 ms, share of code frames read correctly) over consecutive frames."""
    times, hits = [], 0
    for i, (image, truth) in enumerate(frames):
        started = time.perf_counter()
        texts = run(image, i / 30)
        times.append((time.perf_counter() - started) * 1000)
        hits += bool(truth) and truth in texts
    with_code = sum(1 for _, t in frames if t)
    times.sort()
    p95 = times[min(int(len(times) * 0.95), len(times) - 1)]
    return statistics.median(times), p95, hits / with_code if with_code else float("nan")


def paths(formats: list[str]) -> dict[str, Callable[[], Callable[[np.ndarray, float], list[str]]]]:
    zx6 = [getattr(zxingcpp.BarcodeFormat, f) for f in formats]

    def fast() -> Callable[[np.ndarray, float], list[str]]:
        d = Decoder(formats)
        return lambda img, now: [x.text for x in d.decode_fast(img, now)]

    def live() -> Callable[[np.ndarray, float], list[str]]:
        d = Decoder(formats)
        return lambda img, now: [x.text for x in d.decode_live(img, now)]

    def thorough() -> Callable[[np.ndarray, float], list[str]]:
        d = Decoder(formats)
        return lambda img, now: [x.text for x in d.decode_live(img, now, budget_s=1e9)]

    def zxing_defaults() -> Callable[[np.ndarray, float], list[str]]:
        return lambda img, now: [r.text for r in zxingcpp.read_barcodes(to_grey(img))]

    def zxing_six() -> Callable[[np.ndarray, float], list[str]]:
        return lambda img, now: [
            r.text
            for r in zxingcpp.read_barcodes(
                to_grey(img), formats=zx6, try_rotate=False, try_invert=False
            )
        ]

    return {
        "fast": fast,
        "live (30 ms budget)": live,
        "thorough (no budget)": thorough,
        "zxing defaults": zxing_defaults,
        "zxing 6 formats": zxing_six,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Per-frame decode time benchmark.")
    parser.add_argument("--frames", type=int, default=40, help="frames per scene and size")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    warnings.simplefilter("ignore", DeprecationWarning)
    formats = list(CameraSettings().formats)
    print(
        f"Enabled formats: {', '.join(formats)}; {args.frames} frames per cell; "
        "median / p95 ms per frame (read rate on frames with a code)\n"
    )
    scenes = {
        "code in view": code_frames,
        "no code, empty": empty_frames,
        "no code, busy": busy_frames,
    }
    cache = {(w, h, s): make(w, h, args.frames) for w, h in SIZES for s, make in scenes.items()}
    factories = paths(formats)
    cells: dict[tuple[int, int, str], list[str]] = {key: [] for key in cache}
    for factory in factories.values():
        for key, frames in cache.items():
            median, p95, rate = measure(frames, factory())
            read = f" ({rate:.0%})" if rate == rate else ""
            cells[key].append(f"{median:.1f} / {p95:.1f}{read}")
    print("| frame | scene | " + " | ".join(factories) + " |")
    print("|---" * (2 + len(factories)) + "|")
    for (w, h, scene), row in cells.items():
        print(f"| {w}x{h} | {scene} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
