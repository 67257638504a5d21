"""ScanService end to end: embedded server over real HTTP, real journal file."""

from __future__ import annotations

import sqlite3

from kiosk.demo import Fault
from kiosk.demo.passes import (
    EVENT_CODE,
    EXPIRED_CODE,
    LOYALTY_CODE,
    UNKNOWN_CODE,
    VALID_CODE,
    VOIDED_CODE,
    guest_pass,
)
from kiosk.scanning.verdict import ScanMode, VerdictKind
from tests.scanning.conftest import wait_for


def journal_rows(journal_file):
    conn = sqlite3.connect(journal_file)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM scans ORDER BY scanned_at")]
    finally:
        conn.close()


def test_each_online_verdict(service, demo_server):
    kinds = {
        code: service.scan(code).kind
        for code in (VALID_CODE, VOIDED_CODE, EXPIRED_CODE, UNKNOWN_CODE)
    }
    assert kinds == {
        VALID_CODE: VerdictKind.VALID,
        VOIDED_CODE: VerdictKind.VOIDED,
        EXPIRED_CODE: VerdictKind.EXPIRED,
        UNKNOWN_CODE: VerdictKind.UNKNOWN,
    }
    again = service.scan(VALID_CODE)
    assert again.kind is VerdictKind.DUPLICATE and again.first_scanned_at is not None
    rows = journal_rows(service.journal.path)
    assert [r["verdict"] for r in rows] == ["valid", "voided", "expired", "unknown", "duplicate"]
    assert [r["upload_state"] for r in rows][1:] == ["not-needed"] * 4
    wait_for(lambda: len(demo_server.state.events()) == 1)
    [event] = demo_server.state.events()
    assert event.code == VALID_CODE and event.reward_points == 0
    assert event.data["scanId"] == rows[0]["scan_id"]
    assert event.data["device"] == "door-1" and event.data["mode"] == "entry"
    assert event.data["scannedAt"].endswith("Z")
    wait_for(lambda: service.status().pending == 0 and service.status().last_sync is not None)


def test_loyalty_scan_config_posts_reward_points(service, demo_server):
    verdict = service.scan(LOYALTY_CODE)
    assert verdict.mode is ScanMode.REWARD and verdict.reward_points == 10
    wait_for(lambda: demo_server.state.events())
    assert demo_server.state.events()[0].reward_points == 10
    assert isinstance(demo_server.state.events()[0].reward_points, int)


def test_reward_mode_from_settings(make_service, fast_settings, demo_server):
    settings = fast_settings.with_changes(scanning={"mode": "reward", "reward_points": 3})
    service = make_service(settings)
    assert service.scan(VALID_CODE).reward_points == 3
    wait_for(lambda: demo_server.state.events())
    event = demo_server.state.events()[0]
    assert event.reward_points == 3 and event.data["mode"] == "reward"


def test_redeem_mode_sends_a_negative_amount(make_service, fast_settings, demo_server):
    settings = fast_settings.with_changes(scanning={"mode": "redeem", "redeem_points": 4})
    service = make_service(settings)
    assert service.scan(VALID_CODE).reward_points == -4
    wait_for(lambda: demo_server.state.events())
    assert demo_server.state.events()[0].reward_points == -4
    assert demo_server.state.events()[0].voided is None


def test_redeem_voiding_with_the_scan_event_voids_the_pass(
    make_service, fast_settings, demo_server
):
    settings = fast_settings.with_changes(
        scanning={
            "mode": "redeem",
            "redeem_voids_pass": True,
            "void_with": "scan-event",
            "reentry_window_minutes": 0,
        }
    )
    service = make_service(settings)
    verdict = service.scan(EVENT_CODE)
    assert verdict.accepted and verdict.voids_pass
    wait_for(lambda: demo_server.state.events())
    assert demo_server.state.events()[0].voided is True
    assert demo_server.state.pass_updates == []
    assert service.scan(EVENT_CODE).kind is VerdictKind.VOIDED


