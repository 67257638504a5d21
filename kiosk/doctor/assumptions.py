"""Which of the API assumptions (the header of kiosk/tiketo/schema.graphql) a server confirms.

The header is the one list; this module only knows, per entry id, how to test it against a
schema the server publishes by introspection. Entries about behaviour (what a null means,
what a retried scan looks like) cannot be seen in a schema and are reported as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from kiosk.tiketo.operations import schema_text

ENTRY = re.compile(r"^#\s+(A\d+)\s+(.*)$")
Check = Callable[[GraphQLSchema], bool]


def assumption_ids(text: str | None = None) -> list[str]:
    """The entry ids in the schema file's header, in order ("A1", "A2", ...)."""
    ids = []
    for line in (text or schema_text()).splitlines():
        if not line.startswith("#"):
            break
        match = ENTRY.match(line)
        if match:
            ids.append(match.group(1))
    return ids


@dataclass(frozen=True)
class Outcome:
    confirmed: list[str]
    contradicted: list[str]
    not_checkable: list[str]


def _field(schema: GraphQLSchema, type_name: str, field: str) -> GraphQLField | None:
    kind = schema.type_map.get(type_name)
    if not isinstance(kind, GraphQLObjectType):
        return None
    found: GraphQLField | None = kind.fields.get(field)
    return found


def _nullable_returns(type_name: str, field: str, returns: str) -> Check:
    def check(schema: GraphQLSchema) -> bool:
        found = _field(schema, type_name, field)
        return (
            found is not None
            and not isinstance(found.type, GraphQLNonNull)
            and get_named_type(found.type).name == returns
        )

    return check


def _has_fields(type_name: str, *fields: str) -> Check:
    def check(schema: GraphQLSchema) -> bool:
        kind = schema.type_map.get(type_name)
        return isinstance(kind, GraphQLObjectType | GraphQLInputObjectType) and all(
            f in kind.fields for f in fields
        )

    return check


def _enum_has(type_name: str, value: str) -> Check:
    def check(schema: GraphQLSchema) -> bool:
        kind = schema.type_map.get(type_name)
        return isinstance(kind, GraphQLEnumType) and value in kind.values

    return check


def _update_pass_voids(schema: GraphQLSchema) -> bool:
    found = _field(schema, "Mutation", "updatePass")
    return (
        found is not None
        and {"projectId", "id", "input"} <= set(found.args)
        and _has_fields(
            "PassInput", "templateId", "parameters", "files", "expirationDate", "voided"
        )(schema)
    )


def _share_has_one_optional_argument(schema: GraphQLSchema) -> bool:
    found = _field(schema, "Pass", "share")
    return (
        found is not None
        and len(found.args) == 1
        and not any(isinstance(arg.type, GraphQLNonNull) for arg in found.args.values())
    )


def _scan_event_nullability(schema: GraphQLSchema) -> bool:
    kind = schema.type_map.get("ScanEvent")
    if not isinstance(kind, GraphQLObjectType):
        return False
    required = {"id", "code", "createdAt"}
    optional = {"rewardPoints", "voided", "data", "pass"}
    return (required | optional) <= set(kind.fields) and all(
        isinstance(kind.fields[name].type, GraphQLNonNull) == (name in required)
        for name in required | optional
    )


def _message_returns(schema: GraphQLSchema) -> bool:
    return all(
        _nullable_returns("Mutation", name, "Message")(schema)
        for name in ("deletePassMessage", "deletePassTemplateMessage")
    )


CHECKS: dict[str, Check] = {
    "A1": _update_pass_voids,
    "A2": _has_fields("ScanEventInput", "voided"),
    "A3": _has_fields("ScanEventInput", "code", "rewardPoints", "voided", "data"),
    "A7": _nullable_returns("Query", "passByScanCode", "Pass"),
    "A8": _nullable_returns("Query", "pass", "Pass"),
    "A10": _enum_has("PassTemplateVariableScope", "PUBLIC"),
    "A12": _enum_has("Platform", "GOOGLE"),
    "A13": _has_fields("ScanEvent", "pass"),
    "A14": _share_has_one_optional_argument,
    "A15": _scan_event_nullability,
    "A16": _message_returns,
    "A17": _has_fields("Project", "id", "name", "scanConfig"),
    "A18": _has_fields("RegisterDeviceResult", "workspaceName", "token"),
    "A19": _has_fields("PassFiles", "background", "footer", "icon", "logo", "strip", "thumbnail"),
}
# Behaviour no schema shows. A6 (the device token works for every call) is confirmed by the
# doctor's token check instead, which calls the API with it.
NOT_CHECKABLE = frozenset({"A4", "A5", "A6", "A9", "A11", "A20", "A21"})
DEVICE_TOKEN_ENTRY = "A6"


def check_assumptions(schema: GraphQLSchema | None) -> Outcome:
    """Sort every header entry into confirmed / contradicted / not checkable here
    (everything is "not checkable" without a published schema)."""
    confirmed: list[str] = []
    contradicted: list[str] = []
    unknown: list[str] = []
    for entry in assumption_ids():
        check = CHECKS.get(entry)
        if schema is None or check is None:
            unknown.append(entry)
            continue
        try:
            holds = check(schema)
        except Exception:  # a strange schema is a contradiction, never a crash
            holds = False
        (confirmed if holds else contradicted).append(entry)
    return Outcome(confirmed, contradicted, unknown)


def scope_values(schema: GraphQLSchema) -> list[str]:
    """The server's PassTemplateVariableScope values (the reference names only PUBLIC)."""
    kind = schema.type_map.get("PassTemplateVariableScope")
    return sorted(kind.values) if isinstance(kind, GraphQLEnumType) else []
