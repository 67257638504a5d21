"""Which sessions ``check_display`` lets through to Qt, and which get a sentence instead."""

from __future__ import annotations

import socket
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


@linux_only
def test_a_wayland_session_without_wayland_display_is_left_to_qt(tmp_path):
    """Qt prefers Wayland when XDG_SESSION_TYPE says so, WAYLAND_DISPLAY set or not: it then
    connects to $XDG_RUNTIME_DIR/wayland-0 (say, a systemd user unit that imported DISPLAY and
    the session type but not WAYLAND_DISPLAY). An X display that cannot be opened there (no
    XAUTHORITY for XWayland) must not stop a kiosk Qt would have shown on Wayland."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    compositor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        compositor.bind(str(runtime / "wayland-0"))
        compositor.listen()
        session = {"XDG_SESSION_TYPE": "wayland", "XDG_RUNTIME_DIR": str(runtime)}
        check_display({**session, "DISPLAY": ":31999"})
        check_display(session)
        with pytest.raises(CommandError, match="cannot be opened"):  # Qt is told xcb: X it is
            check_display({**session, "DISPLAY": ":31999", "QT_QPA_PLATFORM": "xcb"})
    finally:
        compositor.close()
    with pytest.raises(CommandError, match="cannot be opened"):  # no compositor: X is asked
        check_display({**session, "DISPLAY": ":31999"})
