"""One line per door from its processes' statuses (pure): the screen and any kiosk scan."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.fleet import topics
from kiosk.fleet.messages import MessageReader
from kiosk.fleet.signing import Signer
from kiosk.fleet.status import (
    ROLE_SCAN,
    ROLE_SCREEN,
    SCAN_GONE_LIFETIME,
    DoorBoard,
    StatusReport,
    describe,
)

NOW = datetime(2026, 11, 23, 19, 5, tzinfo=UTC)
SIGNER = Signer("secret-number-one-0001")
PREFIX = "tiketo/venue"


def report(device: str, role: str, pending: int = 0) -> StatusReport:
    return StatusReport(
        SIGNER,
        PREFIX,
        device,
        role,
        version="1",
        fields=lambda: {"online": True, "pending": pending},
        clock=lambda: NOW,
    )


def read(*messages: tuple[str, bytes], device: str = "door-1"):
    return MessageReader(SIGNER, PREFIX, device).read(list(messages), NOW)


def test_a_door_is_up_while_any_of_its_processes_is_and_the_screen_speaks_for_it():
    screen, scan = report("door-2", ROLE_SCREEN, 3), report("door-2", ROLE_SCAN, 9)
    killed = report("door-2", ROLE_SCAN)  # an earlier kiosk scan, its last will said "gone"
    assert len({screen.topic, scan.topic, killed.topic}) == 3
    inbound = read(
        (killed.topic, killed.payload(False)),
        (scan.topic, scan.payload(True)),
        (screen.topic, screen.payload(True)),
    )
    board = DoorBoard()
    board.update(inbound.processes)
    [door] = board.doors()
    assert door.device == "door-2" and door.connected and door.up == ("screen", "scan")
    assert door.pending == 3  # the screen's word
    assert describe(door.up) == "screen and kiosk scan up"
    board.update(read((scan.topic, b"")).processes, read((scan.topic, b"")).cleared)
    assert board.doors()[0].up == ("screen",)
    board.update(read((screen.topic, screen.payload(False))).processes)
    [gone] = board.doors()
    assert not gone.connected and gone.up == () and describe(gone.up) == "gone"


def test_only_a_kiosk_scan_is_a_door_too_and_its_own_device_is_not_another_door():
    scan = report("door-3", ROLE_SCAN, 1)
    board = DoorBoard()
    board.update(read((scan.topic, scan.payload(True))).processes)
    assert [(d.device, d.up, d.pending) for d in board.doors()] == [("door-3", ("scan",), 1)]
    assert read((scan.topic, scan.payload(True)), device="door-3").processes == []


def test_how_long_each_process_status_stays_on_the_broker():
    screen, scan = report("door-2", ROLE_SCREEN), report("door-2", ROLE_SCAN)
    assert screen.topic == f"{PREFIX}/kiosks/door-2/screen"
    assert topics.parse(PREFIX, scan.topic) == ("kiosks", scan.topic.split("/kiosks/")[1])
    assert screen.properties(True) is None and screen.properties(False) is None
    assert SIGNER.verify(screen.topic, screen.goodbye())["connected"] is False
    assert scan.goodbye() == b""  # a clean exit clears its topic
    assert scan.properties(False, will=True).MessageExpiryInterval == int(SCAN_GONE_LIFETIME)
    assert 15 < scan.properties(True).MessageExpiryInterval <= 120
