"""Damaged journals: found at start or in use, a foreign -wal; queued scans come back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.journal import Journal, ScanRecord
from kiosk.journal.salvage import moved_aside, salvage
from kiosk.journal.states import UploadState
from kiosk.scanning.verdict import VerdictKind

NOW = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)
PAGE = 4096


def queue_scans(
    journal: Journal, count: int, *, state: UploadState = UploadState.PENDING
) -> list[str]:
    """``count`` accepted scans (long codes, so they fill several pages); their scan ids."""
    ids = []
    with journal.transaction() as tx:
        for number in range(count):
            scan_id = str(uuid.uuid4())
            tx.insert_scan(
                ScanRecord(
                    scan_id,
                    f"CODE-{number:04d}-" + "x" * 150,
                    "valid",
                    "entry",
                    0,
                    False,
                    NOW + timedelta(seconds=number),
                    False,
                    "manual",
                    "Welcome",
                    state,
                )
            )
            ids.append(scan_id)
    return ids


def trample(path: Path, page: int) -> None:
    """Random bytes over one whole page of the file."""
    data = bytearray(path.read_bytes())
    data[(page - 1) * PAGE : page * PAGE] = os.urandom(PAGE)
    path.write_bytes(bytes(data))


def table_leaf_holding(path: Path, scan_id: str) -> int:
    """The number of the table-leaf page that holds ``scan_id``'s row."""
    data = path.read_bytes()
    start = 0
    while (at := data.find(scan_id.encode(), start)) >= 0:
        page = at // PAGE + 1
        if data[(page - 1) * PAGE] == 0x0D:
            return page
        start = at + 1
    raise AssertionError("row not found on a table-leaf page")


def queued_ids(journal: Journal) -> set[str]:
    return {item.scan_id for item in journal.due_uploads(None, 10_000)}


def test_damaged_root_page_loses_no_queued_scan(paths):
    """The issue's case: random bytes on page 2 (the scans table's root)."""
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 60)
    trample(paths.journal_file, 2)
    with Journal(paths.journal_file) as journal:
        assert journal.problem is not None
        assert "moved to journal.sqlite3.corrupt-" in journal.problem
        assert "60 scan(s) (60 waiting to upload) were recovered" in journal.problem
        assert queued_ids(journal) == set(ids)  # same scan ids: uploaded once, as themselves
        with journal.transaction() as tx:  # and the new journal takes new scans
            tx.insert_scan(
                ScanRecord(
                    "new",
                    "C",
                    "valid",
                    "entry",
                    0,
                    False,
                    NOW,
                    False,
                    "manual",
                    "m",
                    UploadState.PENDING,
                )
            )
    [moved] = moved_aside(paths.journal_file)
    assert moved.name.startswith("journal.sqlite3.corrupt-")
    with Journal(paths.journal_file) as again:  # recovered once, not at every start
        assert again.problem is None and len(queued_ids(again)) == 61


def test_damaged_leaf_page_costs_only_its_own_rows(paths):
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 80)
    page = table_leaf_holding(paths.journal_file, ids[40])
    on_page = {
        i
        for i in ids
        if i.encode() in paths.journal_file.read_bytes()[(page - 1) * PAGE : page * PAGE]
    }
    trample(paths.journal_file, page)
    with Journal(paths.journal_file) as journal:
        assert queued_ids(journal) == set(ids) - on_page
        assert 0 < len(on_page) < 40


def test_uploaded_scans_stay_uploaded_when_recovered(paths):
    with Journal(paths.journal_file) as journal:
        sent = queue_scans(journal, 30, state=UploadState.UPLOADED)
        waiting = queue_scans(journal, 30)
    trample(paths.journal_file, 2)
    with Journal(paths.journal_file) as journal:
        assert queued_ids(journal) == set(waiting)
        assert journal.scan_ids() == set(sent) | set(waiting)


def test_damage_found_in_use_is_handled_then_and_there(paths, credentials):
    """A page goes bad while the kiosk runs: reads and scans go on in a fresh journal."""
    from kiosk.scanning.service import ScanService

    with ScanService(paths, credentials, background=False) as service:
        ids = queue_scans(service.journal, 60)
        conn = service.journal._conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        trample(paths.journal_file, 2)
        conn.execute("PRAGMA shrink_memory")  # drop the cached pages: the next read sees it
        assert service.status().pending == 60  # recovered, not "0"
        assert "moved to journal.sqlite3.corrupt-" in (service.journal.problem or "")
        verdict = service.scan("TKT-VALID-0001")
        assert verdict.kind is VerdictKind.VALID, verdict.message
        assert queued_ids(service.journal) == set(ids) | {verdict.scan_id}
    [moved] = moved_aside(paths.journal_file)
    damaged = moved.read_bytes()
    assert damaged[PAGE : 2 * PAGE] != b"\0" * PAGE  # nothing more was written into it
    with Journal(paths.journal_file) as journal:
        assert verdict.scan_id in queued_ids(journal)


