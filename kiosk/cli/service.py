"""Opening the scan service for a command, with the failures turned into exit codes."""

from __future__ import annotations

import argparse

from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_NOT_PROVISIONED,
    CommandError,
    paths_from,
    require_credentials,
)
from kiosk.fleet.status import ROLE_SCAN
from kiosk.journal import JournalUnavailable
from kiosk.scanning.service import ScanService
from kiosk.tiketo.urls import InsecureUrl


def open_scan_service(
    args: argparse.Namespace, *, background: bool, fleet_role: str = ROLE_SCAN
) -> ScanService:
    """The provisioned device's ScanService; CommandError when the kiosk cannot work.

    A command is never the door's screen: in the fleet it is a ``kiosk scan`` process
    (:mod:`kiosk.fleet.status`), so its end does not make the door look gone."""
    paths = paths_from(args)
    credentials = require_credentials(paths)
    try:
        return ScanService(paths, credentials, background=background, fleet_role=fleet_role)
    except JournalUnavailable as exc:
        raise CommandError(str(exc), EXIT_FAILED) from exc
    except InsecureUrl as exc:
        raise CommandError(
            f"The device file is not usable ({exc}); provision again.", EXIT_NOT_PROVISIONED
        ) from exc
