"""The verdict, filling the window: colour, a big icon and a word, then the details.

Colour is never the only signal (colour-blind staff, sunlight on the screen): every verdict
has its own icon and word. The screen returns to scanning by itself after
``screen.verdict_seconds``, or waits for a tap or key when ``verdict_hold_until_tap`` is on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.scanning.verdict import Verdict, VerdictKind
from kiosk.ui import texts
from kiosk.ui.theme import VERDICT_COLOURS, px
from kiosk.ui.widgets import FitLabel, VerdictIcon, label


class VerdictScreen(QWidget):
    finished = Signal()  # time is up, or staff tapped / pressed a key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdict: Verdict | None = None
        self.hide_holder = False
        self.hold_until_tap = False
        self.seconds = 3.0
        self._scale = 1.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.finished)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.icon = VerdictIcon()
        self.word = FitLabel()
        self.badge = label()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = self._text_label()
        self.holder = self._text_label()
        self.details = self._text_label()
        self.hint = self._text_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(6)
        layout.addWidget(self.icon, 5)
        layout.addWidget(self.word)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.reason)
        layout.addWidget(self.holder)
        layout.addWidget(self.details)
        layout.addStretch(1)
        layout.addWidget(self.hint)

    @staticmethod
    def _text_label() -> QLabel:
        widget = label(wrap=True)
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return widget

    def configure(self, seconds: float, hold_until_tap: bool, hide_holder: bool) -> None:
        self.seconds, self.hold_until_tap, self.hide_holder = seconds, hold_until_tap, hide_holder

    def show_verdict(self, verdict: Verdict) -> None:
        """Show ``verdict`` and start the clock back to scanning (unless held)."""
        self.verdict = verdict
        self._fill()
        self._timer.stop()
        if not self.hold_until_tap:
            self._timer.start(round(self.seconds * 1000))

    @property
    def held(self) -> bool:
        return self.hold_until_tap and self.verdict is not None

    def set_scale(self, scale: float) -> None:
        self._scale = scale
        self._fill()

    def _fill(self) -> None:
        verdict = self.verdict
        if verdict is None:
            return
        colours = VERDICT_COLOURS[verdict.kind]
        self.icon.set_kind(verdict.kind, colours.text)
        s = self._scale
        text_css = f"color: {colours.text.name()}; background: transparent;"
        self.word.set_css(text_css)
        self.word.set_pixel_size(px(84, s))
        self.word.setText(texts.verdict_word(verdict))
        self.reason.setStyleSheet(f"{text_css} font-size: {px(26, s)}px; font-weight: 600;")
        self.holder.setStyleSheet(f"{text_css} font-size: {px(34, s)}px; font-weight: 800;")
        self.details.setStyleSheet(f"{text_css} font-size: {px(24, s)}px;")
        self.hint.setStyleSheet(f"{text_css} font-size: {px(20, s)}px; font-weight: 700;")
        self.badge.setStyleSheet(
            f"color: #111111; background: #FFFFFF; border: {px(3, s)}px solid #111111;"
            f"border-radius: {px(8, s)}px; padding: {px(4, s)}px {px(16, s)}px;"
            f"font-size: {px(24, s)}px; font-weight: 800;"
        )
        self.badge.setText(self.tr("OFFLINE: will upload later"))
        self.badge.setVisible(verdict.offline)
        self.reason.setText(self._reason(verdict))
        holder = verdict.holder if verdict.holder and not self.hide_holder else ""
        self.holder.setText(holder)
        self.holder.setVisible(bool(holder))
        details = self._details(verdict)
        self.details.setText(details)
        self.details.setVisible(bool(details))
        self.hint.setText(
            self.tr("Tap the screen or press any key to continue") if self.hold_until_tap else ""
        )
        self.update()

    def _reason(self, verdict: Verdict) -> str:
        kind = verdict.kind
        if kind is VerdictKind.EXPIRED:
            if verdict.expires_at is not None:
                return self.tr("Expired on %1").replace("%1", texts.long_date(verdict.expires_at))
            return self.tr("This pass has expired.")
        if kind is VerdictKind.VOIDED:
            text = self.tr("This pass has been voided.")
            if verdict.expires_at is not None:
                text += " " + self.tr("Valid until %1").replace(
                    "%1", texts.long_date(verdict.expires_at)
                )
            return text
        if kind is VerdictKind.UNKNOWN:
            return self.tr("No pass with this code in this workspace.")
        if kind is VerdictKind.DUPLICATE:
            first = verdict.first_scanned_at
            if first is None:
                return self.tr("Scanned here before.")
            return (
                self.tr("First scanned at %1 (%2)")
                .replace("%1", texts.clock(first))
                .replace("%2", texts.ago(first, datetime.now(UTC)))
            )
        if kind is VerdictKind.ERROR:
            return verdict.message or self.tr("The kiosk could not check this code.")
        return ""

    def _details(self, verdict: Verdict) -> str:
        parts = [p for p in (verdict.template_name, texts.pass_type_name(verdict.pass_type)) if p]
        if (
            verdict.template_name
            and texts.pass_type_name(verdict.pass_type) == verdict.template_name
        ):
            parts = parts[:1]
        line = " · ".join(parts)
        if verdict.kind is VerdictKind.VALID and verdict.reward_points:
            posted = texts.points_text(verdict.reward_points)
            line = f"{line}\n{posted}" if line else posted
        return line

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.verdict is not None:
            painter = QPainter(self)
            painter.fillRect(self.rect(), VERDICT_COLOURS[self.verdict.kind].background)
        super().paintEvent(event)

    def dismiss(self) -> None:
        """Staff acknowledged: back to scanning."""
        if self.verdict is not None:
            self._timer.stop()
            self.finished.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.dismiss()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.dismiss()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._fill()
        super().changeEvent(event)
