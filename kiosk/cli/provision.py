"""kiosk provision: register this device with a workspace token, once."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kiosk.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    add_json_flag,
    paths_from,
    print_json,
    run_guarded,
    say,
)
from kiosk.device import DeviceCredentials, DeviceFileError, load_credentials
from kiosk.journal import JournalUnavailable
from kiosk.paths import Paths
from kiosk.provisioning import ProvisioningFailed, hand_over_queue, provision, queued_scans
from kiosk.settings import load_settings

TOKEN_ENV = "KIOSK_WORKSPACE_TOKEN"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "provision",
        help="register this kiosk as a device of a workspace",
        description="Swap a workspace token for this device's own token and store it "
        "(owner-only file). The workspace token itself is not stored.",
    )
    parser.add_argument("--api-url", required=True, help="the Tiketo GraphQL endpoint (https)")
    parser.add_argument(
        "--token",
        help=f"the workspace token (or set {TOKEN_ENV}; '-' reads it from standard input)",
    )
    parser.add_argument("--name", help="this device's name, e.g. door-3 (default: host name)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="provision even though scans are still waiting to upload: they "
        "are uploaded first as the old device if possible, else kept for it "
        "(never sent as the new device)",
    )
    parser.add_argument(
        "--upload-seconds",
        type=float,
        default=30.0,
        metavar="S",
        help="with --force, how long to try uploading them first (default 30)",
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_guarded(_run))


def _run(args: argparse.Namespace) -> int:
    if args.token not in (None, "-"):
        say(
            f"kiosk: warning: a token on the command line can be seen by other users of this "
            f"computer (ps, /proc); next time use --token - (it is read from standard input) "
            f"or set {TOKEN_ENV}.",
            stream=sys.stderr,
        )
    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV, "")
    if token == "-":
        token = input().strip()
    if not token:
        raise CommandError(f"No workspace token: pass --token or set {TOKEN_ENV}.", EXIT_USAGE)
    paths = paths_from(args)
    old = _old_credentials(paths)
    uploaded = _upload_first(paths, old, args)
    try:
        credentials = provision(
            paths.device_file,
            args.api_url,
            token,
            args.name,
            ca_file=load_settings(paths.settings_file).settings.api.ca_file or None,
        )
    except ProvisioningFailed as exc:
        raise CommandError(f"Provisioning failed: {exc}") from exc
    try:
        held, requeued = hand_over_queue(paths.journal_file, old, credentials)
    except JournalUnavailable as exc:
        raise CommandError(f"Provisioned, but the journal could not be updated: {exc}") from exc
    if args.json:
        print_json(
            {
                "provisioned": True,
                **credentials.public_view(),
                "uploaded_first": uploaded,
                "held_for_old_device": held,
                "queued_again": requeued,
            }
        )
    else:
        say(
            f"Provisioned device '{credentials.device_name}' "
            f"in workspace '{credentials.workspace}'."
        )
        if held:
            say(
                f"{held} scan(s) of {_name(old)} are kept for it and will not be sent "
                f"as '{credentials.device_name}'."
            )
        if requeued:
            say(f"{requeued} scan(s) made as '{credentials.device_name}' before will upload now.")
    return EXIT_OK


def _old_credentials(paths: Paths) -> DeviceCredentials | None:
    try:
        return load_credentials(paths.device_file)
    except DeviceFileError:
        return None


def _name(old: DeviceCredentials | None) -> str:
    return "an earlier device" if old is None else f"device '{old.device_name}'"


def _upload_first(paths: Paths, old: DeviceCredentials | None, args: argparse.Namespace) -> int:
    """Refuse while scans wait (unless --force); with --force, try to upload them as the
    device they were made under first. Returns how many were uploaded."""
    try:
        waiting = queued_scans(paths.journal_file)
    except JournalUnavailable as exc:
        raise CommandError(str(exc), EXIT_FAILED) from exc
    if not waiting:
        return 0
    if not args.force:
        raise CommandError(
            f"{waiting} scan(s) made as {_name(old)} are still waiting to upload; run "
            "'kiosk sync' first, or add --force to provision anyway (they are uploaded "
            "first if possible, else kept for that device, never sent as the new one)."
        )
    if old is None:
        return 0
    from kiosk.scanning.service import ScanService  # the upload machinery, only when needed

    try:
        with ScanService(paths, old, background=False) as service:
            return service.sync(max(0.0, args.upload_seconds)).uploaded
    except Exception as exc:  # an old device file that no longer works: keep the scans
        say(f"kiosk: could not upload as {_name(old)} first ({exc}).", stream=sys.stderr)
        return 0
