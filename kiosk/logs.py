"""Log files venue IT can grep, that never hold a token.

One line per event, UTC, e.g.::

    2026-11-23T19:00:01Z INFO scan verdict=valid offline=false scan_id=9f0c...

:func:`setup_logging` is the one call the command line and the screen make. Files rotate in
the platform log folder (``paths.log_file``) so a kiosk left running all season cannot fill
its disk. Every line passes through :class:`TokenScrubber` in the formatter, after the message,
the exception and the stack are rendered, so no code path can write a token: not an
``Authorization: TOKEN ...`` header in an httpx debug line, not the device token inside an
exception text, not the workspace token from the environment.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import os
import re
import sys
import threading
import time
from collections.abc import Iterable
from typing import Any

from kiosk.device import DeviceFileError, load_credentials
from kiosk.paths import Paths

MAX_LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 5  # kiosk.log + 5 rotated files: at most ~12 MB
REDACTED = "***"
MIN_SECRET_LENGTH = 6  # shorter "secrets" would scrub ordinary words out of every line
WORKSPACE_TOKEN_ENV = "KIOSK_WORKSPACE_TOKEN"

_HANDLER_MARK = "_kiosk_handler"

# Token-shaped things, whoever wrote them. Each pattern keeps group 1 and replaces the rest.
_TOKEN_PATTERNS = (
    # the Tiketo header value, and bearer tokens: "TOKEN abc123", "Bearer abc123"
    re.compile(r"(\bTOKEN\s+|\b[Bb]earer\s+)[^\s\"',;)}\]]+"),
    # Authorization: anything up to the end of the header value
    re.compile(r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?)[^\"'\r\n,}]+"),
    # token=abc, device_token=abc, workspace-token=abc (also in URLs and argv)
    re.compile(r"(?i)(\b[\w-]*token=)[^\s&\"',;)}\]]+"),
    # "token": "abc" and 'token': 'abc' (JSON and Python reprs)
    re.compile(r"(?i)([\"'][\w-]*token[\"']\s*:\s*[\"'])[^\"']*"),
    # the password in a URL's user:password@ (a proxy setting), however short
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/@:]+:)[^\s/@]+(?=@)"),
)


class TokenScrubber:
    """Replaces token-shaped text and every registered secret value with ``***``."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add_secret(self, value: str | None) -> None:
        """Never log this exact value (the device token, a workspace token)."""
        if value and len(value.strip()) >= MIN_SECRET_LENGTH:
            with self._lock:
                self._secrets.add(value.strip())

    def scrub(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)  # longest first: no leftovers
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern in _TOKEN_PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        return text


SCRUBBER = TokenScrubber()

# Characters that can drive a terminal or hide text: C0 controls, DEL, C1 controls (a lone
# 0x9b is a CSI on many terminals), bidirectional overrides and isolates, and lone surrogates
# (undecodable bytes from a pipe). They are shown escaped (\x1b, \u202e), never raw.
CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
TEXT_LIMIT = 1000  # characters of outside text (a server message, a hook's output) shown


def escape_controls(text: str) -> str:
    """``text`` with every control character written as an escape (newlines too)."""
    return CONTROLS.sub(lambda m: _NAMED.get(m.group(), _escape(m.group())), text)


def _escape(char: str) -> str:
    point = ord(char)
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def clean(text: object, limit: int = TEXT_LIMIT, *, escape: bool = True) -> str:
    """Outside text made safe to print or log: tokens scrubbed, controls escaped, bounded.

    The one helper for anything that came from outside (server messages, hook output,
    holder names, scanned codes) on its way to a terminal or a log file. ``escape=False``
    is for JSON output, whose encoder escapes the control characters itself.
    """
    raw = str(text)
    if len(raw) > 4 * limit:  # never scrub megabytes; cut well past the limit first
        raw = raw[: 4 * limit]
    shown = SCRUBBER.scrub(raw)
    if escape:
        shown = escape_controls(shown)
    if len(shown) > limit or len(raw) < len(str(text)):
        return shown[:limit] + f"... ({len(str(text))} characters)"
    return shown


def add_secret(value: str | None) -> None:
    """Register a value no log line may contain (e.g. a token just received)."""
    SCRUBBER.add_secret(value)


