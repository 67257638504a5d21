"""kiosk logs: where the log files are (and, with --tail, their last lines)."""

from __future__ import annotations

import argparse
from collections import deque
from typing import Any

from kiosk.cli.common import EXIT_OK, add_json_flag, paths_from, print_json, run_guarded, say
from kiosk.logs import log_files


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "logs",
        help="show where the log files are",
        description="Prints the log folder and files. Each line is one event: "
        "'<UTC time> <LEVEL> <event> key=value ...'; tokens are never written.",
    )
    add_json_flag(parser)
    parser.add_argument(
        "--tail",
        type=int,
        metavar="N",
        default=0,
        help="also print the last N lines of the current log file",
    )
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    paths = paths_from(args)
    files = [str(f) for f in log_files(paths)]
    if args.json:
        print_json({"log_dir": str(paths.log_dir), "log_file": str(paths.log_file), "files": files})
    else:
        print(f"Log folder: {paths.log_dir}")
        print(f"Current log: {paths.log_file}" + ("" if files else " (nothing logged yet)"))
        for rotated in files[1:]:
            print(f"Older: {rotated}")
    if args.tail > 0 and paths.log_file.exists():
        with paths.log_file.open(encoding="utf-8", errors="replace") as handle:
            for line in deque(handle, maxlen=args.tail):
                say(line.rstrip("\r\n"))
    return EXIT_OK
