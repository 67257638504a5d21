"""Opening the journal database: permissions, pragmas, damaged files; the schema steps it
applies on the way are in :mod:`kiosk.journal.migrations`.

Only a journal that is really damaged (SQLite says corrupt / not a database, or
``PRAGMA quick_check`` fails) is renamed aside (``journal.sqlite3.corrupt-<UTC time>``) and
a fresh one created, so the door keeps working; its readable scans are then recovered into
the new journal (:mod:`kiosk.journal.salvage`). The old file is never overwritten or deleted.
A full disk, a read-only filesystem, another user's file or a lock is reported as what it is
(:mod:`kiosk.journal.problems`) and nothing is moved.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from kiosk.journal.migrations import migrate
from kiosk.journal.problems import (
    JournalCorrupt,
    JournalFull,
    JournalRecovered,
    JournalUnavailable,
    explain,
    full_message,
    is_corrupt_error,
    is_full_error,
)
from kiosk.journal.salvage import FOREIGN_WAL_MARK, MOVED_MARK, moved_aside, recover_moved
from kiosk.paths import make_private_dir

__all__ = [
    "JournalCorrupt",
    "JournalFull",
    "JournalRecovered",
    "JournalUnavailable",
    "full_message",
    "is_full_error",
    "open_database",
    "open_read_only",
]

log = logging.getLogger(__name__)

QUICK_CHECK_SECONDS = 3.0


def open_database(path: Path, *, read_only: bool = False) -> tuple[sqlite3.Connection, str | None]:
    """Open (creating or migrating) the journal; returns (connection, problem sentence or None).

    The problem says what happened to a damaged file (moved aside, scans recovered) or to a
    foreign ``-wal`` (set aside). Anything else that stops the journal (full disk, read-only
    filesystem, another user's file, a lock) raises :class:`JournalUnavailable` with one
    sentence and leaves every file where it is. ``read_only`` is :func:`open_read_only`.
    """
    if read_only:
        return open_read_only(path), None
    try:
        make_private_dir(path.parent)
    except OSError as exc:
        raise explain(path, exc) from exc
    said: list[str] = []
    try:
        conn = _open_checked(path, said)
    except (sqlite3.Error, JournalCorrupt, OSError) as exc:
        if not is_corrupt_error(exc):
            raise explain(path, exc) from exc
        conn = _replace_damaged(path, exc, said)
    return conn, _recover(conn, path, said)


def reopen_damaged(
    path: Path, exc: BaseException, *, move: bool = True
) -> tuple[sqlite3.Connection, str | None]:
    """For damage found in use: move the file aside (unless another process already did:
    ``move=False``), start a new journal and recover the readable scans into it."""
    said: list[str] = []
    try:
        conn = _replace_damaged(path, exc, said) if move else _open_checked(path, said)
    except (sqlite3.Error, JournalCorrupt, OSError) as again:
        if isinstance(again, JournalUnavailable):
            raise
        raise explain(path, again) from again
    return conn, _recover(conn, path, said)


def _recover(conn: sqlite3.Connection, path: Path, said: list[str]) -> str | None:
    """Recover moved-aside journals into ``conn``; the sentences to show, joined."""
    try:
        said += recover_moved(conn, path)
    except sqlite3.Error as exc:  # e.g. no room for them yet: tried again at the next start
        log.error("Recovering moved-aside journals failed: %s", exc)
        said.append(
            f"Scans in {', '.join(p.name for p in moved_aside(path))} could not be "
            f"recovered yet ({exc}); they are tried again at the next start."
        )
    problem = " ".join(said) or None
    if problem:
        log.error("%s", problem)
    return problem


def open_read_only(path: Path) -> sqlite3.Connection:
    """A query-only connection for status displays: never creates, migrates or moves.

    On a read-only filesystem or a full disk SQLite cannot create the ``-shm`` file a WAL
    journal needs; when there is no ``-wal`` to miss, the file is then opened as immutable
    (nothing can be writing to it). Raises :class:`JournalUnavailable` saying why not.
    """
    try:
        return _connect_ro(path, "mode=ro")
    except sqlite3.Error as exc:
        try:
            wal = Path(f"{path}-wal")
            unsafe = is_corrupt_error(exc) or (wal.exists() and wal.stat().st_size > 0)
            if not unsafe:
                return _connect_ro(path, "immutable=1")
        except (sqlite3.Error, OSError):
            pass
        raise explain(path, exc, reading=True) from exc


def _connect_ro(path: Path, flag: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.as_uri()}?{flag}", uri=True, timeout=5, check_same_thread=False)
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def move_aside(path: Path) -> Path:
    """Rename ``path`` (and its -wal/-shm files) with a timestamp; never delete anything."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}{MOVED_MARK}{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(Path(f"{target}{suffix}"))
    return target


def _replace_damaged(path: Path, exc: BaseException, said: list[str]) -> sqlite3.Connection:
    """Move the damaged journal aside and start a new one (its scans are recovered after)."""
    try:
        moved = move_aside(path)
    except OSError as move_error:
        raise JournalUnavailable(
            f"The scan journal {path} is damaged ({exc}) and cannot be moved aside "
            f"({move_error.strerror}); stop every kiosk process and copy the file for support."
        ) from move_error
    said.append(
        f"The scan journal was damaged ({exc}); it was moved to {moved.name} and a "
        "new journal was started."
    )
    try:
        return _open_checked(path, said)
    except (sqlite3.Error, JournalCorrupt, OSError) as again:
        raise explain(path, again) from again


def _open_checked(path: Path, said: list[str]) -> sqlite3.Connection:
    """Open and migrate; a WAL written by another journal is set aside before it is used."""
    foreign = _set_aside_foreign_wal(path)
    if foreign:
        said.append(foreign)
    conn = _open_and_migrate(path)
    try:
        _quick_check(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _open_and_migrate(path: Path) -> sqlite3.Connection:
    _create_private(path)
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly
    # what the code says it is (the sqlite3 module's implicit transactions are not).
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # reads page 1: fails on garbage
        _switch_to_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if migrate(conn):
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # the identity into the main file
        _restrict_files(path)
    except BaseException:
        conn.close()
        raise
    return conn


def _switch_to_wal(conn: sqlite3.Connection, patience: float = 10.0) -> None:
    """WAL mode, waiting for another process that is switching the same new file right now.

    SQLite answers "database is locked" at once there, without its busy timeout (the mode
    change needs the file to itself): the screen, ``kiosk scan`` and ``kiosk sync`` started
    together on a fresh data folder must wait for each other as for any other lock."""
    deadline = time.monotonic() + patience
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"could not switch the journal to WAL ({mode})")


def _quick_check(conn: sqlite3.Connection, time_limit: float = QUICK_CHECK_SECONDS) -> None:
    """Raise JournalCorrupt when the file's structure is damaged (``PRAGMA quick_check``).

    Bounded in time: a huge journal is checked as far as the limit allows, and damage found
    later in use is handled then (see ``Journal``).
    """
    deadline = time.monotonic() + time_limit
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc).lower():
            log.warning("journal quick_check stopped after %.0f s", time_limit)
            return
        raise
    finally:
        conn.set_progress_handler(None, 0)
    if rows != ["ok"]:
        lines = [line for line in rows[0].splitlines() if not line.startswith("***")]
        raise JournalCorrupt(f"integrity check: {(lines or rows)[0][:120]}")


