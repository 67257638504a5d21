"""bench/journal_damage.py still runs against today's journal: its table's last column is how
many queued scans came back from a journal whose scans-table root was overwritten."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench" / "journal_damage.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("journal_damage", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_damage_bench_counts_every_recovered_scan() -> None:
    row = _bench().measure(200)
    assert row.startswith("| 200 |")
    assert row.rstrip().endswith("| 200 |"), row
