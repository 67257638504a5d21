"""A small, strict client for the Tiketo GraphQL API on httpx: the typed operations.

No GraphQL client library: the kiosk sends a few fixed operations (see ``operations/``), and
what it needs from the transport is control over timeouts, response size and error mapping
(:mod:`kiosk.tiketo.connection`). Codes travel only as GraphQL variables, never spliced into
query text. The lookup, scan events, device registration and projects are here; re-reading,
voiding, templates and messages in :mod:`kiosk.tiketo.pass_ops`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from kiosk.tiketo.answers import answer_field, error_for, graphql_data
from kiosk.tiketo.batch import ScanEventInput, has_event_id, read_answers, request_for
from kiosk.tiketo.connection import ApiConnection, Timeouts
from kiosk.tiketo.errors import PassNotFound, TiketoError, UnreadableAnswer
from kiosk.tiketo.models import Pass, PassState, Registration, ScanEventReceipt, parse_datetime
from kiosk.tiketo.pass_ops import PassOperations

__all__ = ["TiketoClient", "Timeouts"]

log = logging.getLogger(__name__)


# ApiConnection first: its _execute is the one PassOperations declares it needs.
class TiketoClient(ApiConnection, PassOperations):
    """The Tiketo API for one device token: an :class:`ApiConnection` with its operations.

    Thread-safe for concurrent calls; close it when done.
    """

    def pass_by_scan_code(self, code: str) -> Pass:
        """The pass behind ``code``; raises PassNotFound when the API knows no such code.

        A pass the answer says is voided is returned as voided even when the rest of the
        answer (other fields, GraphQL errors next to the data) cannot be read.
        """
        payload = self._request("PassByScanCode", {"code": code})
        raw = answer_field(payload, "passByScanCode")
        if isinstance(raw, dict) and raw.get("voided") is True:
            return Pass.from_api(raw)
        data = graphql_data(payload)
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
        raw = answer_field(payload, "createScanEvent")
        if not has_event_id(raw):
            graphql_data(payload)  # raises for the errors that explain the missing id
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
        return read_answers(payload, keys, [scan.code for scan in scans], _receipt, error_for)

    def ping(self) -> None:
        """The cheapest call there is (``{ __typename }``): keeps a connection warm."""
        graphql_data(self._request("Ping", {}))

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
