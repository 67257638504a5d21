"""settings.toml: read it (each bad key reported and defaulted), write it, document it.

A wrong value never stops the kiosk at the door: it is reported with its key name and the
default is used instead. Unknown keys are reported too (usually a typo). The values that fit
are gathered per section and become one new Settings, built once (settings are frozen).
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from kiosk.files import unsafe_reason, write_private_atomically
from kiosk.settings.checks import value_problem
from kiosk.settings.sections import Settings


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    problems: list[str]  # one sentence per key that was wrong and replaced by its default


def load_settings(path: Path) -> LoadedSettings:
    """Read ``path``; a missing file gives the defaults, a broken one the defaults + a problem."""
    settings = Settings()
    for item in (path.parent, path):
        reason = unsafe_reason(item) if path.exists() else None
        if reason:  # its door_hook.command would run as this user
            return LoadedSettings(
                settings, [f"{path.name} is ignored and defaults are used: {reason}."]
            )
    try:
        return _parse(path)
    except FileNotFoundError:
        return LoadedSettings(Settings(), [])
    except Exception as exc:  # any parse failure, RecursionError included: the defaults
        return LoadedSettings(
            Settings(),
            [
                f"{path.name} is unreadable ({type(exc).__name__}: {str(exc)[:200]}); "
                "using defaults."
            ],
        )


def _parse(path: Path) -> LoadedSettings:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    defaults = Settings()
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    changes: dict[str, dict[str, Any]] = {}
    for section_name, values in raw.items():
        if section_name not in sections and not isinstance(values, dict):
            problems.append(
                f"Setting {section_name} in {path.name} is outside any [section]; ignored."
            )
            continue
        if section_name not in sections:
            problems.append(f"Unknown section [{section_name}] in {path.name}; ignored.")
            continue
        if not isinstance(values, dict):
            problems.append(f"[{section_name}] in {path.name} must be a table; ignored.")
            continue
        changes[section_name] = _section_values(
            getattr(defaults, section_name), section_name, values, problems
        )
    return LoadedSettings(defaults.with_changes(**changes), problems)


def save_settings(path: Path, settings: Settings) -> None:
    """Write all settings (defaults included, so the file documents itself), atomically."""
    write_private_atomically(path, tomli_w.dumps(dataclasses.asdict(settings)))


def settings_reference() -> list[tuple[str, Any, str]]:
    """(key, default, meaning) for every setting: the README's table comes from this."""
    rows = []
    defaults = Settings()
    for section in dataclasses.fields(Settings):
        for item in dataclasses.fields(getattr(defaults, section.name)):
            default = (
                item.default_factory()
                if item.default_factory is not dataclasses.MISSING
                else item.default
            )
            rows.append((f"{section.name}.{item.name}", default, item.metadata.get("doc", "")))
    return rows


def _section_values(
    section: Any, section_name: str, values: dict[str, Any], problems: list[str]
) -> dict[str, Any]:
    """The values of one [section] that fit, by key; each one that does not is a problem."""
    known = {f.name: f for f in dataclasses.fields(section)}
    fitting: dict[str, Any] = {}
    for key, value in values.items():
        item = known.get(key)
        name = f"{section_name}.{key}"
        if item is None:
            problems.append(f"Unknown setting {name}; ignored.")
            continue
        error = value_problem(item, value)
        if error:
            default = getattr(section, key)
            shown = list(default) if isinstance(default, tuple) else default  # as TOML has it
            problems.append(f"Setting {name} {error}; using the default {shown!r}.")
            continue
        fitting[key] = _as_field_type(item, value)
    return fitting


def _as_field_type(item: dataclasses.Field[Any], value: Any) -> Any:
    """TOML's 5 for a float field is 5.0; its arrays become tuples (settings are frozen)."""
    kind = item.type if isinstance(item.type, str) else getattr(item.type, "__name__", "")
    if kind == "float":
        return float(value)
    if kind.startswith("tuple"):
        return tuple(value)
    return value
