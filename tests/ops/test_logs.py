"""Logs: one grep-able line per event, rotated, and never a token."""

from __future__ import annotations

import logging
import re

import pytest

from kiosk.device import DeviceCredentials, save_credentials
from kiosk.logs import LOG_BACKUPS, event, log_event, log_files, setup_logging

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S")


@pytest.fixture
def logged(paths):
    """setup_logging into ``paths``; yields a reader of the log file; removes its handlers."""
    handler = setup_logging(paths)
    yield lambda: (handler.flush(), paths.log_file.read_text(encoding="utf-8"))[1]
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_kiosk_handler", False):
            root.removeHandler(h)
            h.close()


def test_event_lines_are_one_grepable_line(paths, logged):
    log = logging.getLogger("kiosk.scan")
    log_event(
        log,
        "scan",
        verdict="valid",
        offline=False,
        scan_id="9f0c-1",
        holder="Ada Lovelace",
        code="evil\n2026-01-01T00:00:00Z INFO scan verdict=valid",
    )
    try:
        raise ValueError("line one\nline two")
    except ValueError:
        log.exception("upload failed scan_id=9f0c-1")
    lines = logged().splitlines()
    assert len(lines) == 2
    assert all(LINE.match(line) for line in lines)
    assert ' INFO scan verdict=valid offline=false scan_id=9f0c-1 holder="Ada Lovelace"' in lines[0]
    # a code holding a newline cannot forge a second event line
    assert "\\n2026-01-01T00:00:00Z" in lines[0]
    assert "ERROR upload failed" in lines[1] and "ValueError: line one\\nline two" in lines[1]


def test_device_token_never_reaches_the_file(paths, logged):
    token = "dev-tok-5f2a9c81e7b44d0c9d1a"
    save_credentials(
        paths.device_file, DeviceCredentials("http://127.0.0.1:1/graphql", "W", "door-1", token)
    )
    setup_logging(paths)  # reads the device file and registers its token
    log = logging.getLogger("kiosk.tiketo")
    log.info("sending with token %s", token)
    log.warning("headers={'Authorization': 'TOKEN %s'}", token)
    log.error('answer {"token": "%s", "workspaceName": "W"}', token)
    try:
        raise RuntimeError(f"server echoed {token}")
    except RuntimeError:
        log.exception("boom")
    text = logged()
    assert token not in text
    assert token[:12] not in text
    assert text.count("***") >= 4
    assert "workspaceName" in text  # scrubbing is targeted, the rest of the line survives


def test_token_shapes_are_scrubbed_even_when_unregistered(paths, logged, monkeypatch):
    monkeypatch.setenv("KIOSK_WORKSPACE_TOKEN", "ws-secret-from-environment")
    setup_logging(paths)
    log = logging.getLogger("kiosk.x")
    log.info("Authorization: TOKEN abcdef123456")
    log.info("GET /x?workspace_token=qwerty987654&x=1")
    log.info("Bearer zzz999yyy888 and device_token=mysecretvalue")
    log.info("received ws-secret-from-environment from the user")
    log.info("The server refused this device's token: provision again.")
    text = logged()
    for secret in (
        "abcdef123456",
        "qwerty987654",
        "zzz999yyy888",
        "mysecretvalue",
        "ws-secret-from-environment",
    ):
        assert secret not in text
    assert "&x=1" in text
    assert "refused this device's token: provision again." in text  # prose is untouched


def test_a_password_in_a_url_is_scrubbed_however_short(paths, logged):
    """A proxy setting such as HTTPS_PROXY=http://door:pw@proxy:3128 in an error text."""
    log = logging.getLogger("kiosk.x")
    log.warning("proxy http://door:pw@10.0.0.1:3128 and https://it:Winter-2026@proxy.lan/ failed")
    log.info("plain http://proxy.lan:3128/path@x stays")
    text = logged()
    assert "pw@" not in text and "Winter-2026" not in text
    assert "http://door:***@10.0.0.1:3128" in text and "https://it:***@proxy.lan/" in text
    assert "http://proxy.lan:3128/path@x stays" in text


def test_setup_is_idempotent_and_library_noise_is_filtered(paths, logged):
    setup_logging(paths)
    setup_logging(paths)
    logging.getLogger("kiosk.scan").info("%s", event("scan", verdict="voided"))
    logging.getLogger("httpx").info("HTTP Request: POST http://x 200 OK")
    logging.getLogger("httpx").warning("library warning")
    text = logged()
    assert text.count("scan verdict=voided") == 1
    assert "HTTP Request" not in text and "library warning" in text


def test_files_rotate(paths, logged, monkeypatch):
    handler = setup_logging(paths)
    handler.maxBytes = 2000
    log = logging.getLogger("kiosk.scan")
    for index in range(200):
        log_event(log, "scan", verdict="valid", n=index)
    logged()
    files = log_files(paths)
    assert len(files) == 1 + LOG_BACKUPS
    assert all(f.stat().st_size <= 2100 for f in files)


def test_event_quoting():
    assert (
        event("upload", ok=True, retry=None, seconds=0.25) == "upload ok=true retry=- seconds=0.25"
    )
    assert event("x", msg='say "hi"') == 'x msg="say \\"hi\\""'


def test_kiosk_logs_command_prints_where_they_are(run_cli, paths):
    result = run_cli("logs")
    assert result.returncode == 0
    assert str(paths.log_file) in result.stdout
    as_json = run_cli("logs", "--json").json_lines()[0]
    assert as_json["log_file"] == str(paths.log_file)
    assert as_json["log_dir"] == str(paths.log_dir)


def test_every_command_logs_settings_problems_by_key(run_cli, paths):
    paths.settings_file.write_text("[sound]\nvolume = 7\n")
    assert run_cli("status").returncode == 0
    line = [x for x in paths.log_file.read_text().splitlines() if "settings problem=" in x]
    assert len(line) == 1 and "sound.volume" in line[0] and " WARNING " in line[0]


def test_scan_lines_hold_the_decision_but_not_the_code_or_the_name(paths, logged):
    from datetime import UTC, datetime

    from kiosk.logs import log_scan
    from kiosk.scanning.verdict import ScanMode, Verdict, VerdictKind

    verdict = Verdict(
        code="TKT-VALID-0001",
        kind=VerdictKind.VALID,
        offline=True,
        scan_id="9f0c-77",
        mode=ScanMode.REWARD,
        scanned_at=datetime(2026, 11, 23, 19, tzinfo=UTC),
        message="Welcome",
        holder="Ada Lovelace",
        pass_id="pass-1",
        reward_points=10,
    )
    log_scan(logging.getLogger("kiosk.scanning"), verdict, "camera")
    line = logged().strip()
    assert LINE.match(line)
    assert line.endswith(
        "INFO scan verdict=valid offline=true mode=reward source=camera "
        "scan_id=9f0c-77 pass_id=pass-1 points=10"
    )
    assert "TKT-VALID-0001" not in line and "Lovelace" not in line


def test_a_scrubbed_header_does_not_swallow_the_next_line(paths, logged):
    logging.getLogger("kiosk.tiketo").warning(
        "request failed\nAuthorization: TOKEN secret-value-123\nHost: api.example"
    )
    text = logged()
    assert "secret-value-123" not in text
    assert "Authorization: ***\\nHost: api.example" in text
