"""Getting what a journal owed back out of it after it was moved aside as damaged.

A damaged page costs the rows on it, not the whole file (:mod:`kiosk.journal.salvage_read`
reads around it). Three tables come back (:mod:`kiosk.journal.salvage_rows` says why each):
scans, the follow-up steps after them (a void owed to the server after a redeem) and the
admissions owed to the venue's other doors.

Recovered scans keep their ``scan_id`` and upload state, so a queued scan is uploaded once
(the server recognises a retried ``scanId``) and an uploaded one is not sent again; recovered
steps keep their state, so an ended step does not run again and an open one does (a void
re-reads the pass first, so it is never done twice). Each moved-aside file is recovered once:
the new journal's ``meta`` table remembers it. When a journal that had recovered an older file
is damaged in turn, the newer file is recovered first, so what that journal finished (a scan
uploaded, a step ended, an admission told) is not undone by the older file's copies.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from kiosk.journal.records import to_db_time
from kiosk.journal.salvage_read import Row, read_table, read_tables
from kiosk.journal.salvage_rows import FLEET_OUTBOX, FOLLOW_UPS, QUEUED, SCANS

log = logging.getLogger(__name__)

MOVED_MARK = ".corrupt-"
FOREIGN_WAL_MARK = "-wal.foreign-"
SALVAGE_SECONDS = 60.0
STEPS_SECONDS = 20.0  # the steps' and outbox's share, beyond the scans'


def moved_aside(journal: Path) -> list[Path]:
    """Files an operator should look at: moved-aside journals and set-aside foreign WALs."""
    folder = journal.parent
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        return []
    found = []
    for name in names:
        if name.startswith(journal.name + MOVED_MARK) and not name.endswith(("-wal", "-shm")):
            found.append(folder / name)
        elif name.startswith(journal.name + FOREIGN_WAL_MARK):
            found.append(folder / name)
    return found


def recover_moved(conn: sqlite3.Connection, journal: Path) -> list[str]:
    """Copy what every moved-aside journal not yet recovered still owes into ``conn``.

    Returns one sentence per file recovered now. Raises sqlite3.Error when ``conn`` cannot
    take them (the file is then tried again at the next start).
    """
    said = []
    handed_on: set[str] = set()  # recovered into a journal that is itself moved aside now
    # Newest first: a file recovered before was copied into a later journal that went on
    # (uploaded the scans, ended the steps); that journal's rows win (INSERT OR IGNORE), and
    # the older file only fills in rows lost to the later damage.
    for moved in reversed(moved_aside(journal)):
        if FOREIGN_WAL_MARK in moved.name:
            continue  # another journal's WAL: its scans are not ours to upload
        key = f"recovered:{moved.name}"
        if conn.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone():
            continue
        # the outbox of a file a later journal recovered: that journal sent those and deleted
        # them, so they are not read (never tell the doors twice)
        tables = (SCANS, FOLLOW_UPS) + (() if key in handed_on else (FLEET_OUTBOX,))
        found = read_tables(moved, tables, time.monotonic() + SALVAGE_SECONDS + STEPS_SECONDS)
        rows = _in_scan_order(found[SCANS.name])
        steps = found[FOLLOW_UPS.name]
        now = to_db_time(datetime.now(UTC))
        owed = [row for row in found.get(FLEET_OUTBOX.name, []) if row[4] > now]
        handed_on |= recovered_keys(moved)
        conn.execute("BEGIN IMMEDIATE")
        try:
            new = _insert(conn, "scans", SCANS.columns + SCANS.later_columns, rows)
            steps_added = len(_insert(conn, "follow_ups", FOLLOW_UPS.columns, steps))
            outbox = FLEET_OUTBOX.columns[1:]
            told = len(_insert(conn, "fleet_outbox", outbox, [r[1:] for r in owed]))
            added = len(new)
            queued = sum(1 for row in new if row[12] in QUEUED)  # not those a later file had
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(added))
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        also = [f"{steps_added} follow-up step(s)"] if steps_added else []
        also += [f"{told} admission message(s) for the other doors"] if told else []
        sentence = (
            f"{added} scan(s) ({queued} waiting to upload)"
            + "".join(f", {part}" for part in also[:-1])
            + (f" and {also[-1]}" if also else "")
            + f" were recovered from {moved.name}; keep that file for support, then delete it."
        )
        log.warning(
            "journal_recovered file=%s scans=%d queued=%d steps=%d outbox=%d",
            moved.name,
            added,
            queued,
            steps_added,
            told,
        )
        said.append(sentence)
    return said


def recovered_keys(moved: Path) -> set[str]:
    """The ``recovered:<file>`` marks in ``moved``'s meta table: the files that journal had
    recovered before it was damaged itself (none when its meta cannot be read)."""
    keys: set[str] = set()
    for flag in ("mode=ro", "immutable=1"):  # with its -wal, and the main file alone
        try:
            conn = sqlite3.connect(f"{moved.as_uri()}?{flag}", uri=True, timeout=2)
        except sqlite3.Error:
            continue
        try:
            keys |= {
                str(row[0])
                for row in conn.execute("SELECT key FROM meta WHERE key LIKE 'recovered:%'")
            }
        except sqlite3.Error:
            pass
        finally:
            conn.close()
    return keys


def _insert(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[Row]
) -> list[Row]:
    """INSERT OR IGNORE each row; the ones that were new (a row the journal has already
    stays as it is)."""
    statement = (
        f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    return [row for row in rows if conn.execute(statement, row).rowcount]


def salvage(moved: Path, time_limit: float = SALVAGE_SECONDS) -> tuple[list[Row], int]:
    """(readable, plausible scan rows of ``moved`` in scan order, how many are queued)."""
    rows = _in_scan_order(read_table(moved, SCANS, time.monotonic() + time_limit))
    return rows, sum(1 for row in rows if row[12] in QUEUED)


def _in_scan_order(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: row[6])  # scanned_at, fixed-width UTC text
