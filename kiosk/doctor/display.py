"""Screen check: Qt can open this PC's display (and sees a sound output).

The classic failure of a Qt app on a fresh Linux PC is a missing library behind the platform
plugin ("could not load the Qt platform plugin xcb"), and Qt answers it by aborting the
process. So the probe runs in a child process (``kiosk doctor --probe-display``, hidden),
which works the same from a checkout and from the bundle, and the doctor reads its verdict.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping

from kiosk.doctor.model import CheckResult, fail, ok, warn

NAME = "screen"
PROBE_FLAG = "--probe-display"
QT_LINUX_LIBRARIES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 "
                      "libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3")


def probe() -> int:
    """Run in the child: open the display with Qt and print what it found as JSON."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(["kiosk-doctor"])
    found: dict[str, object] = {
        "platform": app.platformName(),
        "screens": [f"{s.size().width()}x{s.size().height()}" for s in app.screens()],
    }
    try:
        from PySide6.QtMultimedia import QMediaDevices

        found["audio_outputs"] = len(QMediaDevices.audioOutputs())
    except ImportError:
        found["audio_outputs"] = None
    print(json.dumps(found), flush=True)
    return 0


def probe_command() -> list[str]:
    """The kiosk itself with the hidden probe flag: the bundle's exe, or python -m kiosk."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "doctor", PROBE_FLAG]
    return [sys.executable, "-m", "kiosk", "doctor", PROBE_FLAG]


def display_check(env: Mapping[str, str] | None = None, timeout: float = 20.0) -> CheckResult:
    environment = dict(os.environ if env is None else env)
    if (sys.platform.startswith("linux") and not environment.get("QT_QPA_PLATFORM")
            and not environment.get("DISPLAY") and not environment.get("WAYLAND_DISPLAY")):
        return warn(NAME, "Not checked: this session has no screen (DISPLAY is not set).",
                    "Run 'kiosk doctor' on the kiosk's own desktop to check the screen.")
    try:
        proc = subprocess.run(probe_command(), env=environment, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return fail(NAME, f"Opening the screen with Qt took more than {timeout:.0f} s.",
                    "Restart the PC; if it persists, update its graphics driver.")
    except OSError as exc:
        return fail(NAME, f"The screen probe could not start ({exc}).", "Reinstall the kiosk.")
    found = _last_json_line(proc.stdout) if proc.returncode == 0 else None
    if found is None:
        return fail(NAME, f"Qt cannot open the screen ({_qt_reason(proc.stderr)}).",
                    _missing_libraries_advice())
    platform = str(found.get("platform", "?"))
    listed = found.get("screens")
    screens = [str(size) for size in listed] if isinstance(listed, list) else []
    sound = found.get("audio_outputs")
    sound_text = ("" if sound is None else
                  f"; {sound} sound output(s)" if sound else "; no sound output found")
    if platform in ("offscreen", "minimal"):
        return warn(NAME, f"Qt runs without a visible screen (platform '{platform}'){sound_text}.",
                    "Unset QT_QPA_PLATFORM on the kiosk so the screen shows.")
    if not screens:
        return fail(NAME, f"Qt found no screen (platform '{platform}').",
                    "Connect and switch on the monitor, then run doctor again.")
    return ok(NAME, f"Qt opens the screen ({platform}, {', '.join(screens)})"
              f"{sound_text}.")


def _last_json_line(text: str) -> dict[str, object] | None:
    for line in reversed(text.splitlines()):
        try:
            found = json.loads(line)
        except ValueError:
            continue
        if isinstance(found, dict):
            return found
    return None


def _qt_reason(stderr: str) -> str:
    for line in stderr.splitlines():
        lowered = line.lower()
        if "platform plugin" in lowered or "cannot" in lowered or "could not" in lowered:
            return line.strip()[:200]
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no message"


def _missing_libraries_advice() -> str:
    if sys.platform.startswith("linux"):
        return f"Install the libraries Qt needs: sudo apt-get install {QT_LINUX_LIBRARIES}."
    return "Reinstall the kiosk, and update the graphics driver."
