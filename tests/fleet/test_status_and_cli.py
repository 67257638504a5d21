"""Fleet status with a last will, ``kiosk fleet``, ``kiosk scan -`` taking part like a screen,
and the admin screen's broker line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.demo import DEMO_WORKSPACE_TOKEN
from kiosk.demo.passes import VALID_CODE, guest_pass
from kiosk.provisioning import provision
from kiosk.scanning.verdict import VerdictKind
from tests.conftest import REPO_ROOT
from tests.fleet.conftest import SECRET, join, kiosk_paths, wait_for
from tests.fleet.test_admissions import knows
from tests.ui.conftest import PIN, make_app, ui_settings  # noqa: F401  (fixtures)


def kiosk_command(data_dir: Path, *args: str) -> dict[str, Any]:
    """``python -m kiosk --data-dir DIR ARGS`` from this checkout, whatever the caller's
    KIOSK_DATA_DIR: the keyword arguments of subprocess.run / Popen."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("KIOSK_DATA_DIR", None)
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args]
    return {"args": command, "env": env, "cwd": REPO_ROOT, "text": True}


def cli(data_dir: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        **kiosk_command(data_dir, *args), capture_output=True, input=input, timeout=120
    )


@contextmanager
def piped_scan(data_dir: Path) -> Iterator[subprocess.Popen]:
    """A running ``kiosk scan --json -`` on ``data_dir`` (write codes, read verdicts); killed
    on the way out unless it ended."""
    pipe = subprocess.PIPE
    proc = subprocess.Popen(
        **kiosk_command(data_dir, "scan", "--json", "-"), stdin=pipe, stdout=pipe, stderr=pipe
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()


def fleet_list(data_dir: Path) -> dict[str, dict]:
    result = cli(data_dir, "fleet", "--json", "--wait", "0.5")
    assert result.returncode == 0, result.stderr
    return {line["device"]: line for line in map(json.loads, result.stdout.splitlines())}


def test_scan_cli_takes_part_and_fleet_lists_every_kiosk_until_one_dies(
    make_kiosk, broker, demo_server, tmp_path
):
    demo_server.state.add_pass(guest_pass(1))
    door_a = make_kiosk("door-a", broker.url)
    door_c = make_kiosk("door-c", broker.url)
    assert door_a.scan(VALID_CODE).kind is VerdictKind.VALID
    cli_dir = tmp_path / "kiosk-door-b"
    paths_b = kiosk_paths(tmp_path, "door-b")
    provision(paths_b.device_file, demo_server.url, DEMO_WORKSPACE_TOKEN, "door-b")
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET)
    joined = cli(
        cli_dir, "fleet", "join", "--broker", broker.url, "--secret-file", str(secret_file)
    )
    assert joined.returncode == 0, joined.stderr
    with piped_scan(cli_dir) as door_b:
        assert door_b.stdin is not None and door_b.stdout is not None
        door_b.stdin.write(f"{VALID_CODE}\n")
        door_b.stdin.flush()
        first = json.loads(door_b.stdout.readline())
        assert first["verdict"] == "duplicate", first
        assert first["message"].startswith("Already scanned at door-a at ")
        door_b.stdin.write(f"{guest_pass(1).code}\n")
        door_b.stdin.flush()
        assert json.loads(door_b.stdout.readline())["verdict"] == "valid"
        wait_for(lambda: knows(door_a, guest_pass(1).code))
        refused = door_a.scan(guest_pass(1).code)
        assert refused.kind is VerdictKind.DUPLICATE and "door-b" in refused.message
        wait_for(lambda: knows(door_c, guest_pass(1).code) and knows(door_c, VALID_CODE))
        assert door_c.scan(VALID_CODE).kind is VerdictKind.DUPLICATE
        assert "door-b" in door_c.scan(guest_pass(1).code).message
        lister = tmp_path / "kiosk-door-a"
        wait_for(lambda: {"door-a", "door-b"} <= set(fleet_list(lister)), timeout=30)
        listed = fleet_list(lister)
        assert set(listed["door-a"]) == {
            "device",
            "connected",
            "online",
            "pending",
            "last_sync",
            "last_scan",
            "version",
            "processes",
        }
        assert listed["door-b"]["processes"] == ["scan"]
        assert listed["door-b"]["connected"] and listed["door-b"]["online"] is True
        wait_for(lambda: "door-b" in {d.device for d in door_a.status().fleet.doors})
        door_b.send_signal(signal.SIGKILL)  # dies without a goodbye: the broker's will speaks
        door_b.wait(10)
        wait_for(lambda: not fleet_list(lister)["door-b"]["connected"], timeout=60)
        assert fleet_list(lister)["door-a"]["connected"]
        logs = "".join(p.read_text() for p in (cli_dir / "logs").glob("kiosk.log*"))
        assert "fleet connected" in logs and SECRET not in logs


def test_fleet_list_says_what_is_wrong(tmp_path, broker, credentials, paths):
    data_dir = paths.data_dir.parent
    not_joined = cli(data_dir, "fleet")
    assert not_joined.returncode == 1 and "fleet join" in not_joined.stderr
    join(paths, broker.url, credentials.workspace)
    broker.stop()
    down = cli(data_dir, "fleet", "--json")
    assert down.returncode == 1 and "cannot be reached" in down.stderr
    assert "Traceback" not in down.stderr and SECRET not in down.stderr + down.stdout


def test_admin_screen_shows_the_broker_and_the_other_doors(
    qtbot,
    make_app,  # noqa: F811
    make_kiosk,
    broker,
    credentials,
    paths,
):
    door_b = make_kiosk("door-b", broker.url)
    join(paths, broker.url, credentials.workspace)
    app = make_app()
    window = app.window
    qtbot.mouseClick(window.scanning.admin_button, _left())
    window.pin.enter(PIN)
    assert window.current is window.admin
    line = window.admin.fleet_line

    def shown() -> bool:
        qtbot.wait(50)
        return "connected" in line.text() and "door-b (screen up" in line.text()

    wait_for(shown, timeout=30)
    assert broker.url.replace("mqtt://", "") in line.text()
    assert door_b.fleet is not None


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
