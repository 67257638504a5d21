"""What every command shares: exit codes, paths from the global options, printing."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from kiosk.device import DeviceCredentials, DeviceFileError, load_credentials
from kiosk.journal.problems import JournalUnavailable
from kiosk.logs import CONTROLS, clean
from kiosk.paths import Paths, resolve_paths

log = logging.getLogger("kiosk.cli")
JSON_TEXT_LIMIT = 8192  # a string value in --json output (codes are at most 4096 bytes)

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
    """The kiosk's folders, created (0700) where possible.

    A folder that cannot be created (read-only filesystem, another user's parent) is no
    reason to stop here: commands that only read (status, doctor, logs) still work, and
    those that write say what is wrong when they get to it.
    """
    paths = resolve_paths(getattr(args, "data_dir", None))
    try:
        paths.ensure()
    except OSError as exc:
        log.warning("Cannot prepare the kiosk's folders: %s", exc)
    return paths


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
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per line, for scripts"
    )


def say(text: object, *, limit: int = 4 * 1024, stream: Any = None) -> None:
    """Print one line that may hold outside text (server messages, names, codes, hook
    output): tokens scrubbed as in the logs, control characters escaped, length bounded."""
    _write(stream or sys.stdout, clean(text, limit))


def print_json(obj: dict[str, Any]) -> None:
    """One JSON line: strings scrubbed of tokens and bounded; every control character
    written as a JSON escape (``\u001b``, ``\u009b``, ``\u202e``), so the line is safe on a
    terminal and a script still decodes the exact text."""
    text = json.dumps(_cleaned(obj), ensure_ascii=False, default=str)
    _write(sys.stdout, CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value, JSON_TEXT_LIMIT, escape=False)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


def _write(stream: Any, text: str) -> None:
    try:
        stream.write(text + "\n")
    except UnicodeEncodeError:  # a terminal that cannot show a holder's name
        stream.write(text.encode("ascii", "backslashreplace").decode("ascii") + "\n")
    stream.flush()


def fail(message: str, exit_code: int = EXIT_FAILED) -> int:
    say(f"kiosk: {message}", stream=sys.stderr)
    return exit_code


def run_guarded(func: Any) -> Any:
    """Decorator: turn CommandError into its message on stderr and its exit code.

    Also the last net under every command: a journal that cannot be used, a file the
    system refuses, or any other failure is one sentence on stderr (the traceback goes
    to the log), never a traceback on the terminal.
    """

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except CommandError as exc:
            return fail(str(exc), exc.exit_code)
        except JournalUnavailable as exc:
            return fail(str(exc))
        except OSError as exc:
            log.exception("Command failed")
            where = f" ({exc.filename})" if exc.filename else ""
            return fail(
                f"The system refused a file operation{where}: "
                f"{exc.strerror or exc}; check the disk and this user's permissions."
            )
        except Exception as exc:
            log.exception("Command failed")
            return fail(
                f"Unexpected error ({type(exc).__name__}: {exc}); the details are "
                "in the log ('kiosk logs')."
            )

    wrapper.__doc__ = func.__doc__
    return wrapper
