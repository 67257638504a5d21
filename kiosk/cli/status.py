"""kiosk status: is this kiosk provisioned, and how much is waiting to upload."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import EXIT_OK, add_json_flag, paths_from, print_json, run_guarded
from kiosk.device import DeviceFileError, load_credentials
from kiosk.status import cache_age, journal_summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status", help="show provisioning and upload state (never the token)")
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    paths = paths_from(args)
    try:
        credentials = load_credentials(paths.device_file)
        problem = None
    except DeviceFileError as exc:
        credentials, problem = None, str(exc)
    pending, last_sync = journal_summary(paths)
    report: dict[str, Any] = {
        "provisioned": credentials is not None,
        "workspace": credentials.workspace if credentials else None,
        "device": credentials.device_name if credentials else None,
        "api_url": credentials.api_url if credentials else None,
        "pending": pending,
        "last_sync": last_sync,
        "cache_age": cache_age(paths),
    }
    if args.json:
        print_json(report)
        return EXIT_OK
    if credentials is None:
        print(problem or "Not provisioned: run 'kiosk provision --api-url URL --token TOKEN'.")
    else:
        print(f"Device '{credentials.device_name}' in workspace '{credentials.workspace}'")
        print(f"API: {credentials.api_url}")
    print(f"Scans waiting to upload: {pending}")
    print(f"Last upload: {last_sync or 'never'}")
    age = report["cache_age"]
    print("Pass cache: " + ("empty" if age is None else
                            f"oldest fact confirmed by the server {age / 60:.0f} min ago"))
    return EXIT_OK
