"""The demo server's GraphQL side: ``schema.graphql`` executed against :class:`DemoState`.

Transport-free: HTTP/1.1 (:mod:`kiosk.demo.http1`) and HTTP/2 (:mod:`kiosk.demo.h2`) both hand
a request's JSON body and token here and send back what comes out. The caller is found by its
``Authorization: TOKEN <token>`` header, and the ``reject-scans`` fault is acted out here, per
scan, because only the resolvers know which code a mutation carries.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from kiosk.demo.faults import Fault, FaultSettings, RefusingRoot
from kiosk.demo.state import DemoState
from kiosk.tiketo.operations import schema_text

AUTH_HEADER = re.compile(r"^TOKEN (\S+)$")
DOCUMENT_CACHE_SIZE = 512


def token_from(authorization: str) -> str | None:
    """The token of an ``Authorization: TOKEN <token>`` header; None for anything else."""
    match = AUTH_HEADER.match(authorization)
    return match.group(1) if match else None


def build_server_schema() -> GraphQLSchema:
    """The API schema with AWSJSON checked the way AppSync checks it (a string of JSON)."""
    schema = build_schema(schema_text())
    awsjson = schema.type_map["AWSJSON"]

    def parse_awsjson(value: Any) -> Any:
        if not isinstance(value, str):
            raise GraphQLError("AWSJSON must be a string holding JSON.")
        try:
            return json.loads(value)
        except ValueError as exc:
            raise GraphQLError("AWSJSON holds invalid JSON.") from exc

    def serialize_awsjson(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    # graphql-core 3.2 calls parse_value/serialize; 3.3 renamed them coerce_*_value.
    for name in ("parse_value", "coerce_input_value"):
        setattr(awsjson, name, parse_awsjson)
    for name in ("serialize", "coerce_output_value"):
        setattr(awsjson, name, serialize_awsjson)
    return schema


class GraphQLExecutor:
    """Runs requests against one schema; thread-safe (requests come from many threads)."""

    def __init__(self) -> None:
        self._schema = build_server_schema()
        self._documents: dict[str, tuple[DocumentNode | None, list[GraphQLError]]] = {}
        self._lock = threading.Lock()

    def execute(
        self, state: DemoState, faults: FaultSettings, body: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any]]:
        """Run one GraphQL request; returns (HTTP status, JSON answer)."""
        caller = state.caller_for(token) if token else None
        if caller is None:
            return 401, {
                "errors": [
                    {
                        "message": "Unauthorized: missing or invalid token",
                        "errorType": "Unauthorized",
                    }
                ]
            }
        query, variables = body.get("query"), body.get("variables") or {}
        if not isinstance(query, str) or not isinstance(variables, dict):
            return 400, {"errors": [{"message": "Body must hold a query string and variables."}]}
        root: Any = state
        if faults.fault is Fault.REJECT_SCANS and faults.applies_to(body.get("operationName")):
            root = RefusingRoot(state, faults.codes)  # each refused scan errs on its own
        document, errors = self._document(query)
        if document is None:
            return 200, dict(ExecutionResult(None, errors).formatted)
        result = execute_sync(
            self._schema,
            document,
            root_value=root,
            context_value={"caller": caller},
            variable_values=variables,
            operation_name=body.get("operationName"),
        )
        return 200, dict(result.formatted)

    def _document(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        """The parsed and validated query, cached by its text as real GraphQL servers do: a
        100-scan batch takes graphql-core ~80 ms to validate, which is not what a venue's
        link costs and would swamp what the benches measure."""
        with self._lock:
            found = self._documents.get(query)
        if found is not None:
            return found
        try:
            parsed = parse(query)
        except GraphQLError as error:
            return None, [error]
        errors = list(validate(self._schema, parsed))
        found = (None, errors) if errors else (parsed, [])
        with self._lock:
            if len(self._documents) >= DOCUMENT_CACHE_SIZE:
                self._documents.clear()
            self._documents[query] = found
        return found
