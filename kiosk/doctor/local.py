"""Checks of this PC alone: free disk, the journal, the settings file, the door hook."""

from __future__ import annotations

import shutil
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from kiosk.doctor.model import CheckResult, fail, ok, warn
from kiosk.hooks.config import check_hook_command, check_hook_url
from kiosk.journal.db import JournalUnavailable, open_read_only
from kiosk.journal.salvage import moved_aside
from kiosk.journal.states import QUEUED_STATES
from kiosk.paths import Paths
from kiosk.resources import resources_root
from kiosk.settings import DoorHookSettings, load_settings
from kiosk.status import journal_summary, owed_words

MIB = 1024 * 1024
DISK_FAIL_BYTES = 50 * MIB  # a day of scans is a few MB; below this, journaling may stop
DISK_WARN_BYTES = 500 * MIB
INTEGRITY_SECONDS = 10.0
STUCK_UPLOAD_SECONDS = 3600  # scans waiting longer than this: uploads are not working


def disk_check(folder: Path) -> CheckResult:
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return fail(
            "disk",
            f"The journal's folder {folder} cannot be read ({exc.strerror}).",
            "Check the folder exists and this user may write to it.",
        )
    detail = f"{_size(free)} free for the journal in {folder}."
    if free < DISK_FAIL_BYTES:
        return fail(
            "disk",
            detail,
            "Free disk space now: scans are written to the journal "
            "before anything else, and it cannot grow.",
        )
    if free < DISK_WARN_BYTES:
        return warn("disk", detail, "Free some disk space before the event.")
    return ok("disk", detail)


def journal_check(paths: Paths, time_limit: float = INTEGRITY_SECONDS) -> CheckResult:
    """PRAGMA integrity_check on a read-only connection (the kiosk may be running).

    Also names every journal file set aside as damaged or foreign, until an operator has
    looked at it and deleted it.
    """
    journal = paths.journal_file
    moved = moved_aside(journal)
    if not journal.exists():
        if moved:
            return warn(
                "journal", f"No journal yet, but {_names(moved)} was set aside.", _MOVED_ADVICE
            )
        return ok("journal", "No journal yet; it is created at the first scan.")
    deadline = time.monotonic() + time_limit
    try:
        connection = open_read_only(journal)
    except JournalUnavailable as exc:
        return fail(
            "journal", str(exc), "Fix that first; do not delete the journal, it holds unsent scans."
        )
    with closing(connection):
        connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check(5)")]
        except sqlite3.OperationalError as exc:
            if "interrupt" in str(exc).lower():
                return warn(
                    "journal",
                    f"The integrity check did not finish in {time_limit:.0f} s.",
                    "Run 'kiosk doctor' again while the kiosk is stopped.",
                )
            return warn(
                "journal",
                f"The journal could not be checked ({exc}).",
                "Run 'kiosk doctor' again while the kiosk is stopped.",
            )
        except sqlite3.DatabaseError as exc:
            return fail(
                "journal", f"The journal is not a readable database ({exc}).", _DAMAGED_ADVICE
            )
        if rows != ["ok"]:
            return fail("journal", f"The journal is damaged ({rows[0]}).", _DAMAGED_ADVICE)
        oldest = _oldest_pending(connection)
    summary = journal_summary(paths)
    if summary.error:
        return warn(
            "journal",
            f"The journal is intact but its summary failed: {summary.error}",
            "Run 'kiosk status' for details.",
        )
    detail = (
        f"The journal is intact; {owed_words(summary.pending or 0, summary.steps or 0)} "
        "waiting to upload; "
        f"last upload {summary.last_sync or 'never'}."
    )
    if moved:
        return warn(
            "journal", detail + f" Set aside as damaged or foreign: {_names(moved)}.", _MOVED_ADVICE
        )
    if summary.pending and _older_than(oldest, STUCK_UPLOAD_SECONDS):
        return warn(
            "journal",
            detail + f" The oldest waits since {oldest}.",
            "Uploads seem stuck: fix the api and token checks, then run 'kiosk sync'.",
        )
    return ok("journal", detail)


def _names(files: list[Path]) -> str:
    return ", ".join(str(f) for f in files)


_MOVED_ADVICE = (
    "A damaged journal's readable scans are already back in the journal (a "
    "foreign -wal holds none of ours); keep the files for support, then delete "
    "them."
)


def _oldest_pending(connection: sqlite3.Connection) -> str | None:
    """When the oldest scan still waiting to upload was made (None if unknown or none)."""
    try:
        row = connection.execute(
            "SELECT min(scanned_at) FROM scans WHERE upload_state IN "
            f"({', '.join('?' * len(QUEUED_STATES))})",
            QUEUED_STATES,
        ).fetchone()
    except sqlite3.Error:  # another schema: the journal's own summary still answers
        return None
    return str(row[0]) if row and row[0] else None


_DAMAGED_ADVICE = (
    "Stop the kiosk, copy the journal file somewhere safe, then run "
    "'kiosk sync' (or start the kiosk): it moves the file aside and recovers "
    "its readable scans."
)


def settings_check(paths: Paths) -> CheckResult:
    loaded = load_settings(paths.settings_file)
    if loaded.problems:
        return warn(
            "settings",
            f"{len(loaded.problems)} problem(s) in settings.toml: {loaded.problems[0]}",
            f"Fix the named settings in {paths.settings_file}; until then their defaults are used.",
        )
    if not paths.settings_file.exists():
        return ok("settings", "No settings.toml: every setting has its default.")
    return ok("settings", f"{paths.settings_file} is valid.")


def door_hook_check(settings: DoorHookSettings) -> CheckResult:
    """Whether the hook can run. It is not run: that would open the door."""
    if not settings.command.strip() and not settings.url.strip():
        return ok("door_hook", "Off (no door_hook.command or door_hook.url).")
    problems = []
    command_error = check_hook_command(settings.command)
    if command_error:
        problems.append(f"door_hook.command {command_error}")
    url_error = check_hook_url(settings.url)
    if url_error:
        problems.append(f"door_hook.url {url_error}")
    if problems:
        return fail(
            "door_hook",
            problems[0] + ".",
            "Fix [door_hook] in settings.toml, or empty it to turn the hook off.",
        )
    what = " and ".join(
        part
        for part in (
            settings.command and f"runs '{settings.command}'",
            settings.url and f"POSTs to {settings.url}",
        )
        if part
    )
    return ok(
        "door_hook",
        f"On each accepted scan the kiosk {what} "
        f"(timeout {settings.timeout_seconds:g} s; not run by doctor).",
    )


def resources_check() -> CheckResult:
    try:
        root = resources_root()
    except FileNotFoundError as exc:
        return fail("resources", str(exc), "Reinstall the kiosk.")
    return ok("resources", f"Icons, sounds and translations are in {root}.")


def _older_than(moment: str | None, seconds: float) -> bool:
    if moment is None:
        return False
    try:
        when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (datetime.now(UTC) - when).total_seconds() > seconds


def _size(size: float) -> str:
    if size < MIB:
        return f"{size / 1024:.0f} KB"
    if size < 1024 * MIB:
        return f"{size / MIB:.0f} MB"
    return f"{size / (1024 * MIB):.1f} GB"
