"""No PulseAudio library: QtMultimedia cannot load, and the kiosk must scan all the same.

The library is really made unloadable, not mocked: in a private mount namespace
(``unshare --mount``) ``/dev/null`` is bind-mounted over libpulse.so.0, so the dynamic loader
fails exactly as on a PC without ``libpulse0`` (``ImportError: libpulse.so.0: ...``).
Skipped, saying why, where mount namespaces are not allowed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.xsession import Kiosk, XSession, needs_x, scanner_burst

pytestmark = needs_x


def libpulse() -> str | None:
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.strip().startswith("libpulse.so.0 ") and "=>" in line:
            return os.path.realpath(line.split("=>", 1)[1].strip())
    return None


def without_libpulse(command: list[str]) -> list[str]:
    """``command`` run where libpulse.so.0 cannot be loaded (skips when impossible)."""
    library = libpulse()
    if library is None:
        pytest.skip("libpulse.so.0 is not installed: nothing to hide")
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to hide libpulse")
    wrapper = [
        "unshare",
        "--mount",
        "sh",
        "-c",
        'mount --bind /dev/null "$0" && exec "$@"',
        library,
    ]
    probe = subprocess.run(
        [*wrapper, sys.executable, "-c", "import PySide6.QtMultimedia"],
        capture_output=True,
        text=True,
    )
    if "libpulse" not in probe.stderr:
        pytest.skip(
            f"cannot hide libpulse here (mount namespaces not allowed: "
            f"{probe.stderr.strip()[-200:]})"
        )
    return [*wrapper, *command]


def test_doctor_warns_and_names_the_package(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run(
        without_libpulse(
            [
                sys.executable,
                "-m",
                "kiosk",
                "--data-dir",
                str(tmp_path),
                "doctor",
                "--json",
                "--no-camera",
            ]
        ),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr
    sound = [line for line in proc.stdout.splitlines() if '"check": "sound"' in line]
    assert len(sound) == 1 and '"status": "warn"' in sound[0], proc.stdout
    assert "libpulse" in sound[0] and "apt-get install libpulse0" in sound[0]


def test_demo_shows_verdicts_silently(bare_session: XSession, tmp_path: Path) -> None:
    command = without_libpulse(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "demo"), "demo"]
    )
    demo = Kiosk(
        subprocess.Popen(
            command,
            env=bare_session.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
        tmp_path / "demo",
    )
    try:
        bare_session.find_window("Tiketo kiosk")
        demo.wait_codes(2, "camera", timeout=90)  # the demo camera's verdicts are shown
        bare_session.xdotool(*scanner_burst("TKT-EVENT-0005"))
        assert demo.wait_codes(1) == ["TKT-EVENT-0005"]
    finally:
        output = demo.stop()
    assert "Traceback" not in output
    logs = "".join(p.read_text() for p in (tmp_path / "demo" / "logs").glob("*.log*"))
    warnings = [line for line in logs.splitlines() if "Verdict sounds are off" in line]
    assert len(warnings) == 1 and "libpulse0" in warnings[0], logs[-2000:]
