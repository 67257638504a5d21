"""KioskApp: wires the window's screens to the scan backend, the camera and the settings.

This is the only place that knows what happens when: a code arrives (camera, USB scanner,
manual entry) -> the scan worker -> the verdict screen + sound -> back to scanning; the
status bar refreshes every second through the status worker; first run provisions off the UI
thread; Admin saves settings and applies them at once. The business rules stay in the
backend: this class only forwards and shows.
"""

from __future__ import annotations

import copy
import csv
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk.capture.types import CameraState
from kiosk.device import DeviceCredentials, DeviceFileError, load_credentials
from kiosk.journal import JournalUnavailable
from kiosk.paths import Paths
from kiosk.provisioning import (
    ProvisioningFailed,
    default_device_name,
    hand_over_queue,
    provision,
)
from kiosk.scanning.backend import ConnectionStatus, DayCounts, HistoryEntry, ScanBackend
from kiosk.scanning.verdict import ScanMode, Verdict, VerdictKind
from kiosk.settings import Settings, load_settings, save_settings
from kiosk.ui.camera import CaptureBridge, SourceFactory, camera_source
from kiosk.ui.i18n import LanguageSwitcher
from kiosk.ui.screens.history import LIMIT as HISTORY_LIMIT
from kiosk.ui.sound import ACCEPTED, REJECTED, Sounds
from kiosk.ui.wedge import WedgeFilter
from kiosk.ui.window import KioskWindow
from kiosk.ui.worker import BackendRunner, BackgroundCalls

log = logging.getLogger(__name__)


BackendFactory = Callable[[Paths, DeviceCredentials, Settings], ScanBackend]
STATUS_INTERVAL_MS = 1000
EXPORT_LIMIT = 10_000_000


def scan_service(paths: Paths, credentials: DeviceCredentials, settings: Settings) -> ScanBackend:
    """The real backend: the journaled, offline-first scan pipeline."""
    from kiosk.scanning.service import ScanService

    return ScanService(paths, credentials, settings)


