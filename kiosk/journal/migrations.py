"""The journal's schema, as the list of steps that built it, and applying the missing ones.

The schema version lives in the database (``PRAGMA user_version``); each step runs in its own
transaction, so a journal is always at one version or the next, never between. A journal
written by a newer kiosk is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3

from kiosk.journal.problems import JournalUnavailable

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
    # venue fleet (kiosk/journal/fleet.py): outbox, other doors' admissions, pass facts
    """
    CREATE TABLE fleet_outbox (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL,      -- admission, pass
        code        TEXT NOT NULL,      -- keyed with the venue secret when sent, never sent
        body        TEXT NOT NULL,      -- JSON, signed when sent
        expires_at  TEXT NOT NULL,      -- not worth sending after this (message expiry)
        created_at  TEXT NOT NULL
    );
    CREATE TABLE fleet_admissions (
        scan_id     TEXT PRIMARY KEY,   -- scan id at the admitting kiosk
        key         TEXT NOT NULL,      -- HMAC of the code
        device      TEXT NOT NULL,
        scanned_at  TEXT NOT NULL,
        mode        TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    CREATE INDEX fleet_admissions_by_key ON fleet_admissions (key, scanned_at);
    CREATE TABLE fleet_pass_facts (
        key         TEXT PRIMARY KEY,   -- HMAC of the code
        voided      INTEGER NOT NULL,
        expires_at  TEXT,
        device      TEXT NOT NULL,      -- who learned it
        learned_at  TEXT NOT NULL
    );
    """,
    # The journal's identity, touched by every scan write, so that a WAL file holding scan
    # writes names the journal that wrote it (see the foreign -wal check in db.py).
    """
    INSERT OR IGNORE INTO meta (key, value) VALUES ('journal_id', lower(hex(randomblob(16))));
    INSERT OR IGNORE INTO meta (key, value) VALUES ('write_stamp', '0');
    CREATE TRIGGER stamp_scan_insert AFTER INSERT ON scans BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'write_stamp';
    END;
    CREATE TRIGGER stamp_scan_update AFTER UPDATE ON scans BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'write_stamp';
    END;
    CREATE TRIGGER stamp_scan_delete AFTER DELETE ON scans BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'write_stamp';
    END;
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


def migrate(conn: sqlite3.Connection) -> bool:
    """Apply the missing migrations; True when this call applied any.

    Each step reads the version inside its own write transaction: several processes (the
    screen, ``kiosk scan``, ``kiosk sync``) may open a new journal at the same moment, and
    the one that waited for the lock must see the step the other has just applied, not
    apply it again ("table scans already exists")."""
    applied = False
    while (version := _version(conn)) != SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _version(conn)  # another process may have migrated meanwhile
            if version < SCHEMA_VERSION:
                for statement in split_statements(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                applied = True
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return applied


def _version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise JournalUnavailable(
            f"The journal was written by a newer kiosk (schema {version}); update this kiosk."
        )
    return version


def split_statements(script: str) -> list[str]:
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
