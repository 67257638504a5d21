"""Reading one table's rows out of a journal that was moved aside as damaged.

A damaged page costs the rows on it, not the whole table. Through SQL the table is read in
rowid order, and where a read fails the reader skips ahead past the damaged page (doubling
the step, then searching back for the first readable row); then every table-leaf page is
read directly (:mod:`kiosk.journal.pages`), which finds the rows SQL cannot reach under a
damaged interior page. Both are done with the file's ``-wal`` and without it (a damaged WAL
must not hide what the main file holds). Every row is checked by the table's own
``plausible`` before it is trusted (a damaged page can return garbage without an error), and
when a row is found in several versions the highest ``rank`` wins.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.journal.pages import leaf_records

Row = tuple[Any, ...]
BATCH = 256


@dataclass(frozen=True)
class Table:
    """What salvage needs to know of one journal table."""

    name: str
    columns: tuple[str, ...]
    # Added by later migrations; a journal from before them has none (NULL when recovered).
    later_columns: tuple[str, ...]
    # The row, perhaps mended, if it looks like one this kiosk wrote; None for garbage.
    plausible: Callable[[Row], Row | None]
    key: Callable[[Row], Hashable]
    rank: Callable[[Row], tuple[int, ...]]
    # The rowid is a column of the table (INTEGER PRIMARY KEY): pages store NULL in its place.
    rowid_column: bool = False

    @property
    def width(self) -> int:
        return len(self.columns) + len(self.later_columns)


def read_table(moved: Path, table: Table, deadline: float) -> list[Row]:
    """The readable, plausible rows of ``table`` in ``moved``, one version of each."""
    return read_tables(moved, (table,), deadline)[table.name]


def read_tables(moved: Path, tables: tuple[Table, ...], deadline: float) -> dict[str, list[Row]]:
    """:func:`read_table` for several tables of one file, by table name. The leaf pages are
    walked (once, for every table SQL could not read whole) only when SQL fell short: the
    walk reads the whole file, which for a large journal is most of the recovery's time."""
    wal = Path(f"{moved}-wal")
    views = (True, False) if wal.exists() and wal.stat().st_size > 32 else (False,)
    found: dict[str, list[Row]] = {table.name: [] for table in tables}
    short: list[Table] = []  # tables SQL could not read whole (a damaged interior page)
    for table in tables:
        complete = True
        for with_wal in views:
            rows, whole = _read_sql(
                f"{moved.as_uri()}?{'mode=ro' if with_wal else 'immutable=1'}", table, deadline
            )
            found[table.name] += rows
            complete &= whole
        if not complete:
            short.append(table)
    for with_wal in views if short else ():
        for record in leaf_records(moved, with_wal=with_wal):
            for table in short:
                if len(record) >= len(table.columns):
                    row = table.plausible(_padded(record, table.width))
                    if row is not None:
                        found[table.name].append(row)
                        break  # one record is one table's row
    return {table.name: _best(table, found[table.name]) for table in tables}


def _best(table: Table, rows: list[Row]) -> list[Row]:
    """One version of each row: the most advanced (``table.rank``)."""
    best: dict[Hashable, Row] = {}
    for row in rows:
        current = best.get(table.key(row))
        if current is None or table.rank(row) > table.rank(current):
            best[table.key(row)] = row
    return list(best.values())


def _read_sql(uri: str, table: Table, deadline: float) -> tuple[list[Row], bool]:
    """(plausible rows read through SQL, whether the whole table was read without error)."""
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=2)
    except sqlite3.Error:
        return [], False
    damage: list[int] = []
    try:
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        present = _columns(conn, table.name)
        if present is not None and not present:
            return [], True  # the journal predates this table: nothing to recover, no damage
        rows = list(_rows(conn, table, present or set(), deadline, damage))
    except sqlite3.Error:
        return [], False
    finally:
        conn.close()
    return rows, not damage


def _columns(conn: sqlite3.Connection, name: str) -> set[str] | None:
    """The table's columns (empty: no such table), or None when the schema cannot be read."""
    try:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({name})").fetchall()}
    except sqlite3.DatabaseError:
        return None


def _rows(
    conn: sqlite3.Connection, table: Table, present: set[str], deadline: float, damage: list[int]
) -> Iterator[Row]:
    later = [c if c in present else "NULL" for c in table.later_columns]
    query = (
        f"SELECT rowid, {', '.join([*table.columns, *later])} FROM {table.name} NOT INDEXED "
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
            values = (None, *raw[2:]) if table.rowid_column else tuple(raw[1:])
            row = table.plausible(values)
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


def _padded(record: list[Any] | tuple[Any, ...], width: int) -> Row:
    """A raw record with the columns of later migrations (missing in older rows: NULL)."""
    return (*record[:width], *(None,) * (width - len(record)))
