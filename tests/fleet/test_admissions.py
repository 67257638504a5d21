"""Kiosks on separate data folders share admissions over a real mosquitto broker."""

from __future__ import annotations

import sqlite3

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.demo.passes import VALID_CODE, guest_pass
from kiosk.fleet.signing import Signer
from kiosk.journal import fleet as fleet_journal
from kiosk.scanning.verdict import VerdictKind
from tests.fleet.conftest import SECRET, publish_admissions, wait_for


def knows(service, code: str) -> bool:
    """Has this kiosk's journal received another door's admission of ``code``?"""
    assert service.fleet is not None
    with service.journal.transaction() as tx:
        return (
            fleet_journal.last_admission(tx.connection, service.fleet.signer.key(code)) is not None
        )


def outbox(service) -> int:
    with service.journal.transaction() as tx:
        return fleet_journal.outbox_count(tx.connection)


def test_a_pass_admitted_at_door_a_is_refused_at_door_b(make_kiosk, broker):
    door_a = make_kiosk("door-a", broker.url)
    door_b = make_kiosk("door-b", broker.url)
    first = door_a.scan(VALID_CODE)
    assert first.kind is VerdictKind.VALID
    wait_for(lambda: knows(door_b, VALID_CODE))
    second = door_b.scan(VALID_CODE)
    assert second.kind is VerdictKind.DUPLICATE
    local = first.scanned_at.astimezone()
    assert second.message == f"Already scanned at door-a at {local:%H:%M:%S}."
    assert second.first_scanned_at == first.scanned_at
    wait_for(lambda: outbox(door_a) == 0)  # acknowledged by the broker, then removed
    # the broker never saw the code: only its HMAC
    assert VALID_CODE.encode() not in (broker.folder / "mosquitto.log").read_bytes()


def test_three_kiosks_and_no_code_on_the_wire(make_kiosk, broker, demo_server):
    kiosks = [make_kiosk(f"door-{n}", broker.url) for n in (1, 2, 3)]
    codes = [guest_pass(n).code for n in range(3)]
    for n in range(3):
        demo_server.state.add_pass(guest_pass(n))
    for n, code in enumerate(codes):
        assert kiosks[n].scan(code).kind is VerdictKind.VALID
    for n, code in enumerate(codes):
        others = [k for i, k in enumerate(kiosks) if i != n]
        for other in others:
            wait_for(lambda other=other, code=code: knows(other, code))
            verdict = other.scan(code)
            assert verdict.kind is VerdictKind.DUPLICATE
            assert f"door-{n + 1}" in verdict.message


def test_forged_and_unsigned_messages_are_ignored_and_counted(make_kiosk, broker):
    door_b = make_kiosk("door-b", broker.url)
    wait_for(lambda: door_b.fleet.link.wait_synced(0))
    key = Signer(SECRET).key(VALID_CODE)
    prefix = door_b.fleet.config.prefix
    topic = f"{prefix}/admissions/{key}"
    body = {
        "kind": "admission",
        "key": key,
        "scanId": "forged-1",
        "device": "laptop",
        "time": "2030-01-01T00:00:00Z",
        "mode": "entry",
    }
    forged = Signer("a-different-secret-abcdef123").sign(topic, body)
    attacker = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    attacker.connect("127.0.0.1", broker.port)
    attacker.loop_start()
    try:
        for payload in (
            forged,
            b'{"kind":"admission","key":"' + key.encode() + b'"}',
            b"\xff not json",
        ):
            attacker.publish(topic, payload, qos=1, retain=True).wait_for_publish(10)
        wait_for(lambda: door_b.fleet.link.ignored >= 3)
    finally:
        attacker.disconnect()
        attacker.loop_stop()
    assert not knows(door_b, VALID_CODE)
    assert door_b.scan(VALID_CODE).kind is VerdictKind.VALID
    assert door_b.status().fleet.ignored >= 3


