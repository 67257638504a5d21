"""kiosk provision and kiosk status through the real command line."""

from __future__ import annotations

import stat

from kiosk.demo import DEMO_WORKSPACE_TOKEN
from kiosk.device import load_credentials
from kiosk.tiketo import TiketoClient


def test_provision_stores_a_working_device_token(run_cli, demo_server, paths):
    result = run_cli("provision", "--api-url", demo_server.url, "--token",
                     DEMO_WORKSPACE_TOKEN, "--name", "door-3")
    assert result.returncode == 0, result.stderr
    assert "door-3" in result.stdout and "Demo Venue" in result.stdout
    credentials = load_credentials(paths.device_file)
    assert credentials.token != DEMO_WORKSPACE_TOKEN
    assert credentials.token not in result.stdout + result.stderr
    assert stat.S_IMODE(paths.device_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.config_dir.stat().st_mode) == 0o700
    with TiketoClient(credentials.api_url, credentials.token) as client:
        assert client.projects()
    assert DEMO_WORKSPACE_TOKEN not in paths.device_file.read_text()


def test_status_json_reports_without_the_token(run_cli, credentials):
    result = run_cli("status", "--json")
    assert result.returncode == 0
    [report] = result.json_lines()
    assert report == {"provisioned": True, "workspace": "Demo Venue", "device": "door-1",
                      "api_url": credentials.api_url, "pending": 0, "last_sync": None}
    assert credentials.token not in result.stdout


def test_status_when_not_provisioned(run_cli):
    [report] = run_cli("status", "--json").json_lines()
    assert report["provisioned"] is False


def test_plain_http_to_a_remote_host_is_refused(run_cli, paths):
    result = run_cli("provision", "--api-url", "http://api.tiketo.eu/graphql", "--token", "x")
    assert result.returncode == 1
    assert "https" in result.stderr
    assert not paths.device_file.exists()


def test_wrong_token_is_refused_and_changes_nothing(run_cli, demo_server, credentials, paths):
    before = paths.device_file.read_bytes()
    result = run_cli("provision", "--api-url", demo_server.url, "--token", "-", input="wrong\n")
    assert result.returncode == 1
    assert "refused the workspace token" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert paths.device_file.read_bytes() == before


def test_unreachable_server_is_refused(run_cli, demo_server, paths):
    url = demo_server.url
    demo_server.stop()
    result = run_cli("provision", "--api-url", url, "--token", DEMO_WORKSPACE_TOKEN)
    assert result.returncode == 1
    assert "not accepting connections" in result.stderr
    assert not paths.device_file.exists()


def test_token_from_stdin(run_cli, demo_server, paths):
    result = run_cli("provision", "--api-url", demo_server.url, "--token", "-",
                     input=DEMO_WORKSPACE_TOKEN + "\n")
    assert result.returncode == 0, result.stderr
    assert load_credentials(paths.device_file) is not None


def test_every_command_has_help(run_cli):
    for command in ("provision", "status", "demo"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "usage:" in result.stdout
