"""The keyboard-wedge event filter with real Qt key events (pytest-qt, offscreen)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.wedge import WedgeFilter


class BurstClock:
    """Real time, except while frozen: then each reading is 1 ms after the last, so a key
    burst sent with no delay stays scanner-fast even if the test machine stalls."""

    def __init__(self) -> None:
        self.frozen: float | None = None

    def __call__(self) -> float:
        if self.frozen is None:
            return time.monotonic()
        self.frozen += 0.001
        return self.frozen

    @contextmanager
    def burst(self) -> Iterator[None]:
        self.frozen = time.monotonic()
        try:
            yield
        finally:
            self.frozen = None


class Screen:
    def __init__(self, qtbot: QtBot) -> None:
        self.window = QWidget()
        layout = QVBoxLayout(self.window)
        self.manual = QLineEdit()  # the kiosk's manual-entry field
        self.other = QLineEdit()  # e.g. a search box in the admin panel
        self.button = QPushButton("History")
        layout.addWidget(self.manual)
        layout.addWidget(self.other)
        layout.addWidget(self.button)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.clock = BurstClock()
        self.filter = WedgeFilter(self.manual, clock=self.clock)
        self.filter.install()
        self.scans: list[str] = []
        self.filter.scanned.connect(self.scans.append)


@pytest.fixture
def screen(qtbot: QtBot) -> Iterator[Screen]:
    screen = Screen(qtbot)
    yield screen
    screen.filter.uninstall()


def test_fast_burst_with_enter_is_a_scan_even_when_a_field_has_focus(
    qtbot: QtBot, screen: Screen
) -> None:
    screen.other.setFocus()
    with screen.clock.burst():
        qtbot.keyClicks(screen.other, "TKT-VALID-0001")  # no delay: scanner speed
        qtbot.keyClick(screen.other, Qt.Key.Key_Return)
    assert screen.scans == ["TKT-VALID-0001"]
    assert screen.other.text() == "" and screen.manual.text() == ""


def test_fast_burst_with_no_widget_focused_is_a_scan(qtbot: QtBot, screen: Screen) -> None:
    screen.window.setFocus()
    with screen.clock.burst():
        qtbot.keyClicks(screen.window, "LOY-CARD-0004")
        qtbot.keyClick(screen.window, Qt.Key.Key_Enter)
    assert screen.scans == ["LOY-CARD-0004"]


def test_slow_typing_goes_to_the_manual_entry_field(qtbot: QtBot, screen: Screen) -> None:
    screen.button.setFocus()  # nothing to type into has focus: the manual field gets it
    submitted: list[str] = []
    screen.manual.returnPressed.connect(lambda: submitted.append(screen.manual.text()))
    qtbot.keyClicks(screen.button, "TKT-9", delay=80)  # a person: 80 ms between keys
    qtbot.waitUntil(lambda: screen.manual.text() == "TKT-9", timeout=2000)
    qtbot.keyClick(screen.button, Qt.Key.Key_Return)
    assert submitted == ["TKT-9"]
    assert screen.scans == []


def test_slow_typing_into_another_text_field_stays_there(qtbot: QtBot, screen: Screen) -> None:
    screen.other.setFocus()  # e.g. the admin PIN or the history search box
    qtbot.keyClicks(screen.other, "1234", delay=80)
    qtbot.waitUntil(lambda: screen.other.text() == "1234", timeout=2000)
    assert screen.manual.text() == "" and screen.scans == []


def test_held_down_key_is_a_person_not_a_scanner(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    with screen.clock.burst():
        qtbot.keyClick(screen.manual, Qt.Key.Key_0)
        for _ in range(6):  # auto-repeat, as fast as a scanner
            repeat = QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key.Key_0, Qt.KeyboardModifier.NoModifier, "0", True
            )
            QApplication.sendEvent(screen.manual, repeat)
    qtbot.waitUntil(lambda: screen.manual.text() == "0000000", timeout=2000)
    qtbot.wait(150)
    assert screen.scans == []


def test_burst_without_enter_ends_after_silence(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    with qtbot.waitSignal(screen.filter.scanned, timeout=2000) as blocker:
        with screen.clock.burst():
            qtbot.keyClicks(screen.manual, "5901234123457")
    assert blocker.args == ["5901234123457"]
    assert screen.manual.text() == ""
    qtbot.wait(150)
    assert screen.scans == ["5901234123457"]


def test_backspace_and_shortcuts_pass_through(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    qtbot.keyClicks(screen.manual, "AB", delay=80)
    qtbot.waitUntil(lambda: screen.manual.text() == "AB", timeout=2000)
    qtbot.keyClick(screen.manual, Qt.Key.Key_Backspace)
    assert screen.manual.text() == "A"
    assert QApplication.focusWidget() is screen.manual


# -- real scanners: modifier keys, the event's own time, Tab, leftovers -----------------------


def _key_event(
    key: int,
    text: str = "",
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    stamp_ms: int = 0,
) -> QKeyEvent:
    event = QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text)
    event.setTimestamp(stamp_ms)
    return event


def _type_like_a_scanner(
    target: QWidget,
    text: str,
    start_ms: int = 1_000,
    gap_ms: int = 2,
    suffix: int | None = Qt.Key.Key_Return,
    between: Callable[[], None] | None = None,
) -> int:
    """Key presses as X delivers a scanner's burst: Shift pressed (and its own event) before
    each capital or shifted symbol, every event stamped with the server's milliseconds."""
    stamp = start_ms
    for char in text:
        shifted = char.isupper() or char in '~!@#$%^&*()_+{}|:"<>?'
        modifiers = Qt.KeyboardModifier.ShiftModifier if shifted else Qt.KeyboardModifier.NoModifier
        if shifted:
            QApplication.sendEvent(target, _key_event(Qt.Key.Key_Shift, "", modifiers, stamp))
        key = ord(char.upper()) if char.isalnum() else Qt.Key.Key_unknown
        QApplication.sendEvent(target, _key_event(key, char, modifiers, stamp))
        stamp += gap_ms
        if between is not None:
            between()
    if suffix is not None:
        text_of = {Qt.Key.Key_Return: "\r", Qt.Key.Key_Tab: "\t"}
        QApplication.sendEvent(target, _key_event(suffix, text_of.get(suffix, ""), stamp_ms=stamp))
    return stamp


