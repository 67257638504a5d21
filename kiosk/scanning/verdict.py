"""What the kiosk concluded about one scanned code: the contract between the scan pipeline
and everything that shows or forwards it (screens, command line, door hook).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class VerdictKind(enum.StrEnum):
    VALID = "valid"
    VOIDED = "voided"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"  # already accepted here within the re-entry window
    ERROR = "error"  # the kiosk could not decide (refused code, revoked device, ...)


class ScanMode(enum.StrEnum):
    ENTRY = "entry"
    REWARD = "reward"
    REDEEM = "redeem"


@dataclass(frozen=True)
class Verdict:
    code: str
    kind: VerdictKind
    offline: bool  # decided without the API (from the pass cache or the offline policy)
    scan_id: str | None  # journal UUID; None when the code was refused before journaling
    mode: ScanMode
    scanned_at: datetime  # aware, UTC
    message: str  # one plain sentence for staff
    pass_id: str | None = None
    holder: str | None = None
    pass_type: str | None = None  # e.g. eventTicket, loyaltyCard
    template_name: str | None = None  # e.g. "Festival Day Ticket"
    reward_points: int = 0  # points posted with this scan (negative when redeeming)
    voids_pass: bool = False  # this scan voids a single-use pass
    expires_at: datetime | None = None
    first_scanned_at: datetime | None = None  # for DUPLICATE: when it was first accepted

    @property
    def accepted(self) -> bool:
        """Admitted: the person may pass / the points are posted."""
        return self.kind is VerdictKind.VALID

    def to_json(self) -> dict[str, Any]:
        """The ``kiosk scan --json`` object (and the door hook's stdin)."""
        return {
            "code": self.code,
            "verdict": self.kind.value,
            "offline": self.offline,
            "scan_id": self.scan_id,
            "pass_id": self.pass_id,
            "holder": self.holder,
            "reward_points": self.reward_points,
            "message": self.message,
            "mode": self.mode.value,
            "scanned_at": _iso(self.scanned_at),
            "expires_at": _iso(self.expires_at),
            "first_scanned_at": _iso(self.first_scanned_at),
            "pass_type": self.pass_type,
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")
