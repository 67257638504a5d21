"""The API client against the embedded server over real HTTP, including every fault mode."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer, Fault
from kiosk.demo.passes import LOYALTY_CODE, UNKNOWN_CODE, VALID_CODE
from kiosk.tiketo import (
    ApiUnreachable,
    GraphQLErrors,
    PassNotFound,
    RateLimited,
    ServerError,
    ServiceBusy,
    TiketoClient,
    Timeouts,
    Unauthorized,
    UnreadableAnswer,
)
from kiosk.tiketo.connection import MAX_RESPONSE_BYTES, parse_retry_after
from kiosk.tiketo.urls import InsecureUrl

FAST = Timeouts(connect=1.0, read=0.5, total=1.0)


@pytest.fixture
def client(demo_server: DemoServer):
    with TiketoClient(demo_server.url, DEMO_WORKSPACE_TOKEN) as workspace:
        token = workspace.register_device("t").token
    with TiketoClient(demo_server.url, token, timeouts=FAST) as c:
        yield c


def test_pass_by_scan_code_returns_the_pass(client):
    found = client.pass_by_scan_code(VALID_CODE)
    assert found.holder_name == "Ada Lovelace"
    assert not found.voided
    assert found.expiration_date is not None and found.expiration_date.tzinfo is not None


def test_unknown_code_is_pass_not_found(client):
    with pytest.raises(PassNotFound):
        client.pass_by_scan_code(UNKNOWN_CODE)


def test_scan_config_is_parsed_from_the_project(client):
    assert client.pass_by_scan_code(LOYALTY_CODE).project.scan_config == {
        "mode": "reward",
        "rewardPoints": 10,
    }


def test_create_scan_event_sends_points_and_awsjson_data(client, demo_server):
    receipt = client.create_scan_event(VALID_CODE, reward_points=5, data={"scanId": "abc"})
    assert receipt.reward_points == 5
    [event] = demo_server.state.events()
    assert event.data == {"scanId": "abc"} and event.device_name == "t"


def test_header_is_exactly_token_scheme(demo_server):
    seen = []
    original = demo_server.execute

    def spy(body, token):
        seen.append(token)
        return original(body, token)

    demo_server.execute = spy
    with TiketoClient(demo_server.url, DEMO_WORKSPACE_TOKEN) as c:
        c.projects()
    assert seen == [DEMO_WORKSPACE_TOKEN]


def test_projects_lists_scan_config(client):
    assert {p["id"] for p in client.projects()} == {"proj-doors", "proj-loyalty"}


def test_wrong_token_is_unauthorized(demo_server):
    with (
        TiketoClient(demo_server.url, "not-a-token") as c,
        pytest.raises(Unauthorized, match="Provision"),
    ):
        c.projects()


def test_revoked_device_is_unauthorized(client, demo_server):
    demo_server.state.revoke_device("t")
    with pytest.raises(Unauthorized):
        client.pass_by_scan_code(VALID_CODE)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.DOWN, ApiUnreachable),
        (Fault.SERVER_ERROR, ServerError),
        (Fault.NON_JSON, UnreadableAnswer),
        (Fault.GRAPHQL_ERRORS, GraphQLErrors),
        (Fault.THROTTLED, ServiceBusy),
        (Fault.WRONG_TYPES, UnreadableAnswer),
        (Fault.REDIRECT_LOOP, ServerError),
        (Fault.REVOKED, Unauthorized),
        (Fault.RATE_LIMITED, RateLimited),
    ],
)
def test_fault_modes_map_to_error_classes(client, demo_server, fault, error):
    demo_server.set_fault(fault)
    with pytest.raises(error) as caught:
        client.pass_by_scan_code(VALID_CODE)
    assert "TOKEN" not in str(caught.value) and "dev_" not in str(caught.value)


def test_rate_limit_carries_retry_after(client, demo_server):
    demo_server.set_fault(Fault.RATE_LIMITED, retry_after="7")
    with pytest.raises(RateLimited) as caught:
        client.projects()
    assert caught.value.retry_after == 7


def test_slow_server_times_out_quickly(client, demo_server):
    demo_server.set_fault(Fault.SLOW, slow_seconds=3)
    with pytest.raises(ApiUnreachable, match="in time"):
        client.pass_by_scan_code(VALID_CODE)


def test_stopped_server_is_unreachable_then_recovers(client, demo_server):
    demo_server.stop()
    with pytest.raises(ApiUnreachable):
        client.pass_by_scan_code(VALID_CODE)
    demo_server.start()
    assert client.pass_by_scan_code(VALID_CODE).id == "pass-0001"


def test_unresolvable_host_says_so_plainly():
    with TiketoClient("https://no-such-host.invalid/graphql", "x", timeouts=FAST) as c:
        with pytest.raises(ApiUnreachable) as caught:
            c.projects()
    assert "looked up" in str(caught.value) or "cannot be reached" in str(caught.value)


def test_fault_can_target_one_operation(client, demo_server):
    demo_server.set_fault(Fault.SERVER_ERROR, operations={"CreateScanEvent"})
    assert client.pass_by_scan_code(VALID_CODE)
    with pytest.raises(ServerError):
        client.create_scan_event(VALID_CODE)


class _HugeAnswer(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"data": {"projects": [], "pad": "x" * (MAX_RESPONSE_BYTES + 10)}})
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_huge_answer_is_refused_not_loaded():
    server = HTTPServer(("127.0.0.1", 0), _HugeAnswer)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/graphql"
        with TiketoClient(url, "x") as c, pytest.raises(UnreadableAnswer, match="larger"):
            c.projects()
    finally:
        thread.join(5)
        server.server_close()


def test_token_is_not_in_repr(demo_server):
    with TiketoClient(demo_server.url, "secret-token") as c:
        assert "secret-token" not in repr(c)


@pytest.mark.parametrize(
    "url", ["http://api.tiketo.eu/graphql", "ftp://x/graphql", "api.tiketo.eu"]
)
def test_insecure_urls_are_refused(url):
    with pytest.raises(InsecureUrl):
        TiketoClient(url, "t")


@pytest.mark.parametrize(
    "url",
    [
        "https://api.tiketo.eu/graphql",
        "http://localhost:8/g",
        "http://127.0.0.1:8/g",
        "http://[::1]:8/g",
    ],
)
def test_https_and_localhost_are_allowed(url):
    TiketoClient(url, "t").close()


def test_parse_retry_after_forms():
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("12") == 12
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:30 GMT", now) == 30
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("-5") == 0
    assert parse_retry_after("99999999") == 3600


@pytest.mark.parametrize(
    "error_type",
    [
        "Throttled",
        "DynamoDB:ProvisionedThroughputExceededException",
        "ServiceUnavailable",
        "TooManyRequestsException",
        "Lambda:TooManyRequestsException",
        "UNAVAILABLE",
    ],
)
def test_busy_error_types_mean_retry_later(client, demo_server, error_type):
    demo_server.set_fault(
        Fault.LOOKUP_ANSWER, answer=None, errors=[{"message": "try later", "errorType": error_type}]
    )
    with pytest.raises(ServiceBusy):
        client.pass_by_scan_code(VALID_CODE)


@pytest.mark.parametrize(
    "error_type", ["InternalFailure", "Lambda:Unhandled", None, "MappingTemplate"]
)
def test_other_graphql_errors_are_a_refusal_not_an_outage(client, demo_server, error_type):
    demo_server.set_fault(
        Fault.LOOKUP_ANSWER, answer=None, errors=[{"message": "no\nway", "errorType": error_type}]
    )
    with pytest.raises(GraphQLErrors, match="no way"):
        client.pass_by_scan_code(VALID_CODE)


@pytest.mark.parametrize(
    "created_at", [1_700_000_000, "next tuesday", "99999-01-01T00:00:00Z", {"when": "now"}]
)
def test_a_recorded_scan_event_is_a_receipt_whatever_its_created_at(
    client, demo_server, created_at
):
    demo_server.set_fault(Fault.ODD_CREATED_AT, created_at=created_at)
    receipt = client.create_scan_event(VALID_CODE, data={"scanId": "s-1"})
    assert receipt.id.startswith("scan-") and receipt.created_at is None
    assert len(demo_server.state.events()) == 1


def test_a_recorded_scan_event_with_wrong_types_is_a_receipt(client, demo_server):
    demo_server.set_fault(Fault.WRONG_TYPES)
    receipt = client.create_scan_event(VALID_CODE, reward_points=3)
    assert receipt.id.startswith("scan-") and receipt.reward_points is None


def test_a_rejected_scan_is_graphql_errors(client, demo_server):
    demo_server.set_fault(Fault.REJECT_SCANS, codes={VALID_CODE})
    with pytest.raises(GraphQLErrors, match="cannot be scanned"):
        client.create_scan_event(VALID_CODE)
    client.create_scan_event(LOYALTY_CODE)
    assert [e.code for e in demo_server.state.events()] == [LOYALTY_CODE]