def test_offline_accepts_unknown_passes_and_uploads_when_back(service, demo_server):
    demo_server.stop()
    verdict = service.scan(guest_pass(1).code)
    assert verdict.kind is VerdictKind.VALID and verdict.offline
    status = service.status()
    assert not status.online and status.offline_since is not None
    assert status.pending == 1 and status.next_retry_at is not None
    assert "connections" in status.offline_reason  # plain words, not a socket error
    demo_server.state.add_pass(guest_pass(1))
    demo_server.start()
    wait_for(lambda: service.status().online and service.status().pending == 0)
    [event] = demo_server.state.events()
    assert event.data["offline"] is True and event.data["scanId"] == verdict.scan_id


def test_offline_uses_the_pass_cache(service, demo_server):
    assert service.scan(VOIDED_CODE).kind is VerdictKind.VOIDED
    assert service.scan(EXPIRED_CODE).kind is VerdictKind.EXPIRED
    assert service.scan(VALID_CODE).kind is VerdictKind.VALID
    demo_server.stop()
    voided = service.scan(VOIDED_CODE)
    assert voided.kind is VerdictKind.VOIDED and voided.offline
    assert service.scan(EXPIRED_CODE).kind is VerdictKind.EXPIRED
    duplicate = service.scan(VALID_CODE)
    assert duplicate.kind is VerdictKind.DUPLICATE and duplicate.offline


def test_offline_reject_policy(make_service, fast_settings, demo_server):
    settings = fast_settings.with_changes(scanning={"offline_policy": "reject"})
    service = make_service(settings)
    service.scan(VALID_CODE)
    demo_server.stop()
    refused = service.scan(EVENT_CODE)
    assert refused.kind is VerdictKind.ERROR and refused.offline
    assert refused.scan_id is not None  # journaled, not queued
    known = service.scan(VALID_CODE)  # known from the cache: still decided on its facts
    assert known.kind is VerdictKind.DUPLICATE


def test_after_a_failure_the_door_does_not_wait_for_the_server(make_service, demo_server):
    import time

    service = make_service()
    demo_server.set_fault(Fault.SLOW, slow_seconds=5)
    started = time.monotonic()
    first = service.scan(VALID_CODE)
    assert first.offline and time.monotonic() - started < 3.0  # lookup timeout 1.5 s
    started = time.monotonic()
    for number in range(5):
        assert service.scan(guest_pass(number).code).offline
    assert time.monotonic() - started < 0.5  # decided offline at once, no lookups


def test_history_and_counts(service):
    service.scan(VALID_CODE)
    service.scan(UNKNOWN_CODE)
    history = service.history()
    assert [h.kind for h in history] == [VerdictKind.UNKNOWN, VerdictKind.VALID]
    assert service.history(search="Lovelace")[0].code == VALID_CODE
    assert service.history(search="%") == []
    counts = service.counts_today()
    assert (counts.admitted, counts.rejected) == (1, 1)


def test_refused_codes_are_not_journaled(service):
    for code in ("", "   ", "x" * 5000, "bad\udcff"):
        verdict = service.scan(code)
        assert verdict.kind is VerdictKind.ERROR and verdict.scan_id is None
        assert verdict.message.endswith(".")
        assert len(verdict.code) < 100
    assert service.history() == []


def test_a_hung_upload_never_holds_up_the_door(service, demo_server):
    import time

    demo_server.set_fault(Fault.SLOW, slow_seconds=2, operations={"CreateScanEvent"})
    started = time.monotonic()
    verdicts = [service.scan(guest_pass(n).code) for n in range(3)]
    elapsed = time.monotonic() - started
    assert all(v.kind is VerdictKind.UNKNOWN or v.accepted for v in verdicts)
    assert service.scan(VALID_CODE).kind is VerdictKind.VALID
    assert elapsed < 1.0 and service.status().online  # lookups answered while uploads hang
    demo_server.clear_fault()
    wait_for(lambda: any(e.code == VALID_CODE for e in demo_server.state.events()), timeout=15)


def test_journal_error_is_remembered_for_the_command_line(service):
    conn = service.journal._conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    for number in range(40):
        service.scan(f"FILL-{number:03d}-" + "z" * 500)
    assert service.journal_error is not None and "disk is full" in service.journal_error
