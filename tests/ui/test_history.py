"""History: the last scans with time, shortened code, verdict and upload state; searchable."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.demo.passes import EXPIRED_CODE, UNKNOWN_CODE, VALID_CODE
from tests.ui.conftest import wait_until
from tests.ui.test_scanning import scan_manually

LEFT = Qt.MouseButton.LeftButton


def cells(table, column):
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_history_lists_and_searches(qtbot, kiosk):
    long_code = "X" * 40 + "-END123"
    for code in (VALID_CODE, EXPIRED_CODE, UNKNOWN_CODE, long_code):
        scan_manually(qtbot, kiosk, code)
        kiosk.window.verdict.dismiss()
    window = kiosk.window
    qtbot.mouseClick(window.scanning.history_button, LEFT)
    screen = window.history
    assert window.current is screen
    wait_until(qtbot, lambda: screen.table.rowCount() == 4)
    table = screen.table
    codes = cells(table, 1)
    assert codes[1:] == [UNKNOWN_CODE, EXPIRED_CODE, VALID_CODE]  # newest first
    assert codes[0].endswith("END123") and "…" in codes[0] and len(codes[0]) < 20
    assert cells(table, 2)[1:] == ["Unknown", "Expired · Mary Somerville", "Valid · Ada Lovelace"]
    assert cells(table, 4)[-1] in ("waiting", "uploaded")
    assert cells(table, 4)[1] == "not sent"
    wait_until(qtbot, lambda: kiosk.runner.backend.status().pending == 0)
    qtbot.keyClicks(screen.search, "Lovelace")
    wait_until(qtbot, lambda: cells(screen.table, 1) == [VALID_CODE])
    screen.search.clear()
    qtbot.keyClicks(screen.search, "nothing-like-this")
    wait_until(qtbot, lambda: screen.table.rowCount() == 0)
    assert not screen.empty.isHidden()
    qtbot.mouseClick(screen.back, LEFT)
    assert window.current is window.scanning
