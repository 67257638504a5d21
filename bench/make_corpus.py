"""Generate the barcode benchmark corpus: every format, with realistic damage.

    .venv/bin/python bench/make_corpus.py [--out bench/out/corpus] [--per-cell 4] [--seed 1]

Each image is a code drawn by zxing-cpp's writer, scaled and damaged as in
kiosk/capture/damage.py (perspective, rotation, blur, glare, noise, JPEG, phone-screen moire,
small and large modules, and all of them at once). ``manifest.json`` maps each file to its
format, damage and the text a reader must return (taken from reading the clean symbol, so
check digits and UPC expansion are what decoders really output).
"""

from __future__ import annotations

import argparse
import json
import random
import string
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from kiosk.capture.damage import DAMAGES, damaged
from kiosk.capture.formats import KNOWN_FORMATS
from kiosk.capture.render import barcode_image, linear_height

DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "corpus"
ALNUM = string.ascii_uppercase + string.digits


def payload(fmt: str, rng: random.Random) -> str:
    """A ticket-like payload the format can hold."""

    def pick(alphabet: str, n: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    if fmt in ("QRCode", "Aztec", "PDF417", "DataMatrix"):
        # wallet passes: a short ticket code, or a longer signed token
        return "TKT-" + pick(ALNUM, rng.choice((10, 24, 48)))
    if fmt == "Code128":
        return "TKT-" + pick(ALNUM, rng.choice((6, 10)))
    if fmt in ("Code39", "Code93"):
        return "T" + pick(ALNUM + "-", 7)
    if fmt == "UPCE":
        return "0" + pick(string.digits, 6)
    if fmt == "Codabar":
        return "A" + pick(string.digits, 8) + "B"
    lengths = {"EAN13": 12, "EAN8": 7, "UPCA": 11, "ITF": 10}
    return pick(string.digits, lengths[fmt])


def canonical_text(symbol: np.ndarray) -> str | None:
    """What decoders return for the clean symbol (check digits included)."""
    results = zxingcpp.read_barcodes(symbol, text_mode=zxingcpp.TextMode.Plain)
    return results[0].text if len(results) == 1 else None


def _symbol(fmt: str, rng: random.Random) -> np.ndarray:
    for _ in range(50):  # some digit strings are not encodable (UPC-E zero suppression)
        try:
            return linear_height(barcode_image(payload(fmt, rng), fmt), fmt)
        except ValueError:
            continue
    raise RuntimeError(f"no encodable {fmt} payload found")


def generate(out: Path, per_cell: int, seed: int) -> dict[str, dict[str, str]]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    manifest: dict[str, dict[str, str]] = {}
    for fmt in KNOWN_FORMATS:
        for damage in DAMAGES:
            for n in range(per_cell):
                symbol = _symbol(fmt, rng)
                expected = canonical_text(np.pad(symbol, 10, constant_values=255))
                if expected is None:
                    continue
                image = damaged(symbol, damage, np_rng)
                name = f"{fmt}-{damage}-{n}.png"
                cv2.imwrite(str(out / name), image)
                manifest[name] = {"format": fmt, "damage": damage, "text": expected}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate the barcode benchmark corpus.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--per-cell", type=int, default=4, help="images per format and damage")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    manifest = generate(args.out, args.per_cell, args.seed)
    print(f"{len(manifest)} images in {args.out}")


if __name__ == "__main__":
    main()
