"""A code typed by staff reaches the verdict screen, and each verdict says the right thing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.demo.passes import EXPIRED_CODE, UNKNOWN_CODE, VALID_CODE, VOIDED_CODE
from kiosk.scanning.verdict import VerdictKind
from tests.ui.conftest import wait_until


def scan_manually(qtbot, kiosk, code):
    """Staff type the code (no faster than a person, so the USB-scanner reader passes it
    on) and press Enter."""
    window = kiosk.window
    assert window.current is window.scanning
    window.scanning.manual.setText(code[:-1])
    qtbot.keyClicks(window.scanning.manual, code[-1], delay=60)
    qtbot.waitUntil(lambda: window.scanning.manual.text() == code, timeout=2000)
    with qtbot.waitSignal(kiosk.verdictShown, timeout=10_000) as blocker:
        qtbot.wait(150)  # a person's pause before Enter
        qtbot.keyClick(window.scanning.manual, Qt.Key.Key_Return)
    return blocker.args[0]


def record_sources(kiosk):
    """Which input each scan came through (the real service still decides)."""
    sources = []
    backend = kiosk.runner.backend
    original = backend.scan

    def scan(code, source="manual"):
        sources.append((code, source))
        return original(code, source)

    backend.scan = scan
    return sources


def test_typed_code_is_a_manual_scan(qtbot, kiosk):
    sources = record_sources(kiosk)
    window = kiosk.window
    qtbot.keyClicks(window.scanning.manual, "TKT-EVENT-0005", delay=60)
    with qtbot.waitSignal(kiosk.verdictShown, timeout=10_000):
        qtbot.wait(150)
        qtbot.keyClick(window.scanning.manual, Qt.Key.Key_Return)
    assert sources == [("TKT-EVENT-0005", "manual")]
    assert window.verdict.holder.text() == "Alan Turing"
    assert window.scanning.manual.text() == ""


def test_usb_scanner_burst_is_a_wedge_scan_whatever_has_focus(qtbot, kiosk):
    sources = record_sources(kiosk)
    window = kiosk.window
    window.scanning.history_button.setFocus()
    with qtbot.waitSignal(kiosk.verdictShown, timeout=10_000) as blocker:
        qtbot.keyClicks(window, VOIDED_CODE)  # no delay: scanner speed
        qtbot.keyClick(window, Qt.Key.Key_Return)
    assert sources == [(VOIDED_CODE, "wedge")]
    assert blocker.args[0].kind is VerdictKind.VOIDED
    assert window.scanning.manual.text() == ""
    window.verdict.dismiss()
    with qtbot.waitSignal(kiosk.verdictShown, timeout=10_000):  # focus in the manual field
        qtbot.keyClicks(window.scanning.manual, UNKNOWN_CODE)
        qtbot.keyClick(window.scanning.manual, Qt.Key.Key_Return)
    assert sources[-1] == (UNKNOWN_CODE, "wedge")
    assert window.scanning.manual.text() == ""


def test_manual_entry_shows_valid_with_holder_and_pass(qtbot, kiosk):
    verdict = scan_manually(qtbot, kiosk, VALID_CODE)
    screen = kiosk.window.verdict
    assert verdict.kind is VerdictKind.VALID
    assert kiosk.window.current is screen
    assert screen.word.text() == "VALID"
    assert screen.holder.text() == "Ada Lovelace"
    assert "Festival Day Ticket" in screen.details.text()
    assert "Event ticket" in screen.details.text()
    assert kiosk.sounds.played[-1] == "accepted"


def test_rejections_say_why(qtbot, kiosk):
    expectations = {
        VOIDED_CODE: ("VOIDED", "voided"),
        EXPIRED_CODE: ("EXPIRED", "Expired on"),
        UNKNOWN_CODE: ("UNKNOWN", "No pass"),
    }
    for code, (word, reason) in expectations.items():
        kiosk.window.verdict.dismiss()
        scan_manually(qtbot, kiosk, code)
        assert kiosk.window.verdict.word.text() == word
        assert reason in kiosk.window.verdict.reason.text()
        assert kiosk.sounds.played[-1] == "rejected"


def test_expired_shows_the_expiry_date(qtbot, kiosk):
    scan_manually(qtbot, kiosk, EXPIRED_CODE)
    assert kiosk.window.verdict.reason.text() == "Expired on 1 January 2024"


def test_second_scan_is_already_scanned_with_the_first_time(qtbot, kiosk):
    scan_manually(qtbot, kiosk, VALID_CODE)
    kiosk.window.verdict.dismiss()
    verdict = scan_manually(qtbot, kiosk, VALID_CODE)
    assert verdict.kind is VerdictKind.DUPLICATE
    assert kiosk.window.verdict.word.text() == "ALREADY SCANNED"
    assert "First scanned at" in kiosk.window.verdict.reason.text()


def test_verdict_returns_to_scanning_by_itself(qtbot, make_app, credentials, ui_settings):
    kiosk = make_app(ui_settings.with_changes(screen={"verdict_seconds": 0.5}))
    scan_manually(qtbot, kiosk, VALID_CODE)
    wait_until(qtbot, lambda: kiosk.window.current is kiosk.window.scanning, timeout=3)


def test_held_verdict_waits_for_a_key(qtbot, make_app, credentials, ui_settings):
    kiosk = make_app(
        ui_settings.with_changes(screen={"verdict_seconds": 0.5, "verdict_hold_until_tap": True})
    )
    scan_manually(qtbot, kiosk, UNKNOWN_CODE)
    screen = kiosk.window.verdict
    assert "press any key" in screen.hint.text()
    qtbot.wait(900)
    assert kiosk.window.current is screen
    qtbot.keyClick(screen, Qt.Key.Key_Space)
    assert kiosk.window.current is kiosk.window.scanning


def test_hidden_holder_names(qtbot, make_app, credentials, ui_settings):
    kiosk = make_app(ui_settings.with_changes(screen={"hide_holder_names": True}))
    scan_manually(qtbot, kiosk, VALID_CODE)
    assert kiosk.window.verdict.holder.isHidden()
    assert "Ada" not in kiosk.window.verdict.holder.text()
