"""Qt side of keyboard-wedge scanners: an application-wide event filter.

All timing rules live in :class:`kiosk.capture.wedge.WedgeDecoder`; this file only turns
Qt key events into its calls and its answers back into Qt: ``scanned`` is emitted for a
scanner burst (whatever widget has focus, and the burst's keys never reach that widget);
keys a person typed are replayed, in order, to the text field that has focus (an admin PIN
or search box keeps working), and otherwise into the manual-entry field, so staff can type a
code without clicking the field first.

Real scanners are keyboards: an upper-case letter arrives as Shift + key (AltGr for some
layouts), exactly as from a person, so modifier key presses are invisible here and never end
a burst. Keys are timed by the event's own timestamp (the X server's clock, when it was
typed), so a GUI thread busy painting the camera preview cannot stretch a 2 ms burst into
"a person typing". Whatever a split or aborted burst left in the manual-entry field is
cleared when a scan is taken, so leftovers never pile up into one long wrong code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from kiosk.capture.wedge import WedgeDecoder, WedgeResult
from kiosk.settings import ScannerSettings

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_SUFFIX_KEYS = (*_ENTER_KEYS, Qt.Key.Key_Tab)  # what scanners send after a code
# Keys that only change what the next key types: a scanner presses them too (Shift for capitals)
_MODIFIER_KEYS = frozenset(
    (
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Hyper_L,
        Qt.Key.Key_Hyper_R,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_ScrollLock,
        Qt.Key.Key_Mode_switch,
    )
)
_TYPING_MODIFIERS = (
    Qt.KeyboardModifier.NoModifier
    | Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.KeypadModifier
    | Qt.KeyboardModifier.GroupSwitchModifier
)
# A poll timer that fires this much after its time means the GUI thread was busy: key events
# typed meanwhile may still wait behind it (Qt fires timers before reading input), so look again
# shortly, up to _RECHECKS times, after they had their turn.
_LATE_TIMER = 0.015
_RECHECK_MS = 10
_RECHECKS = 3


@dataclass(frozen=True)
class _HeldKey:
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    receiver: QObject | None


class WedgeFilter(QObject):
    """Install once on the QApplication: ``WedgeFilter(manual_entry).install()``."""

    scanned = Signal(str)

    def __init__(
        self,
        manual_entry: QLineEdit | None = None,
        *,
        max_interval_ms: float = 30,
        silence_ms: float = 100,
        min_length: int = 4,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.manual_entry = manual_entry
        self.decoder = WedgeDecoder(max_interval_ms / 1000, silence_ms / 1000, min_length)
        self._clock = clock
        self._replaying = False
        self._last_key = (0.0, 0.0)  # (event time, clock at delivery) of the newest key
        self._rechecks = 0
        self._due = 0.0  # clock time the poll timer was started for
        self._replayed_to: QObject | None = None  # where a person's keys went last
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._poll)

    @classmethod
    def from_settings(
        cls,
        scanner: ScannerSettings,
        manual_entry: QLineEdit | None = None,
        parent: QObject | None = None,
    ) -> WedgeFilter:
        return cls(
            manual_entry,
            max_interval_ms=scanner.key_interval_ms,
            silence_ms=scanner.silence_ms,
            min_length=scanner.min_length,
            parent=parent,
        )

    def install(self, app: QCoreApplication | None = None) -> None:
        (app or QCoreApplication.instance()).installEventFilter(self)  # type: ignore[union-attr]

    def uninstall(self, app: QCoreApplication | None = None) -> None:
        target = app or QCoreApplication.instance()
        if target is not None:
            target.removeEventFilter(self)
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key, text = event.key(), event.text()
        if key in _MODIFIER_KEYS:  # Shift before a capital: part of the burst, not its end,
            return True  # and not a key for the screen (it would dismiss a verdict mid-burst)
        now = self._event_time(event)
        if event.isAutoRepeat():  # a held-down key repeats fast, but it is a person
            if self.decoder.pending:
                self._apply(self.decoder.other_key())
            return False
        plain = not (event.modifiers() & ~_TYPING_MODIFIERS)
        if (key in _SUFFIX_KEYS or text == "\n") and plain:  # "\n": a Linefeed suffix
            if not self.decoder.pending:
                return key in _ENTER_KEYS and self._enter_to_manual_entry(event)
            result = self.decoder.enter(now)
            self._apply(result)
            self._schedule()
            if result.pass_enter:
                return key in _ENTER_KEYS and self._enter_to_manual_entry(event)
            return True
        if plain and len(text) == 1 and text.isprintable():
            held = _HeldKey(key, event.modifiers(), text, watched)
            self._apply(self.decoder.key(text, now, held))
            self._schedule()
            return True
        if self.decoder.pending:  # Backspace, arrows, shortcuts: a person is typing
            self._apply(self.decoder.other_key())
        return False

    # -- helpers ------------------------------------------------------------------------------

    def _event_time(self, event: QKeyEvent) -> float:
        """When the key was typed, in seconds: the window system's timestamp (X server
        milliseconds), or the clock for events that carry none (synthesized ones)."""
        stamp = event.timestamp()
        delivered = self._clock()
        now = stamp / 1000 if stamp else delivered
        self._last_key = (now, delivered)
        self._rechecks = 0
        return now

    def _now(self) -> float:
        """The current time on the keys' clock: the newest key's time plus the time since it
        was delivered. It never runs ahead of the real time since that key was typed, so
        the silence rule cannot end a burst early."""
        key_time, delivered = self._last_key
        return key_time + (self._clock() - delivered)

    def _poll(self) -> None:
        if self._clock() - self._due > _LATE_TIMER and self._rechecks < _RECHECKS:
            self._rechecks += 1  # late: let waiting key events in before deciding
            self._start(_RECHECK_MS)
            return
        self._rechecks = 0
        self._apply(self.decoder.poll(self._now()))
        self._schedule()

    def _start(self, ms: int) -> None:
        self._due = self._clock() + ms / 1000
        self._timer.start(ms)

    def _schedule(self) -> None:
        deadline = self.decoder.next_deadline()
        if deadline is None:
            self._timer.stop()
            return
        self._start(max(int((deadline - self._now()) * 1000) + 1, 1))

    def _apply(self, result: WedgeResult) -> None:
        if result.reclaim:
            self._take_back("".join(held.text for held in result.reclaim))
        for held in result.forward:
            self._replay(held)
        if result.scan is not None:
            if self.manual_entry is not None:  # leftovers of a split burst, never piled up
                self.manual_entry.clear()
            self.scanned.emit(result.scan)

    def _target(self, receiver: QObject | None) -> QObject | None:
        focus = QApplication.focusWidget()
        if _accepts_text(focus):
            return focus
        if self.manual_entry is not None:
            return self.manual_entry
        if isinstance(receiver, QWindow):  # the event came in at window level
            return focus or receiver
        return receiver

    def _take_back(self, text: str) -> None:
        """Remove keys replayed as a person's from the field they went to: they turned out
        to be the start of a scanner burst (the next key's timestamp says so)."""
        field = self._replayed_to
        if isinstance(field, QLineEdit) and field.text().endswith(text):
            field.setText(field.text()[: -len(text)])

    def _replay(self, held: _HeldKey) -> None:
        target = self._target(held.receiver)
        self._replayed_to = target
        if target is None:
            return
        self._send(target, QKeyEvent(QEvent.Type.KeyPress, held.key, held.modifiers, held.text))

    def _enter_to_manual_entry(self, event: QKeyEvent) -> bool:
        """Enter after a person typed into the manual-entry field submits that field when no
        other text field has focus; otherwise Enter goes where it was going."""
        entry = self.manual_entry
        if entry is None or not entry.text() or _accepts_text(QApplication.focusWidget()):
            return False
        self._send(
            entry, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(), event.text())
        )
        return True

    def _send(self, target: QObject, event: QKeyEvent) -> None:
        self._replaying = True
        try:
            QCoreApplication.sendEvent(target, event)
        finally:
            self._replaying = False


def _accepts_text(widget: QWidget | None) -> bool:
    """Whether typing into ``widget`` makes sense (an editable text or number field)."""
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QAbstractSpinBox) and not widget.isReadOnly()
