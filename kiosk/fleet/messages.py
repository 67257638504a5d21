"""What travels over the broker: outbox rows signed into messages, and received messages
checked and read into what the journal and the door board take.

Every message is signed (:mod:`kiosk.fleet.signing`); one that is unsigned, wrongly signed,
on an unknown topic or malformed is counted and otherwise ignored. A code travels only as its
key (an HMAC), never in clear.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kiosk.fleet import topics
from kiosk.fleet.signing import Signer
from kiosk.fleet.status import ProcessStatus
from kiosk.journal import fleet as fleet_journal

log = logging.getLogger(__name__)


def expiry_properties(seconds: float) -> Properties:
    props = Properties(PacketTypes.PUBLISH)
    props.MessageExpiryInterval = max(1, int(seconds))
    return props


@dataclass(frozen=True)
class Outgoing:
    """One outbox row as a retained, expiring MQTT message."""

    topic: str
    payload: bytes
    properties: Properties


def encode_row(
    signer: Signer, prefix: str, row: fleet_journal.OutboxRow, now: datetime
) -> Outgoing:
    """The signed message for an outbox row that has not expired at ``now``."""
    key = signer.key(row.code)
    topic = topics.for_kind(prefix, row.kind, key)
    return Outgoing(
        topic,
        signer.sign(topic, {**row.body, "key": key}),
        expiry_properties((row.expires_at - now).total_seconds()),
    )


@dataclass
class Inbound:
    """What one batch of received messages brought."""

    admissions: list[fleet_journal.RemoteAdmission] = field(default_factory=list)
    facts: list[tuple[str, fleet_journal.PassFact]] = field(default_factory=list)
    processes: list[ProcessStatus] = field(default_factory=list)  # other doors' processes
    cleared: list[str] = field(default_factory=list)  # their keys whose status was cleared
    ping_ids: list[Any] = field(default_factory=list)  # the ids of pings that came back


class MessageReader:
    """Checks and reads received messages for one kiosk; counts what it had to ignore."""

    def __init__(self, signer: Signer, prefix: str, device: str) -> None:
        self.signer = signer
        self.prefix = prefix
        self.device = device
        self.ignored = 0  # unsigned, wrongly signed or malformed messages

    def read(self, messages: list[tuple[str, bytes]], now: datetime) -> Inbound:
        """What ``messages`` (topic, payload) say; others' statuses are stamped ``now``."""
        inbound = Inbound()
        for topic, payload in messages:
            parsed = topics.parse(self.prefix, topic)
            if not payload:  # a retained message being cleared: a kiosk scan that ended
                if parsed is not None and parsed[0] == "kiosks":
                    inbound.cleared.append(parsed[1])
                continue
            body = self.signer.verify(topic, payload)
            if body is None or parsed is None:
                self.ignored += 1
                if self.ignored in (1, 10, 100) or self.ignored % 1000 == 0:  # not a log flood
                    log.warning(
                        "fleet: ignored an unsigned or wrongly signed message (%d so far)",
                        self.ignored,
                    )
                continue
            try:
                self._read_one(parsed, body, now, inbound)
            except (KeyError, TypeError, ValueError):
                self.ignored += 1
        return inbound

    def _read_one(
        self, parsed: tuple[str, str], body: dict[str, Any], now: datetime, inbound: Inbound
    ) -> None:
        kind, name = parsed
        if kind == "ping":
            inbound.ping_ids.append(body.get("id"))
        elif kind == "kiosks":
            status = ProcessStatus.from_body(name, body, now)
            if status.device != self.device:
                inbound.processes.append(status)
        elif body.get("key") != name or body.get("device") == self.device:
            return
        elif kind == "admissions":
            inbound.admissions.append(
                fleet_journal.RemoteAdmission(
                    str(body["scanId"]),
                    name,
                    topics.device_label(body["device"]),
                    parse_time(body["time"]),
                    str(body.get("mode", "")),
                )
            )
        elif kind == "passes":
            expires = body.get("expiresAt")
            inbound.facts.append(
                (
                    name,
                    fleet_journal.PassFact(
                        bool(body.get("voided")),
                        parse_time(expires) if expires else None,
                        topics.device_label(body["device"]),
                    ),
                )
            )


def parse_time(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time without a zone")
    return moment.astimezone(UTC)
