"""Reading a GraphQL answer: its data, or what its ``errors`` mean.

A revoked token, a throttled or unavailable service (an outage, like a 5xx or a 429), or the
server refusing (an ``error`` verdict): the caller's next step depends on which, so the
errors are told apart here, once, for single operations and batches alike.
"""

from __future__ import annotations

from typing import Any

from kiosk.tiketo.errors import (
    GraphQLErrors,
    ServiceBusy,
    TiketoError,
    Unauthorized,
    UnreadableAnswer,
)

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


def answer_field(payload: Any, name: str) -> Any:
    """``payload["data"][name]`` if the answer has that shape, else None."""
    data = payload.get("data") if isinstance(payload, dict) else None
    return data.get(name) if isinstance(data, dict) else None


def graphql_data(payload: Any) -> dict[str, Any]:
    """The answer's ``data``; raises what its ``errors`` mean (:func:`error_for`), or
    UnreadableAnswer when it has no data or is not an answer at all."""
    if not isinstance(payload, dict):
        raise UnreadableAnswer("The Tiketo server sent a malformed answer.")
    errors = payload.get("errors")
    if errors:
        raise error_for(errors if isinstance(errors, list) else [errors])
    data = payload.get("data")
    if not isinstance(data, dict):
        raise UnreadableAnswer("The Tiketo server sent an answer without data.")
    return data


def error_for(listed: list[Any]) -> TiketoError:
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
