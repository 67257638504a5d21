"""Invariants of the pure decision over arbitrary passes, histories, settings and scanConfigs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiosk.passfacts import PassFacts
from kiosk.scanning.modes import effective_policy
from kiosk.scanning.rules import Lookup, LookupOutcome, decide
from kiosk.scanning.verdict import VerdictKind
from kiosk.settings import ScanningSettings

NOW = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=5,
)
scan_configs = st.dictionaries(
    st.sampled_from(
        [
            "mode",
            "entryPoints",
            "rewardPoints",
            "redeemPoints",
            "redeemVoidsPass",
            "reentryWindowMinutes",
            "other",
        ]
    ),
    json_values | st.sampled_from(["entry", "reward", "redeem"]),
    max_size=6,
)
facts = st.builds(
    PassFacts,
    pass_id=st.text(min_size=1, max_size=5),
    holder=st.none() | st.text(max_size=10),
    voided=st.booleans(),
    expires_at=st.none() | st.integers(-(10**6), 10**6).map(lambda s: NOW + timedelta(seconds=s)),
    scan_config=scan_configs,
)
lookups = st.one_of(
    st.builds(Lookup, st.just(LookupOutcome.FOUND), facts),
    st.builds(Lookup, st.just(LookupOutcome.OFFLINE), st.none() | facts),
    st.just(Lookup(LookupOutcome.NOT_FOUND)),
    st.just(Lookup(LookupOutcome.UNAUTHORIZED)),
    st.builds(
        Lookup,
        st.just(LookupOutcome.UNREADABLE),
        st.none(),
        st.none() | st.just("The server answered something the kiosk cannot read."),
    ),
)
history_any_side = st.none() | st.integers(-(10**5), 10**5).map(
    lambda s: NOW + timedelta(seconds=s)
)
settings = st.builds(
    ScanningSettings,
    mode=st.sampled_from(["entry", "reward", "redeem"]),
    entry_points=st.integers(0, 100),
    reward_points=st.integers(0, 100),
    redeem_points=st.integers(0, 100),
    redeem_voids_pass=st.booleans(),
    reentry_window_minutes=st.floats(0, 120),
    offline_policy=st.sampled_from(["accept", "reject"]),
)
history = st.none() | st.integers(0, 10**5).map(lambda s: NOW - timedelta(seconds=s))


@given(lookup=lookups, last=history, scanning=settings)
def test_decision_invariants(lookup, last, scanning):
    verdict = decide("CODE", lookup, last, scanning, NOW)
    policy = effective_policy(scanning, lookup.facts.scan_config if lookup.facts else None)
    assert verdict.accepted == (verdict.kind is VerdictKind.VALID)
    assert verdict.offline == (lookup.outcome is LookupOutcome.OFFLINE)
    assert verdict.scan_id is None and verdict.scanned_at == NOW
    assert isinstance(verdict.reward_points, int)
    if verdict.accepted:
        assert verdict.reward_points == policy.points and verdict.voids_pass == policy.voids_pass
        assert last is None or NOW - last >= policy.reentry_window
    else:
        assert verdict.reward_points == 0 and not verdict.voids_pass
    if verdict.kind is VerdictKind.DUPLICATE:
        assert verdict.first_scanned_at == last
    if lookup.facts is not None and lookup.facts.voided:
        assert verdict.kind is VerdictKind.VOIDED
    if lookup.outcome in (LookupOutcome.UNAUTHORIZED, LookupOutcome.UNREADABLE):
        assert verdict.kind is VerdictKind.ERROR
    assert verdict.message.endswith(".") and "\n" not in verdict.message


@given(lookup=lookups, last=history_any_side, scanning=settings)
def test_a_reentry_window_never_reaches_past_its_length_either_way(lookup, last, scanning):
    """A last admission stamped in the future (a clock that was ahead) is a duplicate only
    within the window's length of now, as one in the past is."""
    verdict = decide("CODE", lookup, last, scanning, NOW)
    policy = effective_policy(scanning, lookup.facts.scan_config if lookup.facts else None)
    if verdict.kind is VerdictKind.DUPLICATE:
        assert abs(NOW - last) < policy.reentry_window
