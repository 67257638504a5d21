"""Deciding a scan and writing it to the journal, in one durable transaction.

The verdict is decided inside the transaction that records it, so it sees every scan recorded
before it: the pass's last admission, a void still owed, what the fleet heard from the other
doors. The same transaction caches the pass, plans the follow-up steps the scan owes and marks
a pass it voids; the uploader sends nothing of it before the transaction is committed.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from kiosk.fleet.fleet import Fleet
from kiosk.journal import CachedPass, Journal, JournalRecovered, ScanRecord
from kiosk.journal.states import UploadState
from kiosk.scanning import followups
from kiosk.scanning.rules import Lookup, LookupOutcome, OtherDoor, decide
from kiosk.scanning.verdict import Verdict
from kiosk.settings import ScanningSettings


class ScanRecorder:
    """Records scans under this device's name and workspace; thread-safe like the journal."""

    def __init__(
        self, journal: Journal, fleet: Fleet | None, *, device: str, workspace: str
    ) -> None:
        self._journal = journal
        self._fleet = fleet
        self._device = device
        self._workspace = workspace

    def record(
        self, code: str, lookup: Lookup, source: str, scanning: ScanningSettings, now: datetime
    ) -> tuple[Verdict, bool]:
        """The recorded verdict, and whether it gave the fleet something to tell the other
        doors. A damaged journal that was replaced (its scans recovered) is tried once more;
        ``JournalUnavailable`` means the scan is not recorded."""
        try:
            return self._record(code, lookup, source, scanning, now)
        except JournalRecovered:
            return self._record(code, lookup, source, scanning, now)

    def _record(
        self, code: str, lookup: Lookup, source: str, scanning: ScanningSettings, now: datetime
    ) -> tuple[Verdict, bool]:
        with self._journal.transaction() as tx:
            if (
                lookup.facts is not None
                and not lookup.facts.voided
                and lookup.outcome is LookupOutcome.FOUND
                and tx.void_owed(code)
            ):
                lookup = replace(lookup, facts=replace(lookup.facts, voided=True))
            other: OtherDoor | None = self._fleet.other_door(tx, code) if self._fleet else None
            verdict = decide(code, lookup, tx.last_accepted_at(code, now), scanning, now, other)
            scan_id = str(uuid.uuid4())
            verdict = replace(verdict, scan_id=scan_id)
            if lookup.outcome is LookupOutcome.FOUND and lookup.facts is not None:
                tx.put_pass(CachedPass(code, lookup.facts), now)
            tx.insert_scan(_scan_record(verdict, source, self._device, self._workspace))
            for step in followups.plan(verdict, lookup.facts, scanning, self._device):
                tx.add_follow_up(scan_id, *step)
            if verdict.accepted and verdict.voids_pass:
                tx.mark_pass_voided(code)
            shared = self._fleet is not None and self._fleet.record(
                tx, verdict, lookup, scanning, now
            )
        return verdict, shared


def _scan_record(verdict: Verdict, source: str, device: str, workspace: str) -> ScanRecord:
    assert verdict.scan_id is not None
    return ScanRecord(
        scan_id=verdict.scan_id,
        code=verdict.code,
        verdict=verdict.kind.value,
        mode=verdict.mode.value,
        reward_points=verdict.reward_points,
        voids_pass=verdict.voids_pass,
        scanned_at=verdict.scanned_at,
        offline=verdict.offline,
        source=source,
        message=verdict.message,
        upload_state=(UploadState.PENDING if verdict.accepted else UploadState.NOT_NEEDED),
        pass_id=verdict.pass_id,
        holder=verdict.holder,
        device=device,
        workspace=workspace,
    )
