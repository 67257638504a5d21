"""The last 100 scans, newest first, searchable: "did the lady with the pram get in?"."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.scanning.backend import HistoryEntry
from kiosk.ui import texts
from kiosk.ui.widgets import button, label, mark_screen

LIMIT = 100


class HistoryScreen(QWidget):
    searchChanged = Signal(str)  # debounced: the worker runs history(LIMIT, search)
    backRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mark_screen(self)
        self.entries: list[HistoryEntry] = []
        self.hide_holder = False
        self.back = button()
        self.back.clicked.connect(self.backRequested)
        self.title = label("title")
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.searchChanged.emit(self.search_text()))
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.empty = label("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableWidget(0, 5)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.title, 1)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.retranslate()

    def search_text(self) -> str:
        return self.search.text().strip()

    def show_entries(self, entries: list[HistoryEntry]) -> None:
        self.entries = list(entries)[:LIMIT]
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            holder = "" if self.hide_holder or not entry.holder else f" · {entry.holder}"
            verdict = texts.kind_short(entry.kind)
            if entry.offline:
                verdict += " " + self.tr("(offline)")
            cells = (
                texts.when(entry.scanned_at),
                texts.shorten_code(entry.code),
                verdict + holder,
                texts.points_text(entry.reward_points) if entry.reward_points else "",
                texts.upload_state_name(entry.upload_state),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setToolTip(entry.code)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()  # row height follows the (scaled) font
        self.empty.setVisible(not self.entries)

    def retranslate(self) -> None:
        self.back.setText(self.tr("Back"))
        self.title.setText(self.tr("Last %1 scans").replace("%1", str(LIMIT)))
        self.search.setPlaceholderText(self.tr("Search code or name"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Code"),
                self.tr("Verdict"),
                self.tr("Points"),
                self.tr("Upload"),
            ]
        )
        self.empty.setText(
            self.tr("No scans match.") if self.search_text() else self.tr("No scans yet.")
        )
        if self.entries:
            self.show_entries(self.entries)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