class OneLineFormatter(logging.Formatter):
    """``<UTC time>Z LEVEL message``, one line per record, scrubbed of tokens.

    Newlines inside a message or a traceback are written as ``\\n``, so ``grep scan`` returns
    whole events and a pasted code cannot forge a log line.
    """

    converter = staticmethod(time.gmtime)  # UTC, whatever time zone the PC is set to

    def __init__(self, scrubber: TokenScrubber = SCRUBBER) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ")
        self._scrubber = scrubber

    def format(self, record: logging.LogRecord) -> str:
        # scrub first, so a header value ends at its real line end, then fold the lines and
        # escape every other control character (a hook's or server's escape sequences)
        text = self._scrubber.scrub(super().format(record))
        return escape_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def event(name: str, **fields: Any) -> str:
    """``name key=value ...``: values with spaces or quotes are JSON-style quoted.

    >>> event("scan", verdict="valid", offline=False, holder="Ada Lovelace")
    'scan verdict=valid offline=false holder="Ada Lovelace"'
    """
    parts = [name]
    for key, value in fields.items():
        parts.append(f"{key}={_field(value)}")
    return " ".join(parts)


def log_event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one grep-able event line, e.g. ``log_event(log, "upload", scan_id=..., ok=True)``."""
    if logger.isEnabledFor(level):
        logger.log(level, "%s", event(name, **fields))


def log_scan(logger: logging.Logger, verdict: Any, source: str = "") -> None:
    """The one line per scan decision, from a :class:`kiosk.scanning.verdict.Verdict`.

    Neither the code nor the holder's name is written: a code lets its bearer in and a name
    is personal data, while log files get mailed to support. ``scan_id`` leads to both in the
    journal, which stays on the kiosk.
    """
    data = verdict.to_json()
    log_event(
        logger,
        "scan",
        logging.INFO,
        verdict=data["verdict"],
        offline=data["offline"],
        mode=data["mode"],
        source=source or None,
        scan_id=data["scan_id"],
        pass_id=data["pass_id"],
        points=data["reward_points"],
    )


def _field(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "nan"
    text = str(value)
    if text and not re.search(r"[\s\"'=\\]", text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def setup_logging(
    paths: Paths, verbose: bool = False, secrets: Iterable[str | None] = ()
) -> logging.Handler:
    """Send the kiosk's log records to the rotating file (and to stderr when ``verbose``).

    Idempotent: calling it again (another command, a test) replaces the handlers it added
    before instead of doubling every line. The device token on disk and the workspace token
    in the environment are registered with the scrubber, plus any ``secrets`` given.
    Returns the file handler.
    """
    register_secrets(paths, secrets)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()

    paths.log_dir.mkdir(parents=True, exist_ok=True)
    for target in (paths.log_dir, paths.log_file):  # say it now, not as a logging traceback
        if target.exists() and not os.access(target, os.W_OK):
            raise PermissionError(errno.EACCES, "this user may not write there", str(target))
    formatter = OneLineFormatter()
    file_handler = _LogFile(
        paths.log_file,
        maxBytes=MAX_LOG_BYTES,
        backupCount=LOG_BACKUPS,
        encoding="utf-8",
        delay=True,  # no empty file, and no open handle, until something is logged
    )
    file_handler.setFormatter(formatter)
    handlers: list[logging.Handler] = [file_handler]
    if verbose:
        stderr_handler = logging.StreamHandler(sys.stderr)
        stderr_handler.setFormatter(formatter)
        handlers.append(stderr_handler)
    for handler in handlers:
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    # Libraries (httpx logs every request at INFO) stay at WARNING; the kiosk's own events
    # at INFO, or DEBUG when asked.
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.getLogger("kiosk").setLevel(logging.DEBUG if verbose else logging.INFO)
    return file_handler


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; a write that fails (full disk) costs one stderr sentence,
    not a logging traceback per line."""

    _told = False

    def handleError(self, record: logging.LogRecord) -> None:
        if not self._told:
            self._told = True
            error = sys.exc_info()[1]
            sys.stderr.write(
                f"kiosk: cannot write the log file {self.baseFilename} "
                f"({getattr(error, 'strerror', None) or error}); "
                "continuing without it\n"
            )


def register_secrets(paths: Paths, secrets: Iterable[str | None] = ()) -> None:
    """Teach the scrubber the device token on disk, the workspace token in the environment
    and ``secrets``; done even when no log file can be written, since stdout is scrubbed too."""
    for value in secrets:
        add_secret(value)
    add_secret(os.environ.get(WORKSPACE_TOKEN_ENV))
    try:
        credentials = load_credentials(paths.device_file)
    except DeviceFileError:
        credentials = None
    if credentials is not None:
        add_secret(credentials.token)


def log_files(paths: Paths) -> list[os.PathLike[str]]:
    """The current log file and its rotated predecessors that exist, newest first."""
    found: list[os.PathLike[str]] = []
    if paths.log_file.exists():
        found.append(paths.log_file)
    for index in range(1, LOG_BACKUPS + 1):
        rotated = paths.log_file.with_name(f"{paths.log_file.name}.{index}")
        if rotated.exists():
            found.append(rotated)
    return found
