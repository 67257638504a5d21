"""Several createScanEvent mutations in one request, and each scan's result read back.

GraphQL runs aliased mutations in one document one after another, and answers each under its
alias, with the errors of a refused one carrying that alias in their ``path``: so one request
carries many scans and one refused scan does not fail the others. A 10,000-scan backlog over
a 150 ms link becomes a hundred round trips instead of ten thousand.

The batch document is not hand-written: it is generated from ``operations/
CreateScanEvent.graphql`` (same selection, same variable type, one alias and one variable per
scan), and every generated document is validated against ``schema.graphql`` with graphql-core
before it is first sent, so the single-operation file stays the one source of truth.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    build_schema,
    parse,
    print_ast,
    validate,
)

from kiosk.tiketo.errors import RetryLater, TiketoError, UnreadableAnswer
from kiosk.tiketo.models import ScanEventReceipt
from kiosk.tiketo.operations import operation_text, schema_text

OPERATION = "CreateScanEvent"  # a batch is that operation, several times: same name
SINGLE_FIELD = "createScanEvent"
UNANSWERED_ID = ""  # a scan the server recorded in a batch whose answer it then emptied


class NotAttempted(RetryLater):
    """The server stopped the batch before this scan: nothing was recorded, send it again."""


@dataclass(frozen=True)
class ScanEventInput:
    """One scan to record (ScanEventInput in the schema)."""

    code: str
    reward_points: int = 0
    voided: bool | None = None
    data: dict[str, Any] | None = None

    def variables(self) -> dict[str, Any]:
        """The GraphQL input; ``data`` is AWSJSON (a JSON document inside a string)."""
        value: dict[str, Any] = {"code": self.code, "rewardPoints": int(self.reward_points)}
        if self.voided is not None:
            value["voided"] = self.voided
        if self.data is not None:
            value["data"] = json.dumps(self.data, separators=(",", ":"), sort_keys=True)
        return value


def alias(index: int) -> str:
    return f"s{index}"


def request_for(scans: list[ScanEventInput]) -> tuple[str, dict[str, Any], list[str]]:
    """(query text, variables, the answer key of each scan): the operation file itself for
    one scan, a generated batch document for more."""
    if len(scans) == 1:
        return operation_text(OPERATION), {"input": scans[0].variables()}, [SINGLE_FIELD]
    variables = {f"input{i}": scan.variables() for i, scan in enumerate(scans)}
    return batch_document(len(scans)), variables, [alias(i) for i in range(len(scans))]


@lru_cache(maxsize=512)
def batch_document(size: int) -> str:
    """``size`` aliased createScanEvent mutations, generated from the operation file and
    validated against the schema (raises ValueError if the schema refuses it)."""
    if size < 2:
        raise ValueError("a batch holds at least two scans")
    single = parse(operation_text(OPERATION))
    [operation] = [d for d in single.definitions if isinstance(d, OperationDefinitionNode)]
    [variable] = operation.variable_definitions or ()
    [field] = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    variable_definitions = []
    fields = []
    for index in range(size):
        name = NameNode(value=f"input{index}")
        variable_definitions.append(
            VariableDefinitionNode(
                variable=VariableNode(name=name), type=variable.type, directives=()
            )
        )
        fields.append(
            FieldNode(
                alias=NameNode(value=alias(index)),
                name=field.name,
                directives=(),
                arguments=tuple(
                    ArgumentNode(name=argument.name, value=VariableNode(name=name))
                    for argument in field.arguments or ()
                ),
                selection_set=field.selection_set,
            )
        )
    document = DocumentNode(
        definitions=(
            OperationDefinitionNode(
                operation=operation.operation,
                name=operation.name,
                directives=(),
                variable_definitions=tuple(variable_definitions),
                selection_set=SelectionSetNode(selections=tuple(fields)),
            ),
        )
    )
    text = print_ast(document)
    errors = validate(_schema(), parse(text))
    if errors:
        raise ValueError(f"the generated batch document is invalid: {errors[0].message}")
    return text


@cache
def _schema() -> Any:
    return build_schema(schema_text())


def read_answers(
    payload: Any,
    keys: list[str],
    codes: list[str],
    receipt: Callable[[dict[str, Any], str, list[Any] | None], ScanEventReceipt],
    error_for: Callable[[list[Any]], TiketoError],
) -> list[ScanEventReceipt | TiketoError]:
    """One result per scan from a (batch) answer.

    ``createScanEvent`` returns ``ScanEvent!``: when one scan is refused, GraphQL nulls the
    whole ``data``, and mutations run one after another and stop at that error. So with no
    data and an error on scan *k*'s alias, the scans before *k* were recorded (their ids are
    lost with the answer: they count as uploaded, never sent again), *k* met the error, and
    the scans after it never ran (NotAttempted: sent again). Errors that name no scan are
    about the request as a whole and are raised.
    """
    if not isinstance(payload, dict):
        raise UnreadableAnswer("The Tiketo server sent a malformed answer.")
    own, general = errors_by_key(payload.get("errors"), keys)
    data = payload.get("data")
    results: list[ScanEventReceipt | TiketoError] = []
    if not isinstance(data, dict):
        if not own:
            raise (
                error_for(general)
                if general
                else UnreadableAnswer("The Tiketo server sent an answer without data.")
            )
        stopped_at = min(keys.index(key) for key in own)
        for index, (key, code) in enumerate(zip(keys, codes, strict=True)):
            if index < stopped_at:
                results.append(ScanEventReceipt(UNANSWERED_ID, code, None, None))
            elif index == stopped_at:
                results.append(error_for(own[key]))
            else:
                results.append(
                    NotAttempted("The server stopped the batch before this scan; it goes again.")
                )
        return results
    for key, code in zip(keys, codes, strict=True):
        raw = data.get(key)
        if isinstance(raw, dict) and has_event_id(raw):
            results.append(receipt(raw, code, own.get(key) or general))
        elif own.get(key) or general:
            results.append(error_for(own.get(key) or general))
        else:
            results.append(UnreadableAnswer("The server did not confirm the scan event."))
    return results


def has_event_id(raw: Any) -> bool:
    return (
        isinstance(raw, dict)
        and raw.get("id") not in (None, "")
        and not isinstance(raw.get("id"), dict | list)
    )


def errors_by_key(errors: Any, keys: list[str]) -> tuple[dict[str, list[Any]], list[Any]]:
    """Split an answer's ``errors``: those whose ``path`` starts with one of ``keys`` (that
    scan's own), and the rest (about the whole request)."""
    listed = errors if isinstance(errors, list) else ([errors] if errors else [])
    wanted = set(keys)
    own: dict[str, list[Any]] = {}
    general: list[Any] = []
    for error in listed:
        path = error.get("path") if isinstance(error, dict) else None
        head = path[0] if isinstance(path, list) and path else None
        if isinstance(head, str) and head in wanted:
            own.setdefault(head, []).append(error)
        else:
            general.append(error)
    return own, general
