"""Getting the scans back out of a journal that was moved aside as damaged.

A damaged page costs the rows on it, not the whole file. Through SQL the scans table is read
in rowid order, and where a read fails the reader skips ahead past the damaged page
(doubling the step, then searching back for the first readable row); then every table-leaf
page is read directly (:mod:`kiosk.journal.pages`), which finds the rows SQL cannot reach
under a damaged interior page. Both are done with the file's ``-wal`` and without it (a
damaged WAL must not hide what the main file holds). Every row is checked before it is
trusted (a damaged page can return garbage without an error), and when a scan is found in
several versions the most advanced upload state wins.

Recovered scans keep their ``scan_id`` and upload state, so a queued scan is uploaded once
(the server recognises a retried ``scanId``) and an uploaded one is not sent again. Each
moved-aside file is recovered once: the new journal's ``meta`` table remembers it.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.journal.pages import leaf_records
from kiosk.journal.states import UploadState

log = logging.getLogger(__name__)

MOVED_MARK = ".corrupt-"
FOREIGN_WAL_MARK = "-wal.foreign-"
SALVAGE_SECONDS = 60.0
BATCH = 256

COLUMNS = (
    "scan_id",
    "code",
    "verdict",
    "mode",
    "reward_points",
    "voids_pass",
    "scanned_at",
    "offline",
    "source",
    "pass_id",
    "holder",
    "message",
    "upload_state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "uploaded_at",
    "server_event_id",
)
# Added by later migrations; a journal from before them has none (NULL when recovered).
LATER_COLUMNS = ("device", "workspace")
VERDICTS = {"valid", "voided", "expired", "unknown", "duplicate", "error"}
# Later states win; "failed" is what "rejected" was called before the rejected migration.
STATES = {
    UploadState.NOT_NEEDED: 0,
    UploadState.PENDING: 1,
    "failed": 2,
    UploadState.REJECTED: 2,
    UploadState.HELD: 2,
    UploadState.UPLOADED: 3,
}
QUEUED = (UploadState.PENDING, "failed", UploadState.REJECTED)
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


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
    """Copy readable scans of every moved-aside journal not yet recovered into ``conn``.

    Returns one sentence per file recovered now. Raises sqlite3.Error when ``conn`` cannot
    take them (the file is then tried again at the next start).
    """
    said = []
    for moved in moved_aside(journal):
        if FOREIGN_WAL_MARK in moved.name:
            continue  # another journal's WAL: its scans are not ours to upload
        key = f"recovered:{moved.name}"
        if conn.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone():
            continue
        rows, queued = salvage(moved)
        conn.execute("BEGIN IMMEDIATE")
        try:
            added = 0
            for row in rows:
                added += conn.execute(
                    f"INSERT OR IGNORE INTO scans ({', '.join(COLUMNS + LATER_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * (len(COLUMNS) + len(LATER_COLUMNS)))})",
                    _current(row),
                ).rowcount
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(added))
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        sentence = (
            f"{added} scan(s) ({queued} waiting to upload) were recovered from "
            f"{moved.name}; keep that file for support, then delete it."
        )
        log.warning("journal_recovered file=%s scans=%d queued=%d", moved.name, added, queued)
        said.append(sentence)
    return said


def salvage(moved: Path, time_limit: float = SALVAGE_SECONDS) -> tuple[list[tuple[Any, ...]], int]:
    """(readable, plausible scan rows of ``moved``, how many of them are queued)."""
    best: dict[str, tuple[Any, ...]] = {}
    deadline = time.monotonic() + time_limit
    wal = Path(f"{moved}-wal")
    views = (True, False) if wal.exists() and wal.stat().st_size > 32 else (False,)
    found: list[tuple[Any, ...]] = []
    complete = True
    for with_wal in views:
        rows, whole = _read_all(
            f"{moved.as_uri()}?{'mode=ro' if with_wal else 'immutable=1'}", deadline
        )
        found += rows
        complete &= whole
    for with_wal in () if complete else views:  # rows SQL cannot reach (damaged interior page)
        found += [
            row
            for record in leaf_records(moved, with_wal=with_wal)
            if len(record) >= len(COLUMNS) and (row := _plausible(_padded(record))) is not None
        ]
    for row in found:
        current = best.get(row[0])
        if current is None or _rank(row) > _rank(current):
            best[row[0]] = row
    rows = sorted(best.values(), key=lambda r: r[6])
    return rows, sum(1 for r in rows if r[12] in QUEUED)


def _rank(row: tuple[Any, ...]) -> tuple[int, int]:
    return STATES[row[12]], int(row[13])


def _read_all(uri: str, deadline: float) -> tuple[list[tuple[Any, ...]], bool]:
    """(plausible rows read through SQL, whether the whole table was read without error)."""
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=2)
    except sqlite3.Error:
        return [], False
    damage: list[int] = []
    try:
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        rows = list(_rows(conn, deadline, damage))
    except sqlite3.Error:
        return [], False
    finally:
        conn.close()
    return rows, not damage


def _rows(conn: sqlite3.Connection, deadline: float, damage: list[int]) -> Any:
    try:
        present = {r[1] for r in conn.execute("PRAGMA table_info(scans)").fetchall()}
    except sqlite3.DatabaseError:
        present = set()
    later = [c if c in present else "NULL" for c in LATER_COLUMNS]
    query = (
        f"SELECT rowid, {', '.join([*COLUMNS, *later])} FROM scans NOT INDEXED "
        "WHERE rowid > ? ORDER BY rowid LIMIT ?"
    )
    after = 0
    while time.monotonic() < deadline:
        try:
            batch = conn.execute(query, (after, BATCH)).fetchall()
        except sqlite3.DatabaseError:
            damage.append(after)
            batch = _one_by_one(conn, query, after)
            if not batch:
                skipped = _skip_damage(conn, query, after, deadline)
                if skipped is None:
                    return
                after = skipped
                continue
        if not batch:
            return
        for raw in batch:
            row = _plausible(tuple(raw[1:]))
            if row is not None:
                yield row
        after = batch[-1][0]
    damage.append(after)  # out of time: not all read


def _one_by_one(conn: sqlite3.Connection, query: str, after: int) -> list[Any]:
    """Rows after ``after`` up to the first one that cannot be read."""
    rows: list[Any] = []
    while len(rows) < BATCH:
        try:
            found = conn.execute(query, (rows[-1][0] if rows else after, 1)).fetchall()
        except sqlite3.DatabaseError:
            break
        if not found:
            break
        rows += found
    return rows


def _readable(conn: sqlite3.Connection, query: str, after: int) -> bool:
    try:
        conn.execute(query, (after, 1)).fetchall()
    except sqlite3.DatabaseError:
        return False
    return True


def _skip_damage(conn: sqlite3.Connection, query: str, after: int, deadline: float) -> int | None:
    """The smallest rowid past ``after`` from which reading works again, or None."""
    step = 1
    while after + step < 2**62 and time.monotonic() < deadline:
        if _readable(conn, query, after + step):
            bad, good = after + step // 2, after + step
            while good - bad > 1:
                middle = (bad + good) // 2
                bad, good = (bad, middle) if _readable(conn, query, middle) else (middle, good)
            return good
        step *= 2
    return None


def _plausible(row: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The row, if it looks like a scan this kiosk wrote (garbage from a damaged page not)."""
    (
        scan_id,
        code,
        verdict,
        mode,
        points,
        voids,
        scanned_at,
        offline,
        source,
        _pass_id,
        _holder,
        message,
        state,
        attempts,
        next_at,
        _error,
        _uploaded_at,
        _event,
        device,
        workspace,
    ) = row
    if not (
        isinstance(scan_id, str)
        and 0 < len(scan_id) <= 200
        and isinstance(code, str)
        and code
        and verdict in VERDICTS
        and state in STATES
        and isinstance(mode, str)
        and isinstance(source, str)
        and isinstance(message, str)
        and isinstance(points, int)
        and voids in (0, 1)
        and offline in (0, 1)
        and isinstance(attempts, int)
        and _is_time(scanned_at)
        and (next_at is None or _is_time(next_at))
        and all(v is None or isinstance(v, str) for v in (device, workspace))
    ):
        return None
    if state in QUEUED and next_at is None:
        row = (*row[:14], scanned_at, *row[15:])
    return row


def _is_time(value: Any) -> bool:
    if not isinstance(value, str) or not _TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _padded(record: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
    """A raw record with the columns of later migrations (missing in older rows: NULL)."""
    width = len(COLUMNS) + len(LATER_COLUMNS)
    return (*record[:width], *(None,) * (width - len(record)))


def _current(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A recovered row in today's vocabulary ("failed" is now "rejected")."""
    return (*row[:12], UploadState.REJECTED, *row[13:]) if row[12] == "failed" else row
