"""One-shot conversations with the venue broker, for ``kiosk fleet`` and ``kiosk doctor``.

Each opens its own short connection (never the running kiosk's), says in one sentence what
went wrong (unreachable, TLS, credentials), and closes it again.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt

from kiosk.fleet import topics
from kiosk.fleet.config import FleetConfig
from kiosk.fleet.link import make_client
from kiosk.fleet.signing import Signer
from kiosk.fleet.status import ProcessStatus, doors_of

CONNECT_TIMEOUT = 5.0
# Mosquitto's count of messages it dropped at its queue limits since it started, retained (so
# sent at once on subscribe) and refreshed every sys_interval; readable when the ACL allows it
DROPPED_TOPIC = "$SYS/broker/publish/messages/dropped"
LIST_FIELDS = ("device", "connected", "online", "pending", "last_sync", "last_scan", "version")
# and "processes": the roles of the door's connected processes (screen, scan)


class ProbeFailed(Exception):
    """The broker could not be used; one sentence says why (and what to do)."""


@dataclass
class _Session:
    """A connected client collecting signed messages on some topics."""

    config: FleetConfig
    client: mqtt.Client
    signer: Signer
    client_id: str
    received: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    broker_stats: dict[str, bytes] = field(default_factory=dict)  # $SYS topic -> payload
    ignored: int = 0
    subscribed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _open(config: FleetConfig, subscriptions: list[str]) -> _Session:
    client_id = f"kiosk-probe-{uuid.uuid4().hex[:10]}"
    broker = config.broker
    try:
        client = make_client(config, client_id)
    except (ssl.SSLError, OSError) as exc:
        raise ProbeFailed(f"The CA file {config.ca_file} cannot be used ({exc}).") from exc
    session = _Session(config, client, Signer(config.secret), client_id)
    connected = threading.Event()
    outcome: list[Any] = []

    def on_connect(c: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        outcome.append(reason)
        connected.set()
        if not reason.is_failure:
            c.subscribe([(topic, 1) for topic in subscriptions])

    def on_message(c: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic.startswith("$SYS/"):  # the broker's own numbers: never signed
            with session.lock:
                session.broker_stats[message.topic] = bytes(message.payload)
            return
        body = session.signer.verify(message.topic, message.payload) if message.payload else None
        with session.lock:
            if body is None:
                session.ignored += bool(message.payload)
            else:
                session.received.append((message.topic, body, time.monotonic()))

    client.on_connect = on_connect
    client.on_message = on_message
    client.on_subscribe = lambda *args: session.subscribed.set()
    try:
        if broker.tls:
            _tls_handshake(config)
        client.connect(broker.host, broker.port, keepalive=10)
    except ssl.SSLCertVerificationError as exc:
        raise ProbeFailed(
            f"The broker's TLS certificate is not trusted ({exc.verify_message}); "
            "pass its CA with 'kiosk fleet join --ca-file'."
        ) from exc
    except ssl.SSLError as exc:
        raise ProbeFailed(
            f"TLS with the broker failed ({exc.reason}); is it really mqtts:// on that port?"
        ) from exc
    except TimeoutError as exc:
        raise ProbeFailed(
            f"The broker {broker.display} did not answer within {CONNECT_TIMEOUT:.0f} s."
        ) from exc
    except OSError as exc:
        raise ProbeFailed(
            f"The broker {broker.display} cannot be reached ({exc.strerror or exc})."
        ) from exc
    client.loop_start()
    if not connected.wait(CONNECT_TIMEOUT):
        session.close()
        raise ProbeFailed(
            f"The broker {broker.display} accepted the connection but did not "
            "answer the MQTT handshake (is it an MQTT 5 broker?)."
        )
    reason = outcome[0]
    if reason.is_failure:
        session.close()
        if reason.value in (0x86, 0x87, 0x8C):  # bad user name or password / not authorized
            raise ProbeFailed(
                f"The broker refused this kiosk's credentials ({reason}); check "
                "--username and --password-file."
            )
        raise ProbeFailed(f"The broker refused the connection ({reason}).")
    return session


def _tls_handshake(config: FleetConfig) -> None:
    """A TLS handshake of our own first: its errors say exactly what is wrong with the
    certificate, and a failed one leaves no socket behind (paho's connect would)."""
    broker = config.broker
    context = ssl.create_default_context(cafile=config.ca_file)
    with (
        socket.create_connection((broker.host, broker.port), timeout=CONNECT_TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname=broker.host),
    ):
        pass


def read_kiosks(config: FleetConfig, wait: float) -> tuple[list[dict[str, Any]], int]:
    """Every kiosk's retained status: (one dict per door, its processes merged; messages
    ignored as forged)."""
    session = _open(config, [topics.kiosks(config.prefix)])
    try:
        session.subscribed.wait(CONNECT_TIMEOUT)
        time.sleep(wait)
    finally:
        session.close()
    now = datetime.now(UTC)
    processes: dict[str, ProcessStatus] = {}  # the latest per process
    for topic, body, _ in session.received:
        parsed = topics.parse(config.prefix, topic)
        if parsed is None or parsed[0] != "kiosks":
            continue
        try:
            processes[parsed[1]] = ProcessStatus.from_body(parsed[1], body, now)
        except (KeyError, TypeError):
            session.ignored += 1
    kiosks = []
    for speaker, up in doors_of(processes.values()):
        line = {name: speaker.body.get(name) for name in LIST_FIELDS}
        line.update(device=speaker.device, connected=bool(up), processes=list(up))
        kiosks.append(line)
    return kiosks, session.ignored


@dataclass(frozen=True)
class RoundTrip:
    seconds: float  # publish -> received back
    tls: bool
    clock_offsets: dict[str, float]  # other kiosk -> its clock minus ours (s), connected ones
    dropped: int | None = None  # messages the broker dropped at its queue limits; None: unknown


def round_trip(config: FleetConfig, timeout: float = 5.0) -> RoundTrip:
    """Publish a signed ping to ourselves and read it back; read the kiosks' statuses and,
    when the broker lets us, how many messages it dropped (its retained $SYS value arrives
    with the subscription, before the ping comes back)."""
    ping_topic = topics.ping(config.prefix, f"doctor-{uuid.uuid4().hex[:8]}")
    session = _open(config, [ping_topic, topics.kiosks(config.prefix), DROPPED_TOPIC])
    try:
        if not session.subscribed.wait(timeout):
            raise ProbeFailed(
                "The broker did not confirm the subscription; check its ACLs "
                f"allow reading {config.prefix}/#."
            )
        ping_id = uuid.uuid4().hex
        started = time.monotonic()
        info = session.client.publish(
            ping_topic, session.signer.sign(ping_topic, {"kind": "ping", "id": ping_id}), qos=1
        )
        deadline = started + timeout
        back = None
        while back is None and time.monotonic() < deadline:
            with session.lock:
                back = next(
                    (
                        at
                        for topic, body, at in session.received
                        if topic == ping_topic and body.get("id") == ping_id
                    ),
                    None,
                )
            time.sleep(0.01)
        if back is None:
            raise ProbeFailed(
                "A message published to the broker did not come back within "
                f"{timeout:.0f} s (rc {info.rc}); check its ACLs allow writing "
                f"{config.prefix}/#."
            )
    finally:
        session.close()
    now = datetime.now(UTC)
    offsets = {}
    for topic, body, _ in session.received:
        parsed = topics.parse(config.prefix, topic)
        if parsed and parsed[0] == "kiosks" and body.get("connected") and body.get("time"):
            try:
                sent = datetime.fromisoformat(str(body["time"]).replace("Z", "+00:00"))
                offsets[topics.device_label(body.get("device"))] = (sent - now).total_seconds()
            except ValueError:
                continue
    dropped = session.broker_stats.get(DROPPED_TOPIC, b"").strip()
    return RoundTrip(
        back - started,
        config.broker.tls,
        offsets,
        int(dropped) if dropped.isdigit() else None,
    )
