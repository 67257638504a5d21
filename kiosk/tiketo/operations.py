"""The GraphQL operations the kiosk sends, each kept in its own ``.graphql`` file.

Keeping them as files (not strings in code) lets one test validate every operation against
``schema.graphql`` with graphql-core, so a typo fails CI rather than failing at the door.
A selection two operations share is a fragment in ``fragments/`` (one file each, named after
the fragment); :func:`operation_text` appends the fragments an operation spreads, so what is
sent is always one complete document.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

from graphql import FragmentSpreadNode, Visitor, parse, visit

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
    """One operation and the fragments it spreads, e.g. ``operation_text("Projects")``."""
    if name not in OPERATION_NAMES:
        raise KeyError(f"unknown operation {name!r}")
    return with_fragments(_graphql_file("operations", name), fragment_text)


def with_fragments(text: str, fragment: Callable[[str], str]) -> str:
    """``text`` followed by each fragment it spreads, directly or through other fragments,
    once, in first-use order: a GraphQL document must define every fragment it uses."""
    needed = _spread_fragments(text)
    included: list[str] = []
    while needed:
        name = needed.pop(0)
        if name not in included:
            included.append(name)
            needed += _spread_fragments(fragment(name))
    return "\n".join([text, *(fragment(name) for name in included)])


@cache
def fragment_text(name: str) -> str:
    """One fragment file's text; a spread of a fragment with no file fails here, in CI."""
    if not name.isidentifier():
        raise KeyError(f"unknown fragment {name!r}")
    try:
        return _graphql_file("fragments", name)
    except FileNotFoundError:
        raise KeyError(f"unknown fragment {name!r}: no fragments/{name}.graphql") from None


def _graphql_file(folder: str, name: str) -> str:
    return (
        resources.files("kiosk.tiketo")
        .joinpath(folder)
        .joinpath(f"{name}.graphql")
        .read_text(encoding="utf-8")
    )


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        if node.name.value not in self.names:
            self.names.append(node.name.value)


def _spread_fragments(text: str) -> list[str]:
    """The names of the fragments a document spreads (``...Name``), first use first."""
    collector = _SpreadCollector()
    visit(parse(text), collector)
    return collector.names


@cache
def schema_text() -> str:
    """The API schema as SDL text."""
    return resources.files("kiosk.tiketo").joinpath("schema.graphql").read_text(encoding="utf-8")
