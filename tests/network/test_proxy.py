"""Behind a venue's proxy: the kiosk's calls go through a real proxy (tinyproxy), over the
same deadline-bound sockets, so a silent proxy cannot hold a scan past its deadline; NO_PROXY
is honoured; the proxy's password never reaches a log line or the doctor's output."""

from __future__ import annotations

import ssl
import time

import httpx
import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.passes import VALID_CODE
from kiosk.provisioning import provision
from kiosk.tiketo import ApiUnreachable, TiketoClient, Timeouts
from kiosk.tiketo.connection import api_http_client
from kiosk.tiketo.errors import TimedOut
from tests.network.proxies import PROXY_OUTGOING_ADDRESS, silent_proxy, tinyproxy

USER, PASSWORD = "kiosk-door", "Pr0xy-s3cret"


@pytest.mark.parametrize("http2", [False, True], ids=["http1.1", "http2"])
def test_calls_go_through_the_proxy_on_warm_connections(test_certs, tmp_path, monkeypatch, http2):
    with (
        tinyproxy(tmp_path, user=USER, password=PASSWORD) as proxy,
        DemoServer(tls=test_certs, http2=http2) as server,
    ):
        monkeypatch.setenv("HTTPS_PROXY", proxy.url(f"{USER}:{PASSWORD}"))
        ca_file = str(test_certs.ca_file)
        token = provision(
            tmp_path / "device.json", server.url, DEMO_WORKSPACE_TOKEN, "door-p", ca_file=ca_file
        ).token
        with TiketoClient(server.url, token, ca_file=ca_file) as client:
            for _ in range(3):
                assert client.pass_by_scan_code(VALID_CODE).holder_name == "Ada Lovelace"
        # every connection the server saw came from the proxy, one per client (kept alive)
        assert [peer for peer, _ in server.connections] == [PROXY_OUTGOING_ADDRESS] * 2
        assert proxy.log().count(f"CONNECT 127.0.0.1:{server.port} ") == 2
        # HTTP/2 is negotiated with the server through the tunnel when it offers it
        verify = ssl.create_default_context(cafile=ca_file)
        with api_http_client(
            server.url, timeout=httpx.Timeout(5), max_connections=1, verify=verify
        ) as http:
            answer = http.post(server.url, json={"query": "{ __typename }"})
        assert answer.http_version == ("HTTP/2" if http2 else "HTTP/1.1")


def test_a_proxy_refusing_the_credentials_is_said_without_them(test_certs, tmp_path, monkeypatch):
    with (
        tinyproxy(tmp_path, user=USER, password=PASSWORD) as proxy,
        DemoServer(tls=test_certs) as server,
    ):
        monkeypatch.setenv("https_proxy", proxy.url(f"{USER}:wrong-{PASSWORD}"))
        with (
            TiketoClient(server.url, "t", ca_file=str(test_certs.ca_file)) as client,
            pytest.raises(ApiUnreachable, match="proxy refused") as caught,
        ):
            client.pass_by_scan_code(VALID_CODE)
        assert PASSWORD not in str(caught.value)
        assert server.connections == []


@pytest.mark.parametrize("drip", [None, 0.2], ids=["silent", "one-byte-at-a-time"])
@pytest.mark.parametrize("scheme", ["https", "http"])
def test_a_stuck_proxy_cannot_hold_a_call_past_its_deadline(test_certs, monkeypatch, scheme, drip):
    """CONNECT (https) or a forwarded request (http) that the proxy never answers, or answers
    a byte at a time: the call ends at its 2 s deadline, not when the proxy gives up."""
    with (
        silent_proxy(drip) as proxy_url,
        DemoServer(tls=test_certs if scheme == "https" else None) as server,
    ):
        monkeypatch.setenv(f"{scheme.upper()}_PROXY", proxy_url)
        timeouts = Timeouts(connect=2.0, read=2.0, total=2.0)
        with TiketoClient(
            server.url, "t", ca_file=str(test_certs.ca_file), timeouts=timeouts
        ) as client:
            started = time.monotonic()
            with pytest.raises(TimedOut):
                client.pass_by_scan_code(VALID_CODE)
            took = time.monotonic() - started
        assert 1.9 < took < 2.0 + 1.0, took
        assert server.connections == []


