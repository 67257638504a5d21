"""What the scan pipeline asks of the fleet, in a few calls that never wait for the broker.

Inside a scan's journal transaction: :meth:`Fleet.other_door` (has another door admitted this
code?) and :meth:`Fleet.record` (append the admission, and any pass fact learned, to the
outbox, committed with the scan). Before deciding offline: :meth:`Fleet.apply_facts` (another
door learned that this pass is voided or expired). Each is an HMAC and an indexed query:
microseconds, whether the broker is up, down or slow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from kiosk.fleet.config import FleetConfig
from kiosk.fleet.link import FleetLink
from kiosk.fleet.status import ROLE_SCREEN, DoorStatus
from kiosk.journal import Journal
from kiosk.journal import fleet as fleet_journal
from kiosk.journal.transaction import JournalTransaction
from kiosk.passfacts import PassFacts
from kiosk.scanning.modes import effective_policy
from kiosk.scanning.rules import Lookup, LookupOutcome, OtherDoor
from kiosk.scanning.verdict import Verdict
from kiosk.settings import ScanningSettings

log = logging.getLogger(__name__)

FACT_LIFETIME = timedelta(days=30)  # how long a voided/expired fact stays retained


@dataclass(frozen=True)
class FleetStatus:
    """What the admin screen shows: the broker, whether we are connected, the other doors."""

    broker: str
    connected: bool
    doors: tuple[DoorStatus, ...]
    ignored: int  # unsigned or wrongly signed messages seen
    unsent: int  # outbox rows not yet acknowledged by the broker


class Fleet:
    """One kiosk process's part in the venue fleet (``role``: the screen or a ``kiosk scan``,
    see :mod:`kiosk.fleet.status`). ``close()`` when done."""

    def __init__(
        self,
        config: FleetConfig,
        journal: Journal,
        device: str,
        *,
        role: str = ROLE_SCREEN,
        status_fields: Callable[[], dict[str, Any]] | None = None,
        version: str = "",
        clock: Callable[[], datetime] | None = None,
        retention: timedelta = timedelta(days=30),
    ) -> None:
        self.config = config
        self.device = device
        self._journal = journal
        self.link = FleetLink(
            config,
            device,
            journal,
            role=role,
            status_fields=status_fields,
            version=version,
            clock=clock,
        )
        self.signer = self.link.signer
        self._retention = retention

    def start(self, now: datetime) -> None:
        with self._journal.transaction() as tx:
            fleet_journal.prune(tx.connection, now - self._retention)
        self.link.start()

    # --- inside the scan's transaction --------------------------------------------------------

    def other_door(self, tx: JournalTransaction, code: str) -> OtherDoor | None:
        found = fleet_journal.last_admission(tx.connection, self.signer.key(code))
        return None if found is None else OtherDoor(found.device, found.scanned_at)

    def record(
        self,
        tx: JournalTransaction,
        verdict: Verdict,
        lookup: Lookup,
        scanning: ScanningSettings,
        now: datetime,
    ) -> bool:
        """Append what other doors must learn from this scan; True when anything was."""
        facts = lookup.facts
        appended = False
        if verdict.accepted and verdict.scan_id is not None:
            window = effective_policy(scanning, facts.scan_config if facts else None).reentry_window
            if window > timedelta(0):
                fleet_journal.enqueue(
                    tx.connection,
                    "admission",
                    verdict.code,
                    {
                        "kind": "admission",
                        "scanId": verdict.scan_id,
                        "device": self.device,
                        "time": _iso(verdict.scanned_at),
                        "mode": verdict.mode.value,
                    },
                    verdict.scanned_at + window,
                    now,
                )
                appended = True
        voided = verdict.accepted and verdict.voids_pass
        if lookup.outcome is LookupOutcome.FOUND and facts is not None:
            voided = voided or facts.voided
            expired = facts.expires_at is not None and facts.expires_at <= now
            if voided or expired:
                appended |= self._fact(tx, verdict.code, voided, facts.expires_at, now)
        elif voided:
            appended |= self._fact(tx, verdict.code, True, None, now)
        return appended

    def _fact(
        self,
        tx: JournalTransaction,
        code: str,
        voided: bool,
        expires_at: datetime | None,
        now: datetime,
    ) -> bool:
        fact = fleet_journal.PassFact(voided, expires_at, self.device)
        if not fleet_journal.put_pass_fact(tx.connection, self.signer.key(code), fact, now):
            return False  # already known here: already told (or heard from) the others
        fleet_journal.enqueue(
            tx.connection,
            "pass",
            code,
            {
                "kind": "pass",
                "device": self.device,
                "time": _iso(now),
                "voided": voided,
                "expiresAt": _iso(expires_at) if expires_at else None,
            },
            now + FACT_LIFETIME,
            now,
        )
        return True

    # --- before an offline decision -----------------------------------------------------------

    def apply_facts(self, code: str, facts: PassFacts | None) -> PassFacts | None:
        """``facts`` (from the pass cache, maybe None) with what other doors learned."""
        with self._journal.transaction() as tx:
            known = fleet_journal.pass_fact(tx.connection, self.signer.key(code))
        if known is None:
            return facts
        if facts is None:
            return PassFacts(
                pass_id="", holder=None, voided=known.voided, expires_at=known.expires_at
            )
        expires = facts.expires_at
        if known.expires_at is not None and (expires is None or known.expires_at < expires):
            expires = known.expires_at
        return replace(facts, voided=facts.voided or known.voided, expires_at=expires)

    # --- the rest -----------------------------------------------------------------------------

    def wake(self) -> None:
        self.link.wake()

    def status(self) -> FleetStatus:
        return FleetStatus(
            self.config.broker.display,
            self.link.connected,
            tuple(self.link.doors()),
            self.link.ignored,
            self.link.outbox_count(),
        )

    def close(self) -> None:
        self.link.close()


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
