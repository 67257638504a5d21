"""Provisioning: trade a workspace token for this device's own token, once.

After provisioning only the device token is used, so a workspace token typed at the door
is never stored. A failure changes nothing on disk and says why in one sentence.

Scans still queued in the journal belong to the device they were made under: ``kiosk
provision`` refuses while there are any (unless forced), and :func:`hand_over_queue` holds
another device's scans so that they are never sent with the new device's token.
"""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from kiosk.device import DeviceCredentials, save_credentials
from kiosk.journal import Journal
from kiosk.tiketo.client import TiketoClient, Timeouts
from kiosk.tiketo.errors import (
    ApiUnreachable,
    RateLimited,
    TiketoError,
    Unauthorized,
)
from kiosk.tiketo.urls import InsecureUrl, check_api_url


class ProvisioningFailed(Exception):
    """One sentence saying why the device could not be provisioned."""


def default_device_name() -> str:
    return socket.gethostname() or "kiosk"


def provision(
    device_file: Path,
    api_url: str,
    workspace_token: str,
    name: str | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    ca_file: str | None = None,
) -> DeviceCredentials:
    """Register this device and store its credentials; raise ProvisioningFailed otherwise."""
    try:
        api_url = check_api_url(api_url)
    except InsecureUrl as exc:
        raise ProvisioningFailed(str(exc)) from exc
    if not workspace_token.strip():
        raise ProvisioningFailed("The workspace token is empty.")
    device_name = (name or default_device_name()).strip()
    try:
        with TiketoClient(
            api_url,
            workspace_token.strip(),
            timeouts=Timeouts(total=15.0),
            transport=transport,
            ca_file=ca_file,
        ) as client:
            registration = client.register_device(device_name)
    except ValueError as exc:  # api.ca_file cannot be used
        raise ProvisioningFailed(str(exc)) from exc
    except Unauthorized as exc:
        raise ProvisioningFailed(
            "The server refused the workspace token; copy it again from the workspace detail page."
        ) from exc
    except ApiUnreachable as exc:
        raise ProvisioningFailed(f"{exc} Check the API URL and the network.") from exc
    except RateLimited as exc:
        raise ProvisioningFailed("The server is busy (rate limited); try again shortly.") from exc
    except TiketoError as exc:  # a 5xx, an unreadable answer: the server's own words
        raise ProvisioningFailed(f"Registration failed: {exc}") from exc
    credentials = DeviceCredentials(
        api_url=api_url,
        workspace=registration.workspace_name,
        device_name=device_name,
        token=registration.token,
    )
    try:
        save_credentials(device_file, credentials)
    except OSError as exc:
        raise ProvisioningFailed(
            f"Could not save the device credentials in {device_file.parent}: {exc.strerror}."
        ) from exc
    return credentials


UNKNOWN_DEVICE = ("an earlier device", "")


def queued_scans(journal_file: Path) -> int:
    """How many accepted scans and follow-up steps wait to upload (0 without a journal)."""
    if not journal_file.exists():
        return 0
    with Journal(journal_file) as journal:
        return journal.queue_counts().total


def hand_over_queue(
    journal_file: Path, old: DeviceCredentials | None, new: DeviceCredentials
) -> tuple[int, int]:
    """After re-provisioning: (scans held for their own device, scans of the new device
    queued again). Scans of unknown origin are held too: never sent as the new device."""
    if not journal_file.exists():
        return 0, 0
    before = UNKNOWN_DEVICE if old is None else (old.device_name, old.workspace)
    with Journal(journal_file) as journal:
        return journal.change_device(before, (new.device_name, new.workspace))
