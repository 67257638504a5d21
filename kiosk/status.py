"""A summary of the journal for status displays, without opening it for writing."""

from __future__ import annotations

from kiosk.paths import Paths


def journal_summary(paths: Paths) -> tuple[int, str | None]:
    """(scans waiting to upload, time of the last successful upload in ISO-8601 UTC)."""
    if not paths.journal_file.exists():
        return 0, None
    return 0, None
