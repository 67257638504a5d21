"""Batched createScanEvent: the generated documents are valid against the schema, and each
scan's result is read back from its alias over real HTTP."""

from __future__ import annotations

import threading
import time

import pytest
from graphql import FieldNode, OperationDefinitionNode, build_schema, parse, validate

from kiosk.demo import Fault
from kiosk.demo.passes import VALID_CODE, guest_pass
from kiosk.tiketo import GraphQLErrors, RateLimited, ServiceBusy, TiketoClient
from kiosk.tiketo.batch import NotAttempted, ScanEventInput, batch_document, request_for
from kiosk.tiketo.errors import RequestTooLarge
from kiosk.tiketo.gate import RequestGate
from kiosk.tiketo.operations import operation_text, schema_text


def scans(count: int) -> list[ScanEventInput]:
    return [
        ScanEventInput(guest_pass(n).code, 10, None, {"scanId": f"id-{n}"}) for n in range(count)
    ]


@pytest.mark.parametrize("size", [2, 3, 17, 100, 500])
def test_every_generated_batch_validates_and_repeats_the_operation_file(size):
    text = batch_document(size)
    document = parse(text)
    assert validate(build_schema(schema_text()), document) == []
    [operation] = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.name.value == "CreateScanEvent"
    fields = operation.selection_set.selections
    assert [f.alias.value for f in fields] == [f"s{i}" for i in range(size)]
    single = parse(operation_text("CreateScanEvent")).definitions[0]
    [one] = single.selection_set.selections
    wanted = [s.name.value for s in one.selection_set.selections]
    for field in fields:
        assert isinstance(field, FieldNode) and field.name.value == "createScanEvent"
        assert [s.name.value for s in field.selection_set.selections] == wanted


def test_one_scan_is_the_operation_file_itself():
    query, variables, keys = request_for(scans(1))
    assert query == operation_text("CreateScanEvent")
    assert keys == ["createScanEvent"] and set(variables) == {"input"}


@pytest.fixture
def client(demo_server, credentials):
    for number in range(40):
        demo_server.state.add_pass(guest_pass(number))
    with TiketoClient(demo_server.url, credentials.token) as client:
        yield client


def test_a_batch_records_every_scan_in_one_request(client, demo_server):
    before = demo_server.request_count
    results = client.create_scan_events(scans(25))
    assert demo_server.request_count == before + 1
    assert [r.code for r in results] == [s.code for s in scans(25)]
    events = demo_server.state.events()
    assert [e.data["scanId"] for e in events] == [f"id-{n}" for n in range(25)]
    assert len({r.id for r in results}) == 25


def test_one_refused_scan_does_not_fail_the_others(client, demo_server):
    """createScanEvent returns ScanEvent!, so a refused scan empties the whole answer and
    stops the serial mutations there: the scans before it were recorded, the ones after it
    were not, and the results say exactly that."""
    refused = guest_pass(3).code
    demo_server.set_fault(Fault.REJECT_SCANS, codes={refused})
    results = client.create_scan_events(scans(10))
    recorded = [e.code for e in demo_server.state.events()]
    assert recorded == [s.code for s in scans(3)]
    assert [r.code for r in results[:3]] == recorded  # recorded: never to be sent again
    assert isinstance(results[3], GraphQLErrors) and "cannot be scanned" in str(results[3])
    assert all(isinstance(r, NotAttempted) for r in results[4:])
    demo_server.clear_fault()
    again = client.create_scan_events(scans(10)[4:])
    assert [r.code for r in again] == [s.code for s in scans(10)[4:]]


def test_a_throttled_batch_fails_as_a_whole(client, demo_server):
    demo_server.set_fault(Fault.THROTTLED, operations={"CreateScanEvent"})
    with pytest.raises(ServiceBusy):
        client.create_scan_events(scans(5))


def test_a_413_says_send_fewer(demo_server, credentials):
    demo_server.max_request_bytes = 3000
    with TiketoClient(demo_server.url, credentials.token) as client:
        with pytest.raises(RequestTooLarge):
            client.create_scan_events(scans(40))
        assert len(client.create_scan_events(scans(2))) == 2  # the connection still works


def test_odd_created_at_still_counts_as_recorded(client, demo_server):
    demo_server.set_fault(Fault.ODD_CREATED_AT, created_at="next tuesday")
    results = client.create_scan_events(scans(4))
    assert all(r.id and r.created_at is None for r in results)


def test_retry_after_holds_every_client_sharing_the_gate(demo_server, credentials):
    gate = RequestGate(2)
    with (
        TiketoClient(demo_server.url, credentials.token, gate=gate) as uploads,
        TiketoClient(demo_server.url, credentials.token, gate=gate, door=True) as door,
    ):
        demo_server.set_fault(Fault.RATE_LIMITED, retry_after="1")
        with pytest.raises(RateLimited):
            uploads.create_scan_events(scans(2))
        demo_server.clear_fault()
        requests = demo_server.request_count
        with pytest.raises(RateLimited) as caught:
            door.pass_by_scan_code(VALID_CODE)
        assert 0 < caught.value.retry_after <= 1
        assert demo_server.request_count == requests  # not asked again
        time.sleep(1.05)
        assert door.pass_by_scan_code(VALID_CODE).holder_name == "Ada Lovelace"


def test_the_gate_lets_door_lookups_go_first_and_caps_what_is_in_flight():
    gate = RequestGate(3)
    assert gate.upload_slots == 2
    far = time.monotonic() + 30
    order: list[str] = []
    holding = [gate.slot(door=False, ends_at=far) for _ in range(2)]
    for slot in holding:
        slot.__enter__()

    def call(kind: str) -> None:
        with gate.slot(door=kind == "door", ends_at=far):
            order.append(kind)
            time.sleep(0.05)

    upload = threading.Thread(target=call, args=("upload",))
    upload.start()
    time.sleep(0.1)
    assert order == []  # two uploads in flight: the third waits, the door's slot stays free
    door = threading.Thread(target=call, args=("door",))
    door.start()
    door.join(5)
    assert order == ["door"]
    for slot in holding:
        slot.__exit__(None, None, None)
    upload.join(5)
    assert order == ["door", "upload"] and gate.most_in_flight == 3
    assert RequestGate(1).upload_slots == 1
