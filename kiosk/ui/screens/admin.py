"""Admin, behind the PIN: the settings a supervisor changes at the door, and the actions
(upload now, export the journal, register again, leave full-screen, quit).

The screen edits a copy of the settings; "Save" hands the copy out and the app stores and
applies it. Nothing here talks to the backend directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QScroller,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.settings import LANGUAGES, MODES, OFFLINE_POLICIES, Settings
from kiosk.ui import texts
from kiosk.ui.widgets import button, label, mark_screen

if TYPE_CHECKING:
    from kiosk.fleet.fleet import FleetStatus

LANGUAGE_NAMES = {"en": "English", "pl": "Polski"}  # each in its own language, never translated


class AdminScreen(QWidget):
    saveRequested = Signal(object)  # Settings
    uploadNowRequested = Signal()
    exportRequested = Signal()
    reprovisionRequested = Signal()
    fullscreenToggleRequested = Signal()
    quitRequested = Signal()
    testSoundRequested = Signal(float)  # volume
    backRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mark_screen(self)
        self.settings = Settings()
        self.fullscreen = True
        self.title = label("title")
        self.fleet_line = label("hint", wrap=True)  # the venue broker and the other doors
        # The cameras connected now and the synthetic one; editable for 'file:PATH' or a name,
        # checked on Save (kiosk.capture.factory.device_problem) so a typo cannot stop the camera.
        self.camera = QComboBox()
        self.camera.setEditable(True)
        self.mode = QComboBox()
        self.entry_points = self._spin(1_000_000)
        self.reward_points = self._spin(1_000_000)
        self.redeem_points = self._spin(1_000_000)
        self.reentry = QDoubleSpinBox()
        self.reentry.setRange(0, 7 * 24 * 60)
        self.reentry.setDecimals(0)
        self.verdict_seconds = QDoubleSpinBox()
        self.verdict_seconds.setRange(0.5, 60)
        self.verdict_seconds.setDecimals(1)
        self.verdict_seconds.setSingleStep(0.5)
        self.hold = QCheckBox()
        self.offline_policy = QComboBox()
        self.sound_on = QCheckBox()
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.test_sound = button()
        self.test_sound.clicked.connect(
            lambda: self.testSoundRequested.emit(self.volume.value() / 100)
        )
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.hide_names = QCheckBox()
        self.start_fullscreen = QCheckBox()

        # Two columns of fields, each with its name above it: every setting is on screen at
        # 1024x600 without scrolling, and long translations get the full column width.
        self._labels = [label() for _ in range(10)]
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        volume_row = QHBoxLayout()
        volume_row.addWidget(self.sound_on)
        volume_row.addWidget(self.volume, 1)
        volume_row.addWidget(self.test_sound)
        fields: tuple[QWidget | QHBoxLayout, ...] = (
            self.mode,
            self.entry_points,
            self.reward_points,
            self.redeem_points,
            self.camera,
            self.language,
            self.reentry,
            self.offline_policy,
            self.verdict_seconds,
            volume_row,
        )
        for index, (row_label, field) in enumerate(zip(self._labels, fields, strict=True)):
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(row_label)
            if isinstance(field, QHBoxLayout):
                cell.addLayout(field)
            else:
                cell.addWidget(field)
            grid.addLayout(cell, index % 5, index // 5)
        grid.addWidget(self.hide_names, 5, 0)
        grid.addWidget(self.hold, 5, 1)
        grid.addWidget(self.start_fullscreen, 6, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(7, 1)
        form = QWidget()
        form.setLayout(grid)
        form.setProperty("screen", True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(
            scroll.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )

        self.save = button("primary")
        self.save.clicked.connect(self._save)
        self.upload_now = button()
        self.upload_now.clicked.connect(self.uploadNowRequested)
        self.export = button()
        self.export.clicked.connect(self.exportRequested)
        self.reprovision = button()
        self.reprovision.clicked.connect(self.reprovisionRequested)
        self.toggle_fullscreen = button()
        self.toggle_fullscreen.clicked.connect(self.fullscreenToggleRequested)
        self.quit = button("danger")
        self.quit.clicked.connect(self.quitRequested)
        self.back = button()
        self.back.clicked.connect(self.backRequested)
        self.message = label("hint", wrap=True)
        actions = QVBoxLayout()
        for widget in (
            self.save,
            self.upload_now,
            self.export,
            self.reprovision,
            self.toggle_fullscreen,
            self.quit,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.back)

        body = QHBoxLayout()
        body.addWidget(scroll, 3)
        body.addLayout(actions, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.fleet_line)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        self.retranslate()

    @staticmethod
    def _spin(maximum: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, maximum)
        return spin

    def load(self, settings: Settings, fullscreen: bool) -> None:
        """Show ``settings``; nothing changes until Save hands out a new object (see edited())."""
        self.settings = settings
        self.fullscreen = fullscreen
        s = self.settings
        self._load_cameras(s.camera.device)
        self._select(self.mode, s.scanning.mode)
        self.entry_points.setValue(s.scanning.entry_points)
        self.reward_points.setValue(s.scanning.reward_points)
        self.redeem_points.setValue(s.scanning.redeem_points)
        self.reentry.setValue(s.scanning.reentry_window_minutes)
        self._select(self.offline_policy, s.scanning.offline_policy)
        self.verdict_seconds.setValue(s.screen.verdict_seconds)
        self.hold.setChecked(s.screen.verdict_hold_until_tap)
        self.sound_on.setChecked(s.sound.enabled)
        self.volume.setValue(round(s.sound.volume * 100))
        self._select(self.language, s.screen.language)
        self.hide_names.setChecked(s.screen.hide_holder_names)
        self.start_fullscreen.setChecked(s.screen.fullscreen)
        self.message.setText("")
        self.retranslate()

    def edited(self) -> Settings:
        """The settings as the form shows them."""
        return self.settings.with_changes(
            camera={"device": self.camera_device()},
            scanning={
                "mode": self.mode.currentData(),
                "entry_points": self.entry_points.value(),
                "reward_points": self.reward_points.value(),
                "redeem_points": self.redeem_points.value(),
                "reentry_window_minutes": float(self.reentry.value()),
                "offline_policy": self.offline_policy.currentData(),
            },
            screen={
                "verdict_seconds": float(self.verdict_seconds.value()),
                "verdict_hold_until_tap": self.hold.isChecked(),
                "language": self.language.currentData(),
                "hide_holder_names": self.hide_names.isChecked(),
                "fullscreen": self.start_fullscreen.isChecked(),
            },
            sound={"enabled": self.sound_on.isChecked(), "volume": self.volume.value() / 100},
        )

    def _load_cameras(self, current: str) -> None:
        from kiosk.capture.factory import device_choices

        self.camera.clear()
        for value, name in device_choices():
            self.camera.addItem(name, value)
        index = self.camera.findData(current)
        if index < 0:
            self.camera.setEditText(current)
        else:
            self.camera.setCurrentIndex(index)

    def camera_device(self) -> str:
        """The ``camera.device`` value chosen or typed: a listed camera's index, or the text."""
        text = self.camera.currentText().strip()
        index = self.camera.findText(text)
        if index >= 0:
            return str(self.camera.itemData(index))
        return text or "0"

    def _save(self) -> None:
        from kiosk.capture.factory import device_problem

        problem = device_problem(self.camera_device())
        if problem:
            self.say(self.tr("The camera setting cannot be used: %1").replace("%1", problem))
            return
        self.saveRequested.emit(self.edited())

    def set_fleet(self, fleet: FleetStatus | None) -> None:
        """One line: broker connected or not, and the other doors of the venue."""
        if fleet is None:
            self.fleet_line.setText(self.tr("Not in a venue fleet."))
            return
        waiting = self.tr("waiting")
        state = self.tr("connected") if fleet.connected else self.tr("not connected")
        doors = ", ".join(
            f"{door.device} ({self._door_state(door.up)}"
            + (f", {door.pending} {waiting}" if door.pending else "")
            + ")"
            for door in fleet.doors
        ) or self.tr("none yet")
        self.fleet_line.setText(
            self.tr("Venue broker %1: %2. Other doors: %3")
            .replace("%1", fleet.broker)
            .replace("%2", state)
            .replace("%3", doors)
        )

    def _door_state(self, up: tuple[str, ...]) -> str:
        """A door is up while any of its processes is: say which (the screen, kiosk scan)."""
        if not up:
            return self.tr("gone")
        if "screen" not in up:
            return self.tr("kiosk scan up")
        return self.tr("screen up") if len(up) == 1 else self.tr("screen and kiosk scan up")

    def say(self, text: str) -> None:
        self.message.setText(text)

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(0, index))

    def retranslate(self) -> None:
        self.title.setText(self.tr("Admin"))
        mode, policy = self.mode.currentData(), self.offline_policy.currentData()
        self.mode.clear()
        for code in MODES:
            self.mode.addItem(texts.mode_name(code).capitalize(), code)
        self._select(self.mode, mode or self.settings.scanning.mode)
        self.offline_policy.clear()
        policy_names = {"accept": self.tr("Accept (upload later)"), "reject": self.tr("Reject")}
        for code in OFFLINE_POLICIES:
            self.offline_policy.addItem(policy_names.get(code, code), code)
        self._select(self.offline_policy, policy or self.settings.scanning.offline_policy)
        names = (
            self.tr("Mode"),
            self.tr("Entry points"),
            self.tr("Reward points"),
            self.tr("Redeem points"),
            self.tr("Camera"),
            self.tr("Language"),
            self.tr("Re-entry window (min)"),
            self.tr("Unknown pass offline"),
            self.tr("Verdict shown (s)"),
            self.tr("Sound"),
        )
        for row_label, text in zip(self._labels, names, strict=False):
            row_label.setText(text)
        self.hold.setText(self.tr("Hold verdict until tap"))
        self.sound_on.setText(self.tr("on"))
        self.test_sound.setText(self.tr("Test"))
        self.hide_names.setText(self.tr("Hide names (privacy)"))
        self.start_fullscreen.setText(self.tr("Start full-screen"))
        editor = self.camera.lineEdit()
        if editor is not None:  # the combo box is editable: it has one
            editor.setPlaceholderText(self.tr("0, 1, … or part of the name"))
        self.save.setText(self.tr("Save settings"))
        self.upload_now.setText(self.tr("Upload now"))
        self.export.setText(self.tr("Export journal (CSV)"))
        self.reprovision.setText(self.tr("Register again"))
        self.toggle_fullscreen.setText(
            self.tr("Leave full-screen") if self.fullscreen else self.tr("Full-screen")
        )
        self.quit.setText(self.tr("Quit kiosk"))
        self.back.setText(self.tr("Back to scanning"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
