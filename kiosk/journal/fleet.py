"""The journal's fleet tables: the outbox to the broker, other doors' admissions, pass facts.

Plain functions on a connection inside :meth:`kiosk.journal.Journal.transaction`, so an
accepted scan and its outbox row commit together (a crash or a broker outage loses nothing)
and a batch of messages from the broker is one transaction (catching up on 50,000 retained
admissions is not 50,000 fsyncs). Codes never leave the kiosk: other doors' rows are keyed by
the HMAC of the code (see kiosk/fleet/signing.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.journal.records import from_db_time, to_db_time


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    code: str
    body: dict[str, Any]
    expires_at: datetime


@dataclass(frozen=True)
class RemoteAdmission:
    scan_id: str
    key: str
    device: str
    scanned_at: datetime
    mode: str


@dataclass(frozen=True)
class PassFact:
    voided: bool
    expires_at: datetime | None
    device: str


def enqueue(
    conn: sqlite3.Connection,
    kind: str,
    code: str,
    body: dict[str, Any],
    expires_at: datetime,
    now: datetime,
) -> None:
    conn.execute(
        "INSERT INTO fleet_outbox (kind, code, body, expires_at, created_at) VALUES (?,?,?,?,?)",
        (kind, code, json.dumps(body, sort_keys=True), to_db_time(expires_at), to_db_time(now)),
    )


def outbox_after(conn: sqlite3.Connection, after_id: int, limit: int) -> list[OutboxRow]:
    rows = conn.execute(
        "SELECT id, kind, code, body, expires_at FROM fleet_outbox WHERE id > ? ORDER BY id"
        " LIMIT ?",
        (after_id, limit),
    ).fetchall()
    return [OutboxRow(r[0], r[1], r[2], json.loads(r[3]), _time(r[4])) for r in rows]


def delete_outbox(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM fleet_outbox WHERE id = ?", [(i,) for i in ids])


def outbox_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM fleet_outbox").fetchone()[0])


def add_admissions(
    conn: sqlite3.Connection, admissions: Iterable[RemoteAdmission], now: datetime
) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO fleet_admissions (scan_id, key, device, scanned_at, mode,"
        " received_at) VALUES (?,?,?,?,?,?)",
        [
            (a.scan_id, a.key, a.device, to_db_time(a.scanned_at), a.mode, to_db_time(now))
            for a in admissions
        ],
    )


def last_admission(conn: sqlite3.Connection, key: str) -> RemoteAdmission | None:
    """The latest admission of the code keyed ``key`` at another door, if any."""
    row = conn.execute(
        "SELECT scan_id, key, device, scanned_at, mode FROM fleet_admissions WHERE key = ?"
        " ORDER BY scanned_at DESC LIMIT 1",
        (key,),
    ).fetchone()
    return None if row is None else RemoteAdmission(row[0], row[1], row[2], _time(row[3]), row[4])


def admission_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM fleet_admissions").fetchone()[0])


def put_pass_fact(conn: sqlite3.Connection, key: str, fact: PassFact, now: datetime) -> bool:
    """Remember a fact about a pass; True when it is news (not already known)."""
    known = pass_fact(conn, key)
    if (
        known is not None
        and (known.voided or not fact.voided)
        and known.expires_at == fact.expires_at
    ):
        return False
    voided = fact.voided or (known is not None and known.voided)
    conn.execute(
        "INSERT OR REPLACE INTO fleet_pass_facts (key, voided, expires_at, device, learned_at)"
        " VALUES (?,?,?,?,?)",
        (
            key,
            int(voided),
            to_db_time(fact.expires_at) if fact.expires_at else None,
            fact.device,
            to_db_time(now),
        ),
    )
    return True


def pass_fact(conn: sqlite3.Connection, key: str) -> PassFact | None:
    row = conn.execute(
        "SELECT voided, expires_at, device FROM fleet_pass_facts WHERE key = ?", (key,)
    ).fetchone()
    return None if row is None else PassFact(bool(row[0]), from_db_time(row[1]), row[2])


def last_scan_at(conn: sqlite3.Connection) -> datetime | None:
    row = conn.execute("SELECT max(scanned_at) FROM scans").fetchone()
    return from_db_time(row[0]) if row else None


def prune(conn: sqlite3.Connection, cutoff: datetime) -> None:
    """Forget other doors' admissions and pass facts older than the journal's retention."""
    stamp = to_db_time(cutoff)
    conn.execute("DELETE FROM fleet_admissions WHERE scanned_at < ?", (stamp,))
    conn.execute("DELETE FROM fleet_pass_facts WHERE learned_at < ?", (stamp,))


def _time(text: str) -> datetime:
    moment = from_db_time(text)
    assert moment is not None
    return moment
