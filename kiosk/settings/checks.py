"""Whether a value fits its setting: kind, range, choices, and the free-text checks.

Qt-free and free of the section classes (they name these checks in their metadata), so a
value is judged the same way when settings.toml is loaded and wherever else it is asked.
"""

from __future__ import annotations

import dataclasses
import string
from typing import Any

WALLET_MESSAGE_FIELDS = ("points", "device", "mode", "pass")


def value_problem(item: dataclasses.Field[Any], value: Any) -> str | None:
    """Why ``value`` does not fit ``item``, or None when it does."""
    kind = item.type if isinstance(item.type, str) else getattr(item.type, "__name__", "")
    meta = item.metadata
    if kind == "bool":
        if not isinstance(value, bool):
            return "must be true or false"
    elif kind in ("int", "float"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (kind == "int" and not isinstance(value, int))
        ):
            return f"must be {'a whole number' if kind == 'int' else 'a number'}"
        low, high = meta.get("range", (float("-inf"), float("inf")))
        if not low <= value <= high:
            return f"must be between {low:g} and {high:g}"
    elif kind == "str":
        if not isinstance(value, str):
            return "must be text"
        if "choices" in meta and value not in meta["choices"]:
            return f"must be one of {', '.join(meta['choices'])}"
        if "check" in meta:
            problem: str | None = meta["check"](value)
            return problem
    elif kind.startswith("tuple"):
        allowed = meta.get("each", ())
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and (not allowed or v in allowed) for v in value)
        ):
            return f"must be a non-empty list of {', '.join(allowed) or 'text'}"
    return None


def wallet_message_problem(value: str) -> str | None:
    """A template may only use the known fields, and must be one line a wallet can show."""
    if len(value) > 500 or "\n" in value:
        return "must be one line of at most 500 characters"
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        return f"is not a valid template ({exc})"
    unknown = [name for name in fields if name not in WALLET_MESSAGE_FIELDS]
    if unknown:
        return (
            f"uses unknown field {{{unknown[0]}}} (known: "
            + ", ".join("{" + f + "}" for f in WALLET_MESSAGE_FIELDS)
            + ")"
        )
    return None


def door_hook_problem(kind: str, value: str) -> str | None:
    """Syntax only: whether the program exists is the doctor's question (PATH may differ)."""
    from kiosk.hooks.config import check_hook_command, check_hook_url  # imports httpx: lazily

    if kind == "url":
        return check_hook_url(value)
    return check_hook_command(value, need_program=False)
