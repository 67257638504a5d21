"""One uploader per data folder, across processes: an OS file lock next to the journal.

The screen, ``kiosk scan`` and ``kiosk sync`` can all run at once on one data folder. Each
of them uploads only while it holds this lock, and reads the queue afresh after taking it,
so a scan is never sent by two processes. The operating system releases the lock when its
holder dies (even by SIGKILL), so a crash never leaves the queue stuck; the one scan a
crash can re-send is the one whose answer arrived but was not yet written to the journal,
and it goes out again with the same ``scanId``.

Within one process, a threading lock in front keeps two threads from taking turns on the
same file descriptor (a file lock is per open file, not per thread).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    _WINDOWS_LOCK_OFFSET = 1 << 30  # lock a byte far past the holder's pid, which stays readable

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


POLL_SECONDS = 0.05


class UploadLock:
    """``with lock.held(timeout) as got:`` uploads only when ``got``; thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._threads = threading.Lock()

    @contextmanager
    def held(
        self, timeout: float = 0.0, on_wait: Callable[[str], None] | None = None
    ) -> Iterator[bool]:
        """Hold the lock for the block, waiting up to ``timeout`` seconds for it (0: try
        once). ``on_wait(holder)`` is called once when another process holds it."""
        deadline = time.monotonic() + max(0.0, timeout)
        if not self._threads.acquire(timeout=max(0.0, timeout)):
            yield False
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                told = False
                while not _try_lock(fd):
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    if not told and on_wait is not None:
                        on_wait(self.holder())
                        told = True
                    time.sleep(POLL_SECONDS)
                try:
                    os.ftruncate(fd, 0)
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.write(fd, f"{os.getpid()}\n".encode())
                    yield True
                finally:
                    _unlock(fd)
            finally:
                os.close(fd)
        finally:
            self._threads.release()

    def holder(self) -> str:
        """Who holds the lock, in words ("kiosk process 1234"), as far as can be told."""
        try:
            pid = self.path.read_text(encoding="ascii", errors="replace").split()[0]
        except (OSError, IndexError):
            return "another kiosk process"
        return f"kiosk process {pid}" if pid.isdigit() else "another kiosk process"
