"""Is there a screen to show the kiosk on? Asked before Qt is, because Qt's answer to "no" is
to abort the whole process (a core dump and a line about platform plugins), which tells the
person at the door nothing.

On X11 the question is asked the way Qt's xcb plugin will ask it: libxcb's ``xcb_connect``
with the same ``DISPLAY`` (and the same ``XAUTHORITY`` cookie). Where libxcb cannot be loaded
(Windows, macOS, a Wayland-only PC) the check says nothing and Qt gets its turn, as it does
in a Wayland session whose compositor answers (Qt goes there first).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import socket
import sys
from collections.abc import Mapping

from kiosk.cli.common import CommandError

# xcb_connection_has_error() codes (xcb.h), in words a venue's IT person can act on.
_XCB_ERRORS = {
    1: "no X server answers there, or it refused this user",
    2: "the X server lacks an extension the kiosk needs",
    3: "out of memory",
    4: "a request was too long",
    5: "the DISPLAY value cannot be parsed",
    6: "that X server has no such screen",
    7: "the X server refused file-descriptor passing",
}


def check_display(environ: Mapping[str, str] | None = None) -> None:
    """Raise a :class:`CommandError` that names the fix when the kiosk has nowhere to show."""
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb"):
        return
    display = env.get("DISPLAY", "")
    if platform == "" and not env.get("WAYLAND_DISPLAY") and _wayland_session(env):
        return  # Qt prefers Wayland here too, and a compositor answers: its turn
    if not display and (platform == "xcb" or not env.get("WAYLAND_DISPLAY")):
        raise CommandError(
            "No screen to show the kiosk on (DISPLAY and WAYLAND_DISPLAY are "
            "not set): start it from the desktop session, or set "
            "QT_QPA_PLATFORM=offscreen for a test."
        )
    if display and (platform == "xcb" or not env.get("WAYLAND_DISPLAY")):
        problem = x11_problem(display)
        if problem:
            raise CommandError(
                f"The screen DISPLAY={display} cannot be opened ({problem}): start the kiosk "
                "from the desktop session it should show on, or check that the X server "
                "is running and this user may use it (XAUTHORITY)."
            )


def _wayland_session(env: Mapping[str, str]) -> bool:
    """Whether Qt, not told a platform, goes to Wayland without ``WAYLAND_DISPLAY``: it does
    when ``XDG_SESSION_TYPE`` is wayland, connecting to ``$XDG_RUNTIME_DIR/wayland-0`` (say,
    a systemd user unit that imported the session type but not ``WAYLAND_DISPLAY``). True
    only when a compositor accepts a connection there."""
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if env.get("XDG_SESSION_TYPE") != "wayland" or not runtime:
        return False
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(os.path.join(runtime, "wayland-0"))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def x11_problem(display: str) -> str | None:
    """Why libxcb cannot connect to ``display``, or None when it can (or cannot be asked)."""
    xcb = _libxcb()
    if xcb is None:
        return None
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        code = int(xcb.xcb_connection_has_error(connection))
    finally:
        xcb.xcb_disconnect(connection)  # also frees the error object xcb returns
    if code == 0:
        return None
    return _XCB_ERRORS.get(code, f"libxcb error {code}")


def _libxcb() -> ctypes.CDLL | None:
    for name in ("libxcb.so.1", ctypes.util.find_library("xcb")):
        if not name:
            continue
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        library.xcb_connect.restype = ctypes.c_void_p
        library.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        library.xcb_connection_has_error.restype = ctypes.c_int
        library.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        library.xcb_disconnect.restype = None
        library.xcb_disconnect.argtypes = [ctypes.c_void_p]
        return library
    return None
