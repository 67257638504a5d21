"""`kiosk decode` reads at least as many codes as the better raw decoder, on every format.

Runs the real command on a freshly generated corpus (bench/make_corpus.py: every format with
every kind of damage) and compares with raw zxing-cpp and raw pyzbar on the same files.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import zxingcpp

from bench.make_corpus import generate
from kiosk.capture.formats import KNOWN_FORMATS
from kiosk.capture.readers import load_pyzbar


def test_kiosk_decode_reads_at_least_the_better_raw_decoder_per_format(
    tmp_path: Path, run_cli: Any
) -> None:
    corpus = tmp_path / "corpus"
    manifest = generate(corpus, per_cell=1, seed=7)
    names = sorted(manifest)
    result = run_cli(
        "decode", "--json", "--budget", "1", *[str(corpus / n) for n in names], timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = result.json_lines()
    assert len(lines) == len(names)
    zbar = load_pyzbar()  # libzbar0 is installed on the test machines: raises otherwise
    kiosk, raw_zxing, raw_zbar = Counter[str](), Counter[str](), Counter[str]()
    for name, line in zip(names, lines, strict=True):
        meta = manifest[name]
        assert line["path"].endswith(name)
        image = cv2.imread(str(corpus / name))
        fmt, want = meta["format"], meta["text"]
        kiosk[fmt] += want in [c["text"] for c in line["codes"]]
        raw_zxing[fmt] += want in [r.text for r in zxingcpp.read_barcodes(image)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            raw_zbar[fmt] += want in [r.data.decode("utf-8", "replace") for r in zbar.decode(image)]  # type: ignore[attr-defined]
    for fmt in KNOWN_FORMATS:
        assert kiosk[fmt] >= max(raw_zxing[fmt], raw_zbar[fmt]), (fmt, kiosk, raw_zxing)
    # and it is worth having: over the whole corpus it reads more than either alone
    assert sum(kiosk.values()) > max(sum(raw_zxing.values()), sum(raw_zbar.values()))
    assert json.dumps(lines)  # every line is plain JSON
