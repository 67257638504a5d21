"""The void step against a misbehaving server: a refusal or an unreadable answer is a
"rejected" step (kept, retried slowly, the kiosk stays online); an outage keeps it pending
and takes the kiosk offline. Nothing is lost either way, and the scan event is sent once."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.demo import Fault
from kiosk.demo.passes import EVENT_CODE
from kiosk.scanning.verdict import VerdictKind

REFUSALS = [Fault.NON_JSON, Fault.GRAPHQL_ERRORS, Fault.WRONG_TYPES, Fault.GZIP_BOMB]
OUTAGES = [Fault.DOWN, Fault.SERVER_ERROR, Fault.RATE_LIMITED, Fault.THROTTLED, Fault.REDIRECT_LOOP]


def void_state(journal_file) -> str:
    conn = sqlite3.connect(journal_file)
    try:
        return conn.execute("SELECT state FROM follow_ups WHERE step = 'void'").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("fault", REFUSALS + OUTAGES, ids=lambda f: f.value)
def test_the_void_step_against_a_misbehaving_server(
    make_service, fast_settings, demo_server, fault
):
    settings = fast_settings.with_changes(
        scanning={"mode": "redeem", "redeem_voids_pass": True, "wallet_message": "{points} points"}
    )
    service = make_service(settings, background=False)
    assert service.scan(EVENT_CODE).accepted
    demo_server.set_fault(fault, operations={"Pass", "UpdatePass"}, retry_after="1")
    service.sync(3)
    assert len(demo_server.state.events()) == 1
    if fault in REFUSALS:
        assert void_state(service.journal.path) == "rejected"
        assert service.status().online and service.status().rejected == 1
    else:
        assert void_state(service.journal.path) == "pending"
        assert not service.status().online
    assert not demo_server.state.passes[EVENT_CODE].voided
    assert service.scan(EVENT_CODE).kind is VerdictKind.VOIDED  # refused here meanwhile
    demo_server.clear_fault()
    service.link.succeeded()
    assert service.sync(20).stopped_because is None
    assert void_state(service.journal.path) == "done"
    assert demo_server.state.passes[EVENT_CODE].voided
    assert len(demo_server.state.pass_updates) == 1 and len(demo_server.state.events()) == 1
    assert service.status().pending == 0
