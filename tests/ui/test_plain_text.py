"""Text from outside (holder names, server messages, codes) is shown as text, never as HTML."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.scanning.verdict import ScanMode, Verdict, VerdictKind


def test_every_label_shows_plain_text(qtbot, kiosk):
    labels = kiosk.window.findChildren(QLabel)
    assert len(labels) > 10
    rich = [
        label.objectName() or label.text()
        for label in labels
        if label.textFormat() is not Qt.TextFormat.PlainText
    ]
    assert rich == []


def test_a_holder_name_that_looks_like_html_is_shown_as_typed(qtbot, kiosk):
    screen = kiosk.window.verdict
    name = "<b>Mallory</b><img src='file:///etc/passwd'>"
    screen.show_verdict(
        Verdict(
            code="TKT-X",
            kind=VerdictKind.VALID,
            offline=False,
            scan_id="s-1",
            mode=ScanMode.ENTRY,
            scanned_at=datetime.now(UTC),
            message="<i>Welcome</i>.",
            holder=name,
        )
    )
    assert screen.holder.text() == name
    assert screen.holder.textFormat() is Qt.TextFormat.PlainText
