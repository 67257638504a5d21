"""The device's identity: API URL, workspace, device name and the device token.

Stored as JSON in the config folder, mode 0600, written atomically so a crash mid-write
leaves the previous credentials in place. The token never appears in ``repr`` or output.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.files import unsafe_reason, user_name, write_private_atomically

log = logging.getLogger(__name__)


class DeviceFileError(Exception):
    """The credentials file exists but cannot be read as credentials."""


class UnsafeDeviceFile(DeviceFileError):
    """The credentials file or its folder could have been written by another user."""


@dataclass(frozen=True)
class DeviceCredentials:
    api_url: str
    workspace: str
    device_name: str
    token: str = field(repr=False)

    def public_view(self) -> dict[str, str]:
        """Everything but the token: what status screens and logs may show."""
        return {"api_url": self.api_url, "workspace": self.workspace, "device": self.device_name}


def load_credentials(path: Path) -> DeviceCredentials | None:
    """The stored credentials, or None when this device was never provisioned.

    Like ssh, a device file (or config folder) another user owns or may write is refused:
    whoever can write it decides which server gets the scanned codes.
    """
    if not path.exists():
        return None
    for item in (path.parent, path):
        reason = unsafe_reason(item)
        if reason:
            raise UnsafeDeviceFile(f"The kiosk will not use its device file: {reason}.")
    _keep_private(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        owner = user_name(path.stat().st_uid) if os.name == "posix" else "another user"
        raise DeviceFileError(
            f"The device file {path} cannot be read by this user (it belongs to {owner}); "
            f"fix its owner (sudo chown) or provision the device again."
        ) from exc
    except (OSError, ValueError, RecursionError) as exc:
        raise DeviceFileError(
            f"The device file {path} is unreadable; provision the device again."
        ) from exc
    if not isinstance(raw, dict):
        raise DeviceFileError(f"The device file {path} is incomplete; provision the device again.")
    try:
        return DeviceCredentials(
            api_url=str(raw["api_url"]),
            workspace=str(raw["workspace"]),
            device_name=str(raw["device_name"]),
            token=str(raw["token"]),
        )
    except (KeyError, TypeError) as exc:
        raise DeviceFileError(
            f"The device file {path} is incomplete; provision the device again."
        ) from exc


def _keep_private(path: Path) -> None:
    """A token file others may read is made owner-only again (it was maybe copied)."""
    if os.name != "posix":
        return
    try:
        found = path.stat()
        if found.st_uid == os.geteuid() and stat.S_IMODE(found.st_mode) & 0o077:
            path.chmod(0o600)
            log.warning(
                "device_file_tightened path=%s mode_was=%o", path, stat.S_IMODE(found.st_mode)
            )
    except OSError:
        pass


def save_credentials(path: Path, credentials: DeviceCredentials) -> None:
    """Write atomically with mode 0600 from the first byte (never world-readable, even briefly)."""
    payload = json.dumps(
        {
            "api_url": credentials.api_url,
            "workspace": credentials.workspace,
            "device_name": credentials.device_name,
            "token": credentials.token,
        },
        indent=2,
    )
    reason = unsafe_reason(path.parent)
    if reason:  # the credentials would sit where another user can swap them
        raise PermissionError(errno.EPERM, f"the kiosk will not store its token there: {reason}")
    write_private_atomically(path, payload)
