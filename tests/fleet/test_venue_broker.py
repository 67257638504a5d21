"""The README's venue Mosquitto (TLS, a password per door, the ACL, the limits), run as
written there: a kiosk back from an outage catches up on more admissions than Mosquitto queues
by default, and ``kiosk doctor`` tells when a broker with the defaults dropped some."""

from __future__ import annotations

import time

from kiosk.device import load_credentials
from kiosk.doctor.fleet import broker_check
from kiosk.doctor.model import Status
from kiosk.fleet.config import FleetConfig, default_prefix, save_fleet_config
from kiosk.fleet.probe import round_trip
from kiosk.journal import fleet as fleet_journal
from kiosk.scanning.service import ScanService
from tests.fleet.conftest import (
    SECRET,
    Broker,
    join,
    kiosk_paths,
    need_mosquitto,
    publish_admissions,
    wait_for,
)
from tests.fleet.test_admissions import knows

CATCH_UP = 1500  # more than Mosquitto's default max_queued_messages (1,000)


def admissions(service: ScanService) -> int:
    with service.journal.transaction() as tx:
        return fleet_journal.admission_count(tx.connection)


def test_a_kiosk_back_from_an_outage_catches_up_on_more_than_a_thousand_admissions(
    venue_broker, make_kiosk, tmp_path, fleet_settings
):
    door = make_kiosk("door-2", None, fleet=venue_broker.config("door-2"))
    wait_for(lambda: door.fleet.link.wait_synced(0))  # over TLS, with its password
    door.close()  # the kiosk is away: no session is kept for it on the broker
    publish_admissions(venue_broker.config("door-1"), CATCH_UP, device="door-1")
    paths = kiosk_paths(tmp_path, "door-2")
    back = ScanService(paths, load_credentials(paths.device_file), fleet_settings)
    try:
        wait_for(lambda: admissions(back) == CATCH_UP, timeout=60)
        assert knows(back, "OLD-0") and knows(back, f"OLD-{CATCH_UP - 1}")
        assert back.fleet.link.wait_synced(10)
    finally:
        back.close()
    assert "being dropped" not in (venue_broker.server.folder / "mosquitto.log").read_text()


def test_the_readme_acl_lets_the_doctor_read_the_drop_counter(venue_broker, paths, credentials):
    config = venue_broker.config("door-3")
    save_fleet_config(paths, config)
    result = broker_check(paths)
    assert result.status is Status.OK and "over TLS" in result.detail, result
    assert round_trip(config).dropped == 0  # None when the ACL hides it


def test_doctor_warns_when_a_broker_with_default_limits_dropped_a_catch_up(
    tmp_path, make_kiosk, paths, credentials
):
    need_mosquitto()
    small = Broker(tmp_path / "default-broker", settings=["allow_anonymous true", "sys_interval 1"])
    small.start()
    try:
        publish_admissions(
            FleetConfig(small.url, SECRET, default_prefix(credentials.workspace)), CATCH_UP
        )
        door = make_kiosk("door-2", small.url)
        wait_for(lambda: admissions(door) >= 1000)
        time.sleep(1.0)
        assert admissions(door) < CATCH_UP  # what the README's limits are for
        join(paths, small.url, credentials.workspace)
        wait_for(lambda: broker_check(paths).status is Status.WARN)  # $SYS: every second
        result = broker_check(paths)
        assert "has dropped" in result.detail and "missed" in result.detail, result
        assert "max_queued_messages" in result.advice
    finally:
        small.stop()
