"""The screen and ``kiosk scan`` of one door in the fleet at once, on one data folder, against
a real mosquitto: each has its own connection and status topic, and the door is up while any of
them is (a finished ``kiosk scan`` used to overwrite the screen's retained "connected")."""

from __future__ import annotations

import json
import threading
import time

from kiosk.demo.passes import guest_pass
from kiosk.scanning.verdict import VerdictKind
from tests.fleet.conftest import wait_for
from tests.fleet.test_admissions import knows
from tests.fleet.test_status_and_cli import cli, fleet_list, piped_scan


def door(service, name: str):
    """``name`` as ``service``'s board shows it, or None."""
    return next((d for d in service.status().fleet.doors if d.device == name), None)


def always_while(condition, action, after: float = 2.0):
    """(``action()``, whether ``condition()`` held on every look while it ran and for
    ``after`` seconds more). The screen refreshes its status every 15 s, so a wrong status
    left by another process would be seen for longer than that."""
    result = []
    worker = threading.Thread(target=lambda: result.append(action()))
    worker.start()
    held = True
    while worker.is_alive():
        held = bool(condition()) and held
        time.sleep(0.02)
    worker.join()
    deadline = time.monotonic() + after
    while time.monotonic() < deadline:
        held = bool(condition()) and held
        time.sleep(0.02)
    return result[0], held


def door_a_up(other) -> bool:
    shown = door(other, "door-a")
    return shown is not None and shown.connected


def test_kiosk_scan_beside_the_screen_leaves_the_door_up_until_the_screen_stops(
    make_kiosk, broker, demo_server, tmp_path
):
    for n in (1, 2):
        demo_server.state.add_pass(guest_pass(n))
    screen = make_kiosk("door-a", broker.url)  # the screen's fleet side, Qt-free
    other = make_kiosk("door-b", broker.url)
    data_dir = tmp_path / "kiosk-door-a"
    wait_for(lambda: door(other, "door-a") is not None and door(other, "door-a").connected)
    assert door(other, "door-a").up == ("screen",)

    # a one-shot kiosk scan on the same data folder runs and exits: door-b sees door-a up
    # all along (it used to see it gone once the command had said goodbye)
    once, up_all_along = always_while(
        lambda: door_a_up(other),
        lambda: cli(data_dir, "scan", "--json", "--upload-seconds", "2", guest_pass(1).code),
    )
    assert once.returncode == 0, once.stderr
    assert json.loads(once.stdout)["verdict"] == "valid"
    assert up_all_along
    assert door(other, "door-a").up == ("screen",)
    assert knows(other, guest_pass(1).code)
    assert other.scan(guest_pass(1).code).kind is VerdictKind.DUPLICATE
    assert fleet_list(tmp_path / "kiosk-door-b")["door-a"]["processes"] == ["screen"]

    # a long-running kiosk scan - : the door says both are up, then only the screen again
    with piped_scan(data_dir) as piped:
        assert piped.stdin is not None and piped.stdout is not None
        piped.stdin.write(f"{guest_pass(2).code}\n")
        piped.stdin.flush()
        assert json.loads(piped.stdout.readline())["verdict"] == "valid"
        wait_for(lambda: door(other, "door-a").up == ("screen", "scan"))
        listed = fleet_list(tmp_path / "kiosk-door-b")["door-a"]
        assert listed["processes"] == ["screen", "scan"] and listed["connected"]
        piped.stdin.close()
        code, up_all_along = always_while(lambda: door_a_up(other), lambda: piped.wait(60))
        assert code == 0 and up_all_along
    wait_for(lambda: door(other, "door-a").up == ("screen",))
    assert fleet_list(tmp_path / "kiosk-door-b")["door-a"]["connected"]
    plain = cli(tmp_path / "kiosk-door-b", "fleet", "--wait", "0.5")
    assert "door-a: screen up, API online" in plain.stdout, plain.stdout

    # the screen kept its one connection: no process took its session over
    assert screen.fleet.link.connected
    log = (broker.folder / "mosquitto.log").read_text()
    screen_id = screen.fleet.link.client_id
    assert log.count(f" as {screen_id} ") == 1, log
    assert f"Client {screen_id} " not in log, log  # neither "already connected" nor dropped
    assert log.count(" as kiosk-door-a-scan-") == 2

    # the screen stops: now the door is gone
    screen.close()
    wait_for(lambda: not door(other, "door-a").connected)
    assert door(other, "door-a").up == ()
    listed = fleet_list(tmp_path / "kiosk-door-b")["door-a"]
    assert not listed["connected"] and listed["processes"] == []
