"""Which sessions ``check_display`` lets through to Qt, and which get a sentence instead."""

from __future__ import annotations

import sys

import pytest

from kiosk.cli.common import CommandError
from kiosk.cli.display import check_display

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland")


@linux_only
@pytest.mark.parametrize(
    "environ",
    [
        {"QT_QPA_PLATFORM": "offscreen"},
        {"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":31999"},
        {"WAYLAND_DISPLAY": "wayland-0"},
        {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":31999"},
    ],
)
def test_sessions_qt_opens_without_x11_are_left_to_qt(environ):
    check_display(environ)


@linux_only
def test_no_display_at_all_is_one_sentence():
    with pytest.raises(CommandError, match="No screen to show the kiosk on"):
        check_display({})


@linux_only
@pytest.mark.parametrize("platform", ["", "xcb"])
def test_an_x11_display_nobody_serves_is_named(platform):
    environ = {"DISPLAY": "not a display:::", "QT_QPA_PLATFORM": platform}
    with pytest.raises(
        CommandError, match=r"cannot be opened \(the DISPLAY value cannot be parsed"
    ):
        check_display(environ)


@linux_only
def test_forcing_xcb_without_display_is_one_sentence():
    with pytest.raises(CommandError, match="No screen"):
        check_display({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"})
