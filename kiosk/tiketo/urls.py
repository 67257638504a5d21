"""Which API addresses the kiosk will send a token to."""

from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class InsecureUrl(ValueError):
    """The URL would send the token somewhere it could be read or is not a web address."""


def check_api_url(url: str) -> str:
    """Return ``url`` if tokens may be sent to it, else raise :class:`InsecureUrl`.

    Plain http is allowed only to this machine, where nobody can listen in on the wire
    (the embedded demo server and tests); everything else must be https.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureUrl(f"{url!r} is not a web address; expected https://host/graphql")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise InsecureUrl(
            "Refusing plain http:// to a remote server: the token would travel unencrypted. "
            "Use an https:// address."
        )
    return url.strip()
