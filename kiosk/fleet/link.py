"""The connection to the venue broker: paho's network thread plus one pump thread of ours.

paho runs the socket (connect, reconnect with backoff, keepalive, QoS 1 acks) on its own
thread and only queues what it receives; the pump thread does everything that touches the
journal, in batches: it ingests other doors' admissions and pass facts, sends the outbox
(QoS 1, retained, MQTT 5 message expiry) and deletes a row only once the broker acknowledged
it. On every (re)connect it subscribes again, which brings the retained state it missed, and
sends the whole outbox again (duplicates are harmless: same scanId, same retained topic).
Nothing here is ever waited for by a door decision.

What the messages hold is :mod:`kiosk.fleet.messages` (outbox rows out, received messages in);
the kiosk's own status and the other doors' are :mod:`kiosk.fleet.status`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.fleet import topics
from kiosk.fleet.config import FleetConfig
from kiosk.fleet.messages import MessageReader, encode_row
from kiosk.fleet.signing import Signer
from kiosk.fleet.status import (
    ROLE_SCREEN,
    STATUS_EVERY_SECONDS,
    DoorBoard,
    DoorStatus,
    StatusReport,
)
from kiosk.journal import Journal, JournalUnavailable
from kiosk.journal import fleet as fleet_journal

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15
MAX_IN_FLIGHT = 200
INGEST_BATCH = 500  # one transaction each: a scan never waits long behind a catch-up


def make_client(config: FleetConfig, client_id: str) -> mqtt.Client:
    """A paho MQTT 5 client with the joined broker's TLS and credentials (not connected)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    if config.broker.tls:
        client.tls_set(ca_certs=config.ca_file)
    if config.username:
        client.username_pw_set(config.username, config.password)
    return client


