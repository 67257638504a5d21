"""kiosk status: is this kiosk provisioned, and how much is waiting to upload."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_json_flag,
    paths_from,
    print_json,
    run_guarded,
    say,
)
from kiosk.device import DeviceFileError, load_credentials
from kiosk.status import cache_age, journal_summary, owed_words


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help="show provisioning and upload state (never the token)",
        description="Prints the device, the API, the scans waiting to upload and the last "
        "upload, read-only. Exits 1 when the journal cannot be read (and says why), rather "
        "than print a number it could not read.",
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    paths = paths_from(args)
    try:
        credentials = load_credentials(paths.device_file)
        problem = None
    except DeviceFileError as exc:
        credentials, problem = None, str(exc)
    summary = journal_summary(paths)
    moved = [str(p) for p in summary.moved_aside]
    report: dict[str, Any] = {
        "provisioned": credentials is not None,
        "workspace": credentials.workspace if credentials else None,
        "device": credentials.device_name if credentials else None,
        "api_url": credentials.api_url if credentials else None,
        "pending": summary.pending,
        "rejected": summary.rejected,
        "steps": summary.steps,
        "last_sync": summary.last_sync,
        "cache_age": cache_age(paths),
    }
    if summary.error:
        report["journal_error"] = summary.error
    if moved:
        report["moved_aside"] = moved
    exit_code = EXIT_FAILED if summary.error else EXIT_OK
    if args.json:
        print_json(report)
        return exit_code
    if credentials is None:
        say(problem or "Not provisioned: run 'kiosk provision --api-url URL --token TOKEN'.")
    else:
        say(f"Device '{credentials.device_name}' in workspace '{credentials.workspace}'")
        say(f"API: {credentials.api_url}")
    if summary.error:
        say(f"The journal cannot be read: {summary.error}")
    else:
        say(
            f"Waiting to upload: {owed_words(summary.pending or 0, summary.steps or 0)}"
            + (f" ({summary.rejected} refused by the server, retried)" if summary.rejected else "")
        )
        say(f"Last upload: {summary.last_sync or 'never'}")
        age = report["cache_age"]
        say(
            "Pass cache: "
            + (
                "empty"
                if age is None
                else f"oldest fact confirmed by the server {age / 60:.0f} min ago"
            )
        )
    for name in moved:
        say(
            f"Set-aside journal file: {name} (a damaged journal, whose readable scans are "
            "back in the journal, or another journal's -wal; keep it for support, then "
            "delete it)"
        )
    return exit_code
