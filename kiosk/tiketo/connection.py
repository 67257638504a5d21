"""One authenticated connection set to the Tiketo API: how one GraphQL operation is sent.

What the typed operations (:mod:`kiosk.tiketo.client`, :mod:`kiosk.tiketo.pass_ops`) share:
a POST per operation through the request gate and under an absolute deadline, a dropped
kept-alive connection asked again only when that cannot do anything twice, HTTP statuses
and socket failures mapped to :mod:`kiosk.tiketo.errors`, and the answer read with a size
cap while it is inflated (:mod:`kiosk.tiketo.transport`). What the answer's GraphQL errors
mean is :mod:`kiosk.tiketo.answers`.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

import httpx

from kiosk import __version__
from kiosk.tiketo.answers import graphql_data
from kiosk.tiketo.errors import (
    ApiUnreachable,
    RateLimited,
    RequestTooLarge,
    ServerError,
    TimedOut,
    Unauthorized,
    UnreadableAnswer,
)
from kiosk.tiketo.gate import RequestGate
from kiosk.tiketo.operations import operation_text
from kiosk.tiketo.proxy import ProxyRefused, UnusableProxy, UnusableProxyTransport, proxy_for, shown
from kiosk.tiketo.transport import (
    ACCEPT_ENCODING,
    BodyTooLarge,
    CappedInflater,
    UnknownEncoding,
    current_deadline,
    deadline,
    deadline_transport,
)
from kiosk.tiketo.urls import check_api_url

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 1024 * 1024
# Queries only: asking again can change nothing on the server.
SAFE_TO_REPEAT = frozenset({"PassByScanCode", "Projects", "Ping"})
MAX_RETRY_AFTER_SECONDS = 3600.0


@dataclass(frozen=True)
class Timeouts:
    """Seconds. A door cannot wait: a lookup that takes longer is decided offline.

    ``total`` is an absolute deadline on the whole exchange (resolving, connecting, sending,
    headers, body), whatever the server does; ``connect`` and ``read`` bound each step."""

    connect: float = 3.0
    read: float = 4.0
    total: float = 6.0


class ApiConnection:
    """One pooled HTTP connection set to one API, authenticated with one token.

    Connections are kept alive and use HTTP/2 when the server offers it, through the
    environment's proxy when it names one for ``api_url`` (:func:`api_http_client`).
    ``ca_file`` (PEM) replaces the system's certificate authorities (a venue proxy's CA, the
    tests' CA); certificates are always verified. ``gate`` bounds calls in flight across the
    clients sharing it (:mod:`kiosk.tiketo.gate`); ``door`` calls (lookups) go through it
    first.

    Thread-safe for concurrent calls (httpx.Client is); close it when done.
    """

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        timeouts: Timeouts | None = None,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = 4,
        ca_file: str | None = None,
        http2: bool = True,
        gate: RequestGate | None = None,
        door: bool = False,
    ) -> None:
        self.api_url = check_api_url(api_url)
        self._token = token
        self.timeouts = timeouts or Timeouts()
        self.gate = gate or RequestGate(max_connections)
        self._door = door
        self._last_used = time.monotonic()
        verify: ssl.SSLContext | bool = True
        if ca_file:
            try:
                verify = ssl.create_default_context(cafile=ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise ValueError(f"The CA file {ca_file} cannot be used ({exc}).") from exc
        self._http = api_http_client(
            self.api_url,
            timeout=httpx.Timeout(
                self.timeouts.read, connect=self.timeouts.connect, pool=self.timeouts.connect
            ),
            max_connections=max_connections,
            verify=verify,
            http2=http2,
            transport=transport,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.api_url!r}, token=<hidden>)"

    def close(self) -> None:
        self._http.close()

    def idle_seconds(self) -> float:
        """Seconds since this client's last call ended (or started)."""
        return time.monotonic() - self._last_used

    # --- one operation -----------------------------------------------------------------------

    def _execute(self, operation: str, variables: dict[str, Any]) -> dict[str, Any]:
        return graphql_data(self._request(operation, variables))

    def _request(self, operation: str, variables: dict[str, Any], query: str | None = None) -> Any:
        """POST one operation (``query`` replaces its file's text: a generated batch); the
        parsed JSON answer (not yet checked for errors). Waits for a slot of the gate."""
        body = {
            "query": query or operation_text(operation),
            "operationName": operation,
            "variables": variables,
        }
        headers = {"Authorization": f"TOKEN {self._token}", "Content-Type": "application/json"}
        ends_at = min(time.monotonic() + self.timeouts.total, current_deadline())
        again = True
        while True:
            try:
                with (
                    self.gate.slot(door=self._door, ends_at=ends_at),
                    deadline(ends_at),
                    self._http.stream("POST", self.api_url, json=body, headers=headers) as response,
                ):
                    self._raise_for_status(response)
                    return _read_capped(response, ends_at)
            except httpx.TimeoutException as exc:
                raise TimedOut("The Tiketo server did not answer in time.") from exc
            except httpx.TransportError as exc:
                # A kept-alive connection the server closed while it was idle fails only
                # when used (httpcore does not notice for HTTP/2). A request that could not
                # be written never reached the server, so it goes once more on a new
                # connection; so does a query whatever failed (asking again changes
                # nothing). A connection that cannot even be opened is an outage.
                repeatable = operation in SAFE_TO_REPEAT or isinstance(exc, httpx.WriteError)
                if (
                    again
                    and repeatable
                    and not isinstance(exc, httpx.ConnectError)
                    and time.monotonic() < ends_at
                ):
                    again = False
                    log.info("Connection dropped (%s); asking again on a new one", exc)
                    continue
                raise ApiUnreachable(_describe_transport_error(exc)) from exc
            finally:
                self._last_used = time.monotonic()

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status in (401, 403):
            raise Unauthorized(
                "The server refused this device's token: it was revoked or is wrong. "
                "Provision the device again."
            )
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after:
                self.gate.hold_off(retry_after)  # every call waits it out, not just this one
            raise RateLimited("The Tiketo server asked us to slow down.", retry_after)
        if status == 413:
            raise RequestTooLarge("The Tiketo server refused a request this large (HTTP 413).")
        if status >= 500:
            raise ServerError(f"The Tiketo server has a problem (HTTP {status}).")
        if 300 <= status < 400:
            raise ServerError(f"The Tiketo server answered HTTP {status}; is the API URL right?")
        if status >= 400:
            raise UnreadableAnswer(f"The Tiketo server refused the request (HTTP {status}).")


