"""Keys and signatures: the broker never sees a code, and nobody without the secret can speak.

A code works like a password, so topics carry ``HMAC-SHA256(secret, code)`` instead of the
code: kiosks that know the code find its admissions, the broker and eavesdroppers learn
nothing. Every payload is signed with an HMAC of the same secret over the topic and the
canonical JSON body, so a laptop on the venue Wi-Fi cannot forge an admission to deny entry,
nor move a genuine message to another code's topic. Verification is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

FORMAT_VERSION = 1
_CODE_DOMAIN = b"tiketo-kiosk/code\x00"
_SIGN_DOMAIN = b"tiketo-kiosk/message\x00"


class Signer:
    """Keys codes and signs/verifies payloads with one venue secret."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode("utf-8")

    def __repr__(self) -> str:
        return "Signer(<secret>)"

    def key(self, code: str) -> str:
        """The topic key of ``code`` (64 hex digits)."""
        data = _CODE_DOMAIN + code.encode("utf-8", "surrogateescape")
        return hmac.new(self._secret, data, hashlib.sha256).hexdigest()

    def sign(self, topic: str, body: dict[str, Any]) -> bytes:
        """The payload for ``body`` on ``topic``: the body plus ``v`` and ``sig``."""
        fields = {**body, "v": FORMAT_VERSION}
        fields["sig"] = self._signature(topic, fields)
        return json.dumps(fields, separators=(",", ":"), sort_keys=True).encode("ascii")

    def verify(self, topic: str, payload: bytes | bytearray) -> dict[str, Any] | None:
        """The body of a correctly signed payload, else None (unsigned, forged, damaged)."""
        try:
            fields = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(fields, dict):
            return None
        signature = fields.pop("sig", None)
        if not isinstance(signature, str) or fields.get("v") != FORMAT_VERSION:
            return None
        if not hmac.compare_digest(signature, self._signature(topic, fields)):
            return None
        fields.pop("v")
        return fields

    def _signature(self, topic: str, fields: dict[str, Any]) -> str:
        canonical = json.dumps(fields, separators=(",", ":"), sort_keys=True, ensure_ascii=True)
        data = _SIGN_DOMAIN + topic.encode("utf-8") + b"\x00" + canonical.encode("ascii")
        return hmac.new(self._secret, data, hashlib.sha256).hexdigest()
