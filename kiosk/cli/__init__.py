"""The ``kiosk`` command line: parses, calls the core, prints. One module per command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli import demo, provision, scan, status, sync
from kiosk.cli.common import EXIT_USAGE

# Each module offers register(subparsers); its parser's ``handler`` runs the command.
COMMANDS = (provision, status, scan, sync, demo)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Door-scanning kiosk for Tiketo wallet passes. "
        "Without a command, starts the kiosk screen.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--data-dir", metavar="PATH",
        help="keep config, journal and logs under PATH (default: the platform's places; "
        "also KIOSK_DATA_DIR)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    return int(handler(args))
