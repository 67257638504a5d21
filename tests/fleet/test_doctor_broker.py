"""kiosk doctor's broker check against real mosquitto brokers: plain, password, TLS, clocks."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.device import load_credentials
from kiosk.doctor.fleet import broker_check
from kiosk.doctor.model import Status
from kiosk.fleet.config import FleetConfig, default_prefix, save_fleet_config
from kiosk.scanning.service import ScanService
from tests.fleet.conftest import SECRET, Broker, join, kiosk_paths, mosquitto_binary, wait_for
from tests.selfsigned import needs_openssl, self_signed_certificate


def test_not_joined_is_fine(paths):
    result = broker_check(paths)
    assert result.status is Status.OK and "Not in a venue fleet" in result.detail


def test_round_trip_and_other_kiosks(broker, make_kiosk, paths, credentials):
    other = make_kiosk("door-2", broker.url)
    wait_for(lambda: other.fleet.link.connected)
    join(paths, broker.url, credentials.workspace)
    wait_for(lambda: "1 other kiosk(s)" in broker_check(paths).detail)
    result = broker_check(paths)
    assert result.status is Status.OK, result
    assert "came back in" in result.detail and "TLS" not in result.detail
    broker.stop()
    down = broker_check(paths)
    assert down.status is Status.FAIL and "cannot be reached" in down.detail
    assert down.advice and SECRET not in down.detail + down.advice


def test_a_kiosk_whose_clock_is_off_is_named(
    broker, tmp_path, demo_server, fleet_settings, paths, credentials
):
    from kiosk.demo import DEMO_WORKSPACE_TOKEN
    from kiosk.provisioning import provision

    skewed_paths = kiosk_paths(tmp_path, "door-late")
    provision(skewed_paths.device_file, demo_server.url, DEMO_WORKSPACE_TOKEN, "door-late")
    join(skewed_paths, broker.url, credentials.workspace)
    skewed = ScanService(
        skewed_paths,
        load_credentials(skewed_paths.device_file),
        fleet_settings,
        clock=lambda: datetime.now(UTC) - timedelta(minutes=5),
    )
    try:
        wait_for(lambda: skewed.fleet.link.connected)
        join(paths, broker.url, credentials.workspace)
        wait_for(lambda: broker_check(paths).status is Status.WARN)
        result = broker_check(paths)
        assert "door-late's clock is 5 min behind" in result.detail and "NTP" in result.advice
    finally:
        skewed.close()


@pytest.fixture
def password_broker(tmp_path):
    if mosquitto_binary() is None or shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed (packaging/dev.sh installs it as root)")
    passwords = tmp_path / "passwd"
    subprocess.run(
        ["mosquitto_passwd", "-b", "-c", str(passwords), "door", "s3cret-pass"],
        check=True,
        capture_output=True,
        timeout=30,
    )
    server = Broker(tmp_path / "pw-broker", f"password_file {passwords}\n")
    server.conf.write_text(
        server.conf.read_text().replace("allow_anonymous true", "allow_anonymous false")
    )
    server.start()
    yield server
    server.stop()


def test_credentials_are_checked(password_broker, paths, credentials):
    prefix = default_prefix(credentials.workspace)
    for password, status in (("wrong", Status.FAIL), ("s3cret-pass", Status.OK)):
        save_fleet_config(paths, FleetConfig(password_broker.url, SECRET, prefix, "door", password))
        result = broker_check(paths)
        assert result.status is status, result
        assert password not in result.detail + result.advice
    save_fleet_config(paths, FleetConfig(password_broker.url, SECRET, prefix, "door", "wrong"))
    assert "credentials" in broker_check(paths).detail


@needs_openssl
def test_tls_with_and_without_the_venue_ca(tmp_path, paths, credentials):
    if mosquitto_binary() is None:
        pytest.skip("mosquitto is not installed (packaging/dev.sh installs it as root)")
    key, cert = self_signed_certificate(tmp_path)
    server = Broker(tmp_path / "tls-broker", f"certfile {cert}\nkeyfile {key}\n")
    server.start()
    try:
        url = f"mqtts://127.0.0.1:{server.port}"
        prefix = default_prefix(credentials.workspace)
        save_fleet_config(paths, FleetConfig(url, SECRET, prefix))
        untrusted = broker_check(paths)
        assert untrusted.status is Status.FAIL and "not trusted" in untrusted.detail
        assert "--ca-file" in untrusted.detail
        save_fleet_config(paths, FleetConfig(url, SECRET, prefix, ca_file=str(cert)))
        trusted = broker_check(paths)
        assert trusted.status is Status.OK and "over TLS" in trusted.detail, trusted
        plain = FleetConfig(f"mqtt://127.0.0.1:{server.port}", SECRET, prefix)
        save_fleet_config(paths, plain)  # plain MQTT to a TLS port: a clear failure
        assert broker_check(paths).status is Status.FAIL
    finally:
        server.stop()
