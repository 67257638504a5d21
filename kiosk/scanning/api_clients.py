"""The scan service's two connections to the Tiketo API, behind one request gate.

One gate for both clients: ``upload.concurrency`` calls in flight at most, lookups first, one
Retry-After for all. Each client keeps its own connection, so a door lookup never waits behind
a batch's bytes (or a slow upload's failed HTTP/2 connection).
"""

from __future__ import annotations

import functools
import ssl
from dataclasses import dataclass

import httpx

from kiosk.device import DeviceCredentials
from kiosk.settings import Settings
from kiosk.tiketo import TiketoClient, Timeouts
from kiosk.tiketo.gate import RequestGate

UPLOAD_TIMEOUTS = Timeouts(connect=3.0, read=8.0, total=10.0)


@dataclass(frozen=True)
class ApiClients:
    lookup: TiketoClient  # the door's: short timeouts (scanning.lookup_timeout_seconds)
    upload: TiketoClient  # the uploader's and the upkeep's
    gate: RequestGate


def open_clients(
    credentials: DeviceCredentials,
    settings: Settings,
    transport: httpx.BaseTransport | None,
    problems: list[str],
) -> ApiClients:
    """Both clients, or neither: what failed is raised (e.g. a device file with an http://
    URL to another machine). A CA file that cannot be used goes to ``problems``."""
    api, upload = settings.api, settings.upload
    wait = float(settings.scanning.lookup_timeout_seconds)
    gate = RequestGate(upload.concurrency)
    make_client = functools.partial(
        TiketoClient,
        credentials.api_url,
        credentials.token,
        transport=transport,
        ca_file=_usable_ca_file(api.ca_file, problems),
        http2=api.http2,
        gate=gate,
    )
    lookup = make_client(
        max_connections=2,
        door=True,
        timeouts=Timeouts(connect=min(wait, 3.0), read=wait, total=wait),
    )
    try:
        upload_client = make_client(
            timeouts=UPLOAD_TIMEOUTS, max_connections=upload.concurrency + 1
        )
    except BaseException:
        lookup.close()
        raise
    return ApiClients(lookup, upload_client, gate)


def _usable_ca_file(path: str, problems: list[str]) -> str | None:
    """``api.ca_file`` if it holds certificates; else the built-in authorities (and a
    problem to show): a wrong file never turns verification off."""
    if not path:
        return None
    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        problems.append(
            f"Setting api.ca_file: {path} cannot be used ({exc}); using "
            "the built-in certificate authorities."
        )
        return None
    return path