class FleetLink:
    """One process's connection. ``start()`` returns at once; ``close()`` says goodbye.

    ``role`` is what this process is to its door (:mod:`kiosk.fleet.status`): the screen and
    each ``kiosk scan`` of one device connect with client ids and status topics of their own.
    """

    def __init__(
        self,
        config: FleetConfig,
        device: str,
        journal: Journal,
        *,
        role: str = ROLE_SCREEN,
        status_fields: Callable[[], dict[str, Any]] | None = None,
        version: str = "",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.device = device
        self.signer = Signer(config.secret)
        self.journal = journal
        self.connected = False
        self._clock = clock or (lambda: datetime.now(UTC))
        self._reader = MessageReader(self.signer, config.prefix, device)
        self._status = StatusReport(
            self.signer,
            config.prefix,
            device,
            role,
            version=version,
            fields=status_fields or dict,
            clock=self._clock,
        )
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._stop = threading.Event()
        self._synced = threading.Event()
        self._refused = threading.Event()  # a connection attempt failed (broker down, refused)
        self._in_flight: dict[int, int] = {}  # paho mid -> outbox id
        self._sent_upto = 0  # outbox ids up to here were handed to paho on this connection
        self._doors = DoorBoard()
        self._ping_id = ""
        # unique per process: a second connection with the same id would end this one's
        self.client_id = f"kiosk-{topics.level(device)[:40]}-{role}-{uuid.uuid4().hex[:8]}"
        self._client = make_client(config, self.client_id)
        self._client.reconnect_delay_set(1, 30)
        self._client.max_queued_messages_set(MAX_IN_FLIGHT * 2)
        self._client.will_set(
            self._status.topic,
            self._status.payload(False),
            qos=1,
            retain=True,
            properties=self._status.properties(False, will=True),
        )
        self._client.on_connect = self._on_connect
        self._client.on_connect_fail = self._on_connect_fail
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_publish = self._on_publish
        self._client.on_subscribe = self._on_subscribe
        self._pump = threading.Thread(target=self._run, name="fleet-pump", daemon=True)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        broker = self.config.broker
        self._client.connect_async(broker.host, broker.port, keepalive=KEEPALIVE_SECONDS)
        self._client.loop_start()
        self._pump.start()

    def wake(self) -> None:
        """Something was appended to the outbox: send it when connected."""
        self._events.put(("wake", None))

    def wait_synced(self, timeout: float) -> bool:
        """Block until the retained state was read once, or the broker turned out to be
        unreachable, or ``timeout`` passed (for the command line; never for a door)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._synced.is_set():
                return True
            if self._refused.is_set() and not self.connected:
                return False
            time.sleep(0.02)
        return self._synced.is_set()

    def flush(self, timeout: float) -> bool:
        """Wait while connected until the outbox is empty (True); False when the broker is
        not there or ``timeout`` passed (the rows stay in the outbox for next time)."""
        deadline = time.monotonic() + timeout
        self.wake()
        while time.monotonic() < deadline and self.connected:
            if self.outbox_count() == 0:
                return True
            time.sleep(0.05)
        return self.outbox_count() == 0

    def close(self, timeout: float = 2.0) -> None:
        if self.connected:  # a clean disconnect sends no will: say goodbye ourselves
            try:
                info = self._client.publish(
                    self._status.topic,
                    self._status.goodbye(),
                    qos=1,
                    retain=True,
                    properties=self._status.properties(False),
                )
                info.wait_for_publish(timeout)
            except (RuntimeError, ValueError, OSError):
                pass
        self._stop.set()
        self._events.put(("stop", None))
        self._client.disconnect()
        self._client.loop_stop()
        if self._pump.is_alive():
            self._pump.join(timeout)

    # --- what the kiosk shows -----------------------------------------------------------------

    @property
    def ignored(self) -> int:
        """Messages ignored so far: unsigned, wrongly signed or malformed."""
        return self._reader.ignored

    def doors(self) -> list[DoorStatus]:
        return self._doors.doors()

    def outbox_count(self) -> int:
        try:
            with self.journal.transaction() as tx:
                return fleet_journal.outbox_count(tx.connection)
        except JournalUnavailable:
            return 0

    # --- paho's thread: only queue ------------------------------------------------------------

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            log.warning("fleet broker refused the connection: %s", reason)
            self._refused.set()
            return
        self._events.put(("connected", None))

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        self._refused.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        self._events.put(("disconnected", str(reason)))

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._events.put(("message", (message.topic, message.payload)))

    def _on_publish(
        self, client: mqtt.Client, userdata: Any, mid: int, reason: Any, properties: Any
    ) -> None:
        self._events.put(("acked", mid))

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, properties: Any
    ) -> None:
        self._events.put(("subscribed", None))

    # --- the pump thread ----------------------------------------------------------------------

    def _run(self) -> None:
        next_status = 0.0
        while not self._stop.is_set():
            try:
                batch = [self._events.get(timeout=1.0)]
            except queue.Empty:
                batch = []
            while len(batch) < INGEST_BATCH:
                try:
                    batch.append(self._events.get_nowait())
                except queue.Empty:
                    break
            try:
                self._handle(batch)
                if self.connected:
                    self._send_outbox()
                    if time.monotonic() >= next_status:
                        self._publish_status()
                        next_status = time.monotonic() + STATUS_EVERY_SECONDS
            except JournalUnavailable as exc:  # the door reports journal trouble itself
                log.error("fleet: journal unavailable: %s", exc)
                time.sleep(1.0)
            except Exception:  # the pump must never die: the fleet is a bonus, not the door
                log.exception("fleet: unexpected failure")
                time.sleep(1.0)

    def _handle(self, batch: list[tuple[str, Any]]) -> None:
        messages: list[tuple[str, bytes]] = []
        acked: list[int] = []
        for kind, value in batch:
            if kind == "message":
                messages.append(value)
                continue
            if messages:  # keep the order: a ping after retained messages means caught up
                self._ingest(messages)
                messages = []
            if kind == "connected":
                self._connected()
            elif kind == "disconnected":
                if self.connected and not self._stop.is_set():
                    log.warning("fleet broker connection lost (%s)", value)
                self.connected = False
            elif kind == "acked":
                outbox_id = self._in_flight.pop(value, None)
                if outbox_id is not None:
                    acked.append(outbox_id)
            elif kind == "subscribed":
                self._ping_id = uuid.uuid4().hex
                self._client.publish(
                    topics.ping(self.config.prefix, self.client_id),
                    self.signer.sign(
                        topics.ping(self.config.prefix, self.client_id),
                        {"kind": "ping", "id": self._ping_id},
                    ),
                    qos=1,
                )
        if messages:
            self._ingest(messages)
        if acked:
            with self.journal.transaction() as tx:
                fleet_journal.delete_outbox(tx.connection, acked)

    def _connected(self) -> None:
        log.info("fleet connected to %s as %s", self.config.broker.display, self.device)
        self.connected = True
        self._in_flight.clear()
        self._sent_upto = 0
        prefix = self.config.prefix
        self._client.subscribe(
            [
                (topics.admissions(prefix), 1),
                (topics.passes(prefix), 1),
                (topics.kiosks(prefix), 1),
                (topics.ping(prefix, self.client_id), 1),
            ]
        )

    def _send_outbox(self) -> None:
        while len(self._in_flight) < MAX_IN_FLIGHT:
            with self.journal.transaction() as tx:
                rows = fleet_journal.outbox_after(
                    tx.connection, self._sent_upto, MAX_IN_FLIGHT - len(self._in_flight)
                )
                now = self._clock()
                stale = [row.id for row in rows if row.expires_at <= now]
                fleet_journal.delete_outbox(tx.connection, stale)
            if not rows:
                return
            for row in rows:
                self._sent_upto = row.id
                if row.expires_at <= now:
                    continue
                message = encode_row(self.signer, self.config.prefix, row, now)
                info = self._client.publish(
                    message.topic,
                    message.payload,
                    qos=1,
                    retain=True,
                    properties=message.properties,
                )
                if info.rc != mqtt.MQTT_ERR_SUCCESS:
                    self._sent_upto = row.id - 1  # not handed over: try again on reconnect
                    return
                self._in_flight[info.mid] = row.id

    def _ingest(self, messages: list[tuple[str, bytes]]) -> None:
        now = self._clock()
        inbound = self._reader.read(messages, now)
        self._doors.update(inbound.processes, inbound.cleared)
        if inbound.admissions or inbound.facts:
            with self.journal.transaction() as tx:
                fleet_journal.add_admissions(tx.connection, inbound.admissions, now)
                for key, fact in inbound.facts:
                    fleet_journal.put_pass_fact(tx.connection, key, fact, now)
        if self._ping_id in inbound.ping_ids:
            self._synced.set()

    def _publish_status(self) -> None:
        self._client.publish(
            self._status.topic,
            self._status.payload(True),
            qos=1,
            retain=True,
            properties=self._status.properties(True),
        )
