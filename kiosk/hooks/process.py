"""Running the door hook's program: its environment, its process group, its bounded output.

The program gets a minimal environment (never a token), runs in a process group of its own
so a timeout kills whatever it started too, and its stderr is read in chunks of which only
the tail is kept, so a hook that writes gigabytes costs the kiosk nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from typing import Any

STDERR_KEEP_BYTES = 4096  # of a hook's stderr, the end is kept (where the error usually is)

# What the hook's program gets from the kiosk's environment: enough to find programs and
# speak the right language, nothing else (never a KIOSK_* variable, never a token).
HOOK_ENV_POSIX = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")
HOOK_ENV_WINDOWS = (
    "PATH",
    "PATHEXT",
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "WINDIR",
    "COMSPEC",
    "TEMP",
    "TMP",
    "USERPROFILE",
    "USERNAME",
)


def hook_environment(payload: Mapping[str, Any]) -> dict[str, str]:
    """The hook's whole environment: a few basics copied over, plus the verdict."""
    names = HOOK_ENV_WINDOWS if os.name == "nt" else HOOK_ENV_POSIX
    env = {name: os.environ[name] for name in names if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env["KIOSK_VERDICT"] = str(payload.get("verdict", ""))
    env["KIOSK_SCAN_ID"] = str(payload.get("scan_id") or "")
    return env


def start_process(argv: list[str] | str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start the hook: stdin and stderr piped, stdout dropped, in its own process group.
    Raises OSError when it cannot start."""
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        **_new_process_group(),
    )


def talk(process: subprocess.Popen[bytes], body: bytes, timeout: float) -> bytes:
    """Give the hook its stdin and wait for it; return the tail of its stderr.

    The stderr is read in chunks and only the last ``STDERR_KEEP_BYTES`` are kept, so a hook
    that writes gigabytes costs the kiosk nothing. Raises TimeoutExpired after ``timeout``.
    """
    tail = bytearray()

    def feed() -> None:
        try:
            assert process.stdin is not None
            process.stdin.write(body)
            process.stdin.close()
        except OSError:  # the hook did not read its stdin: its business
            pass

    def drain() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read1(65536):  # type: ignore[attr-defined]
            tail.extend(chunk)
            del tail[:-STDERR_KEEP_BYTES]

    threads = [
        threading.Thread(target=feed, daemon=True),
        threading.Thread(target=drain, daemon=True),
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    process.wait(timeout)
    for thread in threads:  # a child that keeps the pipe open: bounded by the same timeout
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            raise subprocess.TimeoutExpired(process.args, timeout)
    if process.stderr is not None:
        process.stderr.close()
    return bytes(tail)


def _new_process_group() -> dict[str, Any]:
    """Start the hook in its own process group so a timeout kills its children too."""
    if os.name == "nt":
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        return {"creationflags": flags | getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {"start_new_session": True}


def signal_kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the hook and everything it started."""
    if process.poll() is None:
        try:
            if os.name == "nt":
                subprocess.run(
                    ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                    capture_output=True,
                    timeout=5,
                    check=False,
                )
            else:
                os.killpg(process.pid, signal.SIGKILL)
        except (OSError, subprocess.SubprocessError):
            process.kill()


def kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the hook and its children, then reap it (no zombie, no ResourceWarning)."""
    signal_kill(process)
    try:
        process.communicate(timeout=2)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass
    for stream in (process.stdin, process.stderr):
        if stream is not None and not stream.closed:
            stream.close()
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        pass
