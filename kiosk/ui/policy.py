"""What each screen does with a code that arrives, and when the USB scanner listens.

Qt-free on purpose (like pretixSCAN's per-screen controllers): the rules are plain functions
of which screen is up, so they are tested without a window (tests/ui/test_policy.py) and the
application object only asks them.
"""

from __future__ import annotations

import enum


class Screen(enum.Enum):
    """The screens of the kiosk, as far as incoming codes are concerned."""

    SCANNING = "scanning"
    VERDICT = "verdict"  # a verdict that goes back to scanning by itself
    HELD_VERDICT = "held-verdict"  # waits for a tap: a supervisor must look first
    HISTORY = "history"
    FIRST_RUN = "first-run"
    PIN = "pin"
    ADMIN = "admin"


class CodeRoute(enum.Enum):
    SCAN = "scan"  # decide, journal and show the verdict
    FILL_FORM = "fill-form"  # first run: a scanned setup code fills the registration form
    IGNORE = "ignore"


STAFF_SCREENS = frozenset({Screen.PIN, Screen.ADMIN, Screen.FIRST_RUN})


def route_code(screen: Screen, source: str) -> CodeRoute:
    """Where a code from ``source`` ("camera", "wedge", "manual") goes on ``screen``."""
    if screen is Screen.FIRST_RUN:
        # Typed text on the form is the form's own; a scanned code may be a setup code.
        return CodeRoute.IGNORE if source == "manual" else CodeRoute.FILL_FORM
    if screen in (Screen.PIN, Screen.ADMIN, Screen.HELD_VERDICT):
        return CodeRoute.IGNORE  # staff are busy with the kiosk, or a supervisor must look
    return CodeRoute.SCAN


def shows_verdict(screen: Screen) -> bool:
    """A verdict that arrives on ``screen`` is shown; on the staff screens it is only
    recorded and counted (staff opened Admin while the scan was being checked)."""
    return screen not in STAFF_SCREENS


def scanner_listens(screen: Screen) -> bool:
    """The USB scanner reader takes keys only while the kiosk scans: on the forms staff type
    into, and under a held verdict that waits for a key, keys reach the screen as typed."""
    return screen in (Screen.SCANNING, Screen.VERDICT)
