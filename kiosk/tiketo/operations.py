"""The GraphQL operations the kiosk sends, each kept in its own ``.graphql`` file.

Keeping them as files (not strings in code) lets one test validate every operation against
``schema.graphql`` with graphql-core, so a typo fails CI rather than failing at the door.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

OPERATION_NAMES = (
    "PassByScanCode",
    "CreateScanEvent",
    "RegisterDevice",
    "Projects",
    "Pass",
    "UpdatePass",
    "PassTemplates",
    "PutPassMessage",
    "Ping",
)


@cache
def operation_text(name: str) -> str:
    """The text of one operation file, e.g. ``operation_text("Projects")``."""
    if name not in OPERATION_NAMES:
        raise KeyError(f"unknown operation {name!r}")
    return (
        resources.files("kiosk.tiketo")
        .joinpath("operations")
        .joinpath(f"{name}.graphql")
        .read_text(encoding="utf-8")
    )


@cache
def schema_text() -> str:
    """The API schema as SDL text."""
    return resources.files("kiosk.tiketo").joinpath("schema.graphql").read_text(encoding="utf-8")
