"""An accepted scan opens the door: the configured hook runs with the verdict on stdin."""

from __future__ import annotations

import json
import sys

from kiosk.demo.passes import VALID_CODE, VOIDED_CODE
from kiosk.settings import Settings, save_settings


def test_accepted_scan_runs_the_door_hook_and_a_rejected_one_does_not(
    run_cli, credentials, paths, tmp_path
):
    out = tmp_path / "door.jsonl"
    relay = tmp_path / "relay.py"
    relay.write_text(f"import sys\nopen({str(out)!r}, 'a').write(sys.stdin.read() + '\\n')\n")
    settings = Settings().with_changes(door_hook={"command": f'"{sys.executable}" "{relay}"'})
    save_settings(paths.settings_file, settings)

    result = run_cli("scan", "--json", VALID_CODE, VOIDED_CODE)
    assert result.returncode == 0, result.stderr
    valid, voided = result.json_lines()
    assert (valid["verdict"], voided["verdict"]) == ("valid", "voided")

    [opened] = [json.loads(line) for line in out.read_text().splitlines() if line]
    assert opened["scan_id"] == valid["scan_id"] and opened["verdict"] == "valid"


def test_scan_decisions_are_logged_without_code_or_token(run_cli, credentials, paths):
    result = run_cli("scan", "--json", VALID_CODE)
    assert result.returncode == 0, result.stderr
    [verdict] = result.json_lines()
    log_text = paths.log_file.read_text()
    assert f"scan_id={verdict['scan_id']}" in log_text and "verdict=valid" in log_text
    assert VALID_CODE not in log_text and credentials.token not in log_text


def test_uploads_and_outages_are_logged_one_line_each(run_cli, credentials, paths, demo_server):
    demo_server.stop()
    run_cli("scan", "--json", "--upload-seconds", "0", VALID_CODE)
    demo_server.start()
    assert run_cli("sync", "--json").returncode == 0
    lines = paths.log_file.read_text().splitlines()
    assert any(" connectivity " in line and "state=offline" in line for line in lines)
    uploads = [line for line in lines if " upload " in line and "result=ok" in line]
    assert len(uploads) == 1 and "scan_id=" in uploads[0] and "event_id=" in uploads[0]
