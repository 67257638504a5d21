"""Pass templates and their variables: whose name a pass carries, and what may be shown.

The reference describes per-template variables (``passTemplates { variables { name type
scope } }``). The kiosk shows a holder's name only from a parameter that is one of the
template's variables *and* whose scope is ``PUBLIC``; any other scope (the reference names
only ``PUBLIC`` of its four values) is taken as non-public and never shown. When the
template's variables are not known at all, no name is shown: privacy before convenience.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.tiketo.errors import UnreadableAnswer

PUBLIC = "PUBLIC"
# Parameter names (compared without case, "_" or "-") that hold a whole name, in order.
WHOLE_NAME_KEYS = ("holdername", "fullname", "name")
FIRST_LAST_KEYS = ("firstname", "lastname")


@dataclass(frozen=True)
class TemplateVariable:
    name: str
    type: str
    scope: str

    @property
    def public(self) -> bool:
        return self.scope == PUBLIC


@dataclass(frozen=True)
class PassTemplate:
    """One template as the kiosk needs it: its name and its variables."""

    id: str
    name: str | None
    variables: tuple[TemplateVariable, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "variables": [
                {"name": v.name, "type": v.type, "scope": v.scope} for v in self.variables
            ],
        }

    @classmethod
    def from_api(cls, raw: Any) -> PassTemplate:
        """From a ``PassTemplate`` JSON object; UnreadableAnswer when it is not one."""
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise UnreadableAnswer("The server sent a pass template without an id.")
        variables = parse_variables(raw.get("variables"))
        if variables is None:
            raise UnreadableAnswer("The server sent a pass template without its variables.")
        name = raw.get("name")
        return cls(str(raw["id"]), name if isinstance(name, str) else None, variables)


def parse_variables(raw: Any) -> tuple[TemplateVariable, ...] | None:
    """A ``variables`` list; None when it is missing or not a list. An entry without a
    readable name is dropped; one without a readable scope counts as non-public."""
    if not isinstance(raw, list):
        return None
    found = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        scope, type_ = item.get("scope"), item.get("type")
        found.append(
            TemplateVariable(
                item["name"],
                type_ if isinstance(type_, str) else "",
                scope if isinstance(scope, str) else "",
            )
        )
    return tuple(found)


def holder_name(
    parameters: Mapping[str, Any], variables: Iterable[TemplateVariable] | None
) -> str | None:
    """The holder's name from the template's public variables, or None.

    ``variables`` None (the template is not known) shows no name at all."""
    if variables is None:
        return None
    public = {_key(v.name): v.name for v in variables if v.public}
    values = {key: parameters.get(name) for key, name in public.items()}

    def text(key: str) -> str | None:
        value = values.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    for key in WHOLE_NAME_KEYS:
        if text(key):
            return text(key)
    words = [w for w in (text(k) for k in FIRST_LAST_KEYS) if w]
    return " ".join(words) if words else None


def _key(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")
