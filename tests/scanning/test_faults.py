"""Every fault the demo server can act out ends in a clear verdict or message, nothing lost."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

import pytest
from graphql import GraphQLError

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer, DemoState, Fault
from kiosk.demo.passes import VALID_CODE, guest_pass
from kiosk.journal.states import UploadState
from kiosk.provisioning import provision
from kiosk.scanning.connectivity import Connectivity, backoff_delay
from kiosk.scanning.verdict import VerdictKind
from tests.scanning.conftest import wait_for

RETRYABLE = [
    (Fault.SLOW, "did not answer in time"),
    (Fault.SERVER_ERROR, "HTTP 503"),
    (Fault.RATE_LIMITED, "slow down"),
    (Fault.THROTTLED, "busy or unavailable"),
    (Fault.DOWN, "cannot be reached"),
]
# The server answered, so the kiosk is online, but the answer cannot be read or is a refusal:
# an error verdict, journaled, never an admission (whatever the offline policy says).
UNREADABLE = [
    (Fault.NON_JSON, "cannot read"),
    (Fault.GRAPHQL_ERRORS, "Internal failure while resolving the request"),
    (Fault.WRONG_TYPES, "cannot read"),
]


@pytest.mark.parametrize("fault, words", RETRYABLE, ids=[f.value for f, _ in RETRYABLE])
def test_retryable_faults_decide_offline_and_upload_later(service, demo_server, fault, words):
    demo_server.set_fault(fault, slow_seconds=4, retry_after="1")
    verdict = service.scan(VALID_CODE)
    assert verdict.kind is VerdictKind.VALID and verdict.offline
    assert verdict.scan_id is not None
    status = service.status()
    assert not status.online and status.pending == 1
    assert words in status.offline_reason and status.offline_reason.endswith(".")
    assert status.next_retry_at is not None
    demo_server.clear_fault()
    service.try_now()
    wait_for(lambda: service.status().online and service.status().pending == 0)
    [event] = demo_server.state.events()
    assert event.data["scanId"] == verdict.scan_id


@pytest.mark.parametrize("fault, words", UNREADABLE, ids=[f.value for f, _ in UNREADABLE])
def test_unreadable_lookup_answers_are_error_verdicts_and_stay_online(
    service, demo_server, fault, words
):
    demo_server.set_fault(fault, operations={"PassByScanCode"})
    verdict = service.scan(VALID_CODE)
    assert verdict.kind is VerdictKind.ERROR and not verdict.offline
    assert words in verdict.message and verdict.message.startswith("Not admitted")
    assert verdict.scan_id in {h.scan_id for h in service.history()}  # journaled
    status = service.status()
    assert status.online and status.pending == 0
    assert demo_server.state.events() == []


@pytest.mark.parametrize(
    "answer",
    [
        {"voided": True, "expirationDate": "next tuesday"},
        {"voided": True, "id": None, "parameters": 7},
        {"voided": True, "id": "p-1", "expirationDate": 12},
    ],
)
def test_voided_wins_whatever_else_is_wrong(service, demo_server, answer):
    demo_server.set_fault(Fault.LOOKUP_ANSWER, answer=answer)
    verdict = service.scan(VALID_CODE)
    assert verdict.kind is VerdictKind.VOIDED and not verdict.offline
    assert service.status().online


def test_voided_wins_over_graphql_errors_beside_it(service, demo_server):
    demo_server.set_fault(
        Fault.LOOKUP_ANSWER,
        answer={"voided": True},
        errors=[{"message": "partial failure", "errorType": "Lambda:Unhandled"}],
    )
    assert service.scan(VALID_CODE).kind is VerdictKind.VOIDED


@pytest.mark.parametrize(
    "answer",
    [
        {"id": "p-1", "voided": "yes"},
        {"id": "p-1", "voided": False, "expirationDate": "next tuesday"},
        {"id": None, "voided": False},
        "a pass",
    ],
)
def test_an_unreadable_pass_is_never_admitted_even_with_offline_policy_accept(
    service, demo_server, answer
):
    assert service.settings.scanning.offline_policy == "accept"
    demo_server.set_fault(Fault.LOOKUP_ANSWER, answer=answer)
    verdict = service.scan(VALID_CODE)
    assert verdict.kind is VerdictKind.ERROR and not verdict.offline
    assert "cannot read" in verdict.message
    assert service.status().online


def test_offline_after_an_unreadable_answer_is_still_not_an_admission(service, demo_server):
    demo_server.set_fault(Fault.GRAPHQL_ERRORS, operations={"PassByScanCode"})
    service.scan(VALID_CODE)
    demo_server.clear_fault()
    again = service.scan(VALID_CODE)
    assert again.kind is VerdictKind.VALID and not again.offline  # no duplicate: not admitted


def test_retry_after_is_honoured(service, demo_server):
    # the background's start-up call (the daily template fetch) first, so that every call
    # counted below comes after the 429
    wait_for(lambda: not service.templates.due(datetime.now(UTC)))
    demo_server.set_fault(Fault.RATE_LIMITED, retry_after="3")
    before = datetime.now(UTC)
    service.scan(VALID_CODE)
    status = service.status()
    assert (status.next_retry_at - before).total_seconds() >= 2.9
    requests = demo_server.request_count
    time.sleep(1.0)
    assert demo_server.request_count == requests  # the background waits as asked


def test_comes_back_online_by_itself(service, demo_server):
    demo_server.stop()
    service.scan(guest_pass(1).code)
    assert not service.status().online
    demo_server.start()
    wait_for(lambda: service.status().online, timeout=5)  # max backoff 1 s in these tests
    wait_for(lambda: len(demo_server.state.events()) == 1)


def test_revoked_device_stops_uploads_and_says_so(service, demo_server):
    demo_server.stop()
    queued = service.scan(guest_pass(1).code)  # offline, queued
    demo_server.start()
    demo_server.set_fault(Fault.REVOKED)
    service.try_now()
    status = service.status()
    assert status.needs_provisioning and not status.online
    assert "provision the device again" in status.offline_reason
    verdict = service.scan(VALID_CODE)
    assert verdict.kind is VerdictKind.ERROR and "provisioned again" in verdict.message
    assert verdict.scan_id is not None  # still journaled
    requests = demo_server.request_count
    service.try_now()
    assert demo_server.request_count == requests  # no more calls with a refused token
    assert service.status().pending == 1
    assert queued.scan_id in {h.scan_id for h in service.history()}


def test_revoked_at_the_door(service, demo_server, credentials):
    demo_server.state.revoke_device(credentials.device_name)
    verdict = service.scan(VALID_CODE)
    assert verdict.kind is VerdictKind.ERROR and verdict.scan_id is not None
    assert service.status().needs_provisioning


class PoisonState(DemoState):
    """A server that refuses to record one particular pass (a GraphQL error every time)."""

    poison = guest_pass(999).code

    def createScanEvent(self, info, input):  # the schema names the resolver
        if input["code"] == self.poison:
            raise GraphQLError("This pass cannot be scanned at this venue.")
        return super().createScanEvent(info, input)


def test_a_scan_the_server_keeps_rejecting_does_not_block_the_queue(paths, make_service):
    state = PoisonState.seeded()
    for number in (1, 2, 3, 999):
        state.add_pass(guest_pass(number))
    with DemoServer(state) as server:
        creds = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "door-9")
        service = make_service(credentials=creds)
        poisoned = service.scan(PoisonState.poison)
        for number in (1, 2, 3):
            service.scan(guest_pass(number).code)
        wait_for(lambda: len(server.state.events()) == 3)
        assert service.status().online  # one refusal is not an outage
        for _ in range(5):
            service.sync(5)
        [entry] = [h for h in service.history() if h.scan_id == poisoned.scan_id]
        assert entry.upload_state == UploadState.REJECTED  # shown as rejected, never deleted
        status = service.status()
        assert status.pending == 1 and status.rejected == 1 and status.online
        assert len(server.state.events()) == 3


def test_rejected_uploads_never_switch_the_kiosk_offline(make_service, demo_server):
    """Issue 14 #4: three refusals in a row used to mean "offline", and the kiosk then
    admitted a pass voided on the server."""
    service = make_service(background=False)
    codes = [guest_pass(n).code for n in range(1, 6)]
    for number in range(1, 6):
        demo_server.state.add_pass(guest_pass(number))
    demo_server.set_fault(Fault.REJECT_SCANS, codes=set(codes))
    for code in codes:
        assert service.scan(code).kind is VerdictKind.VALID
    result = service.sync(10)
    assert result.uploaded == 0
    status = service.status()
    assert status.online and status.rejected == 5 and status.pending == 5
    assert {h.upload_state for h in service.history()} == {UploadState.REJECTED}
    # The server voids a pass: the kiosk asks it, and refuses the pass.
    demo_server.state.passes[VALID_CODE].voided = True
    verdict = service.scan(VALID_CODE)
    assert verdict.kind is VerdictKind.VOIDED and not verdict.offline
    # Rejected scans wait on their own slow schedule: the next due round sends none.
    requests = demo_server.request_count
    service.flush(2)
    assert demo_server.request_count == requests
    demo_server.clear_fault()
    assert service.sync(10).uploaded == 5
    assert service.status().pending == 0


def test_backoff_doubles_with_jitter_and_respects_the_cap_and_retry_after():
    rng = random.Random(1)
    for failures in range(1, 12):
        ceiling = min(60.0, 2 ** (failures - 1))
        delay = backoff_delay(failures, 60.0, rng=rng)
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_delay(1, 60.0, retry_after=30, rng=rng) >= 30
    delays = {round(backoff_delay(6, 60.0, rng=rng), 6) for _ in range(20)}
    assert len(delays) > 1  # jittered


def test_connectivity_state_machine():
    link = Connectivity(10.0, random.Random(2))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert link.online and not link.probe_due(now)
    link.failed("The Tiketo server cannot be reached.", now)
    assert not link.online and link.snapshot().offline_since == now
    assert not link.probe_due(now) and link.probe_due(now, force=True)
    link.failed("again", now)
    assert link.snapshot().offline_since == now  # since the first failure
    link.succeeded()
    assert link.online and link.snapshot().reason is None
    link.unauthorized("revoked", now)
    assert not link.online and not link.probe_due(now, force=True)


@pytest.mark.parametrize(
    "fault, options",
    [
        (Fault.ODD_CREATED_AT, {"created_at": 1_700_000_000}),
        (Fault.ODD_CREATED_AT, {"created_at": "next tuesday"}),
        (Fault.ODD_CREATED_AT, {"created_at": "99999-01-01T00:00:00Z"}),
        (Fault.WRONG_TYPES, {}),
    ],
    ids=["integer", "words", "year-99999", "wrong-types"],
)
def test_a_confirmed_upload_is_uploaded_whatever_else_the_answer_says(
    make_service, demo_server, fault, options
):
    """Issue 14 #3: one scan became 11-13 createScanEvent calls when createdAt was odd."""
    service = make_service(background=False)
    verdicts = [
        service.scan(guest_pass(n).code)
        for n in range(1, 4)
        if demo_server.state.add_pass(guest_pass(n)) is None
    ]
    demo_server.set_fault(fault, operations={"CreateScanEvent"}, **options)
    assert service.sync(10).uploaded == 3
    for _ in range(3):
        service.sync(2)
    events = demo_server.state.events()
    assert sorted(e.data["scanId"] for e in events) == sorted(v.scan_id for v in verdicts)
    status = service.status()
    assert status.online and status.pending == 0
    assert {h.upload_state for h in service.history()} == {"uploaded"}


