"""Keyboard-wedge timing rules with injected timestamps (no Qt)."""

from __future__ import annotations

from kiosk.capture.wedge import WedgeDecoder, WedgeResult


def type_keys(wedge: WedgeDecoder, text: str, start: float, gap: float) -> list[WedgeResult]:
    return [wedge.key(ch, start + i * gap) for i, ch in enumerate(text)]


def test_fast_burst_ending_in_enter_is_a_scan() -> None:
    wedge = WedgeDecoder()
    results = type_keys(wedge, "TKT-VALID-0001", 0.0, 0.004)
    assert all(r.scan is None and not r.forward for r in results)  # held back meanwhile
    result = wedge.enter(14 * 0.004)
    assert result.scan == "TKT-VALID-0001" and not result.pass_enter
    assert not wedge.pending


def test_slow_typing_is_forwarded_in_order_and_enter_passes() -> None:
    wedge = WedgeDecoder()
    forwarded: list[str] = []
    for r in type_keys(wedge, "AB12", 0.0, 0.150):
        forwarded += r.forward
        assert r.scan is None
    forwarded += wedge.poll(0.45 + 0.031).forward  # the last key after max_interval
    assert forwarded == list("AB12")
    result = wedge.enter(1.0)
    assert result.pass_enter and result.scan is None


def test_burst_without_enter_ends_after_silence() -> None:
    wedge = WedgeDecoder(silence=0.1)
    type_keys(wedge, "590123412345", 0.0, 0.005)
    last = 11 * 0.005
    assert wedge.next_deadline() == last + 0.1
    assert wedge.poll(last + 0.05).scan is None  # not yet silent long enough
    assert wedge.poll(last + 0.1).scan == "590123412345"
    assert wedge.next_deadline() is None


def test_a_persons_quick_roll_of_two_keys_is_still_a_person() -> None:
    wedge = WedgeDecoder(min_length=4)
    wedge.key("t", 0.0, "t")
    wedge.key("h", 0.012, "h")  # a fast typist's roll
    result = wedge.poll(0.05)
    assert result.forward == ["t", "h"] and result.scan is None


def test_slow_key_after_a_burst_ends_the_scan_and_starts_fresh() -> None:
    wedge = WedgeDecoder()
    type_keys(wedge, "CODE1234", 0.0, 0.003)
    result = wedge.key("x", 0.06, "x")
    assert result.scan == "CODE1234"
    assert wedge.poll(0.1).forward == ["x"]


def test_other_key_releases_held_keys() -> None:
    wedge = WedgeDecoder()
    wedge.key("a", 0.0, "a")
    assert wedge.other_key().forward == ["a"]


def test_scan_text_is_exact() -> None:
    wedge = WedgeDecoder()
    type_keys(wedge, " A b ", 0.0, 0.002)
    assert wedge.enter(0.012).scan == " A b "


def test_time_going_backwards_ends_the_run_instead_of_joining_it() -> None:
    wedge = WedgeDecoder()
    type_keys(wedge, "ABCD", 100.0, 0.002)
    result = wedge.key("E", 0.5)  # the X server's millisecond counter wrapped
    assert result.scan == "ABCD"
    assert wedge.pending


def test_suffix_long_after_the_burst_is_a_persons_key() -> None:
    wedge = WedgeDecoder(silence=0.1)
    type_keys(wedge, "ABCD", 0.0, 0.002)
    result = wedge.enter(0.5)
    assert result.pass_enter and result.scan is None and result.forward == list("ABCD")


def test_keys_released_too_early_are_reclaimed_by_the_next_keys_time() -> None:
    """The first key waited alone (the next one stalled on its way), so it went to a person;
    the next key's own time says it followed within max_interval: take it back."""
    wedge = WedgeDecoder()
    wedge.key("T", 0.000, "T")
    assert wedge.poll(0.080).forward == ["T"]  # the GUI thread saw nothing for 80 ms
    result = wedge.key("K", 0.002, "K")  # typed 2 ms after the T, delivered late
    assert result.reclaim == ["T"] and not result.forward
    for i, ch in enumerate("T-0001"):
        wedge.key(ch, 0.004 + 0.002 * i)
    assert wedge.enter(0.020).scan == "TKT-0001"


def test_a_persons_keys_are_never_reclaimed() -> None:
    wedge = WedgeDecoder()
    wedge.key("a", 0.0, "a")
    assert wedge.poll(0.05).forward == ["a"]
    assert wedge.key("b", 0.15, "b").reclaim == []  # 150 ms later: a person


def test_after_a_suffix_was_seen_silence_waits_longer() -> None:
    wedge = WedgeDecoder(silence=0.1, suffix_grace=1.0)
    type_keys(wedge, "ABCDEF", 0.0, 0.002)
    assert wedge.poll(0.2).scan == "ABCDEF"  # no suffix seen yet: 100 ms of silence
    type_keys(wedge, "GHIJKL", 1.0, 0.002)
    assert wedge.enter(1.012).scan == "GHIJKL"
    type_keys(wedge, "MNOP", 2.0, 0.002)
    assert wedge.poll(2.2).scan is None  # a stalled GUI thread, not the end of the code
    type_keys(wedge, "QR", 2.008, 0.002)
    assert wedge.enter(2.012).scan == "MNOPQR"
    type_keys(wedge, "STUV", 3.0, 0.002)
    assert wedge.poll(4.1).scan == "STUV"  # the suffix never came: taken after the grace
