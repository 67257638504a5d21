"""A journal from before follow-up steps: it migrates, and what it queued keeps its meaning."""

from __future__ import annotations

import sqlite3

from kiosk.demo.passes import EVENT_CODE
from kiosk.journal.migrations import MIGRATIONS
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings
from kiosk.status import cache_age, journal_summary


def old_journal(path, version: int) -> None:
    """A journal file at schema ``version``, as an older kiosk left it, with one queued
    redeem-and-void scan of EVENT_CODE and its cached pass."""
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO scans (scan_id, code, verdict, mode, reward_points, voids_pass, scanned_at,"
        " offline, source, pass_id, message, upload_state, next_attempt_at) VALUES"
        " ('old-1', ?, 'valid', 'redeem', 0, 1, '2026-01-01T10:00:00.000000Z', 0, 'manual',"
        " 'pass-0005', 'Valid', 'pending', '2026-01-01T10:00:00.000000Z')",
        (EVENT_CODE,),
    )
    conn.execute(
        "INSERT INTO pass_cache (code, pass_id, holder, voided, pass_type, template_name,"
        " scan_config, seen_at) VALUES (?, 'pass-0005', 'Alan Turing', 1, 'eventTicket',"
        " 'Weekend Pass', '{}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour'))",
        (EVENT_CODE,),
    )
    conn.close()


def test_a_scan_queued_before_the_upgrade_still_voids_with_its_scan_event(
    paths, credentials, demo_server
):
    old_journal(paths.journal_file, len(MIGRATIONS) - 1)
    assert journal_summary(paths).pending == 1
    assert cache_age(paths) is None  # read-only: an old journal has no checked_at yet
    settings = Settings().with_changes(upload={"refresh_per_minute": 0})
    with ScanService(paths, credentials, settings, background=False) as service:
        assert service.sync(20).stopped_because is None
    [event] = demo_server.state.events()
    assert event.voided is True and event.data["scanId"] == "old-1"
    assert demo_server.state.pass_updates == []  # it was journaled with the old meaning
    assert journal_summary(paths).pending == 0
    assert cache_age(paths) < 600  # the scan event's answer confirmed the cached pass
    with ScanService(paths, credentials, settings, background=False) as service:
        cached = service.journal.cached_pass(EVENT_CODE)  # and gave it the ids a refresh needs
        assert (cached.facts.project_id, cached.facts.template_id) == (
            "proj-doors",
            "tpl-weekend-pass",
        )
        assert cached.facts.holder is None  # guessed before templates said what is public
