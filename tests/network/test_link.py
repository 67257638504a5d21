"""The link emulator and the kiosk's real TLS path: HTTPS with the tests' own CA (trusted
through the client's CA setting, never by switching verification off), HTTP/2 when offered,
absolute deadlines over HTTP/2, an idle timeout that closes quiet connections, and the
keep-warm request that beats it."""

from __future__ import annotations

import time

import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer, Fault
from kiosk.demo.link import Link
from kiosk.demo.passes import VALID_CODE
from kiosk.provisioning import provision
from kiosk.tiketo import ApiUnreachable, TiketoClient, Timeouts
from kiosk.tiketo.warm import KeepWarm


def device_token(server: DemoServer, tmp_path, ca_file) -> str:
    creds = provision(
        tmp_path / "device.json", server.url, DEMO_WORKSPACE_TOKEN, "door-tls", ca_file=str(ca_file)
    )
    return creds.token


@pytest.mark.parametrize("http2", [False, True], ids=["http1.1", "http2"])
def test_https_with_the_test_ca(test_certs, tmp_path, http2):
    with DemoServer(tls=test_certs, http2=http2) as server:
        assert server.url.startswith("https://127.0.0.1:")
        token = device_token(server, tmp_path, test_certs.ca_file)
        with TiketoClient(server.url, token, ca_file=str(test_certs.ca_file)) as client:
            opened = len(server.connections)  # provisioning's client had its own
            for _ in range(3):
                assert client.pass_by_scan_code(VALID_CODE).holder_name == "Ada Lovelace"
            assert len(server.connections) == opened + 1  # kept alive
            with client._http.stream("POST", server.url, json={}) as response:
                assert response.http_version == ("HTTP/2" if http2 else "HTTP/1.1")


def test_https_without_the_ca_is_refused_not_ignored(test_certs, tmp_path):
    with DemoServer(tls=test_certs) as server:
        token = device_token(server, tmp_path, test_certs.ca_file)
        with TiketoClient(server.url, token) as client, pytest.raises(ApiUnreachable) as caught:
            client.pass_by_scan_code(VALID_CODE)
        assert "certificate" in str(caught.value)
        assert server.state.events() == []


def test_plain_http_demo_still_works(demo_server, credentials):
    assert demo_server.url.startswith("http://")
    with TiketoClient(demo_server.url, credentials.token) as client:
        assert client.pass_by_scan_code(VALID_CODE).holder_name == "Ada Lovelace"


def test_latency_is_charged_per_request_and_per_handshake(test_certs, tmp_path):
    link = Link(round_trip_seconds=0.2, jitter_seconds=0.05)
    with DemoServer(tls=test_certs, link=link) as server:
        token = device_token(server, tmp_path, test_certs.ca_file)
        with TiketoClient(server.url, token, ca_file=str(test_certs.ca_file)) as client:
            started = time.monotonic()
            client.pass_by_scan_code(VALID_CODE)
            cold = time.monotonic() - started
            started = time.monotonic()
            client.pass_by_scan_code(VALID_CODE)
            warm = time.monotonic() - started
    assert cold >= 3 * 0.2  # TCP + TLS + the request
    assert warm >= 0.2  # the request alone
    assert warm < cold


def test_the_idle_timeout_closes_quiet_connections_and_keep_warm_beats_it(test_certs, tmp_path):
    with DemoServer(tls=test_certs, http2=True, link=Link(idle_timeout_seconds=1.5)) as server:
        token = device_token(server, tmp_path, test_certs.ca_file)
        with TiketoClient(server.url, token, ca_file=str(test_certs.ca_file)) as client:
            opened = len(server.connections)  # provisioning's client had its own
            client.pass_by_scan_code(VALID_CODE)
            time.sleep(3.0)  # the server closed it
            client.pass_by_scan_code(VALID_CODE)
            assert len(server.connections) == opened + 2
            warm = KeepWarm(client, 0.3).start()  # generous margin for a loaded machine
            try:
                time.sleep(3.0)
            finally:
                warm.close()
            client.pass_by_scan_code(VALID_CODE)
            assert len(server.connections) == opened + 2 and warm.pings >= 3


@pytest.mark.parametrize("fault", [Fault.SLOW_BODY, Fault.SLOW], ids=["slow-body", "slow"])
def test_absolute_deadlines_hold_over_http2(test_certs, tmp_path, fault):
    """Issue 14's deadline transport plugs into httpcore's network backend; over HTTP/2 a
    body dripping one byte a second still cannot stretch a 1.5 s call."""
    with DemoServer(tls=test_certs, http2=True) as server:
        token = device_token(server, tmp_path, test_certs.ca_file)
        server.set_fault(fault, operations={"PassByScanCode"}, drip_seconds=1.0, slow_seconds=30)
        timeouts = Timeouts(connect=1.5, read=1.5, total=1.5)
        with TiketoClient(
            server.url, token, ca_file=str(test_certs.ca_file), timeouts=timeouts
        ) as client:
            started = time.monotonic()
            with pytest.raises(ApiUnreachable):
                client.pass_by_scan_code(VALID_CODE)
            assert time.monotonic() - started < 1.5 + 3.0  # generous: loaded CI
            server.clear_fault()
            assert client.pass_by_scan_code(VALID_CODE).holder_name == "Ada Lovelace"


def test_http2_is_really_multiplexed_on_one_connection(test_certs, tmp_path):
    import threading

    with DemoServer(tls=test_certs, http2=True, link=Link(round_trip_seconds=0.3)) as server:
        token = device_token(server, tmp_path, test_certs.ca_file)
        with TiketoClient(
            server.url, token, ca_file=str(test_certs.ca_file), max_connections=4
        ) as client:
            client.pass_by_scan_code(VALID_CODE)
            opened = len(server.connections)
            threads = [
                threading.Thread(target=client.pass_by_scan_code, args=(VALID_CODE,))
                for _ in range(4)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(server.connections) == opened
            assert time.monotonic() - started < 4 * 0.3  # overlapped, not one after another


def test_a_bad_ca_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(ValueError, match="CA file"):
        TiketoClient("https://127.0.0.1:1/graphql", "t", ca_file=str(bad))


def test_an_upload_after_the_server_closed_the_idle_connection_goes_once(test_certs, tmp_path):
    """The request could not be written on the dead connection, so it never reached the
    server: it goes again on a new one, and the server records the scan once."""
    from kiosk.tiketo.batch import ScanEventInput

    with DemoServer(tls=test_certs, http2=True, link=Link(idle_timeout_seconds=0.5)) as server:
        token = device_token(server, tmp_path, test_certs.ca_file)
        with TiketoClient(server.url, token, ca_file=str(test_certs.ca_file)) as client:
            client.create_scan_events([ScanEventInput(VALID_CODE, data={"scanId": "a"})])
            time.sleep(1.2)
            client.create_scan_events(
                [
                    ScanEventInput(VALID_CODE, data={"scanId": "b"}),
                    ScanEventInput(VALID_CODE, data={"scanId": "c"}),
                ]
            )
        assert [e.data["scanId"] for e in server.state.events()] == ["a", "b", "c"]
