"""What can go wrong talking to Tiketo, sorted by what the caller should do about it.

    TiketoError
    ├── RetryLater                 the server could not be talked to: offline, retry later
    │   ├── ApiUnreachable         DNS, refused connection, TLS failure, timeout, deadline
    │   │   └── TimedOut           no (whole) answer by the call's deadline
    │   ├── RateLimited            HTTP 429; ``retry_after`` seconds from Retry-After
    │   ├── ServerError            HTTP 5xx (and 3xx: a proxy or a wrong URL in the way)
    │   └── ServiceBusy            GraphQL errors whose type says throttled / unavailable
    ├── UnreadableAnswer           the server answered, but with something the kiosk cannot
    │   │                          read (not JSON, wrong types, too large, other 4xx): the
    │   │                          server is reachable, so this is never an outage
    │   ├── GraphQLErrors          the server answered with GraphQL ``errors`` (it refused)
    │   └── RequestTooLarge        HTTP 413: fewer scans per request may pass
    ├── Unauthorized               401/403: the device token was revoked, provision again
    └── PassNotFound               passByScanCode returned null: the code is unknown

The split between RetryLater and UnreadableAnswer matters at the door: an outage lets the
kiosk decide offline (and, by policy, admit a pass it has never seen), so only failures to
*talk* to the server may count as one. An answer the kiosk cannot read is an ``error``
verdict, never an admission.

Messages are one plain sentence a door supervisor can act on; they never contain a token.
"""

from __future__ import annotations


class TiketoError(Exception):
    """Base class: every failure of the API client is one of these."""


class RetryLater(TiketoError):
    """A passing failure: nothing is wrong with the scan, try the API again later."""

    retry_after: float | None = None


class ApiUnreachable(RetryLater):
    """The server could not be reached or did not answer in time."""


class TimedOut(ApiUnreachable):
    """The call's deadline passed before the whole answer arrived."""


class RateLimited(RetryLater):
    """The server asked us to slow down (HTTP 429)."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(RetryLater):
    """The server (or something in front of it) failed: HTTP 5xx or an unexpected redirect."""


class ServiceBusy(RetryLater):
    """GraphQL errors saying the service is throttled or temporarily unavailable."""


class UnreadableAnswer(TiketoError):
    """The server answered, but not with something the kiosk can read."""


class GraphQLErrors(UnreadableAnswer):
    """The server answered with GraphQL ``errors``; ``messages`` holds their texts."""

    def __init__(self, message: str, messages: list[str]) -> None:
        super().__init__(message)
        self.messages = messages


class RequestTooLarge(UnreadableAnswer):
    """HTTP 413: the server refused the request for its size (a batch: send fewer scans)."""


class Unauthorized(TiketoError):
    """The token was refused: this device must be provisioned again."""


class PassNotFound(TiketoError):
    """No pass has this scan code."""
