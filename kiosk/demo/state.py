"""What the demo server knows (passes, devices, scan events) and the GraphQL resolvers over it.

Resolvers are plain methods found by graphql-core's default resolver on the root value, so the
server executes exactly ``schema.graphql``: an operation the real API would reject for its
shape is rejected here too.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from kiosk.demo.passes import (
    DemoPass,
    DemoProject,
    DemoTemplate,
    seed_passes,
    seed_projects,
    seed_templates,
    template_id,
)

ResolveInfo = GraphQLResolveInfo  # generic only in graphql-core 3.3; resolvers ignore it

DEMO_WORKSPACE_NAME = "Demo Venue"
DEMO_WORKSPACE_TOKEN = "demo-workspace-token"


@dataclass
class Caller:
    token: str
    device_name: str | None  # None for the workspace token


@dataclass
class RecordedScanEvent:
    id: str
    code: str
    reward_points: int | None
    voided: bool | None
    data: dict[str, Any] | None
    created_at: str
    device_name: str | None


@dataclass
class PassUpdate:
    """One updatePass call, as the tests want to see it."""

    project_id: str
    pass_id: str
    input: dict[str, Any]
    device_name: str | None


@dataclass
class DemoState:
    """Thread-safe: the HTTP server answers requests from several threads."""

    workspace_name: str = DEMO_WORKSPACE_NAME
    workspace_token: str = DEMO_WORKSPACE_TOKEN
    passes: dict[str, DemoPass] = field(default_factory=dict)
    project_table: dict[str, DemoProject] = field(default_factory=dict)
    device_tokens: dict[str, str] = field(default_factory=dict)  # token -> device name
    scan_events: list[RecordedScanEvent] = field(default_factory=list)
    templates: dict[str, DemoTemplate] = field(default_factory=dict)  # by template id
    pass_updates: list[PassUpdate] = field(default_factory=list)
    # (projectId, passId) -> {message id -> MessageInput}: a put with a known id replaces it
    messages: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)  # resolver name -> times called
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    @classmethod
    def seeded(cls) -> DemoState:
        state = cls()
        for project in seed_projects():
            state.project_table[project.id] = project
        for demo_pass in seed_passes():
            state.add_pass(demo_pass)
        for template in seed_templates():
            state.templates[template.id] = template
        return state

    # --- test and demo helpers -------------------------------------------------------------

    def add_pass(self, demo_pass: DemoPass) -> None:
        with self._lock:
            self.passes[demo_pass.code] = demo_pass

    def revoke_device(self, device_name: str) -> None:
        with self._lock:
            for token, name in list(self.device_tokens.items()):
                if name == device_name:
                    del self.device_tokens[token]

    def events(self) -> list[RecordedScanEvent]:
        with self._lock:
            return list(self.scan_events)

    def pass_by_id(self, pass_id: str) -> DemoPass | None:
        with self._lock:
            return next((p for p in self.passes.values() if p.id == pass_id), None)

    def count(self, name: str) -> int:
        with self._lock:
            return self.calls.get(name, 0)

    def _called(self, name: str) -> None:
        with self._lock:
            self.calls[name] = self.calls.get(name, 0) + 1

    def caller_for(self, token: str) -> Caller | None:
        with self._lock:
            if secrets.compare_digest(token, self.workspace_token):
                return Caller(token, None)
            name = self.device_tokens.get(token)
            return Caller(token, name) if name is not None else None

    # --- resolvers (names match schema.graphql) --------------------------------------------

    def passByScanCode(self, info: ResolveInfo, code: str) -> dict[str, Any] | None:
        self._called("passByScanCode")
        with self._lock:
            demo_pass = self.passes.get(code)
            return self._pass_api(demo_pass) if demo_pass else None

    def pass_(self, info: ResolveInfo, projectId: str, id: str) -> dict[str, Any] | None:
        self._called("pass")
        with self._lock:
            demo_pass = self.pass_by_id(id)
            if demo_pass is None or demo_pass.project_id != projectId:
                return None
            return self._pass_api(demo_pass)

    def updatePass(
        self, info: ResolveInfo, projectId: str, id: str, input: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Replaces what ``input`` gives (as a full update would); null for an unknown pass."""
        self._called("updatePass")
        caller: Caller = info.context["caller"]
        with self._lock:
            demo_pass = self.pass_by_id(id)
            if demo_pass is None or demo_pass.project_id != projectId:
                return None
            self.pass_updates.append(PassUpdate(projectId, id, dict(input), caller.device_name))
            if "voided" in input:
                demo_pass.voided = bool(input["voided"])
            if "expirationDate" in input:
                demo_pass.expiration_date = input["expirationDate"]
            if isinstance(input.get("parameters"), str):
                params = json.loads(input["parameters"])
                demo_pass.points = int(params.pop("points", demo_pass.points))
                demo_pass.parameters = params
            return self._pass_api(demo_pass)

    def passTemplates(self, info: ResolveInfo) -> list[dict[str, Any]]:
        self._called("passTemplates")
        with self._lock:
            return [t.as_api() for t in self.templates.values()]

    def putPassMessage(
        self, info: ResolveInfo, projectId: str, passId: str, message: dict[str, Any]
    ) -> dict[str, Any]:
        self._called("putPassMessage")
        with self._lock:
            demo_pass = self.pass_by_id(passId)
            if demo_pass is None or demo_pass.project_id != projectId:
                raise GraphQLError("No such pass.")
            self.messages.setdefault((projectId, passId), {})[str(message["id"])] = dict(message)
            return dict(message)

    def projects(self, info: ResolveInfo) -> list[dict[str, Any]]:
        with self._lock:
            return [p.as_api() for p in self.project_table.values()]

    def registerDevice(self, info: ResolveInfo, input: dict[str, Any]) -> dict[str, str]:
        caller: Caller = info.context["caller"]
        if caller.device_name is not None:
            raise GraphQLError("Devices are registered with the workspace token.")
        name = (input.get("name") or "kiosk").strip() or "kiosk"
        token = "dev_" + secrets.token_urlsafe(24)
        with self._lock:
            self.device_tokens[token] = name
        return {"workspaceName": self.workspace_name, "token": token}

    def createScanEvent(self, info: ResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
        self._called("createScanEvent")
        caller: Caller = info.context["caller"]
        with self._lock:
            event = RecordedScanEvent(
                id=f"scan-{next(self._ids):08d}",
                code=input["code"],
                reward_points=input.get("rewardPoints"),
                voided=input.get("voided"),
                data=input.get("data"),
                created_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                device_name=caller.device_name,
            )
            self.scan_events.append(event)
            demo_pass = self.passes.get(event.code)
            if demo_pass is not None:
                demo_pass.points += event.reward_points or 0
                if event.voided:
                    demo_pass.voided = True
            return {
                "id": event.id,
                "code": event.code,
                "rewardPoints": event.reward_points,
                "voided": event.voided,
                "data": event.data,
                "createdAt": event.created_at,
                "pass": self._pass_api(demo_pass) if demo_pass else None,
            }

    def _pass_api(self, demo_pass: DemoPass) -> dict[str, Any]:
        project = self.project_table.get(demo_pass.project_id)
        template = self.templates.get(template_id(demo_pass.template_name))
        return {
            "id": demo_pass.id,
            "templateId": template_id(demo_pass.template_name),
            "parameters": json.dumps({**demo_pass.parameters, "points": demo_pass.points}),
            "files": {},
            "type": demo_pass.type,
            "expirationDate": demo_pass.expiration_date,
            "voided": demo_pass.voided,
            "download": {"url": f"https://demo.invalid/passes/{demo_pass.id}.pkpass"},
            "downloadGooglePay": None,
            "share": {"url": f"https://demo.invalid/share/{demo_pass.id}"},
            "template": template.as_api() if template else None,
            "project": project.as_api() if project else None,
        }


# ``pass`` is a Python keyword: graphql-core's default resolver finds the method by this name.
setattr(DemoState, "pass", DemoState.pass_)
