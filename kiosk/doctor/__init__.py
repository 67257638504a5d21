"""``kiosk doctor``: everything that must work before the doors open, checked in one go.

Checks run in parallel groups, each with a time limit, so a camera driver or a network that
hangs costs its own group a "did not finish" result, never the whole report. Results come
back in a fixed order, each as soon as it (and those before it) are known.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kiosk.device import DeviceFileError, load_credentials
from kiosk.doctor import api, camera, decoders, display, fleet, local
from kiosk.doctor.model import CheckResult, Status, fail
from kiosk.paths import Paths
from kiosk.settings import load_settings

__all__ = ["CheckGroup", "CheckResult", "Status", "doctor_groups", "run_checks"]

API_TIMEOUT_SECONDS = 5.0


@dataclass
class CheckGroup:
    """Checks that run one after the other on one thread, within ``time_limit`` seconds."""

    names: tuple[str, ...]
    run: Callable[[], list[CheckResult]]
    time_limit: float
    _results: list[CheckResult] = field(default_factory=list)
    _error: BaseException | None = None

    def _target(self) -> None:
        try:
            self._results = self.run()
        except BaseException as exc:  # reported as a failed check, never a crash
            self._error = exc


def run_checks(groups: list[CheckGroup]) -> Iterator[CheckResult]:
    """Start every group at once; yield their results in order as they are known."""
    threads = []
    for group in groups:
        # daemon: a check stuck in a driver call must not keep the process alive
        thread = threading.Thread(
            target=group._target, name=f"doctor-{group.names[0]}", daemon=True
        )
        thread.start()
        threads.append(thread)
    for group, thread in zip(groups, threads, strict=True):
        thread.join(group.time_limit)
        if thread.is_alive():
            for name in group.names:
                yield fail(
                    name,
                    f"Did not finish within {group.time_limit:.0f} s.",
                    "Run 'kiosk doctor' again; if it hangs again, restart this PC.",
                )
        elif group._error is not None:
            for name in group.names:
                yield fail(
                    name,
                    f"The check itself crashed ({group._error!r:.160}).",
                    "Report this to support with the log file ('kiosk logs').",
                )
        else:
            yield from group._results


def doctor_groups(
    paths: Paths,
    *,
    check_camera: bool = True,
    check_screen: bool = True,
    api_timeout: float = API_TIMEOUT_SECONDS,
) -> list[CheckGroup]:
    """The checks ``kiosk doctor`` runs, for the kiosk whose files are in ``paths``."""
    settings = load_settings(paths.settings_file).settings
    groups = [
        CheckGroup(
            ("settings", "resources"),
            lambda: [local.settings_check(paths), local.resources_check()],
            5,
        ),
    ]
    if check_screen:
        groups.append(CheckGroup(display.NAMES, lambda: display.display_checks(), 35))
    if check_camera:
        groups.append(CheckGroup(("camera",), lambda: [camera.camera_check(settings.camera)], 15))
    groups += [
        CheckGroup(
            ("decoder.zxing-cpp", "decoder.pyzbar"),
            lambda: [decoders.zxing_check(), decoders.pyzbar_check()],
            10,
        ),
        CheckGroup(
            api.NAMES,
            lambda: _api(paths, api_timeout, settings.api.ca_file or None),
            4 * api_timeout + 5,
        ),
        CheckGroup(
            ("disk", "journal"),
            lambda: [local.disk_check(paths.data_dir), local.journal_check(paths)],
            local.INTEGRITY_SECONDS + 5,
        ),
        CheckGroup(("door_hook",), lambda: [local.door_hook_check(settings.door_hook)], 5),
        CheckGroup((fleet.NAME,), lambda: [fleet.broker_check(paths)], 20),
    ]
    return groups


def _api(paths: Paths, timeout: float, ca_file: str | None = None) -> list[CheckResult]:
    try:
        credentials = load_credentials(paths.device_file)
    except DeviceFileError as exc:
        return [fail(name, str(exc), api.PROVISION_ADVICE) for name in api.NAMES]
    return api.api_checks(credentials, timeout=timeout, ca_file=ca_file)
