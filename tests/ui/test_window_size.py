"""The window's size rules: a minimum the layout fits in, and nothing drawn over anything."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from kiosk.ui.app import KioskApp
from kiosk.ui.window import MIN_SIZE
from tests.ui.conftest import wait_until


def leaf_rects(root: QWidget) -> dict[QWidget, QRect]:
    """Visible labels, buttons and fields of the current screen, in window coordinates."""
    rects = {}
    for widget in root.findChildren(QWidget):
        if (
            isinstance(widget, QLabel | QAbstractButton | QLineEdit)
            and widget.isVisible()
            and widget.width() > 0
            and (not isinstance(widget, QLabel) or widget.text())
        ):
            top_left = widget.mapTo(root, QPoint(0, 0))
            rects[widget] = QRect(top_left, widget.size())
    return rects


@pytest.mark.parametrize("size", [(800, 480), (1024, 600), (1280, 800)])
def test_nothing_overlaps_down_to_the_minimum_size(
    qtbot: Any, credentials: Any, make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    kiosk = make_app()
    window = kiosk.window
    assert window.minimumSize().width() <= MIN_SIZE.width()
    window.resize(*size)
    wait_until(qtbot, lambda: window.size().width() == size[0])
    qtbot.wait(50)
    rects = leaf_rects(window)
    assert len(rects) >= 5
    inside = QRect(QPoint(0, 0), window.size())
    for widget, rect in rects.items():
        assert inside.contains(rect), f"{widget.objectName() or widget} is cut off at {size}"
    for (a, ra), (b, rb) in combinations(rects.items(), 2):
        if a.isAncestorOf(b) or b.isAncestorOf(a):
            continue
        assert not ra.intersects(rb), f"{a} and {b} overlap at {size}: {ra} {rb}"


def test_the_window_cannot_be_made_smaller_than_the_layout_needs(
    qtbot: Any, credentials: Any, make_app: Callable[..., KioskApp]
) -> None:
    kiosk = make_app()
    kiosk.window.resize(400, 200)
    qtbot.wait(20)
    assert kiosk.window.width() >= min(MIN_SIZE.width(), kiosk.window.screen().size().width())
    assert kiosk.window.height() >= min(MIN_SIZE.height(), kiosk.window.screen().size().height())
