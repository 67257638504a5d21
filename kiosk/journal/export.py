"""The journal as a CSV file for the venue's records (Admin's "Export journal").

Qt-free and independent of the scan pipeline: it writes whatever history rows it is given,
oldest first, through a temporary file so a half-written export never has the final name.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

EXPORT_LIMIT = 10_000_000  # "every scan": far above journal.max_entries
COLUMNS = (
    "scanned_at",
    "code",
    "verdict",
    "offline",
    "holder",
    "reward_points",
    "upload_state",
    "scan_id",
)


class ExportRow(Protocol):
    """One scan as the history lists it (``kiosk.scanning.backend.HistoryEntry``)."""

    @property
    def scan_id(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> enum.Enum: ...
    @property
    def scanned_at(self) -> datetime: ...
    @property
    def offline(self) -> bool: ...
    @property
    def holder(self) -> str | None: ...
    @property
    def reward_points(self) -> int: ...
    @property
    def upload_state(self) -> str: ...


def export_journal_csv(newest_first: Sequence[ExportRow], target: Path) -> int:
    """Write the rows (newest first, as the history gives them) oldest first; their count."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for entry in reversed(newest_first):
            writer.writerow(
                [
                    _iso(entry.scanned_at),
                    entry.code,
                    entry.kind.value,
                    "yes" if entry.offline else "no",
                    entry.holder or "",
                    entry.reward_points,
                    entry.upload_state,
                    entry.scan_id,
                ]
            )
    tmp.replace(target)
    return len(newest_first)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
