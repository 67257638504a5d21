"""KioskApp: wires the window's screens to the scan backend, the camera and the settings.

This is the only place that knows what happens when: a code arrives (camera, USB scanner,
manual entry) -> the scan worker -> the verdict screen + sound -> back to scanning; the
status bar refreshes every second through the status worker. Which screen takes a code is
the Qt-free policy in kiosk/ui/policy.py; Admin's buttons and the PIN are
kiosk/ui/admin_actions.py, registration kiosk/ui/registration.py, the camera's picture and
state kiosk/ui/camera_feed.py. The business rules stay in the backend: this class only
forwards and shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk.device import DeviceCredentials, DeviceFileError, load_credentials
from kiosk.paths import Paths
from kiosk.scanning.backend import ConnectionStatus, DayCounts, HistoryEntry, ScanBackend
from kiosk.scanning.verdict import ScanMode, Verdict, VerdictKind
from kiosk.settings import Settings, load_settings
from kiosk.ui.admin_actions import AdminActions
from kiosk.ui.camera import CaptureBridge, SourceFactory, camera_source
from kiosk.ui.camera_feed import CameraFeed
from kiosk.ui.i18n import LanguageSwitcher
from kiosk.ui.policy import CodeRoute, Screen, route_code, scanner_listens, shows_verdict
from kiosk.ui.registration import RegistrationFlow
from kiosk.ui.screens.history import LIMIT as HISTORY_LIMIT
from kiosk.ui.sound import ACCEPTED, REJECTED, Sounds
from kiosk.ui.wedge import WedgeFilter
from kiosk.ui.window import KioskWindow
from kiosk.ui.worker import BackendRunner, BackgroundCalls

log = logging.getLogger(__name__)


BackendFactory = Callable[[Paths, DeviceCredentials, Settings], ScanBackend]
STATUS_INTERVAL_MS = 1000


def scan_service(paths: Paths, credentials: DeviceCredentials, settings: Settings) -> ScanBackend:
    """The real backend: the journaled, offline-first scan pipeline."""
    from kiosk.scanning.service import ScanService

    return ScanService(paths, credentials, settings)


class KioskApp(QObject):
    """Owns the window, the worker threads, the backend and the camera; ``shutdown()`` ends all."""

    backendReady = Signal()
    verdictShown = Signal(object)  # Verdict: for the door hook's successors and the tests

    def __init__(
        self,
        paths: Paths,
        *,
        demo: bool = False,
        settings: Settings | None = None,
        backend_factory: BackendFactory = scan_service,
        source_factory: SourceFactory | None = camera_source,
        pin_hint: str = "",
    ) -> None:
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
        self.camera_feed = CameraFeed(self, source_factory)
        self.wedge: WedgeFilter | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.admin_actions = AdminActions(self)
        self.registration = RegistrationFlow(self)
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
        self.camera_feed.start()
        if self.credentials is None:
            self.registration.show(first=True)
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

    def quit(self) -> None:
        """Admin's "Quit kiosk" (behind the PIN): end the event loop; shutdown() follows."""
        self.window.close_authorized = True
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def screen(self) -> Screen:
        """The screen up now, in the policy's terms."""
        w = self.window
        current = w.current
        if current is w.verdict:
            return Screen.HELD_VERDICT if w.verdict.held else Screen.VERDICT
        screens = {
            w.scanning: Screen.SCANNING,
            w.history: Screen.HISTORY,
            w.first_run: Screen.FIRST_RUN,
            w.pin: Screen.PIN,
            w.admin: Screen.ADMIN,
        }
        return Screen.SCANNING if current is None else screens[current]

    # -- wiring ------------------------------------------------------------------------------------

    def _connect(self) -> None:
        w = self.window
        w.scanning.codeEntered.connect(lambda code: self.submit(code, "manual"))
        w.scanning.historyRequested.connect(self._open_history)
        w.verdict.finished.connect(self._verdict_done)
        w.history.backRequested.connect(self.back_to_scanning)
        w.history.searchChanged.connect(self._load_history)
        w.status_bar.tryNowRequested.connect(self._try_now)
        self.camera.scanned.connect(lambda code: self.submit(code, "camera"))

    def _install_wedge(self) -> None:
        """The USB keyboard-wedge scanner reader (kiosk/ui/wedge.py).

        It listens only while the kiosk scans (scanning screen, or a verdict that returns by
        itself): on the forms staff type into, and under a held verdict that waits for a
        key, keys must reach the screen as typed.
        """
        self.wedge = WedgeFilter.from_settings(
            self.settings.scanner, self.window.scanning.manual, parent=self
        )
        self.wedge.scanned.connect(lambda code: self.submit(code, "wedge"))
        self.window.stack.currentChanged.connect(lambda _: self._update_wedge())
        self._update_wedge()

    def _update_wedge(self) -> None:
        if self.wedge is None:
            return
        if not self._closed and scanner_listens(self.screen()):
            self.wedge.install()
        else:
            self.wedge.uninstall()

    # -- the backend -------------------------------------------------------------------------------

    def _open_backend(self, credentials: DeviceCredentials) -> None:
        """Open the journal and the uploader off the UI thread (pruning may take a moment)."""
        self.window.status_bar.set_identity(credentials.device_name, credentials.workspace)
        settings = self.settings  # frozen: shared safely; a change reaches it as a new object
        self.calls.submit(
            "io",
            lambda: self._backend_factory(self.paths, credentials, settings),
            self._backend_opened,
            self._backend_failed,
        )

    def _backend_opened(self, backend: ScanBackend) -> None:
        if self._closed:
            backend.close()
            return
        runner = BackendRunner(backend, self.calls, self)
        runner.scanned.connect(self._show_verdict)
        runner.scanFailed.connect(self._scan_failed)
        runner.statusReady.connect(self._status_ready)
        self.runner = runner
        for problem in backend.problems:
            log.warning("%s", problem)
        runner.refresh_status()
        queued, self._queued_codes = self._queued_codes, []
        for code, source in queued:
            self.submit(code, source)
        self.backendReady.emit()

    def _backend_failed(self, exc: BaseException) -> None:
        log.error("The scan backend did not start: %s", exc)
        self._show_error_verdict(
            "", self.tr("The kiosk could not open its journal: %1").replace("%1", str(exc))
        )

    def replace_backend(self, credentials: DeviceCredentials) -> None:
        runner, self.runner = self.runner, None
        if runner is not None:
            self.calls.submit("io", runner.backend.close)
        self._open_backend(credentials)

    # -- scanning ----------------------------------------------------------------------------------

    def submit(self, code: str, source: str) -> None:
        """A code from the camera, the USB scanner or the keyboard."""
        w = self.window
        route = route_code(self.screen(), source)
        if route is CodeRoute.FILL_FORM:
            w.first_run.offer_code(code)
        if route is not CodeRoute.SCAN:
            return
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
        if not shows_verdict(self.screen()):
            return  # recorded and counted; staff opened Admin meanwhile
        w.verdict.show_verdict(verdict)
        w.show_screen(w.verdict)
        self._update_wedge()
        self.verdictShown.emit(verdict)

    def _scan_failed(self, code: str, message: str) -> None:
        self._show_error_verdict(code, message)

    def _show_error_verdict(self, code: str, message: str) -> None:
        self._show_verdict(
            Verdict(
                code=code,
                kind=VerdictKind.ERROR,
                offline=False,
                scan_id=None,
                mode=ScanMode(self.settings.scanning.mode),
                scanned_at=datetime.now(UTC),
                message=message,
            )
        )

    def _verdict_done(self) -> None:
        if self.window.current is self.window.verdict:
            self.window.verdict.verdict = None
            self.back_to_scanning()

    def back_to_scanning(self) -> None:
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
            "" if status.online else (status.offline_reason or ""), status.needs_provisioning
        )

    def _try_now(self) -> None:
        if self.runner is None:
            self.window.status_bar.set_trying(False)
            return
        self.runner.try_now(lambda _: self.window.status_bar.set_trying(False))

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

    # -- settings -------------------------------------------------------------------------------

    def save_settings(self, settings: Settings) -> None:
        """Store and apply the settings from Admin at once (no restart)."""
        camera_changed = settings.camera != self.settings.camera
        settings = settings.with_changes(admin={"pin_hash": self.settings.admin.pin_hash})
        self.settings = settings
        if self.admin_actions.save(settings):
            self.admin_actions.say_saved()
        self._apply_settings(settings)
        if camera_changed:
            self.camera_feed.start()

    def _apply_settings(self, settings: Settings) -> None:
        w = self.window
        if settings.screen.language != self.language.language:
            self.language.apply(settings.screen.language)
        self.sounds.configure(settings.sound)
        w.verdict.configure(
            settings.screen.verdict_seconds,
            settings.screen.verdict_hold_until_tap,
            settings.screen.hide_holder_names,
        )
        w.history.hide_holder = settings.screen.hide_holder_names
        w.scanning.set_mode(settings.scanning)
        if self.runner is not None:  # the backend reads them per scan: at once
            self.runner.backend.apply_settings(settings)  # a new object: never patched in place
