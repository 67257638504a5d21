"""What every command shares: exit codes, paths from the global options, printing."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.device import DeviceCredentials, DeviceFileError, load_credentials
from kiosk.paths import Paths, resolve_paths

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_PROVISIONED = 3


class CommandError(Exception):
    """A one-sentence reason the command cannot run, with the exit code to use."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def paths_from(args: argparse.Namespace) -> Paths:
    return resolve_paths(getattr(args, "data_dir", None)).ensure()


def require_credentials(paths: Paths) -> DeviceCredentials:
    try:
        credentials = load_credentials(paths.device_file)
    except DeviceFileError as exc:
        raise CommandError(str(exc), EXIT_NOT_PROVISIONED) from exc
    if credentials is None:
        raise CommandError(
            "This kiosk is not provisioned yet: run "
            "'kiosk provision --api-url URL --token WORKSPACE_TOKEN'.",
            EXIT_NOT_PROVISIONED,
        )
    return credentials


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per line, for scripts")


def print_json(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def fail(message: str, exit_code: int = EXIT_FAILED) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return exit_code


def run_guarded(func: Any) -> Any:
    """Decorator: turn CommandError into its message on stderr and its exit code."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except CommandError as exc:
            return fail(str(exc), exc.exit_code)

    wrapper.__doc__ = func.__doc__
    return wrapper
