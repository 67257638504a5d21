"""The provisioning QR code: an API URL and a workspace token shown to the kiosk's camera.

Two spellings are accepted, so the code can come from a web page or be typed into any QR
generator by hand:

* JSON: ``{"apiUrl": "https://api.tiketo.eu/graphql", "token": "...", "name": "door-3"}``
* URI: ``tiketo-kiosk://provision?api=https%3A%2F%2Fapi.tiketo.eu%2Fgraphql&token=...&name=door-3``

``name`` (the device name) is optional in both. Anything else is not a provisioning code
(most likely a pass someone shows too early) and is ignored by the setup screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

URI_SCHEME = "tiketo-kiosk"
URI_ACTION = "provision"


@dataclass(frozen=True)
class ProvisioningCode:
    api_url: str
    token: str = ""
    name: str = ""

    def to_uri(self) -> str:
        """The URI form, e.g. for printing a setup sheet."""
        query = {"api": self.api_url, "token": self.token}
        if self.name:
            query["name"] = self.name
        return f"{URI_SCHEME}://{URI_ACTION}?{urlencode(query)}"


def parse_provisioning_code(text: str) -> ProvisioningCode | None:
    """The API URL and token in ``text``, or None when it is not a provisioning code."""
    text = text.strip()
    if text.startswith("{"):
        return _from_json(text)
    if text.lower().startswith(f"{URI_SCHEME}://"):
        return _from_uri(text)
    return None


def _from_json(text: str) -> ProvisioningCode | None:
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    api_url = raw.get("apiUrl") or raw.get("api_url") or raw.get("api")
    token = raw.get("token") or raw.get("workspaceToken") or ""
    name = raw.get("name") or raw.get("deviceName") or ""
    if not isinstance(api_url, str) or not api_url.strip():
        return None
    if not isinstance(token, str) or not isinstance(name, str):
        return None
    return ProvisioningCode(api_url.strip(), token.strip(), name.strip())


def _from_uri(text: str) -> ProvisioningCode | None:
    parts = urlsplit(text)
    if parts.netloc.lower() != URI_ACTION and parts.path.strip("/").lower() != URI_ACTION:
        return None
    query = parse_qs(parts.query)
    api_url = (query.get("api") or query.get("apiUrl") or [""])[0].strip()
    if not api_url:
        return None
    token = (query.get("token") or [""])[0].strip()
    name = (query.get("name") or [""])[0].strip()
    return ProvisioningCode(api_url, token, name)
