"""Debounce rules with the time passed in."""

from __future__ import annotations

import pytest

from kiosk.capture.debounce import Debouncer
from kiosk.capture.types import Detection

SQUARE = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def det(text: str) -> Detection:
    return Detection(text, "QRCode", SQUARE, text.encode())


def run(debouncer: Debouncer, frames: list[tuple[float, list[str]]]) -> list[tuple[float, str]]:
    out = []
    for now, codes in frames:
        out += [(now, d.text) for d in debouncer.feed([det(c) for c in codes], now)]
    return out


def test_same_code_in_consecutive_frames_is_one_scan() -> None:
    frames = [(i / 30, ["A"]) for i in range(300)]  # ten seconds in view
    assert run(Debouncer(hold_seconds=3), frames) == [(0.0, "A")]


def test_brief_misses_do_not_split_a_presentation() -> None:
    frames = [(0.0, ["A"]), (0.1, []), (0.2, []), (0.3, ["A"]), (0.4, ["A"])]
    assert run(Debouncer(hold_seconds=0, gap_seconds=0.5), frames) == [(0.0, "A")]


def test_confirmations_need_that_many_reads() -> None:
    frames = [(0.0, ["A"]), (0.033, ["B", "A"]), (0.066, ["A"]), (0.1, ["B"]), (0.133, [])]
    assert run(Debouncer(confirmations=3), frames) == [(0.066, "A")]
    single = [(0.0, ["C"]), (2.0, ["C"])]  # two reads far apart are two presentations
    assert run(Debouncer(confirmations=2, gap_seconds=0.5), single) == []


def test_code_is_ignored_during_hold_then_counts_again() -> None:
    debouncer = Debouncer(hold_seconds=3, gap_seconds=0.5)
    frames = [(0.0, ["A"]), (1.0, ["A"]), (2.0, ["A"]), (3.5, ["A"]), (4.0, []), (5.0, ["A"])]
    # presented at 0, 1 and 2 (each after a gap): one scan; at 3.5 the hold is over -> new
    assert run(debouncer, frames) == [(0.0, "A"), (3.5, "A")]


def test_hold_after_verdict_restarts_the_hold() -> None:
    debouncer = Debouncer(hold_seconds=3, gap_seconds=0.5)
    assert run(debouncer, [(0.0, ["A"])]) == [(0.0, "A")]
    debouncer.hold("A", 2.5)  # verdict shown at 2.5
    assert debouncer.is_held("A", 5.0)
    assert run(debouncer, [(4.0, ["A"]), (5.4, []), (5.6, ["A"])]) == [(5.6, "A")]


def test_other_codes_are_independent() -> None:
    frames = [(0.0, ["A"]), (0.03, ["A", "B"]), (0.06, ["B"]), (0.1, ["A", "A"])]
    assert run(Debouncer(), frames) == [(0.0, "A"), (0.03, "B")]


def test_confirmations_below_one_are_refused() -> None:
    with pytest.raises(ValueError):
        Debouncer(confirmations=0)
