"""Fresher offline decisions: cached passes re-read with pass(projectId, id), and every scan
event's answer updates its pass in the cache."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

from kiosk.demo import Fault
from kiosk.demo.passes import EVENT_CODE, LOYALTY_CODE, VALID_CODE, guest_pass
from kiosk.scanning.refresh import Upkeep
from kiosk.scanning.verdict import VerdictKind
from tests.scanning.conftest import wait_for


def age_cache(journal_file, minutes: float) -> None:
    """Pretend every cached fact was confirmed ``minutes`` ago."""
    conn = sqlite3.connect(journal_file)
    try:
        conn.execute(
            "UPDATE pass_cache SET checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now',"
            " ?), seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)",
            (f"-{minutes} minutes", f"-{minutes} minutes"),
        )
        conn.commit()
    finally:
        conn.close()


def test_a_pass_voided_on_the_server_later_is_refused_in_the_next_outage(
    make_service, fast_settings, demo_server
):
    settings = fast_settings.with_changes(
        upload={"refresh_per_minute": 0}
    )  # the test drives the refresh itself
    service = make_service(settings, background=False)
    assert service.scan(VALID_CODE).kind is VerdictKind.VALID
    assert service.sync(20).stopped_because is None
    demo_server.state.passes[VALID_CODE].voided = True  # voided elsewhere, after we saw it
    age_cache(service.journal.path, 30)
    upkeep = Upkeep(
        service.journal,
        service._upload_client,
        service.link,
        service.templates,
        per_minute=10,
        clock=service._clock,
    )
    assert upkeep.run(lambda: False) == 1
    assert demo_server.state.count("pass") == 1
    cached = service.journal.cached_pass(VALID_CODE)
    assert cached.facts.voided and cached.checked_at is not None
    demo_server.stop()
    service.link.failed("down", service._clock())
    verdict = service.scan(VALID_CODE)
    assert verdict.offline and verdict.kind is VerdictKind.VOIDED


def test_refreshes_are_bounded_per_minute_and_yield_to_other_work(
    make_service, fast_settings, demo_server
):
    settings = fast_settings.with_changes(upload={"refresh_per_minute": 0})
    service = make_service(settings, background=False)
    for number in range(5):
        demo_server.state.add_pass(guest_pass(number))
        assert service.scan(guest_pass(number).code).accepted
    age_cache(service.journal.path, 30)
    now = [1000.0]
    upkeep = Upkeep(
        service.journal,
        service._upload_client,
        service.link,
        service.templates,
        per_minute=2,
        clock=service._clock,
        monotonic=lambda: now[0],
    )
    assert upkeep.run(lambda: True) == 0  # a scan is waiting: refreshes give way
    assert upkeep.run(lambda: False) == 2
    assert upkeep.run(lambda: False) == 0  # the minute's budget is spent
    assert upkeep.seconds_until_budget() == 60.0
    now[0] += 61
    assert upkeep.run(lambda: False) == 2
    assert demo_server.state.count("pass") == 4
    now[0] += 61
    assert upkeep.run(lambda: False) == 1  # the fresh ones are left alone
    assert upkeep.run(lambda: False) == 0


def test_the_background_refresh_runs_when_idle(make_service, fast_settings, demo_server):
    service = make_service()
    assert service.scan(EVENT_CODE).accepted
    demo_server.state.passes[EVENT_CODE].voided = True  # first: any refresh from now sees it
    age_cache(service.journal.path, 30)
    service.uploader.wake()
    wait_for(lambda: service.journal.cached_pass(EVENT_CODE).facts.voided, timeout=40)


def test_a_refresh_never_unvoids_a_pass_this_kiosk_still_owes_a_void(
    make_service, fast_settings, demo_server
):
    settings = fast_settings.with_changes(
        scanning={"mode": "redeem", "redeem_voids_pass": True}, upload={"refresh_per_minute": 0}
    )
    service = make_service(settings, background=False)
    assert service.scan(EVENT_CODE).accepted  # queued: neither event nor void sent yet
    age_cache(service.journal.path, 30)
    upkeep = Upkeep(
        service.journal,
        service._upload_client,
        service.link,
        service.templates,
        per_minute=10,
        clock=service._clock,
    )
    assert upkeep.run(lambda: False) == 1
    assert service.journal.cached_pass(EVENT_CODE).facts.voided


def test_the_scan_event_answer_refreshes_the_cache(make_service, fast_settings, demo_server):
    settings = fast_settings.with_changes(
        upload={"refresh_per_minute": 0}, scanning={"reentry_window_minutes": 0}
    )
    service = make_service(settings, background=False)
    assert service.scan(LOYALTY_CODE).accepted  # cached as valid
    service.sync(10)
    service.link.failed("down", service._clock())
    demo_server.state.passes[LOYALTY_CODE].voided = True  # voided elsewhere meanwhile
    assert service.scan(LOYALTY_CODE).accepted  # offline, from the (stale) cache
    service.link.succeeded()
    service.sync(10)  # the event's answer says pass { voided: true }
    cached = service.journal.cached_pass(LOYALTY_CODE)
    assert cached.facts.voided
    service.link.failed("down", service._clock())
    assert service.scan(LOYALTY_CODE).kind is VerdictKind.VOIDED
    assert demo_server.state.count("pass") == 0  # no refresh was needed for it


def test_status_reports_the_age_of_the_oldest_cached_fact(run_cli, credentials, demo_server, paths):
    [before] = run_cli("status", "--json").json_lines()
    assert before["cache_age"] is None
    run_cli("scan", "--json", VALID_CODE)
    [fresh] = run_cli("status", "--json").json_lines()
    assert isinstance(fresh["cache_age"], float) and 0 <= fresh["cache_age"] < 120
    age_cache(paths.journal_file, 90)
    [old] = run_cli("status", "--json").json_lines()
    assert 90 * 60 - 5 <= old["cache_age"] <= 90 * 60 + 120
    text = run_cli("status").stdout
    assert "Pass cache: oldest fact confirmed by the server 90 min ago" in text
    assert timedelta(seconds=old["cache_age"]) > timedelta(minutes=89)


def test_a_slow_server_holds_up_the_refresh_not_the_door_or_the_uploads(
    make_service, fast_settings, demo_server
):
    service = make_service()
    assert service.scan(VALID_CODE).accepted
    wait_for(lambda: service.status().pending == 0, timeout=30)
    demo_server.set_fault(Fault.SLOW, operations={"Pass"}, slow_seconds=30)
    age_cache(service.journal.path, 30)
    service.uploader.wake()
    time.sleep(0.5)  # the refresh is now waiting on the slow server
    started = time.monotonic()
    verdict = service.scan(EVENT_CODE)
    assert verdict.kind is VerdictKind.VALID and not verdict.offline  # lookups have their own
    wait_for(lambda: len(demo_server.state.events()) == 2, timeout=30)
    # the refresh call gave up by its own 3 s deadline, not by the upload client's 8 s read timeout
    assert time.monotonic() - started < 6
    assert service.status().online
