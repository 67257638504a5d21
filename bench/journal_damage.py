"""What the journal's damage handling costs; prints a Markdown table.

    .venv/bin/python bench/journal_damage.py [--sizes 10000,100000]

For journals of each size (queued scans with 60-byte codes): opening a healthy journal (the
start-up ``PRAGMA quick_check`` included, bounded at 3 s), the quick_check alone, and opening
one whose scans-table root page was overwritten with random bytes (moved aside, every scan
recovered from the leaf pages into a new journal).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.journal import Journal, ScanRecord
from kiosk.journal.states import UploadState

NOW = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)


def build(path: Path, count: int) -> None:
    with Journal(path, max_entries=max(1000, count)) as journal:
        for start in range(0, count, 5000):
            with journal.transaction() as tx:
                for number in range(start, min(count, start + 5000)):
                    tx.insert_scan(
                        ScanRecord(
                            str(uuid.uuid4()),
                            f"TKT-{number:010d}-" + "x" * 45,
                            "valid",
                            "entry",
                            0,
                            False,
                            NOW + timedelta(seconds=number),
                            True,
                            "camera",
                            "Welcome, Guest",
                            UploadState.PENDING,
                            "pass-1",
                            "Guest",
                        )
                    )


def seconds(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(count: int) -> str:
    """One table row for a journal of ``count`` queued scans."""
    limit = max(1000, count)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.sqlite3"
        build(path, count)
        size = path.stat().st_size
        healthy = seconds(lambda: Journal(path, max_entries=limit).close())
        journal = Journal(path, max_entries=limit)
        check = seconds(lambda: journal._conn.execute("PRAGMA quick_check").fetchall())
        journal.close()
        data = bytearray(path.read_bytes())
        data[4096:8192] = os.urandom(4096)  # page 2: the scans table's root
        path.write_bytes(bytes(data))
        opened: list[Journal] = []
        damaged = seconds(lambda: opened.append(Journal(path, max_entries=limit)))
        recovered = opened[0].queue_counts().scans
        opened[0].close()
    return (
        f"| {count:,} | {size / 1e6:.1f} MB | {healthy * 1000:.0f} ms | "
        f"{check * 1000:.0f} ms | {damaged:.1f} s | {recovered:,} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    print(
        "| scans | file | open (healthy) | quick_check alone | open damaged + recover | recovered |"
    )
    print("|---|---|---|---|---|---|")
    for count in (int(s) for s in args.sizes.split(",")):
        print(measure(count), flush=True)


if __name__ == "__main__":
    main()
