"""The schema check: does the server still accept every operation the kiosk sends, and which
of the API assumptions (``kiosk/tiketo/schema.graphql``'s header) does its schema confirm?

Kept apart from the connection checks in :mod:`kiosk.doctor.api`: it reads one introspection
answer and says what it means, with no network of its own (so tests give it schemas directly).
"""

from __future__ import annotations

from typing import Any, cast

from graphql import IntrospectionQuery, build_client_schema, parse, validate

from kiosk.doctor.assumptions import DEVICE_TOKEN_ENTRY, check_assumptions, scope_values
from kiosk.doctor.model import CheckResult, fail, ok, short_reason, warn
from kiosk.tiketo.operations import OPERATION_NAMES, operation_text


def schema_result(
    data: dict[str, Any] | None, http_status: int, *, token_accepted: bool = False
) -> CheckResult:
    """Validate every operation the kiosk sends against the schema the server serves, and
    say which of the API assumptions (schema.graphql's header) that schema confirms."""
    if data is None or "__schema" not in data:
        if http_status != 200:
            return warn(
                "schema",
                "Not checked: the server did not answer the schema query.",
                "Fix the checks above first.",
            )
        total = len(check_assumptions(None).not_checkable)
        return ok(
            "schema",
            "The server does not publish its schema (introspection is off); "
            "the kiosk's operations were checked against the bundled schema instead, "
            f"and none of the {total} API assumptions could be confirmed "
            "(listed in kiosk/tiketo/schema.graphql).",
        )
    try:
        schema = build_client_schema(cast(IntrospectionQuery, data))
    except (TypeError, ValueError, KeyError) as exc:
        return warn(
            "schema",
            f"The server's schema could not be read ({short_reason(exc)}).",
            "Run doctor again; if it persists, tell Tiketo support.",
        )
    problems = []
    for name in OPERATION_NAMES:
        errors = validate(schema, parse(operation_text(name)))
        if errors:
            problems.append(f"{name}: {errors[0].message}")
    if problems:
        return fail(
            "schema",
            f"The server no longer accepts {len(problems)} of the kiosk's "
            f"operations ({problems[0]}).",
            "Update the kiosk to the latest version: the Tiketo API has changed.",
        )
    outcome = check_assumptions(schema)
    if token_accepted and DEVICE_TOKEN_ENTRY in outcome.not_checkable:  # shown by the token check
        outcome.not_checkable.remove(DEVICE_TOKEN_ENTRY)
        outcome.confirmed.append(DEVICE_TOKEN_ENTRY)
        outcome.confirmed.sort(key=lambda entry: int(entry[1:]))
    summary = (
        f"The server's schema accepts all {len(OPERATION_NAMES)} operations the kiosk "
        f"sends; it confirms API assumptions {_ids(outcome.confirmed)}; "
        f"{_ids(outcome.not_checkable)} cannot be seen in a schema"
    )
    scopes = [v for v in scope_values(schema) if v != "PUBLIC"]
    if scopes:
        summary += f"; variable scopes other than PUBLIC (never shown): {', '.join(scopes)}"
    if outcome.contradicted:
        return warn(
            "schema",
            f"{summary}; it contradicts {_ids(outcome.contradicted)}.",
            "See those entries in kiosk/tiketo/schema.graphql for what the kiosk does "
            "then, and tell Tiketo support or update the kiosk.",
        )
    return ok("schema", summary + ".")


def _ids(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "none"
