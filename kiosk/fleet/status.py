"""Kiosk status over the fleet: what this kiosk says about itself, what it knows of the others.

Each kiosk keeps one retained, signed message on its own status topic: connected or not
(a last will says "gone" when the connection drops), online, pending uploads, last scan.
:class:`StatusReport` writes it; :class:`DoorBoard` holds the other doors' latest, as
:class:`DoorStatus` rows for Admin and ``kiosk fleet``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.fleet import topics
from kiosk.fleet.signing import Signer

log = logging.getLogger(__name__)

STATUS_EVERY_SECONDS = 15.0


@dataclass(frozen=True)
class DoorStatus:
    """Another kiosk of the venue, as its last retained status says."""

    device: str
    connected: bool
    online: bool | None
    pending: int | None
    last_scan: str | None
    received_at: datetime

    @classmethod
    def from_body(cls, body: dict[str, Any], received_at: datetime) -> DoorStatus:
        """The status a verified message carries; KeyError/TypeError when it is malformed."""
        return cls(
            topics.device_label(body["device"]),
            bool(body.get("connected")),
            body.get("online"),
            body.get("pending"),
            body.get("last_scan"),
            received_at,
        )


class DoorBoard:
    """The other doors' latest statuses; thread-safe (written by the pump, read by the UI)."""

    def __init__(self) -> None:
        self._doors: dict[str, DoorStatus] = {}
        self._lock = threading.Lock()

    def update(self, statuses: Iterable[DoorStatus]) -> None:
        with self._lock:
            for status in statuses:
                self._doors[status.device] = status

    def doors(self) -> list[DoorStatus]:
        with self._lock:
            return sorted(self._doors.values(), key=lambda d: d.device)


class StatusReport:
    """This kiosk's signed status message (also its last will, with ``connected`` false)."""

    def __init__(
        self,
        signer: Signer,
        prefix: str,
        device: str,
        *,
        version: str,
        fields: Callable[[], dict[str, Any]],
        clock: Callable[[], datetime],
    ) -> None:
        self.signer = signer
        self.device = device
        self.topic = topics.kiosk(prefix, device)
        self._version = version
        self._fields = fields
        self._clock = clock

    def payload(self, connected: bool) -> bytes:
        fields: dict[str, Any] = {
            "device": self.device,
            "connected": connected,
            "version": self._version,
            "time": iso(self._clock()),
        }
        if connected:
            try:
                fields.update(self._fields())
            except Exception:  # a status we cannot read is left out, the link stays up
                log.exception("fleet: status unavailable")
        return self.signer.sign(self.topic, fields)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