def test_a_scan_during_damage_is_retried_in_the_new_journal(paths, credentials):
    from kiosk.scanning.service import ScanService

    with ScanService(paths, credentials, background=False) as service:
        queue_scans(service.journal, 60)
        conn = service.journal._conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        trample(paths.journal_file, 2)
        conn.execute("PRAGMA shrink_memory")
        verdict = service.scan("TKT-VALID-0001")  # the damage is found inside its transaction
        assert verdict.kind is VerdictKind.VALID, verdict.message
        assert service.status().pending == 61


def test_another_process_moving_the_journal_aside_is_followed(paths):
    """Two kiosk processes: when one moves the damaged file aside, the other does not go
    on writing into the moved file."""
    with Journal(paths.journal_file) as first:
        ids = queue_scans(first, 5)
        second_path = paths.journal_file
        from kiosk.journal.db import move_aside

        moved = move_aside(second_path)  # what the other process did
        with Journal(paths.journal_file) as other:
            assert queued_ids(other) == set(ids)  # it recovered them (readable file)
        later = queue_scans(first, 1)  # first notices the new file and writes there
        assert queued_ids(first) == set(ids) | set(later)
    with sqlite3.connect(f"{moved.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM scans").fetchone()[0] == 5


def test_a_foreign_wal_is_set_aside_not_replayed(paths, tmp_path):
    with Journal(paths.journal_file) as ours:
        ids = queue_scans(ours, 10)
    other = tmp_path / "other" / "journal.sqlite3"
    other.parent.mkdir()
    with Journal(other) as theirs:
        queue_scans(theirs, 10)
        # their uncheckpointed writes, copied next to our journal
        shutil.copy(f"{other}-wal", f"{paths.journal_file}-wal")
    before = paths.journal_file.read_bytes()
    with Journal(paths.journal_file) as journal:
        assert "written by another journal" in (journal.problem or "")
        assert queued_ids(journal) == set(ids)
    [foreign] = moved_aside(paths.journal_file)
    assert "-wal.foreign-" in foreign.name
    assert paths.journal_file.read_bytes()[:PAGE] != b""  # our file is still there, ours
    assert len(before) > 0


def test_our_own_wal_after_a_crash_is_replayed(paths):
    """The foreign-WAL check must not throw away this journal's own last writes."""
    journal = Journal(paths.journal_file)
    ids = queue_scans(journal, 10)
    copy = paths.data_dir / "crash"
    copy.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(f"{paths.journal_file}{suffix}", copy / f"journal.sqlite3{suffix}")
    journal.close()
    with Journal(copy / "journal.sqlite3") as reopened:
        assert reopened.problem is None
        assert queued_ids(reopened) == set(ids)


def test_not_a_database_at_all_is_moved_and_nothing_recovered(paths):
    paths.journal_file.write_bytes(b"not a database" * 1000)
    with Journal(paths.journal_file) as journal:
        assert "moved to" in (journal.problem or "") and journal.scan_ids() == set()


@pytest.mark.parametrize("damage", ["header", "all-pages"])
def test_salvage_never_returns_garbage(paths, damage):
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 40)
    data = bytearray(paths.journal_file.read_bytes())
    if damage == "header":
        data[:100] = os.urandom(100)
    else:
        for page in range(1, len(data) // PAGE):
            data[page * PAGE + 200 : page * PAGE + 260] = os.urandom(60)
    paths.journal_file.write_bytes(bytes(data))
    rows, _ = salvage(paths.journal_file)
    assert {row[0] for row in rows} <= set(ids)


def test_a_healthy_journal_an_older_kiosk_moved_aside_is_recovered(paths):
    """The issue's first case, after the fact: a full disk made an older kiosk rename a
    healthy journal to .corrupt-...; this kiosk brings its queued scans back, once."""
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 10)
    stranded = paths.data_dir / "journal.sqlite3.corrupt-20261120T101500000000Z"
    paths.journal_file.rename(stranded)
    with Journal(paths.journal_file) as journal:
        assert "10 scan(s) (10 waiting to upload) were recovered" in (journal.problem or "")
        assert queued_ids(journal) == set(ids)
    with Journal(paths.journal_file) as journal:
        assert journal.problem is None and queued_ids(journal) == set(ids)
    assert moved_aside(paths.journal_file) == [stranded]
