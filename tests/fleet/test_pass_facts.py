"""Pass facts: a pass one door learned is voided (server, or redeemed there) is refused
offline at the others; and what the broker holds for an admission."""

from __future__ import annotations

import threading

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.demo.passes import EXPIRED_CODE, VALID_CODE, VOIDED_CODE, guest_pass
from kiosk.journal import fleet as fleet_journal
from kiosk.scanning.verdict import VerdictKind
from kiosk.settings import Settings
from tests.fleet.conftest import wait_for


def fact(service, code: str):
    with service.journal.transaction() as tx:
        return fleet_journal.pass_fact(tx.connection, service.fleet.signer.key(code))


def test_voided_passes_learned_at_one_door_are_refused_offline_at_another(
    make_kiosk, broker, demo_server, fleet_settings
):
    demo_server.state.add_pass(guest_pass(7))
    redeemed = guest_pass(7).code
    redeem = Settings().with_changes(
        scanning={"mode": "redeem", "redeem_voids_pass": True, "lookup_timeout_seconds": 1.5}
    )
    counter = make_kiosk("counter", broker.url, settings=redeem)
    door = make_kiosk("door-b", broker.url)
    assert counter.scan(VOIDED_CODE).kind is VerdictKind.VOIDED  # the server says so
    assert counter.scan(redeemed).kind is VerdictKind.VALID  # redeeming voids it
    assert counter.scan(EXPIRED_CODE).kind is VerdictKind.EXPIRED
    wait_for(lambda: all(fact(door, c) is not None for c in (VOIDED_CODE, redeemed, EXPIRED_CODE)))
    assert fact(door, redeemed).voided and fact(door, redeemed).device == "counter"
    assert not fact(door, EXPIRED_CODE).voided and fact(door, EXPIRED_CODE).expires_at
    demo_server.stop()  # the door has never seen these passes, and now cannot ask
    for code in (VOIDED_CODE, redeemed):
        verdict = door.scan(code)
        assert verdict.kind is VerdictKind.VOIDED and verdict.offline, verdict
    expired = door.scan(EXPIRED_CODE)
    assert expired.kind is VerdictKind.EXPIRED and expired.offline, expired
    # a pass nobody reported is still accepted under the offline policy
    assert door.scan(guest_pass(8).code).kind is VerdictKind.VALID


def test_a_fact_is_published_once(make_kiosk, broker):
    door = make_kiosk("door-a", broker.url)
    door.scan(VOIDED_CODE)
    door.scan(VOIDED_CODE)
    with door.journal.transaction() as tx:
        kinds = [row.kind for row in fleet_journal.outbox_after(tx.connection, 0, 100)]
    assert kinds.count("pass") <= 1  # one row (or none left: already acknowledged)
    wait_for(lambda: door.status().fleet.unsent == 0)


def test_admissions_are_retained_qos1_with_the_reentry_window_as_expiry(
    make_kiosk, broker, fleet_settings
):
    window = fleet_settings.with_changes(scanning={"reentry_window_minutes": 5})
    door = make_kiosk("door-a", broker.url, settings=window)
    door.scan(VALID_CODE)
    wait_for(lambda: door.status().fleet.unsent == 0)
    seen: list[mqtt.MQTTMessage] = []
    got = threading.Event()
    reader = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)

    def on_message(client, userdata, message):
        seen.append(message)
        got.set()

    reader.on_message = on_message
    reader.on_connect = lambda c, *a: c.subscribe(f"{door.fleet.config.prefix}/admissions/#", qos=1)
    reader.connect("127.0.0.1", broker.port)
    reader.loop_start()
    try:
        assert got.wait(20)
    finally:
        reader.disconnect()
        reader.loop_stop()
    [message] = seen
    assert message.retain and message.qos == 1
    assert message.topic.endswith("/" + door.fleet.signer.key(VALID_CODE))
    assert 200 < message.properties.MessageExpiryInterval <= 300
    assert VALID_CODE.encode() not in message.payload
    assert b'"scanId"' in message.payload and b'"mode":"entry"' in message.payload
