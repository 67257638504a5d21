"""Arbitrary codes through the whole pipeline: each gets a verdict or a clear refusal, and a
code only ever reaches the server as a GraphQL variable, never inside the query text."""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.demo.passes import VALID_CODE
from kiosk.scanning.service import ScanService
from kiosk.scanning.verdict import VerdictKind
from kiosk.settings import Settings
from kiosk.tiketo.operations import operation_text


class RecordingTransport(httpx.HTTPTransport):
    """A real HTTP transport that keeps a copy of every request body sent."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[dict[str, object]] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.bodies.append(json.loads(request.read()))
        return super().handle_request(request)


GRAPHQL_LOOKING = [
    '") { __schema { types { name } } } #',
    'TKT"}, "query": "mutation { registerDevice(input: {}) { token } }',
    "query { projects { id } }",
    '{{code}} $code \\" \\u0000',
    "1' OR '1'='1",
]

codes = st.one_of(
    st.text(st.characters(exclude_categories=[]), max_size=40),  # surrogates included
    st.binary(max_size=40).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),  # control chars
    st.sampled_from(["", " ", "\n", "x" * 100_000, "\x00", VALID_CODE, *GRAPHQL_LOOKING]),
)


@pytest.fixture
def recorded(paths, credentials):
    transport = RecordingTransport()
    service_settings = Settings().with_changes(scanning={"lookup_timeout_seconds": 2.0})
    service = ScanService(
        paths, credentials, service_settings, background=False, transport=transport
    )
    yield service, transport
    service.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(code=codes)
def test_any_code_gets_a_verdict_or_a_clear_refusal(recorded, code):
    service, transport = recorded
    sent_before = len(transport.bodies)
    verdict = service.scan(code)
    assert isinstance(verdict.kind, VerdictKind)
    assert verdict.message and "\n" not in verdict.message and verdict.message.endswith(".")
    json.dumps(verdict.to_json(), ensure_ascii=False).encode("utf-8")  # printable as-is
    if verdict.scan_id is None:  # refused before the journal: nothing was sent
        assert verdict.kind is VerdictKind.ERROR
        assert len(transport.bodies) == sent_before
    else:
        assert not verdict.offline, verdict.message  # the server understood every request
    for body in transport.bodies[sent_before:]:
        assert body["query"] == operation_text(str(body["operationName"]))
        if body["operationName"] == "PassByScanCode":
            assert body["variables"] == {"code": code}
    service.uploader.drain()  # an accepted odd code uploads as a variable too
    for body in transport.bodies[sent_before:]:
        assert body["query"] == operation_text(str(body["operationName"]))
