"""Which proxy, if any, carries the API's requests: the one the standard environment names.

A venue's network may only let the kiosk out through a proxy. The kiosk follows the same
rules as ``urllib`` and httpx: ``HTTPS_PROXY`` / ``HTTP_PROXY`` for the API URL's scheme,
else ``ALL_PROXY`` (upper or lower case), unless ``NO_PROXY`` names the API's host; on Windows
and macOS, with none of these set, the system's proxy settings (``urllib.request.getproxies``
reads them). The choice is made once per connection set, for its one API URL, and the proxy
is reached through the same deadline-bound sockets as the API itself
(:mod:`kiosk.tiketo.transport`).

A proxy URL may carry ``user:password@``; it is split off into proxy authentication and
never shown: :func:`shown` is what logs and ``kiosk doctor`` print.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import httpx


class ProxyRefused(ValueError):
    """The environment names a proxy the kiosk cannot use (SOCKS, or not a URL)."""


class UnusableProxy(httpx.ConnectError):
    """A call that was not made because the environment's proxy cannot be used."""


class UnusableProxyTransport(httpx.BaseTransport):
    """The API's connection when the environment names a proxy the kiosk cannot use.

    Every call fails as the API being unreachable, with the reason. A door then keeps
    scanning offline (every scan journaled, uploaded once the proxy is fixed) and its screen
    says why, where refusing to start would stop the door, and going around the proxy would
    break a network that requires it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise UnusableProxy(self.reason, request=request)


def proxy_for(api_url: str) -> httpx.Proxy | None:
    """The proxy the environment names for ``api_url``, or None to connect directly.

    Raises :class:`ProxyRefused` for a proxy that is set but unusable, rather than quietly
    connecting directly: a network that needs a proxy would then fail with a misleading
    "cannot be reached", and one that forbids direct connections should never see one."""
    parts = urlsplit(api_url)
    proxies = urllib.request.getproxies()
    chosen = proxies.get(parts.scheme) or proxies.get("all")
    if not chosen or urllib.request.proxy_bypass(parts.netloc):
        return None
    if "://" not in chosen:  # "proxy:3128" means http, as in curl and httpx
        chosen = f"http://{chosen}"
    scheme = urlsplit(chosen).scheme.lower()
    if scheme.startswith("socks"):
        raise ProxyRefused(
            f"The proxy {shown_url(chosen)} is a SOCKS proxy, which the kiosk does not support; "
            "set HTTPS_PROXY to an HTTP proxy, or add the API's host to NO_PROXY."
        )
    try:
        proxy = httpx.Proxy(chosen)
    except (ValueError, httpx.InvalidURL) as exc:
        raise ProxyRefused(
            f"The proxy setting {shown_url(chosen)} is not an http:// or https:// URL."
        ) from exc
    if not proxy.url.host:
        raise ProxyRefused(f"The proxy setting {shown_url(chosen)} names no host.")
    return proxy


def shown(proxy: httpx.Proxy) -> str:
    """The proxy as logs and the doctor show it: scheme, host and port, no credentials."""
    return shown_url(str(proxy.url))


def shown_url(url: str) -> str:
    """``url`` without ``user:password@`` (and without path or query), safe to print."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or "?"
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"{parts.scheme or 'http'}://{host}" + (f":{port}" if port else "")
