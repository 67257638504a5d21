"""A small, strict client for the Tiketo GraphQL API on httpx.

No GraphQL client library: the kiosk sends a few fixed operations (see ``operations/``), and
what it needs from the transport is control over timeouts, response size and error mapping.
Codes travel only as GraphQL variables, never spliced into query text.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from kiosk import __version__
from kiosk.tiketo.batch import ScanEventInput, has_event_id, read_answers, request_for
from kiosk.tiketo.errors import (
    ApiUnreachable,
    GraphQLErrors,
    PassNotFound,
    RateLimited,
    RequestTooLarge,
    ServerError,
    ServiceBusy,
    TiketoError,
    TimedOut,
    Unauthorized,
    UnreadableAnswer,
)
from kiosk.tiketo.gate import RequestGate
from kiosk.tiketo.models import Pass, PassState, Registration, ScanEventReceipt, parse_datetime
from kiosk.tiketo.operations import operation_text
from kiosk.tiketo.pass_ops import PassOperations
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
# GraphQL error types (AppSync ``errorType``, or ``extensions.code``) that say the service is
# throttled or temporarily unavailable: the server could not do the work *now*, which is an
# outage like a 5xx or a 429, not a refusal. Compared lower-case, without a ``Source:``
# prefix (AppSync's "DynamoDB:ProvisionedThroughputExceededException"), underscores or an
# "Exception" suffix. Every other GraphQL error is the server refusing: an ``error`` verdict.
BUSY_ERROR_TYPES = frozenset(
    {
        "throttled",
        "throttling",
        "toomanyrequests",
        "ratelimited",
        "provisionedthroughputexceeded",
        "requestlimitexceeded",
        "limitexceeded",
        "serviceunavailable",
        "unavailable",
        "temporarilyunavailable",
        "executiontimeout",
        "timeout",
    }
)


@dataclass(frozen=True)
class Timeouts:
    """Seconds. A door cannot wait: a lookup that takes longer is decided offline.

    ``total`` is an absolute deadline on the whole exchange (resolving, connecting, sending,
    headers, body), whatever the server does; ``connect`` and ``read`` bound each step."""

    connect: float = 3.0
    read: float = 4.0
    total: float = 6.0


class TiketoClient(PassOperations):
    """One pooled HTTP connection set to one API, authenticated with one token.

    Connections are kept alive and use HTTP/2 when the server offers it. ``ca_file`` (PEM)
    replaces the system's certificate authorities (a venue proxy's CA, the tests' CA);
    certificates are always verified. ``gate`` bounds calls in flight across the clients
    sharing it (:mod:`kiosk.tiketo.gate`); ``door`` calls (lookups) go through it first.

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
        self._http = httpx.Client(
            timeout=httpx.Timeout(
                self.timeouts.read, connect=self.timeouts.connect, pool=self.timeouts.connect
            ),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport or deadline_transport(max_connections, verify=verify, http2=http2),
            headers={
                "User-Agent": f"tiketo-kiosk/{__version__}",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            follow_redirects=False,
        )

    def __enter__(self) -> TiketoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TiketoClient({self.api_url!r}, token=<hidden>)"

    def close(self) -> None:
        self._http.close()

    # --- operations -------------------------------------------------------------------------

    def pass_by_scan_code(self, code: str) -> Pass:
        """The pass behind ``code``; raises PassNotFound when the API knows no such code.

        A pass the answer says is voided is returned as voided even when the rest of the
        answer (other fields, GraphQL errors next to the data) cannot be read.
        """
        payload = self._request("PassByScanCode", {"code": code})
        raw = _answer_field(payload, "passByScanCode")
        if isinstance(raw, dict) and raw.get("voided") is True:
            return Pass.from_api(raw)
        data = _graphql_data(payload)
        raw = data.get("passByScanCode")
        if raw is None:
            raise PassNotFound("No pass has this code.")
        return Pass.from_api(raw)

    def create_scan_event(
        self,
        code: str,
        *,
        reward_points: int = 0,
        voided: bool | None = None,
        data: dict[str, Any] | None = None,
    ) -> ScanEventReceipt:
        """Record a scan. ``data`` is sent as AWSJSON (a JSON document inside a string).

        An answer carrying the event's id means the server recorded the scan, so it is a
        receipt whatever else is odd about it (errors beside it, a ``createdAt`` that cannot
        be read): the odd parts are logged, and the scan is never sent again.
        """
        scan = ScanEventInput(code, reward_points, voided, data)
        payload = self._request("CreateScanEvent", {"input": scan.variables()})
        raw = _answer_field(payload, "createScanEvent")
        if not has_event_id(raw):
            _graphql_data(payload)  # raises for the errors that explain the missing id
            raise UnreadableAnswer("The server did not confirm the scan event.")
        return _receipt(raw, code, payload.get("errors"))

    def create_scan_events(
        self,
        scans: Sequence[ScanEventInput],
    ) -> list[ScanEventReceipt | TiketoError]:
        """Record several scans in one request (aliased mutations, see
        :mod:`kiosk.tiketo.batch`); one result per scan, in order: a receipt, or the error
        that scan alone met (refused, busy, or NotAttempted: send it again).

        Raises what failed the whole request: RetryLater, Unauthorized, RequestTooLarge (HTTP
        413: send fewer at once), or UnreadableAnswer when the answer cannot be read at all.
        """
        query, variables, keys = request_for(list(scans))
        payload = self._request("CreateScanEvent", variables, query=query)
        return read_answers(payload, keys, [scan.code for scan in scans], _receipt, _error_for)

    def ping(self) -> None:
        """The cheapest call there is (``{ __typename }``): keeps a connection warm."""
        _graphql_data(self._request("Ping", {}))

    def idle_seconds(self) -> float:
        """Seconds since this client's last call ended (or started)."""
        return time.monotonic() - self._last_used

    def register_device(self, name: str | None) -> Registration:
        """Exchange this client's (workspace) token for a device token."""
        answer = self._execute("RegisterDevice", {"input": {"name": name}})
        raw = answer.get("registerDevice")
        if not isinstance(raw, dict):
            raise UnreadableAnswer("The server did not answer the device registration.")
        token, workspace = raw.get("token"), raw.get("workspaceName")
        if not isinstance(token, str) or not token or not isinstance(workspace, str):
            raise UnreadableAnswer("The server's device registration answer is incomplete.")
        return Registration(workspace_name=workspace, token=token)

    def projects(self) -> list[dict[str, Any]]:
        """The workspace's projects as ``{"id", "name", "scanConfig"}`` dicts."""
        answer = self._execute("Projects", {})
        raw = answer.get("projects")
        if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
            raise UnreadableAnswer("The server's list of projects is malformed.")
        return raw

    # --- transport ----------------------------------------------------------------------------

    def _execute(self, operation: str, variables: dict[str, Any]) -> dict[str, Any]:
        return _graphql_data(self._request(operation, variables))

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


def _answer_field(payload: Any, name: str) -> Any:
    """``payload["data"][name]`` if the answer has that shape, else None."""
    data = payload.get("data") if isinstance(payload, dict) else None
    return data.get(name) if isinstance(data, dict) else None


def _receipt(raw: dict[str, Any], code: str, errors: list[Any] | None) -> ScanEventReceipt:
    """A receipt for a recorded scan, whatever else is odd about its answer: the event id
    means the server has it, so it is never sent again (the odd parts are logged)."""
    if errors:
        log.warning(
            "The server recorded scan event %s but also reported: %.200s", raw["id"], errors
        )
    points = raw.get("rewardPoints")
    try:
        created_at = parse_datetime(raw.get("createdAt"))
    except UnreadableAnswer as exc:
        log.warning("Scan event %s recorded; its createdAt is unreadable: %s", raw["id"], exc)
        created_at = None
    return ScanEventReceipt(
        id=str(raw["id"]),
        code=str(raw.get("code", code)),
        reward_points=points if isinstance(points, int) else None,
        created_at=created_at,
        pass_state=PassState.from_api(raw.get("pass")),
    )


def _graphql_data(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise UnreadableAnswer("The Tiketo server sent a malformed answer.")
    errors = payload.get("errors")
    if errors:
        raise _error_for(errors if isinstance(errors, list) else [errors])
    data = payload.get("data")
    if not isinstance(data, dict):
        raise UnreadableAnswer("The Tiketo server sent an answer without data.")
    return data


def _error_for(listed: list[Any]) -> TiketoError:
    """What a list of GraphQL errors means: a revoked token, a busy service, or a refusal."""
    messages = [_error_message(e) for e in listed] or ["(no message)"]
    if any(_error_type(e) == "unauthorized" for e in listed):
        return Unauthorized("The server refused this device's token. Provision the device again.")
    if any(_error_type(e) in BUSY_ERROR_TYPES for e in listed):
        return ServiceBusy(f"The Tiketo server is busy or unavailable: {messages[0]:.200}")
    return GraphQLErrors(f"The Tiketo server reported an error: {messages[0]:.200}", messages)


def _error_message(error: Any) -> str:
    """A GraphQL error's message as one printable line."""
    text = str(error.get("message", error)) if isinstance(error, dict) else str(error)
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _error_type(error: Any) -> str | None:
    """An error's type, normalised: AppSync's ``errorType`` or ``extensions.code``,
    lower-case, without a ``Source:`` prefix, underscores or an ``Exception`` suffix."""
    if not isinstance(error, dict):
        return None
    extensions = error.get("extensions")
    kind = error.get("errorType") or (
        extensions.get("code") if isinstance(extensions, dict) else None
    )
    if not isinstance(kind, str):
        return None
    kind = kind.rsplit(":", 1)[-1].strip().lower().replace("_", "")
    return kind.removesuffix("exception")


def _describe_transport_error(exc: httpx.TransportError) -> str:
    """Say what failed in words staff understand, instead of a socket error."""
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
