"""The journal file: durability settings, privacy, migrations, corruption, full disk, pruning."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.journal import CachedPass, Journal, JournalFull, ScanRecord
from kiosk.journal.followups import FollowUpStore
from kiosk.journal.migrations import MIGRATIONS, SCHEMA_VERSION
from kiosk.journal.states import UploadState
from kiosk.journal.uploads import QueueCounts
from kiosk.passfacts import PassFacts
from kiosk.scanning.verdict import VerdictKind
from kiosk.settings import Settings
from kiosk.status import journal_summary

NOW = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)


def record(
    scan_id: str,
    *,
    code: str = "C",
    state: UploadState = UploadState.PENDING,
    at: datetime = NOW,
    verdict: str = "valid",
) -> ScanRecord:
    return ScanRecord(scan_id, code, verdict, "entry", 0, False, at, False, "manual", "m", state)


@pytest.fixture
def fast_settings() -> Settings:
    return Settings().with_changes(scanning={"lookup_timeout_seconds": 1.5})  # loaded CI: not 0.5


@pytest.fixture
def journal(paths):
    with Journal(paths.journal_file, max_entries=1000) as j:
        yield j


def test_wal_full_sync_and_schema_version(journal, paths):
    conn = journal._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_files_and_folder_are_owner_only(journal, paths):
    with journal.transaction() as tx:
        tx.insert_scan(record("a"))
    for suffix in ("", "-wal", "-shm"):
        path = paths.data_dir / f"journal.sqlite3{suffix}"
        assert path.exists(), suffix
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix
    assert stat.S_IMODE(paths.data_dir.stat().st_mode) == 0o700


def test_reopening_keeps_scans_and_does_not_migrate_again(paths):
    with Journal(paths.journal_file) as first, first.transaction() as tx:
        tx.insert_scan(record("a"))
    with Journal(paths.journal_file) as second:
        assert second.scan_ids() == {"a"} and second.problem is None


def test_a_newer_schema_is_not_touched(paths):
    with Journal(paths.journal_file):
        pass
    conn = sqlite3.connect(paths.journal_file)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    from kiosk.journal import JournalUnavailable

    with pytest.raises(JournalUnavailable, match="newer kiosk"):
        Journal(paths.journal_file)
    assert paths.journal_file.exists()


def test_a_corrupt_journal_is_moved_aside_not_overwritten(paths):
    garbage = os.urandom(8192)
    paths.journal_file.write_bytes(garbage)
    with Journal(paths.journal_file) as journal:
        assert journal.problem is not None and "moved to" in journal.problem
        assert "new journal" in journal.problem
        with journal.transaction() as tx:
            tx.insert_scan(record("fresh"))
    [moved] = list(paths.data_dir.glob("journal.sqlite3.corrupt-*"))
    assert moved.read_bytes() == garbage
    assert moved.name in (journal.problem or "")


def test_scan_service_reports_the_moved_journal(paths, credentials):
    from kiosk.scanning.service import ScanService

    paths.journal_file.write_bytes(b"this is not a database" * 100)
    with ScanService(paths, credentials, background=False) as service:
        assert any("damaged" in p and "moved to" in p for p in service.problems)
        assert service.scan("TKT-VALID-0001").kind is VerdictKind.VALID


def test_full_disk_is_a_clear_error(journal):
    conn = journal._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(JournalFull, match="disk is full"), journal.transaction() as tx:
        for number in range(2000):
            tx.insert_scan(record(f"s{number}", code="x" * 200 + str(number)))
    assert journal.scan_ids() == set()  # rolled back whole, nothing half-written


def test_full_disk_gives_an_error_verdict_not_a_crash(paths, credentials, fast_settings):
    from kiosk.scanning.service import ScanService

    with ScanService(paths, credentials, fast_settings, background=False) as service:
        conn = service.journal._conn
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        verdicts = [service.scan(f"CODE-{n:04d}-" + "y" * 500) for n in range(40)]
        errors = [v for v in verdicts if v.kind is VerdictKind.ERROR]
        assert errors, "the journal never filled up"
        assert all(v.scan_id is None and "disk is full" in v.message for v in errors)
        assert not any(v.accepted for v in verdicts[verdicts.index(errors[0]) :])


def test_duplicate_check_and_insert_are_atomic_across_threads(paths, credentials, fast_settings):
    from kiosk.scanning.service import ScanService

    with ScanService(paths, credentials, fast_settings, background=False) as service:
        results: list[VerdictKind] = []
        barrier = threading.Barrier(8)

        def scan() -> None:
            barrier.wait()
            results.append(service.scan("TKT-VALID-0001").kind)

        threads = [threading.Thread(target=scan) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results).count(VerdictKind.VALID) == 1
        assert results.count(VerdictKind.DUPLICATE) == 7


def test_prune_by_age_keeps_queued_scans(paths):
    with Journal(paths.journal_file, retention_days=30) as journal:
        old = NOW - timedelta(days=31)
        with journal.transaction() as tx:
            tx.insert_scan(record("old-uploaded", state=UploadState.UPLOADED, at=old))
            tx.insert_scan(
                record("old-rejected", state=UploadState.NOT_NEEDED, at=old, verdict="voided")
            )
            tx.insert_scan(record("old-pending", state=UploadState.PENDING, at=old))
            tx.insert_scan(record("old-failed", state=UploadState.REJECTED, at=old))
            tx.insert_scan(record("new-uploaded", state=UploadState.UPLOADED, at=NOW))
            tx.put_pass(CachedPass("OLD", PassFacts("p", None, False, None)), old)
            tx.put_pass(CachedPass("NEW", PassFacts("q", None, False, None)), NOW)
        assert journal.prune(NOW) == 2
        assert journal.scan_ids() == {"old-pending", "old-failed", "new-uploaded"}
        assert journal.cached_pass("OLD") is None and journal.cached_pass("NEW") is not None


def test_prune_by_count_removes_the_oldest_uploaded(paths):
    with Journal(paths.journal_file, max_entries=3) as journal:
        with journal.transaction() as tx:
            for number in range(6):
                tx.insert_scan(
                    record(
                        f"u{number}", state=UploadState.UPLOADED, at=NOW - timedelta(minutes=number)
                    )
                )
            tx.insert_scan(record("p", state=UploadState.PENDING, at=NOW - timedelta(days=1)))
        journal.prune(NOW)
        assert journal.scan_ids() == {"u0", "u1", "u2", "p"}


def test_upload_bookkeeping_and_status_summary(paths, journal):
    with journal.transaction() as tx:
        tx.insert_scan(record("a"))
        tx.insert_scan(record("b", at=NOW + timedelta(seconds=1)))
    assert journal_summary(paths).pending == 2
    # a scan stamped in the future (the clock was ahead, then corrected) still uploads
    assert [u.scan_id for u in journal.due_uploads(NOW, 10)] == ["a", "b"]
    journal.mark_uploaded("a", "ev-1", NOW)
    journal.mark_rejected("b", "nope", NOW + timedelta(hours=1))
    journal.mark_rejected("a", "late", NOW + timedelta(hours=1))  # uploaded stays uploaded
    assert journal.queue_counts() == QueueCounts(scans=1, steps=0, rejected=1)
    assert journal.due_uploads(NOW + timedelta(minutes=1), 10) == []
    assert [u.scan_id for u in journal.due_uploads(None, 10)] == ["b"]
    assert journal.next_attempt_at(NOW) == NOW + timedelta(hours=1)
    # the clock stepped back six hours: a retry "seven hours ahead" is due now, not then
    stepped_back = NOW - timedelta(hours=6)
    assert [u.scan_id for u in journal.due_uploads(stepped_back, 10)] == ["b"]
    assert journal.next_attempt_at(stepped_back) == stepped_back
    summary = journal_summary(paths)
    assert summary.pending == 1 and summary.last_sync == "2026-06-01T19:00:00Z"
    assert summary.rejected == 1  # the one left is the scan the server refused


def test_status_summary_without_a_journal(paths):
    assert journal_summary(paths).pending == 0
    assert not paths.journal_file.exists()  # a status check never creates it


def test_failed_scans_of_an_older_journal_become_rejected_and_stay_queued(paths):
    from kiosk.journal.migrations import MIGRATIONS, split_statements

    paths.journal_file.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(paths.journal_file)
    for statement in split_statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO scans (scan_id, code, verdict, mode, reward_points, scanned_at,"
        " offline, source, message, upload_state, next_attempt_at) VALUES"
        " ('old', 'C', 'valid', 'entry', 0, '2026-01-01T00:00:00.000000Z', 0, 'manual',"
        " '', 'failed', '2026-01-01T00:00:00.000000Z')"
    )
    conn.commit()
    conn.close()
    with Journal(paths.journal_file) as journal:
        assert journal.queue_counts() == QueueCounts(scans=1, steps=0, rejected=1)
        [(_entry, state)] = journal.history()
        assert state == UploadState.REJECTED


def test_the_last_admission_is_the_one_nearest_now_on_either_side(journal):
    with journal.transaction() as tx:
        tx.insert_scan(
            record(
                "future", verdict="valid", state=UploadState.UPLOADED, at=NOW + timedelta(days=1)
            )
        )
        tx.insert_scan(
            record(
                "recent", verdict="valid", state=UploadState.UPLOADED, at=NOW - timedelta(minutes=1)
            )
        )
    with journal.transaction() as tx:
        assert tx.last_accepted_at("C", NOW) == NOW - timedelta(minutes=1)
        assert tx.last_accepted_at("C", NOW + timedelta(hours=23)) == NOW + timedelta(days=1)
        assert tx.last_accepted_at("C") == NOW + timedelta(days=1)


def test_change_device_holds_other_devices_scans_and_gives_them_back(journal):
    from dataclasses import replace

    with journal.transaction() as tx:
        tx.insert_scan(replace(record("mine"), device="door-1", workspace="W"))
        tx.insert_scan(record("legacy"))  # from before scans kept their device
    assert journal.change_device(("door-1", "W"), ("door-2", "W")) == (2, 0)
    assert journal.queue_counts() == QueueCounts(0, 0, 0)
    assert journal.due_uploads(None, 10, ("door-2", "W")) == []
    assert journal.change_device(("door-2", "W"), ("door-1", "W")) == (0, 2)
    assert {u.device for u in journal.due_uploads(None, 10, ("door-1", "W"))} == {"door-1"}
    assert journal.due_uploads(None, 10, ("door-1", "Other")) == []


def test_follow_up_steps_are_counted_apart_from_scans(paths, journal):
    """One scan and two pass updates owed are not "3 scans waiting"."""
    with journal.transaction() as tx:
        tx.insert_scan(record("sent"))
        tx.insert_scan(record("queued", at=NOW + timedelta(seconds=1)))
        tx.add_follow_up("sent", "void", "p", "pass-1", {})
        tx.add_follow_up("sent", "message", "p", "pass-1", {})
    journal.mark_uploaded("sent", "ev-1", NOW)
    FollowUpStore(journal).mark_rejected("sent", "message", "nope", NOW + timedelta(hours=1))
    assert journal.queue_counts() == QueueCounts(scans=1, steps=2, rejected=1)
    summary = journal_summary(paths)
    assert (summary.pending, summary.steps, summary.rejected) == (3, 2, 1)
    FollowUpStore(journal).mark_done("sent", "void", NOW)
    assert journal.queue_counts().total == 2
