"""kiosk fleet join / leave through the real command line: stored owner-only, never printed."""

from __future__ import annotations

import json
import stat

import pytest

from kiosk.fleet.config import (
    FleetConfigError,
    default_prefix,
    fleet_file,
    load_fleet_config,
    parse_broker_url,
)

SECRET = "venue-secret-0123456789abcdef"
PASSWORD = "broker-pass-5f3a9c"


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n")
    return path


def test_join_stores_settings_owner_only_and_prints_no_secret(
    run_cli, credentials, paths, secret_file, tmp_path
):
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD)
    result = run_cli(
        "fleet",
        "join",
        "--json",
        "--broker",
        "mqtt://192.168.1.20",
        "--secret-file",
        str(secret_file),
        "--username",
        "door1",
        "--password-file",
        str(password_file),
    )
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    [line] = result.json_lines()
    assert line["broker"] == "mqtt://192.168.1.20:1883"
    assert line["prefix"] == default_prefix(credentials.workspace)
    path = fleet_file(paths)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = load_fleet_config(paths)
    assert config is not None and config.secret == SECRET and config.password == PASSWORD
    assert SECRET not in repr(config) and PASSWORD not in repr(config)
    log_text = "".join(p.read_text() for p in paths.log_dir.glob("kiosk.log*"))
    assert SECRET not in log_text and PASSWORD not in log_text


def test_join_reads_secret_and_password_from_stdin(run_cli, credentials, paths):
    result = run_cli(
        "fleet",
        "join",
        "--broker",
        "mqtts://broker.example.com",
        "--secret-file",
        "-",
        "--username",
        "u",
        "--password-file",
        "-",
        "--prefix",
        "venue/main-hall",
        input=f"{SECRET}\n{PASSWORD}\n",
    )
    assert result.returncode == 0, result.stderr
    config = load_fleet_config(paths)
    assert config is not None
    assert (config.secret, config.password, config.prefix) == (SECRET, PASSWORD, "venue/main-hall")
    assert config.broker.tls and config.broker.port == 8883


@pytest.mark.parametrize(
    "url",
    [
        "mqtt://broker.example.com",
        "mqtt://8.8.8.8:1883",
        "http://127.0.0.1",
        "mqtts://",
        "broker:1883",
    ],
)
def test_join_refuses_plain_mqtt_over_the_internet_and_non_broker_urls(
    run_cli, credentials, paths, secret_file, url
):
    result = run_cli("fleet", "join", "--broker", url, "--secret-file", str(secret_file))
    assert result.returncode == 2
    assert result.stderr.startswith("kiosk: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not fleet_file(paths).exists()


def test_join_refuses_short_secret_missing_files_and_bad_prefix(
    run_cli, credentials, paths, tmp_path, secret_file
):
    short = tmp_path / "short"
    short.write_text("abc")
    cases = [
        ("--secret-file", str(short)),
        ("--secret-file", str(tmp_path / "missing")),
        ("--secret-file", str(secret_file), "--prefix", "venue/#"),
        ("--secret-file", str(secret_file), "--ca-file", str(tmp_path / "nope.pem")),
        ("--secret-file", str(secret_file), "--password-file", str(secret_file)),
    ]
    for extra in cases:
        result = run_cli("fleet", "join", "--broker", "mqtt://127.0.0.1", *extra)
        assert result.returncode == 2, (extra, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.startswith("kiosk: ")
    assert not fleet_file(paths).exists()


def test_leave_forgets_the_settings(run_cli, credentials, paths, secret_file):
    assert (
        run_cli(
            "fleet", "join", "--broker", "mqtt://localhost", "--secret-file", str(secret_file)
        ).returncode
        == 0
    )
    left = run_cli("fleet", "leave", "--json")
    assert left.returncode == 0 and left.json_lines() == [{"left": True}]
    assert not fleet_file(paths).exists() and load_fleet_config(paths) is None
    again = run_cli("fleet", "leave")
    assert again.returncode == 0 and "no fleet" in again.stdout


def test_join_without_prefix_needs_provisioning(run_cli, paths, secret_file):
    result = run_cli(
        "fleet", "join", "--broker", "mqtt://127.0.0.1", "--secret-file", str(secret_file)
    )
    assert result.returncode == 3 and "provision" in result.stderr


def test_broker_url_rules():
    assert parse_broker_url("mqtt://10.0.0.5").port == 1883
    assert parse_broker_url("mqtt://[::1]:1884").port == 1884
    assert parse_broker_url("mqtts://b.example:9000").tls
    with pytest.raises(FleetConfigError):
        parse_broker_url("mqtt://1.1.1.1")
    with pytest.raises(FleetConfigError):
        parse_broker_url("mqtts://host:99999")


def test_a_damaged_fleet_file_is_one_sentence(paths):
    fleet_file(paths).write_text("{not json")
    with pytest.raises(FleetConfigError, match="fleet join"):
        load_fleet_config(paths)
    fleet_file(paths).write_text(json.dumps({"broker_url": "mqtt://127.0.0.1"}))
    with pytest.raises(FleetConfigError):
        load_fleet_config(paths)
