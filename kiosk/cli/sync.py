"""kiosk sync: upload every queued scan now."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_NOT_PROVISIONED,
    EXIT_OK,
    add_json_flag,
    fail,
    print_json,
    run_guarded,
    say,
)
from kiosk.cli.service import open_scan_service
from kiosk.status import owed_words


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="upload the scans waiting in the journal",
        description="Upload every queued scan (including ones the server rejected before). "
        'Prints {"uploaded", "pending"}; exits 0 only when nothing is left pending.',
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="give up after S seconds (default 120)",
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def _say_waiting(holder: str) -> None:
    """Another process (say, the kiosk screen) is uploading: wait for it, and say so."""
    say(
        f"kiosk: {holder} is uploading from this data folder; waiting for it to finish, "
        "then uploading what is left.",
        stream=sys.stderr,
    )


def _run(args: argparse.Namespace) -> int:
    service = open_scan_service(args, background=False)
    try:
        for problem in service.problems:
            fail(problem)
        result = service.sync(max(0.0, args.timeout), on_wait=_say_waiting)
        state = service.status()
    finally:
        service.close()
    if service.journal_error is not None:  # no made-up "pending": 0
        return fail(service.journal_error)
    report: dict[str, Any] = {
        "uploaded": result.uploaded,
        "pending": state.pending,
        "rejected": state.rejected,
        "steps": state.steps,
    }
    if result.stopped_because and state.pending:
        report["message"] = result.stopped_because
    if args.json:
        print_json(report)
    else:
        say(
            f"Uploaded {result.uploaded} scan(s); {owed_words(state.pending, state.steps)} waiting"
            + (f", of which {state.rejected} rejected by the server." if state.rejected else ".")
        )
        if "message" in report:
            say(report["message"])
    if state.needs_provisioning:
        return fail(str(state.offline_reason), EXIT_NOT_PROVISIONED)
    return EXIT_OK if state.pending == 0 else EXIT_FAILED
