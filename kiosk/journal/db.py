"""Opening the journal database: permissions, pragmas, migrations, and corrupt files.

A journal that cannot be read is renamed aside (``journal.sqlite3.corrupt-<UTC time>``) and a
fresh one is created, so the door keeps working; the old file is never overwritten and the
caller gets a sentence saying where it went.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kiosk.paths import make_private_dir

log = logging.getLogger(__name__)

# One entry per schema version; entry i takes the database from version i to i + 1.
# Never edit a released entry: append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE scans (
        scan_id         TEXT PRIMARY KEY,
        code            TEXT NOT NULL,
        verdict         TEXT NOT NULL,
        mode            TEXT NOT NULL,
        reward_points   INTEGER NOT NULL,
        voids_pass      INTEGER NOT NULL DEFAULT 0,
        scanned_at      TEXT NOT NULL,      -- ISO-8601 UTC, fixed width, sorts as text
        offline         INTEGER NOT NULL,
        source          TEXT NOT NULL,
        pass_id         TEXT,
        holder          TEXT,
        message         TEXT NOT NULL,
        upload_state    TEXT NOT NULL,      -- not-needed, pending, failed, uploaded
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error      TEXT,
        uploaded_at     TEXT,
        server_event_id TEXT
    );
    CREATE INDEX scans_by_code ON scans (code, scanned_at);
    CREATE INDEX scans_by_time ON scans (scanned_at);
    CREATE INDEX scans_to_upload ON scans (upload_state, next_attempt_at)
        WHERE upload_state IN ('pending', 'failed');
    CREATE TABLE pass_cache (
        code          TEXT PRIMARY KEY,
        pass_id       TEXT NOT NULL,
        holder        TEXT,
        voided        INTEGER NOT NULL,
        expires_at    TEXT,
        pass_type     TEXT,
        template_name TEXT,
        scan_config   TEXT NOT NULL DEFAULT '{}',
        seen_at       TEXT NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # A scan the server refused is "rejected" (it was "failed" after five refusals): still
    # queued, retried on its own slow schedule, and never a sign of an outage.
    """
    UPDATE scans SET upload_state = 'rejected' WHERE upload_state = 'failed';
    DROP INDEX scans_to_upload;
    CREATE INDEX scans_to_upload ON scans (upload_state, next_attempt_at)
        WHERE upload_state IN ('pending', 'rejected');
    """,
    # Each scan keeps the device (and workspace) it was made under: re-provisioning never
    # sends an old device's scans as the new one. NULL: made before this column existed.
    """
    ALTER TABLE scans ADD COLUMN device TEXT;
    ALTER TABLE scans ADD COLUMN workspace TEXT;
    """,
    # Follow-up upload steps of an accepted scan, sent after its scan event (void with
    # updatePass, a wallet message); the pass cache learns the ids those steps and pass(...)
    # refreshes need, and when the server last confirmed each pass; templates are cached.
    # Holder names cached by the old guess are dropped (they may be non-public).
    """
    CREATE TABLE follow_ups (
        scan_id         TEXT NOT NULL,
        step            TEXT NOT NULL,      -- void, message
        project_id      TEXT,
        pass_id         TEXT,
        payload         TEXT NOT NULL DEFAULT '{}',
        state           TEXT NOT NULL,      -- pending, rejected, done, skipped
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error      TEXT,
        done_at         TEXT,
        PRIMARY KEY (scan_id, step)
    );
    CREATE INDEX follow_ups_open ON follow_ups (state, next_attempt_at)
        WHERE state IN ('pending', 'rejected');
    ALTER TABLE pass_cache ADD COLUMN project_id TEXT;
    ALTER TABLE pass_cache ADD COLUMN template_id TEXT;
    ALTER TABLE pass_cache ADD COLUMN checked_at TEXT;
    -- Names cached before holder names came from PUBLIC template variables may be private.
    UPDATE pass_cache SET holder = NULL;
    CREATE TABLE pass_templates (
        id         TEXT PRIMARY KEY,
        body       TEXT NOT NULL,           -- JSON: {"id", "name", "variables"}
        fetched_at TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class JournalUnavailable(Exception):
    """The journal cannot be opened or written; one sentence says why."""


class JournalFull(JournalUnavailable):
    """The disk (or the journal's size limit) is full: nothing more can be recorded."""


def open_database(path: Path, *, read_only: bool = False) -> tuple[sqlite3.Connection, str | None]:
    """Open (creating or migrating) the journal; returns (connection, problem sentence or None).

    The problem is set when an unreadable file was moved aside. ``read_only`` opens an
    existing journal for status displays without creating, migrating or moving anything.
    """
    if read_only:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5,
                               check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        return conn, None
    make_private_dir(path.parent)
    problem = None
    try:
        conn = _open_and_migrate(path)
    except sqlite3.DatabaseError as exc:
        if is_full_error(exc):
            raise JournalFull(full_message(path)) from exc
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise JournalUnavailable(
                "The journal is locked by another kiosk process; close it and try again."
            ) from exc
        moved = move_aside(path)
        problem = (f"The scan journal was unreadable ({exc}); it was moved to {moved.name} "
                   "and a new journal was started.")
        log.error(problem)
        conn = _open_and_migrate(path)
    return conn, problem


def move_aside(path: Path) -> Path:
    """Rename ``path`` (and its -wal/-shm files) with a timestamp; never delete anything."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(Path(f"{target}{suffix}"))
    return target


def _open_and_migrate(path: Path) -> sqlite3.Connection:
    _create_private(path)
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly
    # what the code says it is (the sqlite3 module's implicit transactions are not).
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # reads page 1: fails on garbage
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch the journal to WAL ({mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
        _restrict_files(path)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise JournalUnavailable(
            f"The journal was written by a newer kiosk (schema {version}); update this kiosk."
        )
    for number in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return [s for s in statements if s]


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


def is_full_error(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "full" in str(exc).lower()


def full_message(path: Path) -> str:
    return (f"The kiosk's disk is full, so scans cannot be recorded; free space in "
            f"{path.parent} or call support.")

