"""The failure modes the demo server can act out, and what each does to an answer.

Tests and ``bench/`` switch the server into one of these (``DemoServer.set_fault``) to show
that every way a server or network misbehaves ends in a clear verdict within the lookup
timeout, and that no fault makes the kiosk admit a pass it should refuse or send a scan twice.
"""

from __future__ import annotations

import enum
import gzip
import io
import threading
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

BOMB_INNER_BYTES = 256 * 1024 * 1024  # what the double-gzip answer inflates to


class Fault(enum.Enum):
    NONE = "none"
    DOWN = "down"  # connection dropped without an answer
    SLOW = "slow"  # answers after ``slow_seconds``
    SERVER_ERROR = "5xx"  # HTTP 503 with an HTML body
    RATE_LIMITED = "429"  # HTTP 429 with Retry-After
    NON_JSON = "non-json"  # HTTP 200 with an HTML body
    GRAPHQL_ERRORS = "graphql-errors"  # HTTP 200 with a GraphQL ``errors`` list
    REVOKED = "revoked"  # every token refused with 401
    THROTTLED = "throttled"  # HTTP 200, GraphQL error with AppSync errorType "Throttled"
    SLOW_HEADERS = "slow-headers"  # the answer's status line and headers one byte a drip
    SLOW_BODY = "slow-body"  # headers at once, then the body one byte a drip
    GZIP_BOMB = "gzip-bomb"  # a few KB, gzip twice, that inflate to 256 MiB
    REDIRECT_LOOP = "redirect-loop"  # 307 to the same URL, every time
    ODD_CREATED_AT = "odd-created-at"  # the scan is recorded; its createdAt is ``created_at``
    WRONG_TYPES = "wrong-types"  # the work is done; every field answers with the wrong type
    REJECT_SCANS = "reject-scans"  # createScanEvent refused (GraphQL error) for ``codes``
    LOOKUP_ANSWER = "lookup-answer"  # passByScanCode answers ``answer`` (+ ``errors``) as given


# Faults acted out after the request was executed (the server did the work, then misbehaves).
AFTER_EXECUTION = frozenset(
    {Fault.SLOW_HEADERS, Fault.SLOW_BODY, Fault.GZIP_BOMB, Fault.ODD_CREATED_AT, Fault.WRONG_TYPES}
)


@dataclass(frozen=True)
class FaultSettings:
    fault: Fault = Fault.NONE
    slow_seconds: float = 10.0
    retry_after: str = "2"
    operations: frozenset[str] | None = None  # None: every operation
    drip_seconds: float = 1.0  # SLOW_HEADERS / SLOW_BODY: one byte per this many seconds
    created_at: Any = "99999-01-01T00:00:00Z"  # ODD_CREATED_AT
    answer: Any = None  # LOOKUP_ANSWER: the passByScanCode value
    errors: Any = None  # LOOKUP_ANSWER: an ``errors`` list beside it
    codes: frozenset[str] | None = None  # REJECT_SCANS: None refuses every scan

    def applies_to(self, operation: str | None) -> bool:
        return self.operations is None or operation in self.operations


class RefusingRoot:
    """REJECT_SCANS: the demo state, except that createScanEvent refuses ``codes`` (every
    scan when None) with a GraphQL error of its own, so in a batch of aliased mutations each
    refused scan fails alone and the others are recorded."""

    def __init__(self, state: Any, codes: frozenset[str] | None) -> None:
        self._state = state
        self._codes = codes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)

    def createScanEvent(self, info: Any, input: dict[str, Any]) -> Any:
        if self._codes is None or input.get("code") in self._codes:
            raise GraphQLError(
                "This pass cannot be scanned at this venue.", extensions={"code": "ScanRefused"}
            )
        return self._state.createScanEvent(info, input)


def mangle(faults: FaultSettings, answer: dict[str, Any]) -> dict[str, Any]:
    """ODD_CREATED_AT and WRONG_TYPES: the executed answer with its fields spoiled."""
    data = answer.get("data")
    if not isinstance(data, dict):
        return answer
    spoiled: dict[str, Any] = {}
    for name, value in data.items():
        if faults.fault is Fault.ODD_CREATED_AT and isinstance(value, dict):
            spoiled[name] = {**value, "createdAt": faults.created_at}
        elif faults.fault is Fault.WRONG_TYPES:
            spoiled[name] = _wrong_types(value)
        else:
            spoiled[name] = value
    return {**answer, "data": spoiled}


def _wrong_types(value: Any) -> Any:
    """Keep an ``id`` readable (a recorded scan stays recognisable); spoil the rest."""
    if isinstance(value, list):
        return {"items": value}
    if not isinstance(value, dict):
        return value
    wrong = {
        "voided": "yes",
        "rewardPoints": "ten",
        "createdAt": 1_700_000_000,
        "expirationDate": ["tomorrow"],
        "parameters": 42,
        "code": 7,
        "type": {"x": 1},
        "template": "none",
        "project": 3,
    }
    return {key: wrong.get(key, item) for key, item in value.items()}


_bomb: bytes | None = None
_bomb_lock = threading.Lock()


def gzip_bomb() -> bytes:
    """A JSON-looking answer gzipped twice (``Content-Encoding: gzip, gzip``): a few KB on
    the wire, BOMB_INNER_BYTES once inflated. Built once per process."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            inner = io.BytesIO()
            with gzip.GzipFile(fileobj=inner, mode="wb", compresslevel=9, mtime=0) as packer:
                packer.write(b'{"data": {"pad": "')
                block = b" " * (1024 * 1024)
                for _ in range(BOMB_INNER_BYTES // len(block)):
                    packer.write(block)
            _bomb = gzip.compress(inner.getvalue(), compresslevel=9, mtime=0)
        return _bomb
