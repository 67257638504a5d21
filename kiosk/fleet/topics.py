"""The topic tree under the venue prefix (codes never appear: keys are HMACs of codes).

<prefix>/admissions/<key>   an accepted scan, retained until the re-entry window ends
<prefix>/passes/<key>       a pass known to be voided or expired, retained
<prefix>/kiosks/<device>/<process>
                            the status of one process of a kiosk (its screen, a ``kiosk scan``),
                            retained, with a last will; a door is up while any of them is
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
    return f"{prefix}/kiosks/+/+"


def kiosk(prefix: str, device: str, process: str) -> str:
    return f"{prefix}/kiosks/{level(device)}/{level(process)}"


def ping(prefix: str, client_id: str) -> str:
    return f"{prefix}/ping/{level(client_id)}"


def for_kind(prefix: str, kind: str, key: str) -> str:
    return f"{prefix}/{KINDS[kind]}/{key}"


def parse(prefix: str, topic: str) -> tuple[str, str] | None:
    """(``admissions``|``passes``|``ping``, last level) or (``kiosks``, ``device/process``)
    of a topic under the prefix, else None."""
    if not topic.startswith(prefix + "/"):
        return None
    kind, _, rest = topic[len(prefix) + 1 :].partition("/")
    levels = 2 if kind == "kiosks" else 1
    if kind not in ("admissions", "passes", "kiosks", "ping") or rest.count("/") != levels - 1:
        return None
    if not all(rest.split("/")):
        return None
    return kind, rest