def test_broker_stopped_and_restarted_mid_test_loses_nothing(make_kiosk, broker, demo_server):
    for n in range(4):
        demo_server.state.add_pass(guest_pass(n))
    before, during = guest_pass(0).code, [guest_pass(n).code for n in (1, 2, 3)]
    door_a = make_kiosk("door-a", broker.url)
    door_b = make_kiosk("door-b", broker.url)
    assert door_a.scan(before).kind is VerdictKind.VALID
    wait_for(lambda: outbox(door_a) == 0)
    broker.stop()
    wait_for(lambda: not door_a.fleet.link.connected)
    for code in during:  # the door does not wait for the broker
        assert door_a.scan(code).kind is VerdictKind.VALID
    assert outbox(door_a) == 3 and door_a.status().fleet.connected is False
    broker.start()
    for code in during:
        wait_for(lambda code=code: knows(door_b, code), timeout=60)
    wait_for(lambda: outbox(door_a) == 0)
    # a kiosk started after the restart catches up from the broker's retained state
    door_c = make_kiosk("door-c", broker.url)
    for code in [before, *during]:
        wait_for(lambda code=code: knows(door_c, code), timeout=30)
        assert door_c.scan(code).kind is VerdictKind.DUPLICATE


def test_a_kiosk_restarted_after_a_crash_sends_what_it_had_not_sent(
    make_kiosk, broker, tmp_path, demo_server, fleet_settings
):
    from kiosk.device import load_credentials
    from kiosk.scanning.service import ScanService
    from tests.fleet.conftest import kiosk_paths

    door_b = make_kiosk("door-b", broker.url)
    broker.stop()
    door_a = make_kiosk("door-a", broker.url)
    assert door_a.scan(VALID_CODE).kind is VerdictKind.VALID
    door_a.fleet.link._stop.set()  # the pump dies with the process: nothing more is sent
    paths = kiosk_paths(tmp_path, "door-a")
    with sqlite3.connect(paths.journal_file) as conn:
        assert conn.execute("SELECT count(*) FROM fleet_outbox").fetchone()[0] == 1
    broker.start()
    again = ScanService(paths, load_credentials(paths.device_file), fleet_settings)
    try:
        wait_for(lambda: knows(door_b, VALID_CODE), timeout=60)
        assert door_b.scan(VALID_CODE).kind is VerdictKind.DUPLICATE
    finally:
        again.close()


def test_no_broker_configured_behaves_as_today(make_kiosk):
    door = make_kiosk("door-a", None)
    assert door.fleet is None
    assert door.scan(VALID_CODE).kind is VerdictKind.VALID
    second = door.scan(VALID_CODE)
    assert second.kind is VerdictKind.DUPLICATE and "here" in second.message
    assert door.status().fleet is None
    assert outbox(door) == 0


def test_broker_down_from_the_start_costs_the_door_nothing(make_kiosk, broker):
    broker.stop()
    door_a = make_kiosk("door-a", broker.url)
    assert door_a.scan(VALID_CODE).kind is VerdictKind.VALID
    assert door_a.scan(VALID_CODE).kind is VerdictKind.DUPLICATE
    assert outbox(door_a) == 1 and not door_a.status().fleet.connected
    broker.start()
    door_b = make_kiosk("door-b", broker.url)
    wait_for(lambda: knows(door_b, VALID_CODE), timeout=60)
    assert door_b.scan(VALID_CODE).kind is VerdictKind.DUPLICATE


def test_a_new_kiosk_catches_up_on_thousands_of_retained_admissions(make_kiosk, broker):
    """More than Mosquitto's default per-client queue (1,000): the README's venue config."""
    from kiosk.fleet.config import FleetConfig, default_prefix

    prefix = default_prefix("Demo Venue")
    publish_admissions(FleetConfig(broker.url, SECRET, prefix), 3000)
    door = make_kiosk("door-new", broker.url)
    assert door.fleet.config.prefix == prefix

    def count() -> int:
        with door.journal.transaction() as tx:
            return fleet_journal.admission_count(tx.connection)

    wait_for(lambda: count() == 3000, timeout=60)
    assert door.fleet.link.wait_synced(10)


def test_unusable_broker_settings_leave_the_kiosk_working_alone(make_kiosk, tmp_path):
    from kiosk.fleet.config import FleetConfig, default_prefix, save_fleet_config
    from tests.fleet.conftest import kiosk_paths

    paths = kiosk_paths(tmp_path, "door-a")
    bad_ca = tmp_path / "not-a-certificate.pem"
    bad_ca.write_text("garbage")
    save_fleet_config(
        paths,
        FleetConfig(
            "mqtts://127.0.0.1:1", SECRET, default_prefix("Demo Venue"), ca_file=str(bad_ca)
        ),
    )
    door = make_kiosk("door-a", None)  # provisions into the same folder; keeps fleet.json
    assert door.fleet is None
    assert any("works alone" in problem for problem in door.problems), door.problems
    assert door.scan(VALID_CODE).kind is VerdictKind.VALID
    assert SECRET not in " ".join(door.problems)
