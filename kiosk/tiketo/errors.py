"""What can go wrong talking to Tiketo, sorted by what the caller should do about it.

    TiketoError
    ├── RetryLater                 the scan is decided offline and the upload retried later
    │   ├── ApiUnreachable         DNS, refused connection, TLS failure, timeout
    │   ├── RateLimited            HTTP 429; ``retry_after`` seconds from Retry-After
    │   └── ServerError            5xx, a body that is not JSON, a malformed answer
    │       └── GraphQLErrors      the server answered with GraphQL ``errors``
    ├── Unauthorized               401/403: the device token was revoked, provision again
    └── PassNotFound               passByScanCode returned null: the code is unknown

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


class RateLimited(RetryLater):
    """The server asked us to slow down (HTTP 429)."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(RetryLater):
    """The server answered, but not with something usable."""


class GraphQLErrors(ServerError):
    """The server answered with GraphQL ``errors``; ``messages`` holds their texts."""

    def __init__(self, message: str, messages: list[str]) -> None:
        super().__init__(message)
        self.messages = messages


class Unauthorized(TiketoError):
    """The token was refused: this device must be provisioned again."""


class PassNotFound(TiketoError):
    """No pass has this scan code."""
