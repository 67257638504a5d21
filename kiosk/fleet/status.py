"""Kiosk status over the fleet: what each process of a kiosk says about itself, and what this
kiosk knows of the other doors.

A door can have several processes in the fleet at once, all on its one data folder: the screen
(``kiosk run``) and any ``kiosk scan`` (a one-shot command, or a long-running ``kiosk scan -``
fed by another program). Each is its own MQTT client, with its own client id (the broker ends
the older session when a client id connects twice, which would throw the screen off), and
keeps its own retained, signed status on its own topic, ``<prefix>/kiosks/<device>/<process>``.
They must not share one topic: a ``kiosk scan`` that finished would overwrite the running
screen's "connected" with its goodbye, and every other door would see this one as gone until
the screen's next status. A door is up while any of its processes is (:func:`doors_of`).

How long a process's status stays on the broker depends on its role:

- the screen (``screen``, one topic per device, so restarts overwrite it): its status stays,
  and its last will (or its goodbye on a clean stop) says "gone", so the other doors see a door
  whose screen stopped;
- ``kiosk scan`` (``scan-<random>``, one topic per run): a clean exit clears its topic (a
  finished command is not a door going away); its last will says "gone" for a day (a killed
  long-running ``kiosk scan -`` may have been the door's only process); its live status
  expires a minute after its last refresh, so one that died while the broker was down does not
  stay "up" forever.

:class:`StatusReport` writes one process's status; :class:`DoorBoard` holds the other doors'
processes and shows them one :class:`DoorStatus` per door, for Admin and ``kiosk fleet``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kiosk.fleet import topics
from kiosk.fleet.signing import Signer

log = logging.getLogger(__name__)

STATUS_EVERY_SECONDS = 15.0
ROLE_SCREEN = "screen"  # kiosk run: the door's screen and camera
ROLE_SCAN = "scan"  # kiosk scan, one-shot or fed by a pipe
ROLE_LABELS = {ROLE_SCREEN: "screen", ROLE_SCAN: "kiosk scan"}
SCAN_STATUS_LIFETIME = 4 * STATUS_EVERY_SECONDS  # refreshed every 15 s: outlives a live process
SCAN_GONE_LIFETIME = 24 * 3600.0  # a killed kiosk scan: seen as gone for a day, then forgotten


@dataclass(frozen=True)
class ProcessStatus:
    """One process of another kiosk, as its latest retained status says."""

    key: str  # "<device>/<process>", the topic's last two levels: one per process
    body: dict[str, Any]  # the verified message
    received_at: datetime

    @classmethod
    def from_body(cls, key: str, body: dict[str, Any], received_at: datetime) -> ProcessStatus:
        """The status a verified message carries; KeyError/TypeError when it is malformed."""
        if not isinstance(body["device"], str):
            raise TypeError("device is not a string")
        return cls(key, body, received_at)

    @property
    def device(self) -> str:
        return topics.device_label(self.body["device"])

    @property
    def role(self) -> str:
        """``screen`` or ``scan`` (``kiosk`` for a status that does not say)."""
        return topics.device_label(self.body.get("role") or "kiosk")

    @property
    def connected(self) -> bool:
        return bool(self.body.get("connected"))


@dataclass(frozen=True)
class DoorStatus:
    """Another door of the venue: its processes' statuses merged into one line."""

    device: str
    connected: bool  # any of its processes is connected
    online: bool | None
    pending: int | None
    last_scan: str | None
    received_at: datetime
    up: tuple[str, ...] = ()  # the roles of its connected processes, the screen first


def doors_of(
    processes: Iterable[ProcessStatus],
) -> list[tuple[ProcessStatus, tuple[str, ...]]]:
    """Per device, by name: the process that speaks for the door, and the roles that are up.

    The screen speaks while it is up (it has the camera and the door's settings), else another
    process that is up, else the one that spoke last (saying it is gone): all of them read
    the same journal, so their pending counts and last scans agree."""
    by_device: dict[str, list[ProcessStatus]] = {}
    for process in processes:
        by_device.setdefault(process.device, []).append(process)
    doors = []
    for device in sorted(by_device):
        group = by_device[device]
        up = sorted({p.role for p in group if p.connected}, key=lambda r: (r != ROLE_SCREEN, r))
        speaker = max(
            group,
            key=lambda p: (p.connected, p.role == ROLE_SCREEN, str(p.body.get("time") or "")),
        )
        doors.append((speaker, tuple(up)))
    return doors


def describe(up: Sequence[str]) -> str:
    """``screen up``, ``screen and kiosk scan up``, ``kiosk scan up`` or ``gone``."""
    if not up:
        return "gone"
    return " and ".join(ROLE_LABELS.get(role, role) for role in up) + " up"


class DoorBoard:
    """The other doors' processes; thread-safe (written by the pump, read by the UI)."""

    def __init__(self) -> None:
        self._processes: dict[str, ProcessStatus] = {}
        self._lock = threading.Lock()

    def update(self, statuses: Iterable[ProcessStatus], cleared: Iterable[str] = ()) -> None:
        """Take the latest statuses; forget the processes whose topic was cleared."""
        with self._lock:
            for status in statuses:
                self._processes[status.key] = status
            for key in cleared:
                self._processes.pop(key, None)

    def doors(self) -> list[DoorStatus]:
        with self._lock:
            processes = list(self._processes.values())
        return [
            DoorStatus(
                speaker.device,
                bool(up),
                speaker.body.get("online"),
                speaker.body.get("pending"),
                speaker.body.get("last_scan"),
                speaker.received_at,
                up,
            )
            for speaker, up in doors_of(processes)
        ]


class StatusReport:
    """One process's signed status message (also its last will, with ``connected`` false)."""

    def __init__(
        self,
        signer: Signer,
        prefix: str,
        device: str,
        role: str = ROLE_SCREEN,
        *,
        version: str,
        fields: Callable[[], dict[str, Any]],
        clock: Callable[[], datetime],
    ) -> None:
        self.signer = signer
        self.device = device
        self.role = role
        # one screen per device: its restarts overwrite one topic; every kiosk scan its own
        self.lasting = role == ROLE_SCREEN
        self.process = role if self.lasting else f"{role}-{uuid.uuid4().hex[:8]}"
        self.topic = topics.kiosk(prefix, device, self.process)
        self._version = version
        self._fields = fields
        self._clock = clock

    def payload(self, connected: bool) -> bytes:
        fields: dict[str, Any] = {
            "device": self.device,
            "role": self.role,
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

    def properties(self, connected: bool, will: bool = False) -> Properties | None:
        """The message expiry of this status (None: it stays until replaced)."""
        if self.lasting:
            return None
        props = Properties(PacketTypes.WILLMESSAGE if will else PacketTypes.PUBLISH)
        props.MessageExpiryInterval = int(SCAN_STATUS_LIFETIME if connected else SCAN_GONE_LIFETIME)
        return props

    def goodbye(self) -> bytes:
        """What a clean stop leaves on the topic: "gone" for the screen; nothing (the topic
        cleared) for a kiosk scan, whose end is no news for the other doors."""
        return self.payload(False) if self.lasting else b""


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
