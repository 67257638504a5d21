"""The door hook runs real commands and real HTTP posts, and never blocks scanning."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.hooks import DoorHook, DoorHookConfigError, check_hook_command, check_hook_url
from kiosk.scanning.verdict import ScanMode, Verdict, VerdictKind
from kiosk.settings import DoorHookSettings

PY = f'"{sys.executable}"'


def verdict(kind: VerdictKind = VerdictKind.VALID, scan_id: str = "scan-1") -> Verdict:
    return Verdict(
        code="TKT-VALID-0001",
        kind=kind,
        offline=False,
        scan_id=scan_id,
        mode=ScanMode.ENTRY,
        scanned_at=datetime(2026, 11, 23, 19, tzinfo=UTC),
        message="Welcome",
        holder="Ada Lovelace",
    )


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_command_gets_the_verdict_json_on_stdin(tmp_path, caplog):
    out = tmp_path / "out.json"
    script = tmp_path / "relay.py"
    script.write_text(
        "import os, sys, pathlib\n"
        f"pathlib.Path(r'{out}').write_text(sys.stdin.read() + '|' + "
        "os.environ['KIOSK_VERDICT'])\n"
    )
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    with DoorHook(f'{PY} "{script}"', timeout_seconds=10) as hook:
        assert hook.on_verdict(verdict())
        assert wait_for(out.exists)
        assert wait_for(lambda: "result=ok" in caplog.text)
    body, env_verdict = out.read_text().rsplit("|", 1)
    assert json.loads(body) == verdict().to_json()
    assert env_verdict == "valid"
    assert "door_hook result=ok kind=command" in caplog.text


def test_only_accepted_verdicts_fire(tmp_path):
    with DoorHook(f"{PY} -c pass") as hook:
        assert not hook.on_verdict(verdict(VerdictKind.VOIDED))
        assert not hook.on_verdict(verdict(VerdictKind.DUPLICATE))
        assert hook.on_verdict(verdict(VerdictKind.VALID))


def test_off_by_default():
    hook = DoorHook.from_settings(DoorHookSettings())
    assert not hook.enabled
    assert not hook.fire(verdict().to_json())
    hook.close()


def test_failing_command_is_logged_with_its_stderr(caplog):
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    with DoorHook(
        f"{PY} -c \"import sys; sys.stderr.write('relay offline'); sys.exit(3)\""
    ) as hook:
        hook.fire(verdict().to_json())
        assert wait_for(lambda: "result=failed" in caplog.text)
    assert "exit=3" in caplog.text and "relay offline" in caplog.text


def test_missing_program_is_logged_not_raised(caplog):
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    with DoorHook("/nonexistent/open-door --now") as hook:
        assert hook.fire(verdict().to_json())
        assert wait_for(lambda: "result=failed" in caplog.text)
    assert "cannot start" in caplog.text


def test_a_hanging_hook_never_blocks_fire_and_is_killed(caplog):
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    hook = DoorHook(f'{PY} -c "import time; time.sleep(3600)"', timeout_seconds=2, queue_size=4)
    started = time.monotonic()
    accepted = [hook.fire(verdict(scan_id=f"s{i}").to_json()) for i in range(50)]
    assert time.monotonic() - started < 1.0  # 50 fires while the hook hangs
    # one run in the worker (hanging) + a full queue of 4; the other 45 dropped at once
    assert accepted.count(True) <= 5 and accepted.count(False) >= 45
    assert "reason=queue_full" in caplog.text
    assert wait_for(lambda: "result=timeout" in caplog.text, timeout=10)
    closing = time.monotonic()
    hook.close()
    assert time.monotonic() - closing < 5
    assert not hook.fire(verdict().to_json())  # closed


def test_stale_verdicts_are_dropped_not_run_late(tmp_path, caplog):
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    with DoorHook(
        f'{PY} -c "import time; time.sleep(1)"', timeout_seconds=5, max_delay_seconds=0.3
    ) as hook:
        hook.fire(verdict(scan_id="first").to_json())
        hook.fire(verdict(scan_id="second").to_json())  # waits ~1 s behind the first
        assert wait_for(lambda: "reason=too_late" in caplog.text, timeout=5)
    assert "scan_id=second" in caplog.text


class _Recorder(BaseHTTPRequestHandler):
    bodies: list[bytes]
    status = 200

    def do_POST(self) -> None:
        self.server.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def relay_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.bodies = []
    server.status = 200
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_url_hook_posts_the_verdict(relay_server, caplog):
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    url = f"http://127.0.0.1:{relay_server.server_address[1]}/open"
    with DoorHook(url=url) as hook:
        hook.on_verdict(verdict())
        assert wait_for(lambda: relay_server.bodies)
        assert wait_for(lambda: "result=ok kind=url status=200" in caplog.text)
    assert json.loads(relay_server.bodies[0]) == verdict().to_json()


def test_url_hook_errors_are_logged(relay_server, caplog):
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    relay_server.status = 500
    port = relay_server.server_address[1]
    with DoorHook(url=f"http://127.0.0.1:{port}/open") as hook:
        hook.fire(verdict().to_json())
        assert wait_for(lambda: "status=500" in caplog.text)
    relay_server.shutdown()
    with DoorHook(url="http://127.0.0.1:9/refused", timeout_seconds=1) as hook:
        hook.fire(verdict().to_json())
        assert wait_for(lambda: "kind=url" in caplog.text and "result=failed" in caplog.text)


def test_config_checks():
    assert check_hook_url("") is None
    assert check_hook_url("http://127.0.0.1:8080/open") is None
    assert check_hook_url("http://192.168.1.50/relay/0?turn=on") is None
    assert check_hook_url("http://relay.local/open") is None
    assert check_hook_url("https://doors.example.com/open") is None
    assert "https" in check_hook_url("http://doors.example.com/open")
    assert "https" in check_hook_url("http://[2001:4860::8888]/open")  # public IPv6
    assert check_hook_url("http://[::1]:8080/open") is None
    assert check_hook_url("http://relay/open") is None  # single-label LAN name
    assert check_hook_url("ftp://x/y")
    assert check_hook_command('open-door "unbalanced', need_program=False)
    assert "not found" in check_hook_command("/nonexistent/open-door")
    assert check_hook_command(f"{PY} -c pass") is None
    with pytest.raises(DoorHookConfigError, match=r"door_hook\.url"):
        DoorHook(url="http://doors.example.com/open")


def test_kiosk_door_hook_runs_it_once_for_the_installer(run_cli, paths, tmp_path):
    assert run_cli("door-hook").returncode == 1  # off: says how to set it
    out = tmp_path / "relay.json"
    script = tmp_path / "relay.py"
    script.write_text(f"import sys, pathlib; pathlib.Path(r'{out}').write_text(sys.stdin.read())\n")
    command = f"{sys.executable} {script}".replace("\\", "/")
    paths.settings_file.write_text(f"[door_hook]\ncommand = '{command}'\n")
    result = run_cli("door-hook", "--json")
    assert result.returncode == 0, result.stderr
    assert result.json_lines()[0]["ok"] is True
    sent = json.loads(out.read_text())
    assert sent["verdict"] == "valid" and sent["code"] == "DOOR-HOOK-TEST"
    assert set(sent) == set(verdict().to_json())
    paths.settings_file.write_text("[door_hook]\ncommand = '/nonexistent/relay'\n")
    failed = run_cli("door-hook")
    assert failed.returncode == 1 and "FAIL" in failed.stdout and "cannot start" in failed.stdout


def test_a_lan_hook_never_goes_through_the_venue_proxy(relay_server, monkeypatch, caplog):
    """A turnstile on the venue's network is reached directly: a proxy for the internet
    would not reach it, and should not see holders' names either."""
    caplog.set_level(logging.INFO, "kiosk.door_hook")
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens: the relay would fail
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    url = f"http://127.0.0.1:{relay_server.server_address[1]}/open"
    with DoorHook(url=url) as hook:
        hook.on_verdict(verdict())
        assert wait_for(lambda: "kind=url" in caplog.text)
    assert "result=ok kind=url status=200" in caplog.text
    assert len(relay_server.bodies) == 1
