"""The scan pipeline's public face, as the UI and the command line see it.

``ScanService`` (kiosk/scanning/service.py) implements :class:`ScanBackend`. Its methods
block (journal writes, API lookups) and are thread-safe, so the UI calls them from a worker
thread and never from the Qt event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.journal.states import UploadState
from kiosk.scanning.verdict import Verdict, VerdictKind

if TYPE_CHECKING:
    from kiosk.fleet.fleet import FleetStatus
    from kiosk.settings import Settings


@dataclass(frozen=True)
class ConnectionStatus:
    """Everything the status bar shows about the API and the upload queue."""

    online: bool
    offline_since: datetime | None  # aware UTC; None while online
    offline_reason: str | None  # one plain sentence, e.g. "No internet: ..."
    pending: int  # accepted scans and follow-up steps waiting to upload
    next_retry_at: datetime | None  # when the uploader/probe tries next
    last_sync: datetime | None  # last successful upload
    needs_provisioning: bool  # the API refused the device token (401/403)
    rejected: int = 0  # of ``pending``: what the server refused (retried on their own)
    steps: int = 0  # of ``pending``: follow-up steps (voiding a pass, a wallet message)
    fleet: FleetStatus | None = None  # the venue broker and the other doors; None: no fleet


@dataclass(frozen=True)
class HistoryEntry:
    scan_id: str
    code: str
    kind: VerdictKind
    scanned_at: datetime
    offline: bool
    holder: str | None
    reward_points: int
    upload_state: UploadState


@dataclass(frozen=True)
class DayCounts:
    admitted: int
    rejected: int


class ScanBackend(Protocol):
    # Sentences about what could not be set up (a settings key, the door hook, the fleet):
    # the kiosk runs without it, and the screen logs them once it has the backend.
    problems: list[str]
    # The screen's camera state ("connected", ...), told to the venue's other doors.
    camera_state: str | None

    def apply_settings(self, settings: Settings) -> None:
        """Admin saved ``settings``: they take effect from the next scan (no restart)."""

    def scan(self, code: str, source: str = "manual") -> Verdict:
        """Decide, journal and (when accepted) queue the upload of one code.

        ``source`` is where the code came from: "camera", "wedge" or "manual".
        Never raises for a bad code or a network failure: those become verdicts.
        """

    def status(self) -> ConnectionStatus: ...

    def try_now(self) -> None:
        """Probe the API and upload at once instead of waiting for the next retry."""

    def history(self, limit: int = 100, search: str = "") -> list[HistoryEntry]: ...

    def counts_today(self) -> DayCounts: ...

    def close(self) -> None:
        """Stop background work; queued scans stay in the journal for next time."""
