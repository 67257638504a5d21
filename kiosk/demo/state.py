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

from kiosk.demo.passes import DemoPass, DemoProject, seed_passes, seed_projects

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
class DemoState:
    """Thread-safe: the HTTP server answers requests from several threads."""

    workspace_name: str = DEMO_WORKSPACE_NAME
    workspace_token: str = DEMO_WORKSPACE_TOKEN
    passes: dict[str, DemoPass] = field(default_factory=dict)
    project_table: dict[str, DemoProject] = field(default_factory=dict)
    device_tokens: dict[str, str] = field(default_factory=dict)  # token -> device name
    scan_events: list[RecordedScanEvent] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    @classmethod
    def seeded(cls) -> DemoState:
        state = cls()
        for project in seed_projects():
            state.project_table[project.id] = project
        for demo_pass in seed_passes():
            state.add_pass(demo_pass)
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

    def caller_for(self, token: str) -> Caller | None:
        with self._lock:
            if secrets.compare_digest(token, self.workspace_token):
                return Caller(token, None)
            name = self.device_tokens.get(token)
            return Caller(token, name) if name is not None else None

    # --- resolvers (names match schema.graphql) --------------------------------------------

    def passByScanCode(self, info: ResolveInfo, code: str) -> dict[str, Any] | None:
        with self._lock:
            demo_pass = self.passes.get(code)
            return self._pass_api(demo_pass) if demo_pass else None

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
        return {
            "id": demo_pass.id,
            "templateId": f"tpl-{demo_pass.template_name.lower().replace(' ', '-')}",
            "parameters": json.dumps({**demo_pass.parameters, "points": demo_pass.points}),
            "files": {},
            "type": demo_pass.type,
            "expirationDate": demo_pass.expiration_date,
            "voided": demo_pass.voided,
            "download": {"url": f"https://demo.invalid/passes/{demo_pass.id}.pkpass"},
            "downloadGooglePay": None,
            "share": {"url": f"https://demo.invalid/share/{demo_pass.id}"},
            "template": {
                "id": f"tpl-{demo_pass.template_name.lower().replace(' ', '-')}",
                "name": demo_pass.template_name,
                "downloadUrl": "https://demo.invalid/template.pkpass",
                "downloadUrlGooglePay": "https://demo.invalid/template-google",
                "variables": [],
            },
            "project": project.as_api() if project else None,
        }
