"""Keys and signatures (pure), and the decision's use of another door's admission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.fleet.signing import Signer
from kiosk.passfacts import PassFacts
from kiosk.scanning.rules import Lookup, LookupOutcome, OtherDoor, decide
from kiosk.scanning.verdict import VerdictKind
from kiosk.settings import ScanningSettings

NOW = datetime(2026, 11, 23, 19, 5, tzinfo=UTC)
FACTS = PassFacts("p1", "Ada", voided=False, expires_at=None)


def test_keys_hide_the_code_and_depend_on_the_secret():
    one, two = Signer("secret-number-one-0001"), Signer("secret-number-two-0002")
    assert one.key("TKT-1") == one.key("TKT-1") != two.key("TKT-1")
    assert "TKT-1" not in one.key("TKT-1") and len(one.key("TKT-1")) == 64
    assert "number-one" not in repr(one)


def test_signed_payloads_verify_only_unchanged_on_their_topic():
    signer = Signer("secret-number-one-0001")
    payload = signer.sign("v/admissions/k", {"scanId": "s1", "device": "door-2"})
    assert signer.verify("v/admissions/k", payload) == {"scanId": "s1", "device": "door-2"}
    assert signer.verify("v/admissions/other", payload) is None  # moved to another code
    assert signer.verify("v/admissions/k", payload.replace(b"door-2", b"door-3")) is None
    assert Signer("secret-number-two-0002").verify("v/admissions/k", payload) is None
    assert signer.verify("v/admissions/k", b'{"scanId":"s1","v":1}') is None  # unsigned
    assert signer.verify("v/admissions/k", b"\xff\xfe") is None


def test_another_doors_admission_within_the_window_is_a_duplicate_naming_the_door():
    at = NOW - timedelta(minutes=2)
    verdict = decide(
        "c",
        Lookup(LookupOutcome.FOUND, FACTS),
        None,
        ScanningSettings(),
        NOW,
        OtherDoor("Door 2", at),
    )
    assert verdict.kind is VerdictKind.DUPLICATE and verdict.first_scanned_at == at
    assert verdict.message == f"Already scanned at Door 2 at {at.astimezone():%H:%M:%S}."


def test_another_doors_admission_outside_the_window_or_older_than_ours():
    old = OtherDoor("Door 2", NOW - timedelta(hours=1))
    found = Lookup(LookupOutcome.FOUND, FACTS)
    assert decide("c", found, None, ScanningSettings(), NOW, old).kind is VerdictKind.VALID
    ours = NOW - timedelta(minutes=1)
    verdict = decide(
        "c", found, ours, ScanningSettings(), NOW, OtherDoor("Door 2", NOW - timedelta(minutes=3))
    )
    assert verdict.kind is VerdictKind.DUPLICATE and "here" in verdict.message
    offline = decide(
        "c",
        Lookup(LookupOutcome.OFFLINE),
        None,
        ScanningSettings(),
        NOW,
        OtherDoor("Door 2", NOW - timedelta(minutes=3)),
    )
    assert offline.kind is VerdictKind.DUPLICATE and offline.offline