class KioskApp(QObject):
    """Owns the window, the worker threads, the backend and the camera; ``shutdown()`` ends all."""

    backendReady = Signal()
    verdictShown = Signal(object)  # Verdict: for the door hook's successors and the tests

    def __init__(self, paths: Paths, *, demo: bool = False,
                 settings: Settings | None = None,
                 backend_factory: BackendFactory = scan_service,
                 source_factory: SourceFactory | None = camera_source,
                 pin_hint: str = "") -> None:
        super().__init__()
        self.paths = paths
        self.demo = demo
        if settings is None:
            loaded = load_settings(paths.settings_file)
            settings = loaded.settings
            for problem in loaded.problems:
                log.warning("%s", problem)
        self.settings = settings
        self._backend_factory = backend_factory
        self._source_factory = source_factory
        self.calls = BackgroundCalls(self)
        self.runner: BackendRunner | None = None
        self.credentials: DeviceCredentials | None = None
        self._queued_codes: list[tuple[str, str]] = []
        self._closed = False
        self.language = LanguageSwitcher()
        self.language.apply(settings.screen.language)
        self.sounds = Sounds(settings.sound, self)
        self.window = KioskWindow(demo=demo)
        self.window.pin.hint_text = pin_hint
        self.camera = CaptureBridge(self)
        self.wedge: WedgeFilter | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._connect()
        self._apply_settings(settings)

    # -- start and stop ---------------------------------------------------------------------------

    def start(self) -> None:
        """Show the window and start the camera, the wedge reader and (when set up) the backend."""
        try:
            self.credentials = load_credentials(self.paths.device_file)
            problem = ""
        except DeviceFileError as exc:
            self.credentials, problem = None, str(exc)
        self._install_wedge()
        self._start_camera()
        if self.credentials is None:
            self._show_first_run(first=True)
            if problem:
                self.window.first_run.show_failure(problem)
        else:
            self._open_backend(self.credentials)
            self.window.show_screen(self.window.scanning)
        self._timer.start()
        if self.settings.screen.fullscreen:
            self.window.show_fullscreen()
        else:
            self.window.show_windowed()

    def shutdown(self) -> None:
        """Stop the camera, finish running calls, close the backend. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        if self.wedge is not None:
            self.wedge.uninstall()
        self.camera.stop()
        self.calls.close()
        if self.runner is not None:
            self.runner.backend.close()
            self.runner = None
        self.window.close_authorized = True
        self.window.close()
        self.language.remove()

    def _quit(self) -> None:
        self.window.close_authorized = True
        QApplication.instance().quit()

    # -- wiring ------------------------------------------------------------------------------------

    def _connect(self) -> None:
        w = self.window
        w.scanning.codeEntered.connect(lambda code: self.submit(code, "manual"))
        w.scanning.historyRequested.connect(self._open_history)
        w.scanning.adminRequested.connect(lambda: self._ask_pin(self._open_admin))
        w.verdict.finished.connect(self._verdict_done)
        w.history.backRequested.connect(self._back_to_scanning)
        w.history.searchChanged.connect(self._load_history)
        w.first_run.registerRequested.connect(self._register)
        w.first_run.continueRequested.connect(self._back_to_scanning)
        w.first_run.cancelRequested.connect(lambda: w.show_screen(w.admin))
        w.pin.unlocked.connect(self._pin_unlocked)
        w.pin.pinChosen.connect(self._pin_chosen)
        w.pin.cancelled.connect(self._back_to_scanning)
        w.admin.saveRequested.connect(self.save_settings)
        w.admin.uploadNowRequested.connect(self._upload_now)
        w.admin.exportRequested.connect(self._export)
        w.admin.reprovisionRequested.connect(lambda: self._show_first_run(first=False))
        w.admin.fullscreenToggleRequested.connect(self._toggle_fullscreen)
        w.admin.quitRequested.connect(self._quit)
        w.admin.backRequested.connect(self._back_to_scanning)
        w.admin.testSoundRequested.connect(self._test_sound)
        w.status_bar.tryNowRequested.connect(self._try_now)
        w.closeRefused.connect(lambda: self._ask_pin(self._quit))
        self.camera.previewReady.connect(self._show_preview)
        self.camera.scanned.connect(lambda code: self.submit(code, "camera"))
        self.camera.stateChanged.connect(self._camera_state)

    def _install_wedge(self) -> None:
        """The USB keyboard-wedge scanner reader (kiosk/ui/wedge.py).

        It listens only while the kiosk scans (scanning screen, or a verdict that returns by
        itself): on the forms staff type into, and under a held verdict that waits for a
        key, keys must reach the screen as typed.
        """
        self.wedge = WedgeFilter.from_settings(self.settings.scanner,
                                               self.window.scanning.manual, parent=self)
        self.wedge.scanned.connect(lambda code: self.submit(code, "wedge"))
        self.window.stack.currentChanged.connect(lambda _: self._update_wedge())
        self._update_wedge()

    def _update_wedge(self) -> None:
        w = self.window
        if self.wedge is None:
            return
        listening = not self._closed and (
            w.current is w.scanning or (w.current is w.verdict and not w.verdict.held))
        if listening:
            self.wedge.install()
        else:
            self.wedge.uninstall()

    # -- the backend -------------------------------------------------------------------------------

    def _open_backend(self, credentials: DeviceCredentials) -> None:
        """Open the journal and the uploader off the UI thread (pruning may take a moment)."""
        self.window.status_bar.set_identity(credentials.device_name, credentials.workspace)
        settings = copy.deepcopy(self.settings)
        self.calls.submit("io", lambda: self._backend_factory(self.paths, credentials, settings),
                          self._backend_opened, self._backend_failed)

    def _backend_opened(self, backend: ScanBackend) -> None:
        if self._closed:
            backend.close()
            return
        runner = BackendRunner(backend, self.calls, self)
        runner.scanned.connect(self._show_verdict)
        runner.scanFailed.connect(self._scan_failed)
        runner.statusReady.connect(self._status_ready)
        self.runner = runner
        for problem in getattr(backend, "problems", []):
            log.warning("%s", problem)
        runner.refresh_status()
        queued, self._queued_codes = self._queued_codes, []
        for code, source in queued:
            self.submit(code, source)
        self.backendReady.emit()

    def _backend_failed(self, exc: BaseException) -> None:
        log.error("The scan backend did not start: %s", exc)
        self._show_error_verdict("", self.tr(
            "The kiosk could not open its journal: %1")
                                 .replace("%1", str(exc)))

    def _replace_backend(self, credentials: DeviceCredentials) -> None:
        runner, self.runner = self.runner, None
        if runner is not None:
            self.calls.submit("io", runner.backend.close)
        self._open_backend(credentials)

    # -- scanning ----------------------------------------------------------------------------------

    def submit(self, code: str, source: str) -> None:
        """A code from the camera, the USB scanner or the keyboard."""
        w = self.window
        screen = w.current
        if screen is w.first_run:
            if source != "manual":
                w.first_run.offer_code(code)
            return
        if screen in (w.pin, w.admin) or (screen is w.verdict and w.verdict.held):
            return  # staff are busy with the kiosk, or a supervisor must look first
        if self.runner is None:
            if self.credentials is not None and len(self._queued_codes) < 20:
                self._queued_codes.append((code, source))
            return
        self.runner.scan(code, source)
        w.scanning.set_checking(self.runner.scans_in_flight)

    def _show_verdict(self, verdict: Verdict) -> None:
        w = self.window
        if self.runner is not None:
            w.scanning.set_checking(self.runner.scans_in_flight)
        self.camera.hold(verdict.code)
        self.sounds.play(ACCEPTED if verdict.accepted else REJECTED)
        # The door hook and the scan log line belong to ScanService, which fires and writes
        # them for every accepted scan whatever its source (screen or command line).
        if w.current in (w.pin, w.admin, w.first_run):
            return  # recorded and counted; staff opened Admin meanwhile
        w.verdict.show_verdict(verdict)
        w.show_screen(w.verdict)
        self._update_wedge()
        self.verdictShown.emit(verdict)

    def _scan_failed(self, code: str, message: str) -> None:
        self._show_error_verdict(code, message)

    def _show_error_verdict(self, code: str, message: str) -> None:
        self._show_verdict(Verdict(
            code=code, kind=VerdictKind.ERROR, offline=False, scan_id=None,
            mode=ScanMode(self.settings.scanning.mode), scanned_at=datetime.now(UTC),
            message=message))

    def _verdict_done(self) -> None:
        if self.window.current is self.window.verdict:
            self.window.verdict.verdict = None
            self._back_to_scanning()

    def _back_to_scanning(self) -> None:
        self.window.show_screen(self.window.scanning)

    # -- status bar --------------------------------------------------------------------------------

    def _tick(self) -> None:
        self.window.status_bar.refresh()
        if self.runner is not None:
            self.runner.refresh_status()

    def _status_ready(self, status: ConnectionStatus, counts: DayCounts) -> None:
        self.window.status_bar.set_status(status, counts)
        self.window.admin.set_fleet(status.fleet)
        self.window.scanning.set_offline_notice(
            "" if status.online else (status.offline_reason or ""), status.needs_provisioning)

    def _try_now(self) -> None:
        if self.runner is None:
            self.window.status_bar.set_trying(False)
            return
        self.runner.try_now(lambda _: self.window.status_bar.set_trying(False))

    # -- camera ------------------------------------------------------------------------------------

    def _start_camera(self) -> None:
        source = None
        if self._source_factory is not None:
            source = self._source_factory(self.settings.camera)
        if source is None:
            self.camera.stop()
            self._camera_state(CameraState.STOPPED, "")
            return
        self.camera.start(self.settings.camera, source)

    def _show_preview(self) -> None:
        latest = self.camera.take_preview()
        if latest is None:
            return
        image, outlines = latest
        w = self.window
        target = w.first_run.camera if w.current is w.first_run else w.scanning.camera
        target.show_frame(image, outlines)

    def _camera_state(self, state: CameraState, message: str) -> None:
        self.camera.state = state
        if self.runner is not None and hasattr(self.runner.backend, "camera_state"):
            self.runner.backend.camera_state = state.value  # shared with the other doors
        words = {
            CameraState.CONNECTING: self.tr("starting"),
            CameraState.CONNECTED: self.tr("ready"),
            CameraState.DISCONNECTED: self.tr("not found, retrying"),
            CameraState.RECONNECTING: self.tr("reconnecting"),
            CameraState.ENDED: self.tr("ended"), CameraState.STOPPED: self.tr("off"),
        }
        self.window.status_bar.set_camera(words[state])
        if state is CameraState.CONNECTED:
            notice = ""
        else:
            notice = self.tr("No camera picture. Use the USB scanner or type the code below.")
            if message and state is not CameraState.STOPPED:
                notice = f"{notice}\n{message}"
        self.window.scanning.set_camera_state(state, notice)
        self.window.first_run.camera.set_message(
            "" if state is CameraState.CONNECTED else
            self.tr("No camera picture: type the API URL and the token instead."))

    # -- history -----------------------------------------------------------------------------------

    def _open_history(self) -> None:
        w = self.window
        w.history.hide_holder = self.settings.screen.hide_holder_names
        w.show_screen(w.history)
        self._load_history(w.history.search_text())

    def _load_history(self, search: str) -> None:
        if self.runner is not None:
            self.runner.history(HISTORY_LIMIT, search, self._history_ready)

    def _history_ready(self, entries: list[HistoryEntry]) -> None:
        self.window.history.show_entries(entries)

    # -- PIN and admin -----------------------------------------------------------------------------

    def _ask_pin(self, then: Callable[[], None]) -> None:
        w = self.window
        if w.current is w.pin:
            return
        self._after_pin = then
        w.pin.start(self.settings.admin.pin_hash)
        w.show_screen(w.pin)

    def _pin_unlocked(self) -> None:
        then = getattr(self, "_after_pin", self._open_admin)
        self._after_pin = self._open_admin
        then()

    def _pin_chosen(self, pin_hash: str) -> None:
        self.settings.admin.pin_hash = pin_hash
        self._save(self.settings)

    def _open_admin(self) -> None:
        w = self.window
        w.admin.load(self.settings, fullscreen=w.isFullScreen())
        w.show_screen(w.admin)

    def save_settings(self, settings: Settings) -> None:
        """Store and apply the settings from Admin at once (no restart)."""
        camera_changed = settings.camera != self.settings.camera
        settings.admin.pin_hash = self.settings.admin.pin_hash
        self.settings = settings
        if self._save(settings):
            self.window.admin.say(self.tr("Settings saved."))
        self._apply_settings(settings)
        if camera_changed:
            self._start_camera()

    def _save(self, settings: Settings) -> bool:
        try:
            save_settings(self.paths.settings_file, settings)
        except OSError as exc:
            self.window.admin.say(self.tr("Could not save the settings: %1").replace(
                "%1", exc.strerror or str(exc)))
            return False
        return True

    def _apply_settings(self, settings: Settings) -> None:
        w = self.window
        if settings.screen.language != self.language.language:
            self.language.apply(settings.screen.language)
        self.sounds.configure(settings.sound)
        w.verdict.configure(settings.screen.verdict_seconds,
                            settings.screen.verdict_hold_until_tap,
                            settings.screen.hide_holder_names)
        w.history.hide_holder = settings.screen.hide_holder_names
        w.scanning.set_mode(settings.scanning)
        backend = self.runner.backend if self.runner is not None else None
        if backend is not None and hasattr(backend, "settings"):
            # ScanService reads its settings per scan: a new object takes effect at once.
            backend.settings = copy.deepcopy(settings)

    def _toggle_fullscreen(self) -> None:
        w = self.window
        if w.isFullScreen():
            w.show_windowed()
        else:
            w.show_fullscreen()
        w.admin.fullscreen = w.isFullScreen()
        w.admin.retranslate()

    def _test_sound(self, volume: float) -> None:
        sound = copy.deepcopy(self.settings.sound)
        sound.volume, sound.enabled = volume, True
        self.sounds.configure(sound)
        self.sounds.play(ACCEPTED)
        QTimer.singleShot(700, lambda: self.sounds.play(REJECTED))
        QTimer.singleShot(1500, lambda: self.sounds.configure(self.settings.sound))

    def _upload_now(self) -> None:
        if self.runner is None:
            return
        self.window.admin.say(self.tr("Uploading…"))
        self.runner.try_now(lambda _: self.window.admin.say(
            self.tr("Upload attempt finished.")))

    def _export(self) -> None:
        if self.runner is None:
            return
        target = self.paths.data_dir / "exports" / (
            f"journal-{datetime.now().strftime('%Y%m%d-%H%M%S')}.csv")
        backend = self.runner.backend
        self.window.admin.say(self.tr("Exporting…"))
        self.runner.run(
            lambda: export_journal_csv(backend, target),
            lambda count: self.window.admin.say(
                self.tr("Exported %1 scans to %2").replace("%1", str(count))
                .replace("%2", str(target))),
            lambda exc: self.window.admin.say(
                self.tr("Export failed: %1").replace("%1", str(exc))))

    # -- first run and provisioning ---------------------------------------------------------------

    def _show_first_run(self, first: bool) -> None:
        w = self.window
        creds = self.credentials
        w.first_run.prepare(api_url=creds.api_url if creds else "",
                            device_name=creds.device_name if creds else default_device_name(),
                            pin_required=first or not self.settings.admin.pin_hash,
                            cancellable=not first)
        w.show_screen(w.first_run)

    def _register(self, api_url: str, token: str, name: str, pin: str) -> None:
        device_file = self.paths.device_file

        def work() -> tuple[DeviceCredentials, str]:
            from kiosk.ui.pin import hash_pin

            old = self.credentials
            credentials = provision(device_file, api_url, token, name)
            try:  # another device's queued scans are held, never sent as this one
                hand_over_queue(self.paths.journal_file, old, credentials)
            except JournalUnavailable as exc:
                log.error("Queued scans could not be kept for their device: %s", exc)
            return credentials, hash_pin(pin) if pin else ""

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ProvisioningFailed):
                self.window.first_run.show_failure(str(exc))
            else:
                self.window.first_run.show_failure(
                    self.tr("Registration failed: %1").replace("%1", str(exc)))

        self.calls.submit("io", work, self._registered, failed)

    def _registered(self, result: tuple[DeviceCredentials, str]) -> None:
        credentials, pin_hash = result
        if pin_hash:
            self.settings.admin.pin_hash = pin_hash
            self._save(self.settings)
        self.credentials = credentials
        self.window.first_run.show_success(credentials.workspace, credentials.device_name)
        self._replace_backend(credentials)


def export_journal_csv(backend: ScanBackend, target: Path) -> int:
    """Every scan the journal holds, oldest first, as CSV (for the venue's records)."""
    entries = backend.history(EXPORT_LIMIT, "")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["scanned_at", "code", "verdict", "offline", "holder", "reward_points",
                         "upload_state", "scan_id"])
        for entry in reversed(entries):
            writer.writerow([_iso(entry.scanned_at), entry.code, entry.kind.value,
                             "yes" if entry.offline else "no", entry.holder or "",
                             entry.reward_points, entry.upload_state, entry.scan_id])
    tmp.replace(target)
    return len(entries)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

