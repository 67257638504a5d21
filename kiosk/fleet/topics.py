"""The topic tree under the venue prefix (codes never appear: keys are HMACs of codes).

<prefix>/admissions/<key>   an accepted scan, retained until the re-entry window ends
<prefix>/passes/<key>       a pass known to be voided or expired, retained
<prefix>/kiosks/<device>    each kiosk's status, retained, with a last will
<prefix>/ping/<client id>   round trips (caught up after subscribing; kiosk doctor)
"""

from __future__ import annotations

import re
from typing import Any

KINDS = {"admission": "admissions", "pass": "passes"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def level(name: str) -> str:
    """``name`` as one topic level (no '/', '+', '#', or control characters)."""
    return _UNSAFE.sub("_", name)[:80] or "_"


def device_label(value: Any) -> str:
    """A device name from a message, safe to show on screen (printable, one line, short)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return " ".join(text.split())[:40] or "?"


def admissions(prefix: str) -> str:
    return f"{prefix}/admissions/+"


def passes(prefix: str) -> str:
    return f"{prefix}/passes/+"


def kiosks(prefix: str) -> str:
    return f"{prefix}/kiosks/+"


def kiosk(prefix: str, device: str) -> str:
    return f"{prefix}/kiosks/{level(device)}"


def ping(prefix: str, client_id: str) -> str:
    return f"{prefix}/ping/{level(client_id)}"


def for_kind(prefix: str, kind: str, key: str) -> str:
    return f"{prefix}/{KINDS[kind]}/{key}"


def parse(prefix: str, topic: str) -> tuple[str, str] | None:
    """(``admissions``|``passes``|``kiosks``|``ping``, last level) of a topic under the
    prefix, else None."""
    if not topic.startswith(prefix + "/"):
        return None
    parts = topic[len(prefix) + 1 :].split("/")
    if len(parts) != 2 or parts[0] not in ("admissions", "passes", "kiosks", "ping"):
        return None
    return parts[0], parts[1]
