"""kiosk door-hook: run the door hook once now, to test the relay while wiring it."""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime
from typing import Any

from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    add_json_flag,
    paths_from,
    print_json,
    run_guarded,
    say,
)
from kiosk.hooks import DoorHook, DoorHookConfigError
from kiosk.scanning.verdict import ScanMode, Verdict, VerdictKind
from kiosk.settings import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "door-hook",
        help="run the door hook once now, with a test verdict",
        description="Runs the configured [door_hook] command and/or URL once, right now, with "
        "a sample accepted verdict (code DOOR-HOOK-TEST), and says whether it worked: the "
        "way to check a turnstile relay or door opener while installing it. The door opens.",
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def sample_verdict() -> Verdict:
    """An accepted verdict shaped exactly like a real one (the hook cannot tell)."""
    return Verdict(
        code="DOOR-HOOK-TEST",
        kind=VerdictKind.VALID,
        offline=False,
        scan_id=f"door-hook-test-{uuid.uuid4()}",
        mode=ScanMode.ENTRY,
        scanned_at=datetime.now(UTC),
        message="Door hook test",
        holder="Door hook test",
        pass_type="eventTicket",
    )


def _run(args: argparse.Namespace) -> int:
    paths = paths_from(args)
    loaded = load_settings(paths.settings_file)
    settings = loaded.settings.door_hook
    try:
        hook = DoorHook.from_settings(settings)
    except DoorHookConfigError as exc:
        raise CommandError(str(exc)) from exc
    if not hook.enabled:
        hook.close()
        problems = [p for p in loaded.problems if "door_hook" in p]
        raise CommandError(
            problems[0]
            if problems
            else f"No door hook is set: add [door_hook] command or url to {paths.settings_file}."
        )
    try:
        outcomes = hook.run_now(sample_verdict().to_json())
    finally:
        hook.close()
    for outcome in outcomes:
        if args.json:
            print_json({"kind": outcome.kind, "ok": outcome.ok, "log": outcome.line})
        else:
            say(f"{'ok  ' if outcome.ok else 'FAIL'}  {outcome.kind:<8} {outcome.line}")
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_FAILED
