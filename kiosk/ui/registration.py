"""The provisioning flow on the screen: first run, and "Register again" from Admin.

Registration (``kiosk.provisioning``) blocks on the network, so it runs on the io lane; the
queue of the device registered before is handed over in the same job (another device's
queued scans are held, never sent as this one). On success the app opens a new backend for
the new device.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.device import DeviceCredentials
from kiosk.journal import JournalUnavailable
from kiosk.provisioning import (
    ProvisioningFailed,
    default_device_name,
    hand_over_queue,
    provision,
)

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)


class RegistrationFlow(QObject):
    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.app = app
        w = app.window
        w.first_run.registerRequested.connect(self._register)
        w.first_run.continueRequested.connect(app.back_to_scanning)
        w.first_run.cancelRequested.connect(lambda: w.show_screen(w.admin))
        w.admin.reprovisionRequested.connect(lambda: self.show(first=False))

    def show(self, first: bool) -> None:
        """The registration form; ``first`` when the kiosk has no device yet (no way back)."""
        w, creds = self.app.window, self.app.credentials
        w.first_run.prepare(
            api_url=creds.api_url if creds else "",
            device_name=creds.device_name if creds else default_device_name(),
            pin_required=first or not self.app.settings.admin.pin_hash,
            cancellable=not first,
        )
        w.show_screen(w.first_run)

    def _register(self, api_url: str, token: str, name: str, pin: str) -> None:
        paths, old = self.app.paths, self.app.credentials

        def work() -> tuple[DeviceCredentials, str]:
            from kiosk.ui.pin import hash_pin

            credentials = provision(paths.device_file, api_url, token, name)
            try:  # another device's queued scans are held, never sent as this one
                hand_over_queue(paths.journal_file, old, credentials)
            except JournalUnavailable as exc:
                log.error("Queued scans could not be kept for their device: %s", exc)
            return credentials, hash_pin(pin) if pin else ""

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ProvisioningFailed):
                self.app.window.first_run.show_failure(str(exc))
            else:
                self.app.window.first_run.show_failure(
                    self.tr("Registration failed: %1").replace("%1", str(exc))
                )

        self.app.calls.submit("io", work, self._registered, failed)

    def _registered(self, result: tuple[DeviceCredentials, str]) -> None:
        credentials, pin_hash = result
        app = self.app
        if pin_hash:
            app.admin_actions.store_pin_hash(pin_hash)
        app.credentials = credentials
        app.window.first_run.show_success(credentials.workspace, credentials.device_name)
        app.replace_backend(credentials)