@pytest.mark.parametrize(
    "fault, offline",
    [
        (Fault.SLOW_HEADERS, True),
        (Fault.SLOW_BODY, True),
        (Fault.SLOW, True),
        (Fault.GZIP_BOMB, False),
    ],
    ids=["slow-headers", "slow-body", "slow", "gzip-bomb"],
)
def test_no_server_fault_holds_the_door(service, demo_server, fault, offline):
    """Issue 14 #2/#8: the first scan ends by the lookup timeout (1.5 s here); the scans
    behind it do not queue behind a slow server."""
    demo_server.set_fault(fault, operations={"PassByScanCode"}, drip_seconds=1.0, slow_seconds=60)
    started = time.monotonic()
    verdicts = [service.scan(VALID_CODE if n == 0 else guest_pass(n).code) for n in range(5)]
    assert time.monotonic() - started < 1.5 + 5.0  # generous: loaded CI; the fault takes minutes
    first = verdicts[0]
    if offline:
        assert first.offline and first.kind is VerdictKind.VALID
        assert all(v.offline for v in verdicts)
    else:
        assert first.kind is VerdictKind.ERROR and "larger" in first.message


def test_sync_ends_by_its_timeout_whatever_the_server_does(make_service, demo_server):
    """Issue 14 #2: `kiosk sync --timeout 5` took 120 s against slow headers."""
    service = make_service(background=False)
    demo_server.stop()
    service.scan(guest_pass(1).code)
    demo_server.start()
    demo_server.set_fault(Fault.SLOW_HEADERS, drip_seconds=1.0)
    started = time.monotonic()
    result = service.sync(2.0)
    assert time.monotonic() - started < 2.0 + 5.0
    assert result.uploaded == 0 and service.status().pending == 1


@pytest.mark.parametrize("fault", list(Fault), ids=[f.value for f in Fault])
def test_no_server_fault_admits_a_voided_pass(service, demo_server, fault):
    """The kiosk saw the pass voided once; whatever the server does next, it is refused."""
    from kiosk.demo.passes import VOIDED_CODE

    assert service.scan(VOIDED_CODE).kind is VerdictKind.VOIDED
    demo_server.set_fault(
        fault,
        drip_seconds=1.0,
        slow_seconds=60,
        retry_after="30",
        answer={"id": "pass-0002", "voided": "no"},
    )
    verdict = service.scan(VOIDED_CODE)
    assert verdict.kind in (VerdictKind.VOIDED, VerdictKind.ERROR), (fault, verdict)
