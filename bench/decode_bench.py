"""Decode rate and time per image, per format: the kiosk's thorough path vs raw decoders.

    .venv/bin/python bench/make_corpus.py          # once
    .venv/bin/python bench/decode_bench.py [--corpus bench/out/corpus] [--budget 3]

"kiosk" is ``Decoder.decode_still`` (what ``kiosk decode`` runs), "zxing-cpp" is
``zxingcpp.read_barcodes(image)`` with its defaults, "pyzbar" is ``pyzbar.decode(image)``.
An image counts as read when the expected text is among the results. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from kiosk.capture.decoder import Decoder
from kiosk.capture.formats import KNOWN_FORMATS
from kiosk.capture.readers import ReaderUnavailable, load_pyzbar

DEFAULT_CORPUS = Path(__file__).resolve().parent / "out" / "corpus"


def readers(budget: float) -> dict[str, Callable[[np.ndarray], list[str]]]:
    kiosk = Decoder(None, still_budget_s=budget)
    try:
        zbar = load_pyzbar()
    except ReaderUnavailable:
        zbar = None
    out: dict[str, Callable[[np.ndarray], list[str]]] = {
        "kiosk": lambda image: [d.text for d in kiosk.decode_still(image)],
        "zxing-cpp": lambda image: [r.text for r in zxingcpp.read_barcodes(image)],
    }
    if zbar is not None:
        out["pyzbar"] = lambda image: [
            r.data.decode("utf-8", "replace") for r in zbar.decode(image)
        ]
    return out


def run(corpus: Path, budget: float) -> dict[str, list[tuple[str, str, bool, float]]]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    results: dict[str, list[tuple[str, str, bool, float]]] = defaultdict(list)
    decoders = readers(budget)
    for name, meta in manifest.items():
        image = cv2.imread(str(corpus / name))
        for label, read in decoders.items():
            started = time.perf_counter()
            texts = read(image)
            elapsed = time.perf_counter() - started
            results[label].append((meta["format"], meta["damage"], meta["text"] in texts, elapsed))
    return results


def table(
    results: dict[str, list[tuple[str, str, bool, float]]], key: int, rows: list[str], title: str
) -> str:
    labels = list(results)
    head = f"| {title} | n | " + " | ".join(f"{label} read | {label} ms" for label in labels)
    lines = [head + " |", "|---" * (2 + 2 * len(labels)) + "|"]
    for row in [*rows, "all"]:
        cells = []
        n = 0
        for label in labels:
            hits = [r for r in results[label] if row == "all" or r[key] == row]
            n = len(hits)
            rate = sum(r[2] for r in hits) / max(n, 1)
            median = statistics.median(r[3] for r in hits) * 1000 if hits else 0.0
            cells.append(f"{rate:.0%} | {median:.1f}")
        if n:
            lines.append(f"| {row} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Barcode decode benchmark.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--budget",
        type=float,
        default=3.0,
        help="the kiosk decoder's extra-attempt budget per image (s)",
    )
    args = parser.parse_args()
    cv2.setNumThreads(1)  # one core, as at the door
    warnings.simplefilter("ignore", DeprecationWarning)  # pyzbar's
    results = run(args.corpus, args.budget)
    from kiosk.capture.damage import DAMAGES

    print(table(results, 0, list(KNOWN_FORMATS), "format"))
    print()
    print(table(results, 1, list(DAMAGES), "damage"))
    print()
    per_format_ok = True
    for fmt in KNOWN_FORMATS:
        counts = {label: sum(r[2] for r in rs if r[0] == fmt) for label, rs in results.items()}
        best_raw = max(v for k, v in counts.items() if k != "kiosk")
        if counts["kiosk"] < best_raw:
            per_format_ok = False
            print(f"WORSE than a raw decoder on {fmt}: {counts}")
    print(
        "kiosk reads at least as many as the better raw decoder on every format:",
        "yes" if per_format_ok else "NO",
    )


if __name__ == "__main__":
    main()
