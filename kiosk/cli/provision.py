"""kiosk provision: register this device with a workspace token, once."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kiosk.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    add_json_flag,
    paths_from,
    print_json,
    run_guarded,
    say,
)
from kiosk.provisioning import ProvisioningFailed, provision

TOKEN_ENV = "KIOSK_WORKSPACE_TOKEN"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "provision", help="register this kiosk as a device of a workspace",
        description="Swap a workspace token for this device's own token and store it "
        "(owner-only file). The workspace token itself is not stored.",
    )
    parser.add_argument("--api-url", required=True, help="the Tiketo GraphQL endpoint (https)")
    parser.add_argument("--token", help=f"the workspace token (or set {TOKEN_ENV}; "
                        "'-' reads it from standard input)")
    parser.add_argument("--name", help="this device's name, e.g. door-3 (default: host name)")
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    if args.token not in (None, "-"):
        say(f"kiosk: warning: a token on the command line can be seen by other users of this "
            f"computer (ps, /proc); next time use --token - (it is read from standard input) "
            f"or set {TOKEN_ENV}.", stream=sys.stderr)
    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV, "")
    if token == "-":
        token = input().strip()
    if not token:
        raise CommandError(f"No workspace token: pass --token or set {TOKEN_ENV}.", EXIT_USAGE)
    paths = paths_from(args)
    try:
        credentials = provision(paths.device_file, args.api_url, token, args.name)
    except ProvisioningFailed as exc:
        raise CommandError(f"Provisioning failed: {exc}") from exc
    if args.json:
        print_json({"provisioned": True, **credentials.public_view()})
    else:
        say(f"Provisioned device '{credentials.device_name}' "
            f"in workspace '{credentials.workspace}'.")
    return EXIT_OK
