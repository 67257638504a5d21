"""The decision: a pure function from what is known about a code to a verdict.

No I/O, no clock, no globals: (lookup outcome, journal history for the code, settings, now)
in, verdict out. Everything that talks to the network or the disk lives in service.py.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.passfacts import PassFacts
from kiosk.scanning.modes import ScanPolicy, effective_policy
from kiosk.scanning.verdict import ScanMode, Verdict, VerdictKind
from kiosk.settings import ScanningSettings


class LookupOutcome(enum.Enum):
    FOUND = "found"  # the API answered with the pass
    NOT_FOUND = "not-found"  # the API answered: no such code
    OFFLINE = "offline"  # the API could not be asked; ``facts`` from the pass cache, if any
    UNAUTHORIZED = "unauthorized"  # the API refused this device's token
    UNREADABLE = "unreadable"  # the API answered something unreadable, or refused (errors)


@dataclass(frozen=True)
class Lookup:
    outcome: LookupOutcome
    facts: PassFacts | None = None
    reason: str | None = None  # one sentence, for OFFLINE/UNAUTHORIZED/UNREADABLE


@dataclass(frozen=True)
class OtherDoor:
    """The latest admission of a code at another kiosk of the venue (from the fleet)."""

    device: str
    admitted_at: datetime


def decide(
    code: str,
    lookup: Lookup,
    last_accepted_at: datetime | None,
    scanning: ScanningSettings,
    now: datetime,
    other_door: OtherDoor | None = None,
) -> Verdict:
    """The verdict for ``code``. ``last_accepted_at`` is when this kiosk last admitted it,
    ``other_door`` the latest admission at another door of the venue.

    The returned verdict has no ``scan_id`` yet: the caller adds the journal's.
    """
    facts = lookup.facts
    policy = effective_policy(scanning, facts.scan_config if facts else None)
    offline = lookup.outcome is LookupOutcome.OFFLINE

    def verdict(kind: VerdictKind, message: str, **extra: Any) -> Verdict:
        accepted = kind is VerdictKind.VALID
        return Verdict(
            code=code,
            kind=kind,
            offline=offline,
            scan_id=None,
            mode=policy.mode,
            scanned_at=now,
            message=message,
            pass_id=facts.pass_id if facts else None,
            holder=display_name(facts.holder) if facts else None,
            pass_type=facts.pass_type if facts else None,
            template_name=facts.template_name if facts else None,
            expires_at=facts.expires_at if facts else None,
            reward_points=policy.points if accepted else 0,
            voids_pass=policy.voids_pass if accepted else False,
            **extra,
        )

    if lookup.outcome is LookupOutcome.UNAUTHORIZED:
        return verdict(
            VerdictKind.ERROR,
            "This kiosk was disconnected from the Tiketo account: it must be provisioned again.",
        )
    if lookup.outcome is LookupOutcome.UNREADABLE:  # the server is there: never an admission
        return verdict(
            VerdictKind.ERROR,
            "Not admitted: "
            + _lower_first(lookup.reason or "the server answered something the kiosk cannot read."),
        )
    if lookup.outcome is LookupOutcome.NOT_FOUND:
        return verdict(VerdictKind.UNKNOWN, "No pass has this code.")
    if facts is None:  # offline and never seen: the offline policy decides
        if scanning.offline_policy == "reject":
            return verdict(
                VerdictKind.ERROR,
                "Not admitted: the Tiketo server cannot be reached "
                "and this pass has not been seen here before.",
            )
        return _accepted(
            verdict,
            policy,
            last_accepted_at,
            now,
            other_door,
            "Accepted offline: the pass could not be checked; the scan uploads later.",
        )
    if facts.voided:
        return verdict(VerdictKind.VOIDED, "This pass has been voided.")
    if facts.expires_at is not None and facts.expires_at <= now:
        return verdict(
            VerdictKind.EXPIRED, f"This pass expired on {facts.expires_at:%d %b %Y at %H:%M} UTC."
        )
    return _accepted(
        verdict,
        policy,
        last_accepted_at,
        now,
        other_door,
        valid_message(policy, display_name(facts.holder), offline),
    )


def _accepted(
    verdict: Callable[..., Verdict],
    policy: ScanPolicy,
    last_accepted_at: datetime | None,
    now: datetime,
    other_door: OtherDoor | None,
    message: str,
) -> Verdict:
    # abs(): a scan stamped in the future (the clock was ahead, then corrected) is not a
    # re-entry for longer than the window; one a little in the past after the clock went
    # back a few minutes still is.
    if (
        other_door is not None
        and abs(now - other_door.admitted_at) < policy.reentry_window
        and (last_accepted_at is None or other_door.admitted_at > last_accepted_at)
    ):
        local = other_door.admitted_at.astimezone()
        return verdict(
            VerdictKind.DUPLICATE,
            f"Already scanned at {other_door.device} at {local:%H:%M:%S}.",
            first_scanned_at=other_door.admitted_at,
        )
    if last_accepted_at is not None and abs(now - last_accepted_at) < policy.reentry_window:
        local = last_accepted_at.astimezone()
        return verdict(
            VerdictKind.DUPLICATE,
            f"Already scanned here at {local:%H:%M:%S}.",
            first_scanned_at=last_accepted_at,
        )
    return verdict(VerdictKind.VALID, message)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def display_name(name: str | None) -> str | None:
    """A holder's name as one printable line (pass parameters are free text), or None."""
    if name is None:
        return None
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in name).split())
    return cleaned[:80] or None


def valid_message(policy: ScanPolicy, holder: str | None, offline: bool) -> str:
    """One sentence: who, what was posted, and whether it was checked offline."""
    if policy.mode is ScanMode.REWARD:
        text = f"Valid{' for ' + holder if holder else ''}: {policy.points} points added"
    elif policy.mode is ScanMode.REDEEM:
        what = "pass redeemed" if policy.voids_pass else f"{-policy.points} points redeemed"
        text = f"Valid{' for ' + holder if holder else ''}: {what}"
    else:
        text = f"Welcome{', ' + holder if holder else ''}"
    return text + (" (checked offline; the scan uploads later)." if offline else ".")
