"""The broker this kiosk shares admissions over: ``fleet.json`` beside the device credentials.

The file holds the venue secret (it signs every message and keys every code) and maybe a
broker password, so it is written like ``device.json``: 0600, atomically, and its secrets never
appear in ``repr``, output or logs. Plain ``mqtt://`` is refused unless the broker is on this
machine or the venue's own network, for the same reason plain ``http://`` is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.files import write_private_atomically
from kiosk.hooks.config import is_local_host as is_venue_host
from kiosk.paths import Paths

MIN_SECRET_LENGTH = 16
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
_PREFIX_LEVEL = re.compile(r"^[A-Za-z0-9._-]+$")


class FleetConfigError(ValueError):
    """The broker settings cannot be used; one sentence says why."""


@dataclass(frozen=True)
class Broker:
    """Where the broker is: host, port and whether the connection is TLS."""

    host: str
    port: int
    tls: bool

    @property
    def display(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


@dataclass(frozen=True)
class FleetConfig:
    broker_url: str
    secret: str = field(repr=False)
    prefix: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None

    @property
    def broker(self) -> Broker:
        return parse_broker_url(self.broker_url)

    def public_view(self) -> dict[str, str | None]:
        """Everything but the secret and the password."""
        return {
            "broker": self.broker.display,
            "prefix": self.prefix,
            "username": self.username,
            "ca_file": self.ca_file,
        }


def fleet_file(paths: Paths) -> Path:
    """Beside ``device.json`` in the config folder (owner-only)."""
    return paths.config_dir / "fleet.json"


def parse_broker_url(url: str) -> Broker:
    """The broker of ``mqtts://host[:port]`` (anywhere) or ``mqtt://host[:port]`` (this
    machine or a private LAN address only), else :class:`FleetConfigError`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise FleetConfigError(
            f"{url!r} is not a broker address; expected mqtts://host:8883 "
            "(or mqtt://host:1883 on the venue network)."
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise FleetConfigError(f"{url!r} has an invalid port.") from exc
    if parts.scheme == "mqtt" and not is_venue_host(parts.hostname):
        raise FleetConfigError(
            "Refusing plain mqtt:// to a broker outside the venue network: admissions and "
            "the broker password would travel unencrypted. Use mqtts://."
        )
    return Broker(parts.hostname, port, parts.scheme == "mqtts")


def check_prefix(prefix: str) -> str:
    """A topic prefix of plain levels (no wildcards, no ``$``), else FleetConfigError."""
    levels = prefix.strip().strip("/").split("/")
    if not prefix.strip() or len(prefix) > 200 or not all(_PREFIX_LEVEL.match(x) for x in levels):
        raise FleetConfigError(
            f"{prefix!r} is not a usable topic prefix; use letters, digits, '.', '_', '-' "
            "and '/' between levels, e.g. tiketo/my-venue."
        )
    return "/".join(levels)


def default_prefix(workspace: str) -> str:
    """``tiketo/<workspace as a slug>``: kiosks of one workspace meet without configuring."""
    slug = re.sub(r"[^a-z0-9]+", "-", workspace.lower()).strip("-")[:60] or "workspace"
    return f"tiketo/{slug}"


def check_secret(secret: str) -> str:
    secret = secret.strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise FleetConfigError(
            f"The venue secret must be at least {MIN_SECRET_LENGTH} characters (every kiosk of "
            "the venue uses the same one; make one with: openssl rand -hex 32)."
        )
    return secret


def load_fleet_config(paths: Paths) -> FleetConfig | None:
    """The joined broker, or None when this kiosk is in no fleet (or the file is unusable:
    the kiosk then works alone, as before joining)."""
    path = fleet_file(paths)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        config = FleetConfig(
            broker_url=str(raw["broker_url"]),
            secret=str(raw["secret"]),
            prefix=str(raw["prefix"]),
            username=_optional(raw.get("username")),
            password=_optional(raw.get("password")),
            ca_file=_optional(raw.get("ca_file")),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FleetConfigError(
            f"The fleet file {path} is unreadable; run 'kiosk fleet join' again."
        ) from exc
    parse_broker_url(config.broker_url)
    check_prefix(config.prefix)
    check_secret(config.secret)
    return config


def save_fleet_config(paths: Paths, config: FleetConfig) -> None:
    parse_broker_url(config.broker_url)
    check_prefix(config.prefix)
    check_secret(config.secret)
    payload = {
        "broker_url": config.broker_url.strip(),
        "secret": config.secret,
        "prefix": config.prefix,
        "username": config.username,
        "password": config.password,
        "ca_file": config.ca_file,
    }
    write_private_atomically(fleet_file(paths), json.dumps(payload, indent=2))


def forget_fleet_config(paths: Paths) -> bool:
    """Remove the fleet file; True when there was one."""
    try:
        fleet_file(paths).unlink()
    except FileNotFoundError:
        return False
    return True


def _optional(value: object) -> str | None:
    return None if value is None else str(value)
