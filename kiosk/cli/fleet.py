"""kiosk fleet: join a venue's broker, leave it, list the venue's kiosks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    add_json_flag,
    paths_from,
    print_json,
    require_credentials,
    run_guarded,
)
from kiosk.fleet.config import (
    FleetConfig,
    FleetConfigError,
    check_prefix,
    check_secret,
    default_prefix,
    forget_fleet_config,
    load_fleet_config,
    parse_broker_url,
    save_fleet_config,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fleet",
        help="share admissions with the venue's other kiosks over an MQTT broker",
        description="Without a subcommand: list every kiosk of the venue, as the broker "
        "knows them. 'join' stores the broker settings, 'leave' forgets them.",
    )
    add_json_flag(parser)
    parser.add_argument(
        "--wait",
        type=float,
        default=2.0,
        metavar="S",
        help="how long to collect the kiosks' status (default 2 s)",
    )
    parser.set_defaults(handler=run_guarded(_list))
    commands = parser.add_subparsers(dest="fleet_command", metavar="SUBCOMMAND")
    join = commands.add_parser(
        "join",
        help="join the venue's broker (settings stored owner-only, never printed)",
        description="Store the broker settings beside the device credentials (0600). "
        "mqtts:// works anywhere; mqtt:// only to this machine or a private LAN address. "
        "'-' as a file reads standard input (the secret first, then the password).",
    )
    join.add_argument(
        "--broker",
        required=True,
        metavar="URL",
        help="mqtts://host:8883, or mqtt://host:1883 on the venue network",
    )
    join.add_argument(
        "--secret-file",
        required=True,
        metavar="F",
        help="file holding the venue secret (the same on every kiosk)",
    )
    join.add_argument("--username", metavar="U", help="broker user name")
    join.add_argument("--password-file", metavar="P", help="file holding the broker password")
    join.add_argument(
        "--ca-file",
        metavar="C",
        help="CA certificate(s) to trust for mqtts:// (default: the system's)",
    )
    join.add_argument("--prefix", metavar="P", help="topic prefix (default: tiketo/<workspace>)")
    add_json_flag(join)
    join.set_defaults(handler=run_guarded(_join))
    leave = commands.add_parser("leave", help="forget the broker settings")
    add_json_flag(leave)
    leave.set_defaults(handler=run_guarded(_leave))


def _join(args: argparse.Namespace) -> int:
    paths = paths_from(args)
    stdin_lines = _stdin_lines() if "-" in (args.secret_file, args.password_file) else []
    try:
        parse_broker_url(args.broker)
        secret = check_secret(_read_secret(args.secret_file, stdin_lines, "venue secret"))
        password = None
        if args.password_file is not None:
            password = _read_secret(args.password_file, stdin_lines, "broker password")
            if not password:
                raise FleetConfigError("The password file is empty.")
        if password is not None and not args.username:
            raise FleetConfigError("A broker password needs --username.")
        ca_file = None
        if args.ca_file is not None:
            ca_path = Path(args.ca_file).expanduser().resolve()
            if not ca_path.is_file():
                raise FleetConfigError(f"The CA file {args.ca_file} does not exist.")
            ca_file = str(ca_path)
        if args.prefix is not None:
            prefix = check_prefix(args.prefix)
        else:
            prefix = default_prefix(require_credentials(paths).workspace)
        config = FleetConfig(
            broker_url=args.broker.strip(),
            secret=secret,
            prefix=prefix,
            username=args.username or None,
            password=password,
            ca_file=ca_file,
        )
        save_fleet_config(paths, config)
    except FleetConfigError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from exc
    except OSError as exc:
        raise CommandError(f"The fleet settings could not be saved ({exc.strerror}).") from exc
    if args.json:
        print_json({"joined": True, **config.public_view()})
    else:
        print(
            f"Joined the fleet at {config.broker.display} (topics under {prefix}/). "
            "Restart the kiosk screen to connect."
        )
    return EXIT_OK


def _leave(args: argparse.Namespace) -> int:
    try:
        left = forget_fleet_config(paths_from(args))
    except OSError as exc:
        raise CommandError(f"The fleet settings could not be removed ({exc.strerror}).") from exc
    if args.json:
        print_json({"left": left})
    else:
        print("Left the fleet." if left else "This kiosk was in no fleet.")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from kiosk.fleet.probe import ProbeFailed, read_kiosks
    from kiosk.fleet.status import describe

    paths = paths_from(args)
    try:
        config = load_fleet_config(paths)
    except FleetConfigError as exc:
        raise CommandError(str(exc)) from exc
    if config is None:
        raise CommandError(
            "This kiosk is in no fleet: run 'kiosk fleet join --broker URL --secret-file F'.",
            EXIT_FAILED,
        )
    try:
        kiosks, ignored = read_kiosks(config, max(0.2, args.wait))
    except ProbeFailed as exc:
        raise CommandError(str(exc)) from exc
    for kiosk in kiosks:
        if args.json:
            print_json(kiosk)
        else:
            api = "online" if kiosk["online"] else "offline"
            print(
                f"{kiosk['device']}: {describe(kiosk['processes'])}, API {api}, "
                f"{kiosk['pending']} waiting, "
                f"last scan {kiosk['last_scan'] or '-'}, last upload "
                f"{kiosk['last_sync'] or '-'}, version {kiosk['version'] or '?'}"
            )
    if not kiosks and not args.json:
        print("No kiosk has published its status under this prefix yet.")
    if ignored:
        print(
            f"kiosk: {ignored} unsigned or wrongly signed status message(s) ignored.",
            file=sys.stderr,
        )
    return EXIT_OK


def _stdin_lines() -> list[str]:
    return [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]


def _read_secret(name: str, stdin_lines: list[str], what: str) -> str:
    """The first line of the file ``name`` ('-': the next line of standard input)."""
    if name == "-":
        if not stdin_lines:
            raise FleetConfigError(f"No {what} on standard input.")
        return stdin_lines.pop(0)
    try:
        text = Path(name).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FleetConfigError(f"The {what} file {name} cannot be read.") from exc
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""
