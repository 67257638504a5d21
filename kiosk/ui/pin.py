"""The admin PIN: stored as a salted scrypt hash in settings.admin.pin_hash, never as digits.

A four-digit PIN has only 10,000 values, so the hash mostly protects PINs reused elsewhere;
the real guard against guessing at the door is the lockout in the PIN screen.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
MIN_DIGITS = 4
MAX_DIGITS = 12
# n=2**14 costs ~16 MB and a few tens of milliseconds: unnoticeable at the PIN pad.
_N, _R, _P = 2**14, 8, 1


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be an admin PIN (in English; the screen translates its own text)."""
    if not pin.isdigit():
        return "digits"
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return "length"
    return None


def hash_pin(pin: str) -> str:
    """``scrypt$n$r$p$salt$hash`` with a fresh 16-byte salt (base64)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join((SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)))


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored``; a malformed hash never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
