"""The device's identity: API URL, workspace, device name and the device token.

Stored as JSON in the config folder, mode 0600, written atomically so a crash mid-write
leaves the previous credentials in place. The token never appears in ``repr`` or output.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.paths import make_private_dir


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
    make_private_dir(path.parent)
    payload = json.dumps(
        {
            "api_url": credentials.api_url,
            "workspace": credentials.workspace,
            "device_name": credentials.device_name,
            "token": credentials.token,
        },
        indent=2,
    )
    fd, tmp_name = tempfile.mkstemp(prefix=".device-", suffix=".tmp", dir=path.parent)
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            tmp.write(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
