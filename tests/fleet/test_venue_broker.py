"""The README's venue Mosquitto (TLS, a password per door, the ACL, the limits), run as
written there: a kiosk back from an outage catches up on more admissions than Mosquitto queues
by default."""

from __future__ import annotations

from kiosk.device import load_credentials
from kiosk.journal import fleet as fleet_journal
from kiosk.scanning.service import ScanService
from tests.fleet.conftest import kiosk_paths, publish_admissions, wait_for
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
