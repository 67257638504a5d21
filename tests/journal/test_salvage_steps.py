"""A damaged journal gives back what it owed besides scans: the follow-up steps (a void owed
after a redeem: lost, a single-use coupon stays valid on the server) and the admissions owed
to the other doors. Real SQLite files, real damage (random bytes over whole pages)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from kiosk.journal import Journal
from kiosk.journal import fleet as fleet_journal
from kiosk.journal.followups import FollowUpStore
from kiosk.journal.salvage_read import read_table
from kiosk.journal.salvage_rows import FOLLOW_UPS
from kiosk.journal.states import UploadState
from tests.journal.test_damage import PAGE, queue_scans, trample

LATER = datetime.now(UTC) + timedelta(hours=1)


def owe_steps(journal: Journal, ids: list[str]) -> None:
    """A void and a message for every scan; the first ten scans' voids are already done."""
    with journal.transaction() as tx:
        for scan_id in ids:
            tx.add_follow_up(scan_id, "void", "project-1", f"pass-{scan_id}", {})
            tx.add_follow_up(scan_id, "message", "project-1", f"pass-{scan_id}", {"n": 1})
    store = FollowUpStore(journal)
    for scan_id in ids[:10]:
        store.mark_done(scan_id, "void", datetime.now(UTC))


def owe_admissions(journal: Journal, count: int) -> None:
    now = datetime.now(UTC)
    with journal.transaction() as tx:
        for number in range(count):
            body = {"kind": "admission", "scanId": f"s-{number}", "device": "door-1"}
            fleet_journal.enqueue(tx.connection, "admission", f"CODE-{number}", body, LATER, now)
        gone = {"kind": "admission", "scanId": "old", "device": "door-1"}
        fleet_journal.enqueue(
            tx.connection, "admission", "OLD", gone, now - timedelta(minutes=1), now
        )


def steps(journal: Journal) -> dict[tuple[str, str], str]:
    with journal.connection() as conn:
        rows = conn.execute("SELECT scan_id, step, state FROM follow_ups").fetchall()
    return {(scan_id, step): state for scan_id, step, state in rows}


def outbox_codes(journal: Journal) -> set[str]:
    with journal.connection() as conn:
        return {r[0] for r in conn.execute("SELECT code FROM fleet_outbox").fetchall()}


def test_steps_and_admissions_come_back_with_their_states(paths):
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 60)
        owe_steps(journal, ids)
        owe_admissions(journal, 5)
        before = steps(journal)
    trample(paths.journal_file, 2)  # the scans table's root: the whole file is moved aside
    with Journal(paths.journal_file) as journal:
        problem = journal.problem or ""
        assert "60 scan(s) (60 waiting to upload), 120 follow-up step(s)" in problem
        assert "and 5 admission message(s) for the other doors were recovered" in problem
        assert steps(journal) == before
        assert outbox_codes(journal) == {f"CODE-{n}" for n in range(5)}, "expired: not sent"
        for scan_id in ids:  # the server confirms the scan events: the open voids are due
            journal.mark_uploaded(scan_id, f"event-{scan_id}", datetime.now(UTC))
        due = FollowUpStore(journal).due(None, 1000)
    voids = {step.scan_id for step in due if step.step == "void"}
    assert voids == set(ids[10:]), "an ended void never runs again; an open one does"
    assert {step.scan_id for step in due if step.step == "message"} == set(ids)


