"""What went wrong with the journal file, told apart and said in one sentence with advice.

Only real damage (SQLite says the file is corrupt or not a database, or an integrity check
fails) may lead to moving a journal aside. Everything else (a full disk, a read-only
filesystem, a file or folder owned by another user, missing permissions, a lock, an I/O
error) leaves the file exactly where it is and is reported as what it is: moving a healthy
journal aside would hide its queued scans.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from kiosk.files import user_name

FULL_BYTES = 1024 * 1024  # less than this free and SQLite cannot even create its -shm file


class JournalUnavailable(Exception):
    """The journal cannot be opened or written; one sentence says why."""


class JournalFull(JournalUnavailable):
    """The disk (or the journal's size limit) is full: nothing more can be recorded."""


class JournalCorrupt(Exception):
    """The journal file is damaged (not an I/O problem): it is to be moved aside."""


class JournalRecovered(JournalUnavailable):
    """The journal was found damaged in use and replaced; the operation may be retried."""


def _primary(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_corrupt_error(exc: BaseException) -> bool:
    """SQLite says the file itself is damaged (never true for I/O, space or permissions)."""
    if isinstance(exc, JournalCorrupt):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    if _primary(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def is_full_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    code = getattr(exc, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc).lower()


def full_message(path: Path) -> str:
    return (
        f"The kiosk's disk is full, so scans cannot be recorded; free space in "
        f"{path.parent} or call support."
    )


def explain(path: Path, exc: BaseException, *, reading: bool = False) -> JournalUnavailable:
    """The journal problem behind ``exc`` (an OSError or a SQLite error), in one sentence.

    SQLite's own words are vague ("disk I/O error", "unable to open database file"), so the
    file system is asked what is really wrong: full, read-only, someone else's, no permission.
    """
    what = "read" if reading else "used"
    if is_corrupt_error(exc):
        return JournalUnavailable(
            f"The scan journal {path} is damaged ({exc}); the next 'kiosk sync' or kiosk start "
            "moves it aside and recovers its readable scans."
        )
    if isinstance(exc, sqlite3.OperationalError) and _primary(exc) in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    ):
        return JournalUnavailable(
            "The journal is locked by another kiosk process; close it and try again."
        )
    found = diagnose(path)
    if found is not None:
        full = found == full_message(path) or found.startswith(_LIMIT_START)
        return JournalFull(found) if full else JournalUnavailable(found)
    if is_full_error(exc):
        return JournalFull(full_message(path))
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return JournalUnavailable(
        f"The scan journal {path} cannot be {what} ({detail}); check the disk and this "
        "user's permissions on the file, and do not delete it (it holds unsent scans)."
    )


def diagnose(path: Path) -> str | None:
    """Why the journal at ``path`` cannot be used, from the file system, or None."""
    folder = path.parent
    existing = [
        p for p in (folder, path, _sibling(path, "-wal"), _sibling(path, "-shm")) if p.exists()
    ]
    if os.name == "posix":
        me = os.geteuid()
        for item in existing:
            owner = item.stat().st_uid
            if owner != me and me != 0:  # root may use anyone's files: not the problem
                return (
                    f"The journal {'folder' if item == folder else 'file'} {item} belongs "
                    f"to {user_name(owner)}, not to {user_name(me)} who runs the kiosk (was it "
                    f"started with sudo?), so scans cannot be read or recorded; fix it "
                    f"with: sudo chown -R {user_name(me)} {folder}"
                )
        if folder.exists() and _read_only_fs(folder):
            return (
                f"The journal's folder {folder} is on a read-only filesystem, so scans "
                "cannot be recorded; remount it read-write or use --data-dir with a "
                "writable folder."
            )
    for item in existing:
        mode = os.R_OK | os.W_OK | (os.X_OK if item == folder else 0)
        if not os.access(item, mode):
            return (
                f"This user may not read and write {item}, so scans cannot be recorded; "
                f"fix the permissions (chmod u+rw{'x' if item == folder else ''} {item})."
            )
    try:
        free = shutil.disk_usage(folder if folder.exists() else folder.parent).free
    except OSError:
        return None
    if free < FULL_BYTES:
        return full_message(path)
    limit = _file_size_limit()
    if limit is not None:
        return (
            f"{_LIMIT_START} {limit} bytes (ulimit -f), so scans cannot be recorded "
            f"in {folder}; raise the limit or call support."
        )
    return None


_LIMIT_START = "The kiosk may only write files of at most"


def _file_size_limit() -> int | None:
    """The process's file size limit (RLIMIT_FSIZE), when one is set."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    except (ImportError, OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False
