"""Typed views of what the API returns, parsed defensively: a server may answer nonsense."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kiosk.tiketo.errors import UnreadableAnswer
from kiosk.tiketo.templates import TemplateVariable, holder_name, parse_variables


def parse_datetime(value: Any) -> datetime | None:
    """An AWSDateTime as an aware UTC datetime; a naive value is taken as UTC."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise UnreadableAnswer(f"The server sent a date that is not text: {value!r:.60}.")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UnreadableAnswer(f"The server sent an unreadable date: {value!r:.60}.") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_json_text(value: Any) -> dict[str, Any]:
    """A JSON-object-in-a-string field (parameters, scanConfig); anything else is empty."""
    if not isinstance(value, str) or not value.strip():
        return {}
    try:
        loaded = json.loads(value)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


@dataclass(frozen=True)
class Project:
    id: str
    name: str | None
    scan_config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pass:
    """A wallet pass as the kiosk needs it to decide a verdict."""

    id: str
    template_id: str | None
    parameters: dict[str, Any]
    type: str | None
    expiration_date: datetime | None
    voided: bool
    template_name: str | None = None
    project: Project | None = None
    # The template's variables when the answer carried them (None: not known here).
    template_variables: tuple[TemplateVariable, ...] | None = None
    # As sent, for writing the pass back unchanged (updatePass): parameters' JSON text, files.
    parameters_text: str | None = None
    files: dict[str, Any] | None = None

    @property
    def holder_name(self) -> str | None:
        """The holder's name from the template's public variables (see templates.py)."""
        return holder_name(self.parameters, self.template_variables)

    def with_variables(self, variables: tuple[TemplateVariable, ...] | None) -> Pass:
        """This pass with its template's variables from elsewhere (the template cache)
        when the answer did not carry them."""
        if self.template_variables is not None or variables is None:
            return self
        return replace(self, template_variables=variables)

    @classmethod
    def from_api(cls, raw: Any) -> Pass:
        """Build from a ``Pass`` JSON object; raise UnreadableAnswer when it is not one.

        ``voided: true`` wins whatever else is wrong with the answer: a pass the server says
        is voided is refused even when its date or id cannot be read.
        """
        try:
            return cls._strict(raw)
        except UnreadableAnswer:
            if isinstance(raw, dict) and raw.get("voided") is True:
                return cls._voided_anyway(raw)
            raise

    @classmethod
    def _strict(cls, raw: Any) -> Pass:
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise UnreadableAnswer("The server sent a pass without an id.")
        project_raw = raw.get("project")
        project = None
        if isinstance(project_raw, dict) and project_raw.get("id") is not None:
            project = Project(
                id=str(project_raw["id"]),
                name=_optional_str(project_raw.get("name")),
                scan_config=parse_json_text(project_raw.get("scanConfig")),
            )
        template_raw = raw.get("template")
        template: dict[str, Any] = template_raw if isinstance(template_raw, dict) else {}
        voided = raw.get("voided")
        if voided is not None and not isinstance(voided, bool):
            raise UnreadableAnswer(f"The server sent a pass with voided={voided!r:.40}.")
        return cls(
            id=str(raw["id"]),
            template_id=_optional_str(raw.get("templateId")),
            parameters=parse_json_text(raw.get("parameters")),
            type=_optional_str(raw.get("type")),
            expiration_date=parse_datetime(raw.get("expirationDate")),
            voided=bool(voided),
            template_name=_optional_str(template.get("name")),
            project=project,
            template_variables=parse_variables(template.get("variables")),
            parameters_text=raw["parameters"] if isinstance(raw.get("parameters"), str) else None,
            files=raw["files"] if isinstance(raw.get("files"), dict) else None,
        )

    @classmethod
    def _voided_anyway(cls, raw: dict[str, Any]) -> Pass:
        """What can be read of a voided pass whose other fields are broken."""
        type_ = raw.get("type")
        return cls(
            id=str(raw.get("id") or ""),
            template_id=None,
            parameters=parse_json_text(raw.get("parameters")),
            type=type_ if isinstance(type_, str) else None,
            expiration_date=None,
            voided=True,
        )


@dataclass(frozen=True)
class Registration:
    workspace_name: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class PassState:
    """What a scan event's answer says of its pass (``pass { id templateId voided
    expirationDate project { id } }``): fresh facts for the offline cache."""

    id: str
    template_id: str | None
    project_id: str | None
    voided: bool
    expiration_date: datetime | None

    @classmethod
    def from_api(cls, raw: Any) -> PassState | None:
        """None when the answer has no readable pass (it is optional: never an error)."""
        if (
            not isinstance(raw, dict)
            or raw.get("id") in (None, "")
            or not isinstance(raw.get("voided", False), bool | None)
        ):
            return None
        try:
            expires = parse_datetime(raw.get("expirationDate"))
        except UnreadableAnswer:
            return None
        project = raw.get("project")
        return cls(
            str(raw["id"]),
            _optional_str(raw.get("templateId")),
            _optional_str(project.get("id")) if isinstance(project, dict) else None,
            raw.get("voided") is True,
            expires,
        )


@dataclass(frozen=True)
class ScanEventReceipt:
    """The server's record of an uploaded scan."""

    id: str
    code: str
    reward_points: int | None
    created_at: datetime | None
    pass_state: PassState | None = None


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)
