"""The pass operations beyond lookup and scan events: re-reading, voiding, templates, messages.

A mixin of :class:`kiosk.tiketo.client.TiketoClient` (kept apart so the client module stays
about the scan path; sending an operation is :mod:`kiosk.tiketo.connection`). Each returns
typed values or raises the client's errors.
"""

from __future__ import annotations

from typing import Any

from kiosk.tiketo.errors import PassNotFound, UnreadableAnswer
from kiosk.tiketo.models import Pass, PassState
from kiosk.tiketo.templates import PassTemplate


class PassOperations:
    """Needs ``_execute(operation, variables) -> data`` from the ApiConnection it is mixed
    with (:class:`kiosk.tiketo.connection.ApiConnection`)."""

    def _execute(self, operation: str, variables: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def pass_by_id(self, project_id: str, pass_id: str) -> Pass:
        """``pass(projectId, id)``; PassNotFound when the server answers null."""
        raw = self._execute("Pass", {"projectId": project_id, "id": pass_id}).get("pass")
        if raw is None:
            raise PassNotFound("The server no longer has this pass.")
        return Pass.from_api(raw)

    def update_pass(self, project_id: str, current: Pass, *, voided: bool) -> PassState:
        """``updatePass`` writing ``current`` back (template, parameters, files, expiry) with
        ``voided`` set; the server's answer must confirm it."""
        if current.template_id is None:
            raise UnreadableAnswer("The pass has no template id to write back.")
        pass_input: dict[str, Any] = {"templateId": current.template_id, "voided": voided}
        if current.parameters_text is not None:
            pass_input["parameters"] = current.parameters_text
        if current.files is not None:
            pass_input["files"] = {
                k: v for k, v in current.files.items() if k in FILE_SLOTS and isinstance(v, str)
            }
        if current.expiration_date is not None:
            pass_input["expirationDate"] = current.expiration_date.isoformat().replace(
                "+00:00", "Z"
            )
        data = self._execute(
            "UpdatePass", {"projectId": project_id, "id": current.id, "input": pass_input}
        )
        state = PassState.from_api(data.get("updatePass"))
        if state is None or state.voided is not voided:
            raise UnreadableAnswer("The server did not confirm the pass update.")
        return state

    def pass_templates(self) -> list[PassTemplate]:
        """``passTemplates { id name variables { name type scope } }``."""
        raw = self._execute("PassTemplates", {}).get("passTemplates")
        if not isinstance(raw, list):
            raise UnreadableAnswer("The server's list of pass templates is malformed.")
        return [PassTemplate.from_api(item) for item in raw]

    def put_pass_message(self, project_id: str, pass_id: str, message: dict[str, Any]) -> str:
        """``putPassMessage``; the stored message's id."""
        data = self._execute(
            "PutPassMessage", {"projectId": project_id, "passId": pass_id, "message": message}
        )
        raw = data.get("putPassMessage")
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise UnreadableAnswer("The server did not confirm the pass message.")
        return str(raw["id"])


FILE_SLOTS = ("background", "footer", "icon", "logo", "strip", "thumbnail")


def message_input(message_id: str, header: str, body: str) -> dict[str, Any]:
    """A MessageInput for both wallets (Platform GOOGLE is assumed, see schema.graphql)."""
    platforms = ["APPLE", "GOOGLE"]
    return {
        "id": message_id,
        "header": header,
        "body": body,
        "destinations": platforms,
        "notifications": platforms,
    }
