"""The device's identity: API URL, workspace, device name and the device token.

Stored as JSON in the config folder, mode 0600, written atomically so a crash mid-write
leaves the previous credentials in place. The token never appears in ``repr`` or output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.files import write_private_atomically


class DeviceFileError(Exception):
    """The credentials file exists but cannot be read as credentials."""


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
    """The stored credentials, or None when this device was never provisioned."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DeviceFileError(
            f"The device file {path} is unreadable; provision the device again."
        ) from exc
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
    write_private_atomically(path, payload)