def test_a_damaged_page_of_steps_costs_only_its_own_rows(paths):
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 40)
        owe_steps(journal, ids)
        with journal.connection() as conn:
            root = conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = 'follow_ups'"
            ).fetchone()[0]
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    moved = paths.journal_file.with_name("journal.sqlite3.corrupt-20261129T100000000000Z")
    paths.journal_file.rename(moved)
    data = moved.read_bytes()
    leaves = [
        page for page in range(root + 1, len(data) // PAGE + 1) if data[(page - 1) * PAGE] == 0x0D
    ]
    # the table-leaf page holding the most steps
    leaf = max(leaves, key=lambda page: data[(page - 1) * PAGE : page * PAGE].count(b"void"))
    trample(moved, leaf)
    found = read_table(moved, FOLLOW_UPS, deadline=float("inf"))
    assert 0 < len(found) < 80, "the other pages' steps come back"
    assert all(row[1] in ("void", "message") and row[0] in ids for row in found)


def test_a_journal_from_before_steps_and_the_fleet_recovers_its_scans(paths):
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 5)
    with sqlite3.connect(paths.journal_file) as conn:
        conn.execute("DROP TABLE follow_ups")
        conn.execute("DROP TABLE fleet_outbox")
    paths.journal_file.rename(
        paths.journal_file.with_name("journal.sqlite3.corrupt-20261129T100000000000Z")
    )
    with Journal(paths.journal_file) as journal:
        assert "5 scan(s) (5 waiting to upload) were recovered" in (journal.problem or "")
        assert {item.scan_id for item in journal.due_uploads(None, 100)} == set(ids)
        assert steps(journal) == {} and outbox_codes(journal) == set()


def test_every_state_of_a_step_comes_back_as_it_was(paths):
    """Pending, rejected (with its retry time), done and skipped: recovered exactly."""
    with Journal(paths.journal_file) as journal:
        ids = queue_scans(journal, 3)
        owe_steps(journal, ids)
        store = FollowUpStore(journal)
        store.mark_rejected(ids[1], "message", "refused", datetime.now(UTC) + timedelta(hours=1))
        store.mark_skipped(ids[2], "message", "no pass id", datetime.now(UTC))
        expected = steps(journal)
    assert set(expected.values()) == {UploadState.PENDING, UploadState.REJECTED, "done", "skipped"}
    paths.journal_file.rename(
        paths.journal_file.with_name("journal.sqlite3.corrupt-20261129T100000000000Z")
    )
    with Journal(paths.journal_file) as journal:
        assert steps(journal) == expected


def test_a_second_damage_does_not_bring_back_what_the_first_recovery_finished(paths):
    """Journal A is damaged and recovered into B; B sends the scan, the wallet message and
    the admission, then is damaged too. The journal after B recovers A as well (its meta never
    heard of A): A's old copies must not undo what B finished, or the holder gets the wallet
    message twice and the other doors hear the admission again."""
    with Journal(paths.journal_file) as journal:
        [scan_id] = queue_scans(journal, 1)
        with journal.transaction() as tx:
            tx.add_follow_up(scan_id, "message", "project-1", "pass-1", {"n": 1})
        owe_admissions(journal, 1)
    first = paths.journal_file.with_name("journal.sqlite3.corrupt-20261129T100000000000Z")
    paths.journal_file.rename(first)
    with Journal(paths.journal_file) as journal:  # B: recovers A, then finishes everything
        assert steps(journal) == {(scan_id, "message"): UploadState.PENDING}
        journal.mark_uploaded(scan_id, "event-1", datetime.now(UTC))
        FollowUpStore(journal).mark_done(scan_id, "message", datetime.now(UTC))
        with journal.transaction() as tx:
            sent = fleet_journal.outbox_after(tx.connection, 0, 10)
            fleet_journal.delete_outbox(tx.connection, [row.id for row in sent])
        assert outbox_codes(journal) == set()
    second = paths.journal_file.with_name("journal.sqlite3.corrupt-20261129T110000000000Z")
    paths.journal_file.rename(second)
    with Journal(paths.journal_file) as journal:  # C: both files are moved aside
        assert f"0 scan(s) (0 waiting to upload) were recovered from {first.name}" in (
            journal.problem or ""
        ), "the scan the older file holds is already back, uploaded, from the newer one"
        assert steps(journal) == {(scan_id, "message"): "done"}
        assert journal.due_uploads(None, 10) == []
        assert outbox_codes(journal) == set()
