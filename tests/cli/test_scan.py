"""kiosk scan / sync / status through the real command line against the embedded server."""

from __future__ import annotations

import json

from kiosk.demo.passes import EXPIRED_CODE, UNKNOWN_CODE, VALID_CODE, VOIDED_CODE, guest_pass

REQUIRED_KEYS = {
    "code",
    "verdict",
    "offline",
    "scan_id",
    "pass_id",
    "holder",
    "reward_points",
    "message",
}


def test_scan_json_prints_one_object_per_code_and_uploads(run_cli, credentials, demo_server):
    result = run_cli(
        "scan", "--json", VALID_CODE, VOIDED_CODE, EXPIRED_CODE, UNKNOWN_CODE, VALID_CODE, ""
    )
    assert result.returncode == 0, result.stderr
    lines = result.json_lines()
    assert all(REQUIRED_KEYS <= set(line) for line in lines)
    assert [line["verdict"] for line in lines] == [
        "valid",
        "voided",
        "expired",
        "unknown",
        "duplicate",
        "error",
    ]
    assert lines[0]["holder"] == "Ada Lovelace" and lines[0]["offline"] is False
    assert lines[5]["scan_id"] is None and "empty" in lines[5]["message"]
    [event] = demo_server.state.events()
    assert event.data["scanId"] == lines[0]["scan_id"]
    [status] = run_cli("status", "--json").json_lines()
    assert status["pending"] == 0 and status["last_sync"] is not None


def test_scan_reads_codes_from_stdin(run_cli, credentials):
    result = run_cli("scan", "--json", "-", input=f"{VALID_CODE}\n{UNKNOWN_CODE}\r\n\n")
    assert [line["verdict"] for line in result.json_lines()] == ["valid", "unknown"]


def test_scan_refuses_invalid_utf8_from_stdin(run_cli, credentials, paths):
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data-dir",
            str(paths.data_dir.parent),
            "scan",
            "--json",
            "-",
        ],
        input=b"ok-\xff\xfe-code\n",
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    [line] = [json.loads(x) for x in proc.stdout.splitlines()]
    assert line["verdict"] == "error" and "UTF-8" in line["message"]


def test_scan_not_provisioned_exits_3(run_cli):
    result = run_cli("scan", "--json", VALID_CODE)
    assert result.returncode == 3 and "provision" in result.stderr


def test_scan_plain_text_output(run_cli, credentials):
    result = run_cli("scan", VALID_CODE)
    assert result.returncode == 0 and result.stdout.startswith("VALID: Welcome, Ada Lovelace.")


def test_outage_50_offline_scans_then_sync_uploads_each_once(run_cli, credentials, demo_server):
    codes = [guest_pass(n).code for n in range(50)]
    demo_server.stop()
    result = run_cli("scan", "--json", "--upload-seconds", "1", *codes)
    assert result.returncode == 0, result.stderr
    lines = result.json_lines()
    assert len(lines) == 50
    assert all(line["verdict"] == "valid" and line["offline"] for line in lines)
    [status] = run_cli("status", "--json").json_lines()
    assert status["pending"] == 50
    failed = run_cli("sync", "--json", "--timeout", "1")
    assert failed.returncode == 1 and failed.json_lines()[0]["pending"] == 50
    for n in range(50):
        demo_server.state.add_pass(guest_pass(n))
    demo_server.start()
    synced = run_cli("sync", "--json")
    assert synced.returncode == 0, synced.stderr
    assert synced.json_lines() == [{"uploaded": 50, "pending": 0, "rejected": 0, "steps": 0}]
    events = demo_server.state.events()
    scan_ids = [event.data["scanId"] for event in events]
    assert len(events) == 50 and len(set(scan_ids)) == 50
    assert set(scan_ids) == {line["scan_id"] for line in lines}
    assert sorted(event.code for event in events) == sorted(codes)
    again = run_cli("sync", "--json")
    assert again.returncode == 0
    assert again.json_lines() == [{"uploaded": 0, "pending": 0, "rejected": 0, "steps": 0}]
    assert len(demo_server.state.events()) == 50


def test_scan_with_a_revoked_device_exits_3_but_journals(run_cli, credentials, demo_server):
    demo_server.state.revoke_device(credentials.device_name)
    result = run_cli("scan", "--json", VALID_CODE)
    assert result.returncode == 3
    [line] = result.json_lines()
    assert line["verdict"] == "error" and "provisioned again" in line["message"]
    assert line["scan_id"] is not None
    assert "provision the device again" in result.stderr


def test_scan_moves_a_corrupt_journal_aside_and_says_so(run_cli, credentials, paths):
    paths.journal_file.write_bytes(b"\x00garbage" * 1000)
    result = run_cli("scan", "--json", VALID_CODE)
    assert result.returncode == 0
    assert "moved to journal.sqlite3.corrupt-" in result.stderr
    assert result.json_lines()[0]["verdict"] == "valid"
    assert len(list(paths.data_dir.glob("journal.sqlite3.corrupt-*"))) == 1


def test_settings_from_the_file_apply(run_cli, credentials, paths):
    paths.settings_file.write_text('[scanning]\nmode = "reward"\nreward_points = 7\n')
    [line] = run_cli("scan", "--json", VALID_CODE).json_lines()
    assert line["reward_points"] == 7 and line["mode"] == "reward"
