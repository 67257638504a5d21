"""A real X session for the desktop tests: Xvfb, optionally openbox, xdotool keystrokes.

Everything here drives programs we did not write: the X server is Xvfb, the window manager
is Debian's openbox, key events come from ``xdotool`` through XTEST exactly like a USB
keyboard-wedge scanner (Shift + key for capitals).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("Xvfb", "xdotool", "openbox", "xprop")
SCREEN = (1280, 800)


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


_MISSING = missing_tools()
# every desktop test module sets ``pytestmark = needs_x``
needs_x = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"desktop tests need {', '.join(_MISSING)} (run packaging/dev.sh "
    "as root: it installs xvfb, xdotool, openbox and x11-utils)",
)


def wait_for(
    condition: Callable[[], object], timeout: float, what: str, step: float = 0.05
) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


class XSession:
    """``with XSession(wm="openbox") as x: x.env`` is an environment for X clients."""

    def __init__(
        self, wm: str | None = None, size: tuple[int, int] = SCREEN, auth: Path | None = None
    ) -> None:
        """``auth``: an Xauthority file; the server then admits only clients holding its
        cookie (as a display manager's X server does), and ``env`` names the file."""
        self.wm, self.size, self.auth = wm, size, auth
        self.display = ""
        self._procs: list[subprocess.Popen[bytes]] = []

    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "KIOSK_DATA_DIR")
        }
        env["DISPLAY"] = self.display
        if self.auth is not None:
            env["XAUTHORITY"] = str(self.auth)
        return env

    def __enter__(self) -> XSession:
        # A display number of our own choosing, high and random: X servers of other
        # processes on this host (other containers sharing the network namespace, whose
        # abstract sockets we see but whose lock files we do not) may hold the low ones, and
        # ``-displayfd`` then fails with "server already running". A server that cannot
        # take its number exits, and the next number is tried.
        rng = random.Random()
        for _ in range(20):
            number = rng.randrange(100, 30000)
            if Path(f"/tmp/.X{number}-lock").exists():
                continue
            width, height = self.size
            proc = subprocess.Popen(
                [
                    "Xvfb",
                    f":{number}",
                    *(["-auth", str(self.auth)] if self.auth else []),
                    *("-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.display = f":{number}"
            if self._wait_started(proc):
                self._procs.append(proc)
                _hardware_priority(proc.pid)
                break
            proc.kill()
            proc.wait()
        else:
            raise AssertionError("Xvfb did not start on any of 20 display numbers")
        if self.wm == "openbox":
            self._start_openbox()
        return self

    def _start_openbox(self, attempts: int = 3) -> None:
        """openbox, retried: on this shared test host it now and then exits with status 1
        and no message before it manages the screen."""
        message = ""
        for _ in range(attempts):
            wm = subprocess.Popen(
                ["openbox", "--sm-disable"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            wait_for(
                lambda wm=wm: self._wm_running() or wm.poll() is not None,
                60,
                "openbox to manage the screen",
                0.1,
            )
            if wm.poll() is None:
                self._procs.append(wm)  # type: ignore[arg-type]
                return
            message = f"({wm.returncode}) {wm.communicate()[1].strip()[-300:]}"
        self.close()
        raise AssertionError(f"openbox exited {attempts} times: {message}")

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for proc in reversed(self._procs):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()
        self._procs.clear()

    def _wait_started(self, proc: subprocess.Popen[bytes], timeout: float = 30) -> bool:
        """True once this very server answers (its lock file names its pid)."""
        lock = Path(f"/tmp/.X{self.display[1:]}-lock")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            try:
                ours = int(lock.read_text().strip() or 0) == proc.pid
            except (OSError, ValueError):
                ours = False
            if (
                ours
                and subprocess.run(
                    ["xprop", "-root", "-display", self.display],
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=30,
                ).returncode
                == 0
            ):
                return proc.poll() is None
            time.sleep(0.1)
        return False

    def _wm_running(self) -> bool:
        out = self.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", check=False)
        return "window id" in out

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> str:
        proc = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    # -- windows ------------------------------------------------------------------------------

    def find_window(self, title: str, timeout: float = 60) -> str:
        """The visible top-level window called ``title`` (the largest, when several)."""

        def search() -> str | None:
            found = self.run(
                "xdotool", "search", "--onlyvisible", "--name", f"^{title}$", check=False
            ).split()
            sizes = {window: self.geometry(window) for window in found}
            sizes = {w: g for w, g in sizes.items() if g[2] > 1 and g[3] > 1}
            if not sizes:
                return None
            return max(sizes, key=lambda w: sizes[w][2] * sizes[w][3])

        return str(wait_for(search, timeout, f"a window called {title!r}", 0.2))

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        """(x, y, width, height) of the window's outer frame on the screen."""
        out = self.run("xdotool", "getwindowgeometry", "--shell", window, check=False)
        values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        try:
            return (int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))
        except KeyError:
            return (0, 0, 0, 0)

    def focused(self) -> str:
        return self.run("xdotool", "getwindowfocus", check=False).strip()

    # -- keys ---------------------------------------------------------------------------------

    def xdotool(self, *args: str) -> None:
        """xdotool at the priority of hardware: a USB scanner's timing does not suffer from
        a busy CPU, so neither may the program standing in for it (``nice`` only warns
        when it may not raise the priority)."""
        self.run("nice", "-n", "-10", "xdotool", *args)

    def screenshot(self, target: Path) -> None:
        """The X server's own pixels (not a render), as PNG."""
        from PIL import ImageGrab

        target.parent.mkdir(parents=True, exist_ok=True)
        ImageGrab.grab(xdisplay=self.display).save(target)


# X keysym names of the printable ASCII a scanner sends (letters and digits are their own)
KEYSYMS = {
    " ": "space",
    "!": "exclam",
    '"': "quotedbl",
    "#": "numbersign",
    "$": "dollar",
    "%": "percent",
    "&": "ampersand",
    "'": "apostrophe",
    "(": "parenleft",
    ")": "parenright",
    "*": "asterisk",
    "+": "plus",
    ",": "comma",
    "-": "minus",
    ".": "period",
    "/": "slash",
    ":": "colon",
    ";": "semicolon",
    "<": "less",
    "=": "equal",
    ">": "greater",
    "?": "question",
    "@": "at",
    "[": "bracketleft",
    "\\": "backslash",
    "]": "bracketright",
    "^": "asciicircum",
    "_": "underscore",
    "`": "grave",
    "{": "braceleft",
    "|": "bar",
    "}": "braceright",
    "~": "asciitilde",
}


def _hardware_priority(pid: int) -> None:
    """The X server stamps key events as it reads them: a CPU hog must not delay it more
    than it would delay a real keyboard's interrupts (only possible as root)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, -10)
    except OSError:
        pass


def scanner_burst(code: str, suffix: str | None = "Return") -> list[str]:
    """xdotool arguments for one scan, 2 ms per key like a USB scanner, the suffix key in
    the same burst: ``key`` presses Shift for capitals and shifted symbols by itself.
    Without a suffix it is ``type``, xdotool's other path (which sends a newline as
    Linefeed, not Return, so it cannot carry a suffix)."""
    if suffix is None:
        return ["type", "--delay", "2", "--", code]
    return ["key", "--delay", "2", *(KEYSYMS.get(char, char) for char in code), suffix]


@dataclass
class Kiosk:
    """A ``kiosk`` CLI subprocess on the X session, with its data folder."""

    proc: subprocess.Popen[str]
    data_dir: Path

    def codes(self, source: str = "wedge") -> list[str]:
        """Codes the journal recorded from ``source``, oldest first (read-only, like
        ``kiosk status`` does)."""
        path = self.data_dir / "data" / "journal.sqlite3"
        if not path.exists():
            return []
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute(
                "SELECT code FROM scans WHERE source = ? ORDER BY rowid", (source,)
            ).fetchall()
        except sqlite3.OperationalError:  # the journal is still being created
            return []
        finally:
            conn.close()
        return [row[0] for row in rows]

    def wait_codes(self, count: int, source: str = "wedge", timeout: float = 60) -> list[str]:
        wait_for(
            lambda: len(self.codes(source)) >= count or self.proc.poll() is not None,
            timeout,
            f"{count} {source} scan(s) in the journal",
            0.1,
        )
        return self.codes(source)

    def stop(self) -> str:
        """SIGTERM (what systemd sends), then the process's output."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out


def start_kiosk(
    session: XSession, data_dir: Path, args: Sequence[str], env: dict[str, str] | None = None
) -> Kiosk:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
        env={**session.env, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Kiosk(proc, data_dir)


class CpuHog:
    """Busy processes beside the kiosk, one per core: a slow, loaded venue PC."""

    def __init__(self, processes: int | None = None) -> None:
        self.count = processes or os.cpu_count() or 2
        self._procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> CpuHog:
        for _ in range(self.count):
            self._procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self._procs:
            proc.kill()
            proc.wait()