@pytest.mark.parametrize(
    ("no_proxy", "through_proxy"),
    [
        ("127.0.0.1", False),
        ("localhost, 127.0.0.1", False),
        ("example.org", True),
        ("127.0.0.1:1", True),  # that host on another port only
    ],
)
def test_no_proxy_bypasses_the_proxy(
    demo_server, credentials, monkeypatch, no_proxy, through_proxy
):
    with silent_proxy() as proxy_url:
        monkeypatch.setenv("http_proxy", proxy_url)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        timeouts = Timeouts(connect=1.0, read=1.0, total=1.0)
        with TiketoClient(demo_server.url, credentials.token, timeouts=timeouts) as client:
            if through_proxy:
                with pytest.raises(TimedOut):
                    client.pass_by_scan_code(VALID_CODE)
            else:
                assert client.pass_by_scan_code(VALID_CODE).holder_name == "Ada Lovelace"


def test_doctor_and_logs_name_the_proxy_without_its_password(tmp_path, paths, run_cli):
    with (
        tinyproxy(tmp_path, user=USER, password=PASSWORD) as proxy,
        DemoServer() as server,
    ):
        env = {"HTTP_PROXY": proxy.url(f"{USER}:{PASSWORD}")}
        provisioned = run_cli(
            "provision", "--api-url", server.url, "--token", DEMO_WORKSPACE_TOKEN, env=env
        )
        assert provisioned.returncode == 0, provisioned.stderr
        doctor = run_cli("doctor", "--json", "--no-camera", "--no-screen", env=env)
        scan = run_cli("--verbose", "scan", "--json", VALID_CODE, env=env)
    checks = {line["check"]: line for line in doctor.json_lines()}
    assert f"through the proxy http://127.0.0.1:{proxy.port}" in checks["api"]["detail"]
    assert checks["api"]["status"] == "ok" and checks["token"]["status"] == "ok"
    [verdict] = scan.json_lines()
    assert verdict["verdict"] == "valid" and verdict["offline"] is False
    assert {peer for peer, _ in server.connections} == {PROXY_OUTGOING_ADDRESS}
    logs = paths.log_file.read_text(encoding="utf-8")
    assert f"through the proxy http://127.0.0.1:{proxy.port}" in logs
    for text in (doctor.stdout, doctor.stderr, scan.stdout, scan.stderr, logs):
        assert PASSWORD not in text and f"{USER}:" not in text


def test_a_socks_proxy_keeps_the_door_scanning_offline_and_says_why(
    credentials, run_cli, demo_server
):
    """An unusable proxy setting is not a reason to stop the door, nor to go around the
    proxy: scans are decided offline and journaled, and every command names the setting."""
    env = {"ALL_PROXY": f"socks5://{USER}:{PASSWORD}@127.0.0.1:1080"}
    scan = run_cli("scan", "--json", VALID_CODE, env=env)
    assert scan.returncode == 0, scan.stderr
    [verdict] = scan.json_lines()
    assert verdict["offline"] is True and verdict["scan_id"]
    assert demo_server.state.scan_events == [], "nothing went around the proxy"
    sync = run_cli("sync", "--timeout", "3", env=env)
    assert sync.returncode != 0
    assert "Uploaded 0 scan(s); 1 " in sync.stdout and "waiting" in sync.stdout
    assert "socks5://127.0.0.1:1080 is a SOCKS proxy" in sync.stdout + sync.stderr
    doctor = run_cli("doctor", "--json", "--no-camera", "--no-screen", env=env)
    checks = {line["check"]: line for line in doctor.json_lines()}
    assert checks["api"]["status"] == "fail" and "SOCKS" in checks["api"]["detail"]
    for result in (scan, sync, doctor):
        assert "Traceback" not in result.stderr
        assert PASSWORD not in result.stdout + result.stderr
    assert run_cli("sync").returncode == 0, "the proxy setting gone, the scan uploads"
    assert len(demo_server.state.scan_events) == 1
