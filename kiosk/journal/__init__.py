"""The local scan journal: every scan is written here first, then uploaded.

SQLite in the data folder (WAL, ``synchronous=FULL``), owner-only, versioned with
``PRAGMA user_version``. Knows nothing of Qt or of the network.
"""

from kiosk.journal.db import (
    JournalFull,
    JournalRecovered,
    JournalUnavailable,
    open_database,
    open_read_only,
)
from kiosk.journal.records import CachedPass, PendingUpload, ScanRecord
from kiosk.journal.store import Journal

__all__ = [
    "CachedPass",
    "Journal",
    "JournalFull",
    "JournalRecovered",
    "JournalUnavailable",
    "PendingUpload",
    "ScanRecord",
    "open_database",
    "open_read_only",
]
