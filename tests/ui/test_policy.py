"""The screen policy without Qt: which screen takes a scan, and when the scanner listens."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.ui.policy import CodeRoute, Screen, route_code, scanner_listens, shows_verdict


@pytest.mark.parametrize("source", ["camera", "wedge", "manual"])
def test_scanning_screens_take_every_code(source):
    for screen in (Screen.SCANNING, Screen.VERDICT, Screen.HISTORY):
        assert route_code(screen, source) is CodeRoute.SCAN


@pytest.mark.parametrize("source", ["camera", "wedge", "manual"])
def test_staff_screens_and_a_held_verdict_ignore_codes(source):
    for screen in (Screen.PIN, Screen.ADMIN, Screen.HELD_VERDICT):
        assert route_code(screen, source) is CodeRoute.IGNORE


def test_first_run_takes_scanned_setup_codes_only():
    assert route_code(Screen.FIRST_RUN, "camera") is CodeRoute.FILL_FORM
    assert route_code(Screen.FIRST_RUN, "wedge") is CodeRoute.FILL_FORM
    assert route_code(Screen.FIRST_RUN, "manual") is CodeRoute.IGNORE


def test_scanner_listens_only_while_the_kiosk_scans():
    listening = {screen for screen in Screen if scanner_listens(screen)}
    assert listening == {Screen.SCANNING, Screen.VERDICT}


def test_verdicts_are_not_shown_over_staff_screens():
    hidden = {screen for screen in Screen if not shows_verdict(screen)}
    assert hidden == {Screen.PIN, Screen.ADMIN, Screen.FIRST_RUN}


def test_the_policy_loads_without_qt():
    code = (
        "import sys, kiosk.ui.policy; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
