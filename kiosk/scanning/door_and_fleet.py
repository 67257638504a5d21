"""The scan service's two optional partners: the door hook and the venue fleet.

Each has its own configuration (``[door_hook]`` in the settings; the fleet file ``kiosk fleet
join`` writes). A broken one is reported as a problem and left out, so the door keeps working:
with no door hook, or alone, as before joining the fleet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kiosk import __version__
from kiosk.fleet.config import FleetConfigError, load_fleet_config
from kiosk.fleet.fleet import Fleet
from kiosk.hooks import DoorHook, DoorHookConfigError
from kiosk.journal import Journal, JournalUnavailable
from kiosk.paths import Paths
from kiosk.scanning.connectivity import Connectivity
from kiosk.settings import DoorHookSettings


def door_hook(settings: DoorHookSettings, problems: list[str]) -> DoorHook:
    """The configured door hook; a broken configuration goes to ``problems``, not fatal."""
    try:
        return DoorHook.from_settings(settings)
    except DoorHookConfigError as exc:
        problems.append(f"{exc}; the door hook is off.")
        return DoorHook()


def join_fleet(
    paths: Paths,
    journal: Journal,
    device: str,
    *,
    role: str,
    status_fields: Callable[[], dict[str, object]],
    clock: Callable[[], datetime],
    retention_days: int,
    problems: list[str],
) -> Fleet | None:
    """The venue fleet, started, when this kiosk joined one; a broken fleet file goes to
    ``problems``, and the kiosk works alone, as before joining."""
    try:
        config = load_fleet_config(paths)
    except FleetConfigError as exc:
        problems.append(f"{exc} The kiosk works alone meanwhile.")
        return None
    if config is None:
        return None
    try:
        fleet = Fleet(
            config,
            journal,
            device,
            role=role,
            status_fields=status_fields,
            version=__version__,
            clock=clock,
            retention=timedelta(days=retention_days),
        )
    except (OSError, ValueError) as exc:  # e.g. the CA file is gone or is no certificate
        problems.append(
            f"The venue broker settings cannot be used ({exc}); the kiosk works alone meanwhile."
        )
        return None
    try:
        fleet.start(clock())
    except JournalUnavailable as exc:
        problems.append(str(exc))
    return fleet


def fleet_status_fields(
    link: Connectivity, journal: Journal, camera_state: str | None
) -> dict[str, object]:
    """This kiosk's status as the other doors see it (kiosk fleet, admin screens)."""
    state = link.snapshot()
    owed = journal.queue_counts()
    last_sync = journal.last_sync()
    last = journal.history(1)
    return {
        "online": state.online,
        "pending": owed.total,
        "last_sync": _iso(last_sync),
        "last_scan": _iso(last[0][0].scanned_at) if last else None,
        "camera": camera_state,
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")
