"""The admin PIN pad: big keys for a touch screen, digits from a keyboard too.

Five wrong PINs lock the pad for 30 seconds: a four-digit PIN must not be guessable by
someone in the queue with time on their hands. When no PIN was ever set (a kiosk provisioned
from the command line) the pad asks to choose one, twice, before opening Admin.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.pin import MAX_DIGITS, MIN_DIGITS, hash_pin, verify_pin
from kiosk.ui.widgets import button, label, mark_screen

MAX_ATTEMPTS = 5
LOCKOUT_SECONDS = 30.0


class PinScreen(QWidget):
    unlocked = Signal()
    pinChosen = Signal(str)  # the new hash, when no PIN was set before
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mark_screen(self)
        self.pin_hash = ""
        self.hint_text = ""  # e.g. the demo's PIN
        self._entered = ""
        self._first_choice = ""
        self._failures = 0
        self._locked_until = 0.0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.title = label("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots = label("title")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = label("error", wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._key(digit), index // 3, index % 3)
        self.clear_key = self._key("clear")
        self.ok_key = self._key("ok")
        grid.addWidget(self.clear_key, 3, 0)
        grid.addWidget(self._key("0"), 3, 1)
        grid.addWidget(self.ok_key, 3, 2)
        self.cancel = button()
        self.cancel.clicked.connect(self._cancel)
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(1000)
        self._lock_timer.timeout.connect(self._update_lock)

        pad = QHBoxLayout()
        pad.addStretch(1)
        pad.addLayout(grid)
        pad.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.dots)
        layout.addLayout(pad, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.cancel)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        self.retranslate()

    def _key(self, name: str) -> QPushButton:
        key = button("primary" if name == "ok" else "key")
        if name == "ok":
            key.setProperty("role", "key")
        key.setText(name)
        key.clicked.connect(lambda: self.press(name))
        self.keys[name] = key
        return key

    @property
    def choosing(self) -> bool:
        return not self.pin_hash

    def start(self, pin_hash: str) -> None:
        """Ask for the PIN (or to choose one when ``pin_hash`` is empty)."""
        self.pin_hash = pin_hash
        self._entered = ""
        self._first_choice = ""
        self.message.setText("")
        self.retranslate()
        self._update_lock()
        self.setFocus()

    def press(self, key: str) -> None:
        if self.locked:
            return
        if key == "clear":
            self._entered = ""
        elif key == "ok":
            self._submit()
            return
        elif key.isdigit() and len(self._entered) < MAX_DIGITS:
            self._entered += key
            self.message.setText("")
        self._show_dots()

    def enter(self, pin: str) -> None:
        """Type a whole PIN and press OK (the keyboard path; also used by the tests)."""
        for digit in pin:
            self.press(digit)
        self.press("ok")

    @property
    def locked(self) -> bool:
        return time.monotonic() < self._locked_until

    def _submit(self) -> None:
        pin, self._entered = self._entered, ""
        self._show_dots()
        if self.choosing:
            self._choose(pin)
        elif verify_pin(pin, self.pin_hash):
            self._failures = 0
            self.unlocked.emit()
        else:
            self._failures += 1
            if self._failures >= MAX_ATTEMPTS:
                self._failures = 0
                self._locked_until = time.monotonic() + LOCKOUT_SECONDS
                self._update_lock()
            else:
                self.message.setText(
                    self.tr("Wrong PIN. %n attempt(s) left.", "", MAX_ATTEMPTS - self._failures)
                )

    def _choose(self, pin: str) -> None:
        if not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
            self.message.setText(self.tr("The admin PIN must be 4 to 12 digits."))
            return
        if not self._first_choice:
            self._first_choice = pin
            self.retranslate()
            return
        if pin != self._first_choice:
            self._first_choice = ""
            self.retranslate()
            self.message.setText(self.tr("The two PINs differ; start again."))
            return
        self.pin_hash = hash_pin(pin)
        self.pinChosen.emit(self.pin_hash)
        self.unlocked.emit()

    def _update_lock(self) -> None:
        remaining = self._locked_until - time.monotonic()
        for key in self.keys.values():
            key.setEnabled(remaining <= 0)
        if remaining > 0:
            self.message.setText(
                self.tr("Too many wrong PINs. Try again in %n s.", "", max(1, round(remaining)))
            )
            self._lock_timer.start()
        elif self._lock_timer.isActive():
            self._lock_timer.stop()
            self.message.setText("")

    def _show_dots(self) -> None:
        self.dots.setText("●" * len(self._entered) if self._entered else "—")

    def _cancel(self) -> None:
        self._entered = ""
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit():
            self.press(text)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.press("ok")
        elif event.key() == Qt.Key.Key_Backspace:
            self._entered = self._entered[:-1]
            self._show_dots()
        elif event.key() == Qt.Key.Key_Escape:
            self._cancel()
        else:
            super().keyPressEvent(event)

    def retranslate(self) -> None:
        if not self.choosing:
            self.title.setText(self.tr("Enter the admin PIN"))
        elif self._first_choice:
            self.title.setText(self.tr("Type the new PIN again"))
        else:
            self.title.setText(self.tr("Choose an admin PIN (4 to 12 digits)"))
        self.keys["clear"].setText(self.tr("Clear"))
        self.keys["ok"].setText(self.tr("OK"))
        self.cancel.setText(self.tr("Cancel"))
        self.hint.setText(self.hint_text)
        self._show_dots()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
