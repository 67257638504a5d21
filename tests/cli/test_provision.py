"""kiosk provision and kiosk status through the real command line."""

from __future__ import annotations

import stat

from kiosk.demo import DEMO_WORKSPACE_TOKEN
from kiosk.device import load_credentials
from kiosk.tiketo import TiketoClient


def test_provision_stores_a_working_device_token(run_cli, demo_server, paths):
    result = run_cli(
        "provision",
        "--api-url",
        demo_server.url,
        "--token",
        DEMO_WORKSPACE_TOKEN,
        "--name",
        "door-3",
    )
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
    assert report == {
        "provisioned": True,
        "workspace": "Demo Venue",
        "device": "door-1",
        "api_url": credentials.api_url,
        "pending": 0,
        "rejected": 0,
        "steps": 0,
        "last_sync": None,
        "cache_age": None,
    }
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
    result = run_cli(
        "provision", "--api-url", demo_server.url, "--token", "-", input=DEMO_WORKSPACE_TOKEN + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert load_credentials(paths.device_file) is not None


def test_every_command_has_help(run_cli):
    for command in ("provision", "status", "demo"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "usage:" in result.stdout


def _queue_offline(run_cli, demo_server, *codes):
    demo_server.stop()
    result = run_cli("scan", "--json", "--upload-seconds", "0", *codes)
    assert result.returncode == 0, result.stderr
    demo_server.start()
    return [line["scan_id"] for line in result.json_lines()]


def test_provision_refuses_while_scans_wait_and_says_how_many(
    run_cli, credentials, demo_server, paths
):
    """Issue 14 #9: re-provisioning moved queued scans to the new device silently."""
    from kiosk.demo.passes import guest_pass

    for number in (1, 2):
        demo_server.state.add_pass(guest_pass(number))
    _queue_offline(run_cli, demo_server, guest_pass(1).code, guest_pass(2).code)
    refused = run_cli(
        "provision",
        "--api-url",
        demo_server.url,
        "--token",
        DEMO_WORKSPACE_TOKEN,
        "--name",
        "door-9",
    )
    assert refused.returncode == 1
    assert "2 scan(s) made as device 'door-1' are still waiting" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert load_credentials(paths.device_file).device_name == "door-1"  # nothing changed
    assert demo_server.state.events() == []


def test_provision_force_uploads_first_as_the_old_device(run_cli, credentials, demo_server):
    from kiosk.demo.passes import guest_pass

    demo_server.state.add_pass(guest_pass(1))
    [scan_id] = _queue_offline(run_cli, demo_server, guest_pass(1).code)
    result = run_cli(
        "provision",
        "--api-url",
        demo_server.url,
        "--token",
        DEMO_WORKSPACE_TOKEN,
        "--name",
        "door-9",
        "--force",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    [report] = result.json_lines()
    assert report["uploaded_first"] == 1 and report["held_for_old_device"] == 0
    [event] = demo_server.state.events()
    assert event.data["scanId"] == scan_id
    assert event.device_name == "door-1" and event.data["device"] == "door-1"


def test_provision_force_keeps_unsent_scans_for_the_old_device(
    run_cli, credentials, demo_server, paths
):
    from kiosk.demo.passes import guest_pass

    demo_server.state.add_pass(guest_pass(1))
    demo_server.state.add_pass(guest_pass(2))
    [scan_id] = _queue_offline(run_cli, demo_server, guest_pass(1).code)
    demo_server.state.revoke_device("door-1")  # the old device cannot upload any more
    result = run_cli(
        "provision",
        "--api-url",
        demo_server.url,
        "--token",
        DEMO_WORKSPACE_TOKEN,
        "--name",
        "door-9",
        "--force",
    )
    assert result.returncode == 0, result.stderr
    assert "1 scan(s) of device 'door-1' are kept for it" in result.stdout
    synced = run_cli("sync", "--json")
    assert synced.returncode == 0 and synced.json_lines()[0]["pending"] == 0
    new = run_cli("scan", "--json", guest_pass(2).code)
    assert new.json_lines()[0]["verdict"] == "valid"  # a new scan, as door-9
    run_cli("sync")
    assert [e.device_name for e in demo_server.state.events()] == ["door-9"]
    assert scan_id not in {e.data["scanId"] for e in demo_server.state.events()}


def test_re_provisioning_the_same_device_uploads_its_waiting_scans(
    run_cli, credentials, demo_server
):
    """The revoked-token case: the same device, registered again, sends its own scans."""
    from kiosk.demo.passes import guest_pass

    demo_server.state.add_pass(guest_pass(1))
    [scan_id] = _queue_offline(run_cli, demo_server, guest_pass(1).code)
    demo_server.state.revoke_device("door-1")
    result = run_cli(
        "provision",
        "--api-url",
        demo_server.url,
        "--token",
        DEMO_WORKSPACE_TOKEN,
        "--name",
        "door-1",
        "--force",
    )
    assert result.returncode == 0, result.stderr
    assert "kept for it" not in result.stdout
    synced = run_cli("sync", "--json")
    assert synced.returncode == 0, synced.stdout
    [event] = demo_server.state.events()
    assert event.data["scanId"] == scan_id and event.device_name == "door-1"


def test_status_says_scans_and_follow_up_steps_apart(run_cli, paths):
    """A void owed after a redeem is a follow-up step, and the words say so."""
    from datetime import UTC, datetime

    from kiosk.journal import Journal
    from kiosk.journal.followups import FollowUpStore
    from tests.journal.test_journal import record

    with Journal(paths.journal_file) as journal:
        with journal.transaction() as tx:
            tx.insert_scan(record("a"))
            tx.insert_scan(record("b"))
            tx.add_follow_up("a", "void", "p", "pass-1", {})
        journal.mark_uploaded("a", "ev-1", datetime.now(UTC))
        assert FollowUpStore(journal).state_of("a", "void") == "pending"
    [report] = run_cli("status", "--json").json_lines()
    assert (report["pending"], report["steps"]) == (2, 1)
    text = run_cli("status").stdout
    assert (
        "Waiting to upload: 1 scan(s) and 1 follow-up step(s) (pass void, wallet message)" in text
    )
