"""kiosk scan: decide, journal and upload codes from the command line (or a pipe)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from kiosk.cli.common import (
    EXIT_NOT_PROVISIONED,
    EXIT_OK,
    add_json_flag,
    fail,
    print_json,
    run_guarded,
    say,
)
from kiosk.cli.service import open_scan_service
from kiosk.scanning.verdict import Verdict

SOURCES = ("manual", "camera", "wedge")
FLEET_CATCH_UP_SECONDS = 3.0  # a fresh process reads the other doors' admissions first


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="scan codes as if shown at the door; prints one verdict per code",
        description="Decide each CODE (valid, voided, expired, unknown, duplicate, error), "
        "record it in the journal, then upload accepted scans for up to --upload-seconds. "
        "'-' reads one code per line from standard input, as they arrive. Exits 0 whatever "
        "the verdicts; non-zero only when the kiosk itself cannot work (1: the journal cannot "
        "record scans, e.g. the disk is full; 3: not provisioned or the token was revoked).",
    )
    parser.add_argument("codes", nargs="+", metavar="CODE", help="a scanned code, or '-'")
    parser.add_argument(
        "--source",
        choices=SOURCES,
        default="manual",
        help="where the codes come from (recorded with each scan)",
    )
    parser.add_argument(
        "--upload-seconds",
        type=float,
        default=10.0,
        metavar="S",
        help="upload for at most S seconds after scanning (default 10)",
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    service = open_scan_service(args, background=True)
    try:
        for problem in service.problems:
            fail(problem)
        if service.fleet is not None:
            service.fleet.link.wait_synced(FLEET_CATCH_UP_SECONDS)
        for code in _codes(args.codes):
            _print(service.scan(code, args.source), args.json)
        result = service.flush(max(0.0, args.upload_seconds))
        if service.fleet is not None:  # tell the other doors before leaving
            service.fleet.link.flush(max(1.0, args.upload_seconds))
        state = service.status()
    finally:
        service.close()
    if state.needs_provisioning:
        return fail(str(state.offline_reason), EXIT_NOT_PROVISIONED)
    if service.journal_error is not None:  # the kiosk cannot record scans: it cannot work
        return fail(service.journal_error)
    if state.pending and not args.json:
        why = (result.stopped_because if result else None) or state.offline_reason or ""
        say(f"{state.pending} scan(s) waiting to upload. {why}".strip())
    return EXIT_OK


def _codes(arguments: list[str]) -> Iterator[str]:
    """Codes in order; '-' yields stdin lines one by one (invalid UTF-8 becomes lone
    surrogates, which the pipeline refuses with a clear message)."""
    for argument in arguments:
        if argument != "-":
            yield argument
            continue
        for raw in sys.stdin.buffer:
            line = raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape")
            if line:
                yield line


def _print(verdict: Verdict, as_json: bool) -> None:
    """One verdict line; names, codes and server messages come from outside: cleaned."""
    if as_json:
        print_json(verdict.to_json())
    else:
        where = " (offline)" if verdict.offline else ""
        say(f"{verdict.kind.value.upper()}{where}: {verdict.message}")