def api_http_client(
    api_url: str,
    *,
    timeout: httpx.Timeout,
    max_connections: int,
    verify: ssl.SSLContext | bool = True,
    http2: bool = True,
    user_agent: str = f"tiketo-kiosk/{__version__}",
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The one way an httpx client to the Tiketo API is built (the scan service's, the
    provisioning's, the doctor's): deadline-bound sockets (:mod:`kiosk.tiketo.transport`),
    the environment's proxy for ``api_url`` through those same sockets
    (:mod:`kiosk.tiketo.proxy`), no redirects followed.

    ``trust_env`` is off because the proxy is chosen here: httpx would otherwise mount its
    own proxy transports, on plain sockets that ignore the call's deadline. A proxy it cannot
    use makes every call fail as unreachable, saying why
    (:class:`~kiosk.tiketo.proxy.UnusableProxyTransport`)."""
    if transport is None:
        try:
            proxy = proxy_for(api_url)
        except ProxyRefused as exc:
            log.warning("The Tiketo API cannot be reached: %s", exc)
            transport = UnusableProxyTransport(str(exc))
        else:
            if proxy is not None:
                log.info("The Tiketo API is reached through the proxy %s", shown(proxy))
            transport = deadline_transport(max_connections, verify=verify, http2=http2, proxy=proxy)
    return httpx.Client(
        timeout=timeout,
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        transport=transport,
        headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        follow_redirects=False,
        trust_env=False,
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def _read_capped(response: httpx.Response, ends_at: float) -> Any:
    """Read the body raw, inflate it with a size cap as it arrives, by the deadline, and
    parse it as JSON."""
    try:
        inflater = CappedInflater(response.headers.get("Content-Encoding"), MAX_RESPONSE_BYTES)
    except UnknownEncoding as exc:
        raise UnreadableAnswer(
            f"The Tiketo server sent an answer in an unknown encoding ({exc})."
        ) from exc
    chunks: list[bytes] = []
    received = 0
    try:
        for raw in response.iter_raw():
            received += len(raw)
            if received > MAX_RESPONSE_BYTES:
                raise BodyTooLarge
            if time.monotonic() > ends_at:
                raise TimedOut("The Tiketo server did not answer in time.")
            chunks.append(inflater.feed(raw))
        chunks.append(inflater.finish())
    except BodyTooLarge as exc:
        raise UnreadableAnswer(
            "The Tiketo server sent an answer far larger than expected."
        ) from exc
    except UnknownEncoding as exc:
        raise UnreadableAnswer(f"The Tiketo server sent an unreadable answer ({exc}).") from exc
    try:
        return json.loads(b"".join(chunks))
    except ValueError as exc:
        raise UnreadableAnswer("The Tiketo server sent an answer that is not JSON.") from exc


def _describe_transport_error(exc: httpx.TransportError) -> str:
    """Say what failed in words staff understand, instead of a socket error."""
    if isinstance(exc, UnusableProxy):  # the sentence names the proxy setting to fix
        return str(exc)
    if isinstance(exc, httpx.ProxyError):  # the proxy answered CONNECT with an error status
        return f"The proxy refused to connect to the Tiketo server ({exc})."
    text = str(exc).lower()
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or ("getaddrinfo" in text or "temporary failure in name resolution" in text)
    ):
        return "No internet: the Tiketo server's address could not be looked up."
    if "refused" in text:
        return "The Tiketo server is not accepting connections."
    if "certificate" in text:
        return "The secure connection to the Tiketo server failed (certificate problem)."
    if "ssl" in text or "tls" in text:  # e.g. an EOF: not the certificate's fault
        return "The secure connection to the Tiketo server failed."
    return "The Tiketo server cannot be reached."
