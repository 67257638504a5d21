"""The optional wallet message: putPassMessage through the journal and uploader, once."""

from __future__ import annotations

import sqlite3

from kiosk.demo import Fault
from kiosk.demo.passes import LOYALTY_CODE, VALID_CODE
from kiosk.settings import load_settings
from tests.scanning.conftest import wait_for

LOYALTY_PASS = ("proj-loyalty", "pass-0004")


def test_a_reward_scan_puts_a_message_on_the_holders_pass(make_service, fast_settings, demo_server):
    settings = fast_settings.with_changes(
        scanning={"wallet_message": "{points} points added at {device}"}
    )
    service = make_service(settings)
    verdict = service.scan(LOYALTY_CODE)  # scanConfig: reward, 10 points
    wait_for(lambda: demo_server.state.messages.get(LOYALTY_PASS), timeout=30)
    [(message_id, message)] = demo_server.state.messages[LOYALTY_PASS].items()
    assert message_id == verdict.scan_id
    assert message["body"] == "10 points added at door-1"
    assert message["header"] == "Coffee Club Card"
    assert set(message["destinations"]) == {"APPLE", "GOOGLE"}
    wait_for(lambda: service.status().pending == 0, timeout=30)


def test_entry_scans_send_no_message(make_service, fast_settings, demo_server):
    settings = fast_settings.with_changes(
        scanning={"wallet_message": "{points} points added at {device}"}
    )
    service = make_service(settings, background=False)
    service.scan(VALID_CODE)  # entry mode
    service.sync(10)
    assert demo_server.state.count("putPassMessage") == 0


def test_offline_the_message_waits_and_is_sent_once(make_service, fast_settings, demo_server):
    settings = fast_settings.with_changes(
        scanning={"wallet_message": "{points} points for you", "reentry_window_minutes": 0}
    )
    service = make_service(settings, background=False)
    assert service.scan(LOYALTY_CODE).accepted  # online: the pass is cached with its ids
    service.sync(10)
    demo_server.set_fault(Fault.DOWN)
    service.link.failed("down", service._clock())
    offline = service.scan(LOYALTY_CODE)
    assert offline.accepted and offline.offline
    assert service.sync(2).stopped_because is not None
    demo_server.clear_fault()
    assert service.sync(20).stopped_because is None
    messages = demo_server.state.messages[LOYALTY_PASS]
    assert len(messages) == 2 and offline.scan_id in messages
    assert demo_server.state.count("putPassMessage") == 2
    service.sync(10)
    assert demo_server.state.count("putPassMessage") == 2  # done steps are never re-sent


def test_a_message_resent_after_a_lost_answer_replaces_itself(
    make_service, fast_settings, demo_server
):
    settings = fast_settings.with_changes(scanning={"wallet_message": "{points} points"})
    service = make_service(settings, background=False)
    verdict = service.scan(LOYALTY_CODE)
    service.sync(10)
    conn = sqlite3.connect(service.journal.path)  # as if the kiosk died before recording it
    conn.execute("UPDATE follow_ups SET state = 'pending' WHERE scan_id = ?", (verdict.scan_id,))
    conn.commit()
    conn.close()
    service.sync(10)
    assert demo_server.state.count("putPassMessage") == 2
    assert list(demo_server.state.messages[LOYALTY_PASS]) == [verdict.scan_id]


def test_a_wallet_message_with_an_unknown_field_is_reported(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[scanning]\nwallet_message = "{points} for {holder}"\n', encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings.scanning.wallet_message == ""
    assert any("scanning.wallet_message" in p and "{holder}" in p for p in loaded.problems)
    path.write_text('[scanning]\nvoid_with = "magic"\n', encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings.scanning.void_with == "update-pass"
    assert any("scanning.void_with" in p for p in loaded.problems)
