"""Admin's controller: the PIN in front of it, and what its buttons do.

The screen (kiosk/ui/screens/admin.py) only edits a copy of the settings and emits requests;
this class stores and applies settings, runs the upload and the export through the backend
runner (off the UI thread) and leaves or enters full-screen. It reaches the rest of the kiosk
only through the :class:`~kiosk.ui.app.KioskApp` that owns it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kiosk.journal.export import EXPORT_LIMIT, export_journal_csv
from kiosk.settings import Settings, save_settings
from kiosk.ui.sound import ACCEPTED, REJECTED

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class AdminActions(QObject):
    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.app = app
        self._after_pin: Callable[[], None] = self.open_admin
        w = app.window
        w.scanning.adminRequested.connect(lambda: self.ask_pin(self.open_admin))
        w.pin.unlocked.connect(self._pin_unlocked)
        w.pin.pinChosen.connect(self._pin_chosen)
        w.pin.cancelled.connect(app.back_to_scanning)
        w.admin.saveRequested.connect(app.save_settings)
        w.admin.uploadNowRequested.connect(self._upload_now)
        w.admin.exportRequested.connect(self._export)
        w.admin.fullscreenToggleRequested.connect(self._toggle_fullscreen)
        w.admin.quitRequested.connect(app.quit)
        w.admin.backRequested.connect(app.back_to_scanning)
        w.admin.testSoundRequested.connect(self._test_sound)
        w.closeRefused.connect(lambda: self.ask_pin(app.quit))

    # -- the PIN -----------------------------------------------------------------------------------

    def ask_pin(self, then: Callable[[], None]) -> None:
        w = self.app.window
        if w.current is w.pin:
            return
        self._after_pin = then
        w.pin.start(self.app.settings.admin.pin_hash)
        w.show_screen(w.pin)

    def _pin_unlocked(self) -> None:
        then, self._after_pin = self._after_pin, self.open_admin
        then()

    def _pin_chosen(self, pin_hash: str) -> None:
        self.store_pin_hash(pin_hash)

    def store_pin_hash(self, pin_hash: str) -> None:
        """A new PIN (chosen here or at registration): kept in the settings file at once."""
        self.app.settings = self.app.settings.with_changes(admin={"pin_hash": pin_hash})
        self.save(self.app.settings)

    # -- the screen's buttons ------------------------------------------------------------------

    def open_admin(self) -> None:
        w = self.app.window
        w.admin.load(self.app.settings, fullscreen=w.isFullScreen())
        w.show_screen(w.admin)

    def save(self, settings: Settings) -> bool:
        """Write ``settings`` to the settings file; say why on Admin when that fails."""
        try:
            save_settings(self.app.paths.settings_file, settings)
        except OSError as exc:
            self.app.window.admin.say(
                self.tr("Could not save the settings: %1").replace("%1", exc.strerror or str(exc))
            )
            return False
        return True

    def say_saved(self) -> None:
        self.app.window.admin.say(self.tr("Settings saved."))

    def _toggle_fullscreen(self) -> None:
        w = self.app.window
        if w.isFullScreen():
            w.show_windowed()
        else:
            w.show_fullscreen()
        w.admin.fullscreen = w.isFullScreen()
        w.admin.retranslate()

    def _test_sound(self, volume: float) -> None:
        sounds = self.app.sounds
        trial = self.app.settings.with_changes(sound={"volume": volume, "enabled": True})
        sounds.configure(trial.sound)
        sounds.play(ACCEPTED)
        QTimer.singleShot(700, lambda: sounds.play(REJECTED))
        QTimer.singleShot(1500, lambda: sounds.configure(self.app.settings.sound))

    def _upload_now(self) -> None:
        runner, admin = self.app.runner, self.app.window.admin
        if runner is None:
            return
        admin.say(self.tr("Uploading…"))
        runner.try_now(lambda _: admin.say(self.tr("Upload attempt finished.")))

    def _export(self) -> None:
        runner, admin = self.app.runner, self.app.window.admin
        if runner is None:
            return
        target = (
            self.app.paths.data_dir
            / "exports"
            / (f"journal-{datetime.now().strftime('%Y%m%d-%H%M%S')}.csv")
        )
        backend = runner.backend
        admin.say(self.tr("Exporting…"))
        runner.run(
            lambda: export_journal_csv(backend.history(EXPORT_LIMIT, ""), target),
            lambda count: admin.say(
                self.tr("Exported %1 scans to %2")
                .replace("%1", str(count))
                .replace("%2", str(target))
            ),
            lambda exc: admin.say(self.tr("Export failed: %1").replace("%1", str(exc))),
        )
