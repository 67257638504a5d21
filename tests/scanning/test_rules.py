"""The pure decision: every verdict, every mode, both offline policies, scanConfig overrides."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.passfacts import PassFacts
from kiosk.scanning.modes import effective_policy
from kiosk.scanning.rules import Lookup, LookupOutcome, decide
from kiosk.scanning.verdict import ScanMode, VerdictKind
from kiosk.settings import ScanningSettings

NOW = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)
GOOD = PassFacts("pass-1", "Ada Lovelace", voided=False, expires_at=NOW + timedelta(days=1))


def found(facts: PassFacts = GOOD) -> Lookup:
    return Lookup(LookupOutcome.FOUND, facts)


def settings(**overrides: object) -> ScanningSettings:
    return dataclasses.replace(ScanningSettings(), **overrides)


def test_valid_pass_in_entry_mode_posts_zero_points():
    verdict = decide("C", found(), None, settings(), NOW)
    assert verdict.kind is VerdictKind.VALID and verdict.accepted
    assert verdict.reward_points == 0 and verdict.mode is ScanMode.ENTRY
    assert verdict.holder == "Ada Lovelace" and verdict.pass_id == "pass-1"
    assert not verdict.offline and verdict.scanned_at == NOW
    assert verdict.message == "Welcome, Ada Lovelace."


def test_voided_pass():
    verdict = decide("C", found(PassFacts("p", None, True, None)), None, settings(), NOW)
    assert verdict.kind is VerdictKind.VOIDED and not verdict.accepted
    assert verdict.reward_points == 0


@pytest.mark.parametrize(
    "delta, kind",
    [
        (timedelta(seconds=-1), VerdictKind.EXPIRED),
        (timedelta(0), VerdictKind.EXPIRED),
        (timedelta(seconds=1), VerdictKind.VALID),
    ],
)
def test_expiry_is_compared_in_utc(delta, kind):
    # The same instant written in another zone must compare equal.
    from datetime import timezone

    expires = (NOW + delta).astimezone(timezone(timedelta(hours=-5)))
    verdict = decide("C", found(PassFacts("p", None, False, expires)), None, settings(), NOW)
    assert verdict.kind is kind


def test_unknown_code():
    verdict = decide("C", Lookup(LookupOutcome.NOT_FOUND), None, settings(), NOW)
    assert verdict.kind is VerdictKind.UNKNOWN and verdict.pass_id is None


def test_duplicate_within_window_reports_the_first_scan():
    first = NOW - timedelta(minutes=9, seconds=59)
    verdict = decide("C", found(), first, settings(), NOW)
    assert verdict.kind is VerdictKind.DUPLICATE and verdict.first_scanned_at == first
    assert verdict.reward_points == 0 and "Already scanned" in verdict.message


def test_after_the_window_the_code_is_valid_again():
    verdict = decide("C", found(), NOW - timedelta(minutes=10), settings(), NOW)
    assert verdict.kind is VerdictKind.VALID


def test_reentry_window_is_a_setting():
    earlier = NOW - timedelta(minutes=30)
    assert (
        decide("C", found(), earlier, settings(reentry_window_minutes=60.0), NOW).kind
        is VerdictKind.DUPLICATE
    )
    assert (
        decide(
            "C", found(), NOW - timedelta(seconds=1), settings(reentry_window_minutes=0.0), NOW
        ).kind
        is VerdictKind.VALID
    )


def test_a_voided_pass_is_voided_even_if_scanned_before():
    verdict = decide("C", found(PassFacts("p", None, True, None)), NOW, settings(), NOW)
    assert verdict.kind is VerdictKind.VOIDED


def test_reward_mode_adds_points():
    verdict = decide("C", found(), None, settings(mode="reward", reward_points=25), NOW)
    assert verdict.reward_points == 25 and verdict.mode is ScanMode.REWARD
    assert "25 points added" in verdict.message


def test_redeem_mode_takes_points():
    verdict = decide("C", found(), None, settings(mode="redeem", redeem_points=7), NOW)
    assert verdict.reward_points == -7 and not verdict.voids_pass


def test_redeem_can_void_a_single_use_pass():
    verdict = decide("C", found(), None, settings(mode="redeem", redeem_voids_pass=True), NOW)
    assert verdict.voids_pass and verdict.reward_points == 0
    assert "redeemed" in verdict.message


def test_entry_points_setting():
    assert decide("C", found(), None, settings(entry_points=1), NOW).reward_points == 1


def test_rejected_verdicts_post_nothing():
    verdict = decide(
        "C", found(PassFacts("p", None, True, None)), None, settings(mode="reward"), NOW
    )
    assert verdict.reward_points == 0 and not verdict.voids_pass


def test_scan_config_overrides_mode_and_points():
    facts = PassFacts("p", "Grace", False, None, scan_config={"mode": "reward", "rewardPoints": 10})
    verdict = decide("C", found(facts), None, settings(), NOW)
    assert verdict.mode is ScanMode.REWARD and verdict.reward_points == 10


def test_scan_config_window_override():
    facts = PassFacts("p", None, False, None, scan_config={"reentryWindowMinutes": 0})
    assert decide("C", found(facts), NOW, settings(), NOW).kind is VerdictKind.VALID


@pytest.mark.parametrize(
    "config",
    [
        {"mode": "teleport"},
        {"mode": ["reward"]},
        {"rewardPoints": "10"},
        {"rewardPoints": -5},
        {"rewardPoints": True},
        {"rewardPoints": 10.5},
        {"redeemVoidsPass": "yes"},
        {"reentryWindowMinutes": float("nan")},
        {"reentryWindowMinutes": -1},
        {"entryPoints": 10**9},
    ],
)
def test_invalid_scan_config_values_are_ignored(config):
    base = effective_policy(settings(), None)
    assert effective_policy(settings(), config) == base


def test_scan_config_full_redeem():
    policy = effective_policy(
        settings(), {"mode": "redeem", "redeemPoints": 3, "redeemVoidsPass": False}
    )
    assert policy.points == -3
    policy = effective_policy(settings(), {"mode": "redeem", "redeemVoidsPass": True})
    assert policy.voids_pass and policy.points == 0


def test_offline_known_pass_is_decided_from_the_cache():
    verdict = decide("C", Lookup(LookupOutcome.OFFLINE, GOOD, "down"), None, settings(), NOW)
    assert verdict.kind is VerdictKind.VALID and verdict.offline
    assert verdict.holder == "Ada Lovelace" and "offline" in verdict.message


def test_offline_voided_and_expired_passes_are_still_rejected():
    voided = PassFacts("p", None, True, None)
    expired = PassFacts("p", None, False, NOW - timedelta(days=1))
    assert (
        decide("C", Lookup(LookupOutcome.OFFLINE, voided), None, settings(), NOW).kind
        is VerdictKind.VOIDED
    )
    assert (
        decide("C", Lookup(LookupOutcome.OFFLINE, expired), None, settings(), NOW).kind
        is VerdictKind.EXPIRED
    )


def test_offline_unknown_pass_accept_policy():
    verdict = decide("C", Lookup(LookupOutcome.OFFLINE), None, settings(), NOW)
    assert verdict.kind is VerdictKind.VALID and verdict.offline and verdict.pass_id is None


def test_offline_unknown_pass_reject_policy():
    verdict = decide(
        "C", Lookup(LookupOutcome.OFFLINE), None, settings(offline_policy="reject"), NOW
    )
    assert verdict.kind is VerdictKind.ERROR and verdict.offline
    assert "cannot be reached" in verdict.message


def test_offline_duplicate_is_still_a_duplicate():
    verdict = decide(
        "C", Lookup(LookupOutcome.OFFLINE), NOW - timedelta(minutes=1), settings(), NOW
    )
    assert verdict.kind is VerdictKind.DUPLICATE and verdict.offline


def test_unauthorized_is_an_error_that_says_provision_again():
    verdict = decide("C", Lookup(LookupOutcome.UNAUTHORIZED), None, settings(), NOW)
    assert verdict.kind is VerdictKind.ERROR and "provisioned again" in verdict.message


@pytest.mark.parametrize(
    "lookup",
    [
        found(),
        Lookup(LookupOutcome.NOT_FOUND),
        Lookup(LookupOutcome.OFFLINE),
        Lookup(LookupOutcome.UNAUTHORIZED),
        found(PassFacts("p", "X", True, None)),
    ],
)
def test_every_message_is_one_sentence(lookup):
    message = decide("C", lookup, None, settings(), NOW).message
    assert message.endswith(".") and "\n" not in message and message.count(". ") == 0