def test_shift_before_capitals_never_ends_a_burst(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    _type_like_a_scanner(screen.manual, "TKT-VALID-0001")
    _type_like_a_scanner(screen.manual, "Ab:/c?D~e", start_ms=5_000)
    assert screen.scans == ["TKT-VALID-0001", "Ab:/c?D~e"]
    assert screen.manual.text() == ""


def test_altgr_and_caps_lock_presses_are_part_of_the_burst(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    stamp = 100
    for key in (Qt.Key.Key_CapsLock, Qt.Key.Key_AltGr):
        QApplication.sendEvent(screen.manual, _key_event(key, stamp_ms=stamp))
    group = Qt.KeyboardModifier.GroupSwitchModifier
    for char in "@EUR1":
        QApplication.sendEvent(screen.manual, _key_event(Qt.Key.Key_unknown, char, group, stamp))
        stamp += 2
    QApplication.sendEvent(screen.manual, _key_event(Qt.Key.Key_Return, "\r", stamp_ms=stamp))
    assert screen.scans == ["@EUR1"]


def test_a_busy_gui_thread_cannot_split_a_burst(qtbot: QtBot, screen: Screen) -> None:
    """Keys stamped 2 ms apart but delivered 60 ms apart (the GUI thread was painting):
    the event's own time counts, not the delivery time."""
    screen.manual.setFocus()
    real = time.monotonic
    screen.filter._clock = real
    _type_like_a_scanner(screen.manual, "TKT-EVENT-0005", between=lambda: time.sleep(0.06))
    assert screen.scans == ["TKT-EVENT-0005"]
    assert screen.manual.text() == ""


def test_tab_ends_a_scan_like_enter(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    _type_like_a_scanner(screen.manual, "LOY-CARD-0004", suffix=Qt.Key.Key_Tab)
    assert screen.scans == ["LOY-CARD-0004"]
    assert QApplication.focusWidget() is screen.manual  # the Tab was consumed, focus stays


def test_a_persons_tab_still_moves_the_focus(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    qtbot.keyClick(screen.manual, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.other
    assert screen.scans == []


def test_leftovers_of_a_split_burst_are_cleared_when_the_scan_is_taken(
    qtbot: QtBot, screen: Screen
) -> None:
    screen.manual.setFocus()
    _type_like_a_scanner(screen.manual, "TK", suffix=None)  # a burst cut short: 2 keys
    qtbot.waitUntil(lambda: screen.manual.text() == "TK", timeout=2000)  # a person's, so far
    _type_like_a_scanner(screen.manual, "TKT-VOIDED-0002", start_ms=9_000)
    assert screen.scans == ["TKT-VOIDED-0002"]
    assert screen.manual.text() == ""


def test_server_time_going_backwards_ends_the_run(qtbot: QtBot, screen: Screen) -> None:
    screen.manual.setFocus()
    _type_like_a_scanner(screen.manual, "ABCDEF", start_ms=4_000, suffix=None)
    _type_like_a_scanner(screen.manual, "GHIJKL", start_ms=10, suffix=Qt.Key.Key_Return)
    assert screen.scans == ["ABCDEF", "GHIJKL"]


def test_a_first_key_stalled_on_its_way_is_taken_back(qtbot: QtBot, screen: Screen) -> None:
    """A loaded PC: the T waits alone for 150 ms, so it is replayed into manual entry as a
    person's; the K's timestamp (2 ms after the T) proves it was a burst."""
    screen.manual.setFocus()
    screen.filter._clock = time.monotonic
    QApplication.sendEvent(
        screen.manual, _key_event(Qt.Key.Key_T, "T", Qt.KeyboardModifier.ShiftModifier, 7000)
    )
    qtbot.waitUntil(lambda: screen.manual.text() == "T", timeout=2000)
    _type_like_a_scanner(screen.manual, "KT-VALID-0001", start_ms=7002)
    assert screen.scans == ["TKT-VALID-0001"]
    assert screen.manual.text() == ""
