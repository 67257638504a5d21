"""Voiding the documented way: updatePass as its own journaled, exactly-once step.

Real journal file, embedded server over real HTTP; the demo server records every updatePass.
"""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.demo import Fault
from kiosk.demo.passes import EVENT_CODE, VALID_CODE, guest_pass
from kiosk.scanning.verdict import VerdictKind
from tests.scanning.conftest import wait_for


@pytest.fixture
def redeem(fast_settings):
    return fast_settings.with_changes(
        scanning={"mode": "redeem", "redeem_voids_pass": True, "reentry_window_minutes": 0}
    )


def steps(journal_file) -> list[tuple[str, str, str | None, str | None]]:
    conn = sqlite3.connect(journal_file)
    try:
        return conn.execute("SELECT step, state, project_id, pass_id FROM follow_ups").fetchall()
    finally:
        conn.close()


def test_redeem_voids_with_update_pass_after_the_scan_event(make_service, redeem, demo_server):
    service = make_service(redeem)
    verdict = service.scan(EVENT_CODE)
    assert verdict.accepted and verdict.voids_pass
    wait_for(lambda: demo_server.state.pass_updates, timeout=30)
    [event] = demo_server.state.events()
    assert event.voided is None and event.reward_points == 0  # the event does not void
    [update] = demo_server.state.pass_updates
    assert (update.project_id, update.pass_id) == ("proj-doors", "pass-0005")
    assert update.input["voided"] is True and update.device_name == "door-1"
    # the pass is written back as it was: a server replacing the whole pass loses nothing
    assert update.input["templateId"] == "tpl-weekend-pass"
    assert '"lastName": "Turing"' in update.input["parameters"]
    assert update.input["expirationDate"] == "2099-12-31T23:59:59Z"
    assert demo_server.state.passes[EVENT_CODE].voided
    wait_for(
        lambda: steps(service.journal.path) == [("void", "done", "proj-doors", "pass-0005")],
        timeout=30,
    )
    assert service.scan(EVENT_CODE).kind is VerdictKind.VOIDED
    assert service.status().pending == 0


def test_a_failed_void_step_is_retried_without_resending_the_scan_event(
    make_service, redeem, demo_server
):
    demo_server.set_fault(Fault.DOWN, operations={"Pass", "UpdatePass"})
    service = make_service(redeem)
    service.scan(EVENT_CODE)
    wait_for(lambda: len(demo_server.state.events()) == 1, timeout=30)
    wait_for(lambda: not service.status().online, timeout=30)  # the void step met the outage
    assert service.status().pending == 1  # the step is work left
    assert steps(service.journal.path)[0][1] == "pending"
    service.close()
    demo_server.clear_fault()
    again = make_service(redeem, background=False)  # a new process on the same journal
    result = again.sync(20)
    assert result.stopped_because is None
    assert len(demo_server.state.events()) == 1  # the scan event was not sent again
    assert len(demo_server.state.pass_updates) == 1
    assert steps(again.journal.path)[0][1] == "done"


def test_a_void_whose_answer_was_lost_is_not_sent_again(make_service, redeem, demo_server):
    """The kiosk died after the server voided the pass, before the journal said so: the
    step re-reads the pass, sees it voided, and is done without a second updatePass."""
    demo_server.set_fault(Fault.DOWN, operations={"Pass", "UpdatePass"})
    service = make_service(redeem, background=False)
    service.scan(EVENT_CODE)
    service.sync(3)
    assert steps(service.journal.path)[0][1] == "pending"
    demo_server.clear_fault()
    demo_server.state.passes[EVENT_CODE].voided = True  # the lost void, done on the server
    assert service.sync(20).stopped_because is None
    assert demo_server.state.pass_updates == []
    assert demo_server.state.count("pass") == 1
    assert steps(service.journal.path)[0][1] == "done"


def test_a_refused_void_is_kept_and_retried(make_service, redeem, demo_server):
    demo_server.set_fault(Fault.GRAPHQL_ERRORS, operations={"UpdatePass"})
    service = make_service(redeem, background=False)
    service.scan(EVENT_CODE)
    result = service.sync(10)
    assert result.stopped_because is None and service.status().online  # not an outage
    assert steps(service.journal.path)[0][1] == "rejected"
    assert service.status().rejected == 1
    assert service.scan(EVENT_CODE).kind is VerdictKind.VOIDED  # this kiosk still refuses it
    demo_server.clear_fault()
    service.sync(10)
    assert steps(service.journal.path)[0][1] == "done"
    assert len(demo_server.state.pass_updates) == 1 and service.status().pending == 0


def test_offline_redeem_of_a_cached_pass_is_voided_once_back(make_service, redeem, demo_server):
    service = make_service(redeem.with_changes(scanning={"mode": "entry"}))
    assert service.scan(VALID_CODE).kind is VerdictKind.VALID  # now cached, with its ids
    service.close()
    demo_server.stop()
    offline = make_service(redeem, background=False)
    offline.link.failed("down", offline._clock())
    verdict = offline.scan(VALID_CODE)
    assert verdict.accepted and verdict.offline
    demo_server.start()
    assert offline.sync(20).stopped_because is None
    [update] = demo_server.state.pass_updates
    assert update.pass_id == "pass-0001" and demo_server.state.passes[VALID_CODE].voided


def test_offline_redeem_of_a_never_seen_pass_learns_its_ids_from_the_scan_event(
    make_service, redeem, demo_server
):
    guest = guest_pass(7)
    demo_server.state.add_pass(guest)
    service = make_service(redeem, background=False)
    service.link.failed("down", service._clock())
    verdict = service.scan(guest.code)
    assert verdict.accepted and verdict.offline and verdict.pass_id is None
    assert steps(service.journal.path) == [("void", "pending", None, None)]
    service.link.succeeded()
    assert service.sync(20).stopped_because is None
    assert steps(service.journal.path) == [("void", "done", "proj-doors", guest.id)]
    assert demo_server.state.passes[guest.code].voided


def test_void_with_scan_event_writes_no_step(make_service, redeem, demo_server):
    service = make_service(
        redeem.with_changes(scanning={"void_with": "scan-event"}), background=False
    )
    service.scan(EVENT_CODE)
    assert steps(service.journal.path) == []
    service.sync(10)
    assert demo_server.state.events()[0].voided is True
    assert demo_server.state.pass_updates == []
