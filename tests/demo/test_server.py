"""The embedded server enforces what the real API enforces."""

from __future__ import annotations

import httpx
import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.tiketo.operations import operation_text


def post(server: DemoServer, body: dict, auth: str | None = f"TOKEN {DEMO_WORKSPACE_TOKEN}"):
    headers = {"Authorization": auth} if auth else {}
    return httpx.post(server.url, json=body, headers=headers, timeout=5)


@pytest.mark.parametrize(
    "auth",
    [
        None,
        DEMO_WORKSPACE_TOKEN,
        f"Bearer {DEMO_WORKSPACE_TOKEN}",
        f"TOKEN  {DEMO_WORKSPACE_TOKEN}",
    ],
)
def test_auth_header_must_be_token_scheme(demo_server, auth):
    response = post(demo_server, {"query": operation_text("Projects")}, auth)
    assert response.status_code == 401


def test_invalid_query_is_rejected_by_schema(demo_server):
    answer = post(demo_server, {"query": "{ projects { id nope } }"}).json()
    assert "nope" in answer["errors"][0]["message"]


def test_scan_event_data_must_be_json_text(demo_server):
    body = {
        "query": operation_text("CreateScanEvent"),
        "variables": {"input": {"code": "X", "data": "{not json"}},
    }
    answer = post(demo_server, body).json()
    assert "invalid JSON" in answer["errors"][0]["message"]
    assert demo_server.state.events() == []


def test_device_token_cannot_register_devices(demo_server):
    register = {"query": operation_text("RegisterDevice"), "variables": {"input": {"name": "a"}}}
    token = post(demo_server, register).json()["data"]["registerDevice"]["token"]
    answer = post(demo_server, register, f"TOKEN {token}").json()
    assert "workspace token" in answer["errors"][0]["message"]


def test_oversized_request_is_refused(demo_server):
    body = {"query": operation_text("Projects"), "variables": {"pad": "x" * 2_000_000}}
    assert post(demo_server, body).status_code == 413


def test_restart_reuses_the_port(demo_server):
    port = demo_server.port
    demo_server.stop()
    with pytest.raises(httpx.ConnectError):
        post(demo_server, {"query": operation_text("Projects")})
    demo_server.start()
    assert demo_server.port == port
    assert post(demo_server, {"query": operation_text("Projects")}).status_code == 200
