"""The ``kiosk`` command line: parses, calls the core, prints. One module per command."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli import (
    decode,
    demo,
    doctor,
    door_hook,
    fleet,
    logs,
    provision,
    run,
    scan,
    status,
    sync,
)
from kiosk.cli.common import EXIT_USAGE, fail, run_guarded
from kiosk.logs import log_event, register_secrets, setup_logging
from kiosk.paths import resolve_paths
from kiosk.settings import load_settings

log = logging.getLogger("kiosk.cli")

# Each module offers register(subparsers); its parser's ``handler`` runs the command.
COMMANDS = (
    run,
    provision,
    status,
    scan,
    sync,
    demo,
    doctor,
    logs,
    decode,
    door_hook,
    fleet,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Door-scanning kiosk for Tiketo wallet passes. "
        "Without a command, starts the kiosk screen.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="PATH",
        help="keep config, journal and logs under PATH (default: the platform's places; "
        "also KIOSK_DATA_DIR)",
    )
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="also print the log lines to stderr (and debug lines)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:  # plain ``kiosk``: the kiosk screen
        if args.command is not None:
            parser.print_help()
            return EXIT_USAGE
        args.windowed = False
        handler = run_guarded(run.run)
    _start_logging(args)
    return int(handler(args))


def _start_logging(args: argparse.Namespace) -> None:
    """Every command logs to the rotating file; a log folder we cannot write is no reason
    to refuse to run (doctor must work exactly when things are broken)."""
    paths = resolve_paths(args.data_dir)
    try:
        paths.ensure()
        setup_logging(paths, verbose=args.verbose)
    except OSError as exc:
        register_secrets(paths)  # stdout is scrubbed of tokens all the same
        fail(f"cannot write logs ({exc.strerror or exc}); continuing without them")
        return
    for problem in load_settings(paths.settings_file).problems:
        log_event(log, "settings", logging.WARNING, problem=problem)