def _set_aside_foreign_wal(path: Path) -> str | None:
    """Set aside a ``-wal`` file that belongs to another journal; say so, or None.

    SQLite replays any WAL whose page size matches, whichever database wrote it, and a WAL
    copied from another journal can make this one's queued scans vanish while every check
    passes. Each journal has a random ``journal_id`` in ``meta`` that every write of a scan
    touches (a trigger), so a WAL holding scan writes carries its journal's id: when the main
    file read alone (immutable, ignoring the WAL) names another id, the WAL is not ours.
    Both reads are read-only connections, which never checkpoint the WAL into the file.
    """
    wal = Path(f"{path}-wal")
    try:
        if not wal.exists() or wal.stat().st_size <= 32:
            return None
        ours = _journal_id(f"{path.as_uri()}?immutable=1")
        seen = _journal_id(f"{path.as_uri()}?mode=ro")
    except (sqlite3.Error, OSError):
        return None  # cannot tell: the ordinary checks decide
    if ours is None or seen is None or ours == seen:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}{FOREIGN_WAL_MARK}{stamp}")
    wal.rename(target)
    Path(f"{path}-shm").unlink(missing_ok=True)  # SQLite's index of the foreign WAL
    return (
        f"The journal's -wal file was written by another journal; it was set aside as "
        f"{target.name} and not replayed."
    )


def _journal_id(uri: str) -> str | None:
    conn = sqlite3.connect(uri, uri=True, timeout=2)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'journal_id'").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def _create_private(path: Path) -> None:
    """Create the file 0600 before SQLite does; SQLite gives -wal/-shm the same mode."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)


def _restrict_files(path: Path) -> None:
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            candidate.chmod(0o600)
