"""Hostile places for the kiosk's files, made by the tests: a small full disk, a read-only
filesystem, another user. Real mounts when the test runs as root and may mount (else
``RLIMIT_FSIZE`` for the full disk, and a skip with the reason for the rest)."""

from __future__ import annotations

import os
import pwd
import resource
import signal
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, CliResult

OTHER_USER = "nobody"


def run_kiosk(
    data: Path,
    *args: str,
    input: str | None = None,
    user: str | None = None,
    preexec: Callable[[], None] | None = None,
    timeout: float = 90,
) -> CliResult:
    """``python -m kiosk --data-dir DATA ARGS`` as a real process (as ``user`` if given)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("KIOSK_DATA_DIR", None)
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(data), *args]
    if user is not None:
        command, env = as_user(user, command, env)
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        input=input,
        env=env,
        timeout=timeout,
        cwd="/",
        preexec_fn=preexec,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def as_user(user: str, command: list[str], env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """``command`` run as ``user`` through setpriv, with a Python that user can execute."""
    entry = pwd.getpwnam(user)
    python = second_user_python(user)
    env = {
        **env,
        "HOME": "/tmp",
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), sysconfig.get_paths()["purelib"]]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return [
        "setpriv",
        f"--reuid={entry.pw_uid}",
        f"--regid={entry.pw_gid}",
        "--clear-groups",
        python,
        *command[1:],
    ], env


def second_user_python(user: str) -> str:
    """An interpreter ``user`` may run that can import the kiosk's dependencies."""
    entry = pwd.getpwnam(user)
    site = sysconfig.get_paths()["purelib"]
    for python in (sys.executable, "/usr/bin/python3"):
        probe = subprocess.run(
            [
                "setpriv",
                f"--reuid={entry.pw_uid}",
                f"--regid={entry.pw_gid}",
                "--clear-groups",
                python,
                "-c",
                "import httpx, platformdirs, kiosk.cli",
            ],
            env={"PYTHONPATH": os.pathsep.join([str(REPO_ROOT), site]), "HOME": "/tmp"},
            capture_output=True,
            cwd="/",
            check=False,
        )
        if probe.returncode == 0:
            return python
    pytest.skip(f"no Python interpreter that {user} may run can import the kiosk")


def need_second_user() -> str:
    if os.geteuid() != 0:
        pytest.skip("needs root to run the kiosk as a second user (setpriv)")
    try:
        pwd.getpwnam(OTHER_USER)
    except KeyError:
        pytest.skip(f"no user {OTHER_USER} on this machine")
    return OTHER_USER


@contextmanager
def tmpfs(where: Path, size: str = "4m") -> Iterator[Path | None]:
    """A small tmpfs mounted at ``where`` (None when this machine does not let us mount)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield None
        return
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        yield where if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True, capture_output=True)


class FullDisk:
    """Fills a tmpfs to the last byte, or (without one) limits the kiosk's file sizes."""

    def __init__(self, root: Path, mounted: bool) -> None:
        self.root = root
        self.mounted = mounted
        self.full = False

    def fill(self) -> None:
        self.full = True
        if not self.mounted:
            return
        handle = os.open(self.root / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(handle, b"\0" * 65536)
        except OSError:
            pass
        finally:
            os.close(handle)
        try:  # the last few bytes too
            while True:
                with open(self.root / f"crumb-{os.urandom(4).hex()}", "wb") as crumb:
                    crumb.write(b"\0" * 512)
        except OSError:
            pass

    def free(self) -> None:
        self.full = False
        for item in self.root.glob("filler"):
            item.unlink()
        for item in self.root.glob("crumb-*"):
            item.unlink()

    @property
    def preexec(self) -> Callable[[], None] | None:
        if self.mounted or not self.full:
            return None

        def limit() -> None:  # SQLite cannot create its 32 KB -shm file: what a full disk does
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

        return limit


def no_traceback(result: CliResult) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
