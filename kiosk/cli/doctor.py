"""kiosk doctor: check camera, decoders, API, clock, disk and journal before the doors open."""

from __future__ import annotations

import argparse
import logging
import platform
from typing import Any

from kiosk import __version__
from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_json_flag,
    paths_from,
    print_json,
    run_guarded,
    say,
)
from kiosk.doctor import Status, doctor_groups, run_checks
from kiosk.doctor.display import PROBE_FLAG, probe
from kiosk.logs import log_event

log = logging.getLogger("kiosk.doctor")
MARKS = {Status.OK: "ok  ", Status.WARN: "WARN", Status.FAIL: "FAIL"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check everything the kiosk needs, with advice",
        description="Checks the camera, the barcode decoders, the Tiketo API (reachable, "
        "TLS, token, schema), the clock, free disk and the journal. Each check says ok, "
        "warn or fail with one sentence of advice. Exits non-zero if any check fails.",
    )
    add_json_flag(parser)
    parser.add_argument(
        "--no-camera",
        action="store_true",
        help="skip the camera check (kiosks with a USB barcode scanner only)",
    )
    parser.add_argument(
        "--no-screen", action="store_true", help="skip the screen check (Qt opening the display)"
    )
    parser.add_argument(PROBE_FLAG, action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    if args.probe_display:  # the screen check's child process, see kiosk.doctor.display
        return probe()
    paths = paths_from(args)
    if not args.json:  # for support: which kiosk, which files (JSON stays one line per check)
        print(
            f"kiosk {__version__} on {platform.platform(terse=True)}; "
            f"config {paths.config_dir}, data {paths.data_dir}",
            flush=True,
        )
    failed = False
    groups = doctor_groups(paths, check_camera=not args.no_camera, check_screen=not args.no_screen)
    for result in run_checks(groups):
        failed |= result.status is Status.FAIL
        log_event(
            log,
            "doctor",
            logging.INFO if result.status is Status.OK else logging.WARNING,
            check=result.check,
            status=result.status.value,
            detail=result.detail,
        )
        if args.json:
            print_json(result.to_json())
            continue
        say(f"{MARKS[result.status]}  {result.check:<18} {result.detail}")
        if result.advice and result.status is not Status.OK:
            say(f"      {'':<18} -> {result.advice}")
    return EXIT_FAILED if failed else EXIT_OK
