"""Screen, sound and keyboard-layout checks: what the kiosk screen needs from this PC.

The classic failure of a Qt app on a fresh Linux PC is a missing library behind the platform
plugin ("could not load the Qt platform plugin xcb"), and Qt answers it by aborting the
process. So the probe runs in a child process (``kiosk doctor --probe-display``, hidden),
which works the same from a checkout and from the bundle, and the doctor reads its verdict.
The same child reports whether QtMultimedia loads and sees an audio output: sound is a
nicety, so its problems are warnings that name what to install.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping

from kiosk.doctor import keyboard
from kiosk.doctor.model import CheckResult, fail, ok, warn

NAME = "screen"
SOUND = "sound"
NAMES = (NAME, SOUND, keyboard.NAME)
PROBE_FLAG = "--probe-display"
QT_LINUX_LIBRARIES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 "
    "libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3"
)


def probe() -> int:
    """Run in the child: open the display with Qt and print what it found as JSON."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(["kiosk-doctor"])
    found: dict[str, object] = {
        "platform": app.platformName(),
        "screens": [f"{s.size().width()}x{s.size().height()}" for s in app.screens()],
    }
    from kiosk.ui.sound import load_multimedia

    multimedia, reason = load_multimedia()
    found["audio_outputs"] = (
        None if multimedia is None else len(multimedia.QMediaDevices.audioOutputs())
    )
    found["audio_error"] = reason
    print(json.dumps(found), flush=True)
    return 0


def probe_command() -> list[str]:
    """The kiosk itself with the hidden probe flag: the bundle's exe, or python -m kiosk."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "doctor", PROBE_FLAG]
    return [sys.executable, "-m", "kiosk", "doctor", PROBE_FLAG]


def display_check(env: Mapping[str, str] | None = None, timeout: float = 20.0) -> CheckResult:
    """The screen check alone."""
    return display_checks(env, timeout)[0]


def display_checks(
    env: Mapping[str, str] | None = None, timeout: float = 20.0
) -> list[CheckResult]:
    """Screen, sound and keyboard layout, from one probe of Qt in a child process."""
    environment = dict(os.environ if env is None else env)
    headless = (
        sys.platform.startswith("linux")
        and not environment.get("QT_QPA_PLATFORM")
        and not environment.get("DISPLAY")
        and not environment.get("WAYLAND_DISPLAY")
    )
    if headless:  # sound can still be probed, without a window
        environment["QT_QPA_PLATFORM"] = "offscreen"
    found, problem = _run_probe(environment, timeout)
    if headless:
        screen = warn(
            NAME,
            "Not checked: this session has no screen (DISPLAY is not set).",
            "Run 'kiosk doctor' on the kiosk's own desktop to check the screen.",
        )
    else:
        screen = problem or _screen_result(found or {})
    sound = (
        _sound_result(found)
        if found is not None
        else warn(
            SOUND,
            "Not checked: the screen probe did not finish.",
            "Fix the screen check first, then run doctor again.",
        )
    )
    return [screen, sound, keyboard.layout_check(environment)]


def _run_probe(
    environment: dict[str, str], timeout: float
) -> tuple[dict[str, object] | None, CheckResult | None]:
    try:
        proc = subprocess.run(
            probe_command(), env=environment, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None, fail(
            NAME,
            f"Opening the screen with Qt took more than {timeout:.0f} s.",
            "Restart the PC; if it persists, update its graphics driver.",
        )
    except OSError as exc:
        return None, fail(
            NAME, f"The screen probe could not start ({exc}).", "Reinstall the kiosk."
        )
    found = _last_json_line(proc.stdout) if proc.returncode == 0 else None
    if found is None:
        return None, fail(
            NAME,
            f"Qt cannot open the screen ({_qt_reason(proc.stderr)}).",
            _missing_libraries_advice(),
        )
    return found, None


def _screen_result(found: dict[str, object]) -> CheckResult:
    platform = str(found.get("platform", "?"))
    listed = found.get("screens")
    screens = [str(size) for size in listed] if isinstance(listed, list) else []
    if platform in ("offscreen", "minimal"):
        return warn(
            NAME,
            f"Qt runs without a visible screen (platform '{platform}').",
            "Unset QT_QPA_PLATFORM on the kiosk so the screen shows.",
        )
    if not screens:
        return fail(
            NAME,
            f"Qt found no screen (platform '{platform}').",
            "Connect and switch on the monitor, then run doctor again.",
        )
    return ok(NAME, f"Qt opens the screen ({platform}, {', '.join(screens)}).")


def _sound_result(found: dict[str, object]) -> CheckResult:
    from kiosk.ui.sound import missing_package_advice

    outputs = found.get("audio_outputs")
    if not isinstance(outputs, int):
        reason = str(found.get("audio_error") or "unknown reason")[:200]
        advice = missing_package_advice(reason)
        return warn(
            SOUND,
            f"QtMultimedia cannot load ({reason}): verdicts will be silent.",
            advice[0].upper() + advice[1:] + ".",
        )
    if outputs == 0:
        return warn(
            SOUND,
            "No sound output found: verdicts will be silent.",
            "Connect speakers or a monitor with speakers, and check the volume "
            "mixer (PulseAudio or PipeWire must be running in the kiosk's session).",
        )
    return ok(SOUND, f"{outputs} sound output(s) found.")


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
