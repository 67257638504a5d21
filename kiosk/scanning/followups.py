"""Planning and sending the follow-up steps of accepted scans (see kiosk/journal/followups.py).

Planned at scan time, in the scan's own journal transaction: a redeem that voids a pass with
``scanning.void_with = "update-pass"`` owes a ``void`` step; a reward or redeem scan with
``scanning.wallet_message`` set owes a ``message`` step. Sent by the uploader right after scan
events, under the same upload lock, one at a time (they are rare and must not race).

Exactly once: a ``void`` first re-reads the pass (``pass(projectId, id)``) and sends
``updatePass`` only when the pass is not voided yet, so a void whose answer was lost in a
crash is recognised and not sent again; a ``message`` uses the scan's id as the message id,
so a re-sent ``putPassMessage`` replaces the same message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kiosk.journal import Journal, JournalUnavailable, PendingUpload
from kiosk.journal.followups import MESSAGE, VOID, FollowUp, FollowUpStore
from kiosk.journal.passcache import PassCacheStore
from kiosk.logs import log_event
from kiosk.passfacts import PassFacts
from kiosk.scanning.connectivity import Connectivity, rejected_retry_at
from kiosk.scanning.verdict import ScanMode, Verdict
from kiosk.settings import ScanningSettings
from kiosk.tiketo import PassNotFound, RetryLater, TiketoClient, Unauthorized, UnreadableAnswer
from kiosk.tiketo.models import ScanEventReceipt
from kiosk.tiketo.pass_ops import message_input
from kiosk.tiketo.transport import deadline as call_deadline

log = logging.getLogger(__name__)

BATCH = 32


def plan(
    verdict: Verdict, facts: PassFacts | None, scanning: ScanningSettings, device: str
) -> list[tuple[str, str | None, str | None, dict[str, Any]]]:
    """The steps an accepted scan owes: (step, project id, pass id, payload)."""
    if not verdict.accepted:
        return []
    project_id = facts.project_id if facts else None
    steps: list[tuple[str, str | None, str | None, dict[str, Any]]] = []
    if verdict.voids_pass and scanning.void_with == "update-pass":
        steps.append((VOID, project_id, verdict.pass_id, {}))
    if scanning.wallet_message and verdict.mode in (ScanMode.REWARD, ScanMode.REDEEM):
        body = scanning.wallet_message.format(
            points=abs(verdict.reward_points),
            device=device,
            mode=verdict.mode.value,
            **{"pass": verdict.template_name or ""},
        )
        steps.append(
            (
                MESSAGE,
                project_id,
                verdict.pass_id,
                {"header": verdict.template_name or device, "body": body},
            )
        )
    return steps


class FollowUpSender:
    """Sends due steps; used by :class:`kiosk.scanning.upload_round.UploadRound` under its lock."""

    def __init__(
        self,
        journal: Journal,
        client: TiketoClient,
        link: Connectivity,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = FollowUpStore(journal)
        self._cache = PassCacheStore(journal)
        self._client = client
        self._link = link
        self._clock = clock

    def note_receipt(self, item: PendingUpload, receipt: ScanEventReceipt) -> None:
        """A confirmed scan event: its pass's ids complete the steps, its state the cache."""
        state = receipt.pass_state
        if state is None:
            return
        try:
            self.store.fill_pass(item.scan_id, state.project_id, state.id)
            self._cache.confirm(
                state.id,
                state.voided,
                state.expiration_date,
                self._clock(),
                project_id=state.project_id,
                template_id=state.template_id,
            )
        except JournalUnavailable:
            log.exception("Could not record the pass state of scan %s", item.scan_id)

    def send_due(
        self, due_only: bool, deadline: float | None, identity: tuple[str, str] | None
    ) -> tuple[int, str | None]:
        """Send due steps until none is left, a call fails, or ``deadline`` passes.
        Returns (steps done, why it stopped or None)."""
        done, refused = 0, set[tuple[str, str]]()
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                return done, "Time ran out before every follow-up step was sent."
            try:
                batch = [
                    s
                    for s in self.store.due(
                        self._clock() if due_only else None, BATCH + len(refused), identity
                    )
                    if (s.scan_id, s.step) not in refused
                ][:BATCH]
            except JournalUnavailable as exc:
                return done, str(exc)
            if not batch:
                return done, None
            for step in batch:
                outcome = self._send(step, deadline)
                if outcome is None:
                    done += 1
                elif isinstance(outcome, UnreadableAnswer):
                    refused.add((step.scan_id, step.step))
                    self._reject(step, outcome)
                else:
                    return done, self._stop(step, outcome)

    def _send(self, step: FollowUp, ends_at: float | None) -> Exception | None:
        now = self._clock()
        if step.project_id is None or step.pass_id is None:
            self._skip(step, "the pass is not known to the server")
            return None
        try:
            with call_deadline(float("inf") if ends_at is None else ends_at):
                if step.step == VOID:
                    result = self._void(step)
                else:
                    result = self._client.put_pass_message(
                        step.project_id,
                        step.pass_id,
                        message_input(
                            step.scan_id,
                            str(step.payload.get("header") or "Tiketo"),
                            str(step.payload.get("body") or ""),
                        ),
                    )
        except PassNotFound:
            self._skip(step, "the server no longer has this pass")
            return None
        except (RetryLater, Unauthorized, UnreadableAnswer) as exc:
            return exc
        except Exception as exc:  # e.g. the client was closed under us at shutdown
            return RetryLater(f"The upload was interrupted ({type(exc).__name__}).")
        try:
            self.store.mark_done(step.scan_id, step.step, now)
        except JournalUnavailable as exc:
            return exc
        log_event(
            log, "follow_up", step=step.step, result="ok", scan_id=step.scan_id, detail=result
        )
        return None

    def _void(self, step: FollowUp) -> str:
        """Void the pass unless it already is (a lost answer, or voided elsewhere)."""
        assert step.project_id is not None and step.pass_id is not None
        current = self._client.pass_by_id(step.project_id, step.pass_id)
        if current.voided:
            self._cache.confirm(current.id, True, current.expiration_date, self._clock())
            return "already-voided"
        state = self._client.update_pass(step.project_id, current, voided=True)
        self._cache.confirm(state.id, True, state.expiration_date, self._clock())
        return "voided"

    def _skip(self, step: FollowUp, reason: str) -> None:
        log_event(
            log,
            "follow_up",
            logging.WARNING,
            step=step.step,
            result="skipped",
            scan_id=step.scan_id,
            reason=reason,
        )
        try:
            self.store.mark_skipped(step.scan_id, step.step, reason, self._clock())
        except JournalUnavailable:
            log.exception("Could not record the skipped step of %s", step.scan_id)

    def _reject(self, step: FollowUp, error: UnreadableAnswer) -> None:
        retry_at = rejected_retry_at(
            "follow_up", step.scan_id, step.attempts + 1, str(error), self._clock(), step=step.step
        )
        try:
            self.store.mark_rejected(step.scan_id, step.step, str(error), retry_at)
        except JournalUnavailable:
            log.exception("Could not record the refused step of %s", step.scan_id)

    def _stop(self, step: FollowUp, outcome: Exception) -> str:
        log_event(
            log,
            "follow_up",
            logging.WARNING,
            step=step.step,
            result="failed",
            scan_id=step.scan_id,
            error=type(outcome).__name__,
            reason=str(outcome),
        )
        now = self._clock()
        if isinstance(outcome, Unauthorized):
            self._link.unauthorized(str(outcome), now)
        else:
            self._link.failed(str(outcome), now, getattr(outcome, "retry_after", None))
        return str(outcome)
