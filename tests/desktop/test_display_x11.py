"""A screen the kiosk cannot open gets one sentence, not Qt's abort.

Qt's xcb plugin answers an unreachable DISPLAY by aborting the process (SIGABRT, a core dump
and a line about platform plugins). ``kiosk run`` and ``kiosk demo`` ask libxcb first, the
way the plugin will, against real Xvfb servers: one that is not there and one that refuses a
client without its cookie.
"""

from __future__ import annotations

import os
import secrets
import struct
import subprocess
import sys
from pathlib import Path

from kiosk.cli.display import x11_problem
from tests.desktop.xsession import XSession, needs_x

pytestmark = needs_x

REPO_ROOT = Path(__file__).resolve().parents[2]
PROBE = "import sys; from kiosk.cli.display import x11_problem; print(x11_problem(sys.argv[1]))"


def xauthority(path: Path, cookie: bytes) -> Path:
    """One MIT-MAGIC-COOKIE-1 entry for any host and display (FamilyWild), as xauth writes."""

    def counted(data: bytes) -> bytes:
        return struct.pack(">H", len(data)) + data

    entry = struct.pack(">H", 0xFFFF) + counted(b"") + counted(b"")
    path.write_bytes(entry + counted(b"MIT-MAGIC-COOKIE-1") + counted(cookie))
    path.chmod(0o600)
    return path


def kiosk(env: dict[str, str], data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
        timeout=60,
    )


def unused_display() -> str:
    for number in range(31000, 31100):
        display = f":{number}"
        if not Path(f"/tmp/.X{number}-lock").exists() and x11_problem(display):
            return display
    raise AssertionError("every display number from :31000 to :31099 answers")


def test_a_display_with_no_x_server_gets_one_sentence(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    display = unused_display()
    for command in (["run"], ["demo"]):
        result = kiosk({**env, "DISPLAY": display}, tmp_path / command[0], *command)
        assert result.returncode == 1, result.stderr  # not -6: Qt never got to abort
        assert f"The screen DISPLAY={display} cannot be opened" in result.stderr
        assert "no X server answers there" in result.stderr
        assert "platform plugin" not in result.stderr


def test_an_x_server_that_refuses_this_user_is_named(tmp_path):
    with XSession(auth=xauthority(tmp_path / "server.auth", secrets.token_bytes(16))) as x:
        asked = subprocess.run(
            [sys.executable, "-c", PROBE, x.display],
            capture_output=True,
            text=True,
            env={**x.env, "PYTHONPATH": str(REPO_ROOT)},
            timeout=30,
        )
        assert asked.stdout.strip() == "None", "the right cookie opens the display"
        wrong = xauthority(tmp_path / "wrong.auth", secrets.token_bytes(16))
        refused = kiosk({**x.env, "XAUTHORITY": str(wrong)}, tmp_path / "refused", "run")
        assert refused.returncode == 1, refused.stderr
        assert f"The screen DISPLAY={x.display} cannot be opened" in refused.stderr
        assert "refused this user" in refused.stderr and "XAUTHORITY" in refused.stderr


def test_a_reachable_display_passes_the_check():
    with XSession() as x:
        assert x11_problem(x.display) is None
