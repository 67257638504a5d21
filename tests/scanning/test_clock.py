"""The wall clock moving while the kiosk runs: backoff on the monotonic clock, re-entry
windows that never stretch past their length, future-stamped scans that still upload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.demo.passes import guest_pass
from kiosk.scanning.verdict import VerdictKind
from tests.scanning.conftest import wait_for


class SteppedClock:
    """The real time plus an offset the test moves, like an NTP step or an admin's typo."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


def test_a_clock_stepped_back_during_an_outage_does_not_delay_the_return(
    make_service, demo_server, clock
):
    """Issue 14 #7: stepped back 6 h, the next probe was 21,598 s away."""
    service = make_service(clock=clock)
    demo_server.stop()
    service.scan(guest_pass(1).code)
    assert not service.status().online
    clock.offset = -timedelta(hours=6)
    demo_server.start()
    wait_for(lambda: service.status().online, timeout=15)  # max backoff 1 s in these tests
    wait_for(lambda: service.status().pending == 0)
    status = service.status()
    assert status.next_retry_at is None or status.next_retry_at - clock() < timedelta(minutes=1)


def test_scans_made_a_day_ahead_still_upload_and_do_not_block_reentry(
    make_service, demo_server, clock
):
    """Issue 14 #7: after a day-ahead clock was corrected the guest stayed DUPLICATE and
    the future-stamped scans were skipped by the background upload."""
    service = make_service(clock=clock)
    codes = [guest_pass(n).code for n in range(1, 4)]
    for number in range(1, 4):
        demo_server.state.add_pass(guest_pass(number))
    demo_server.stop()
    clock.offset = timedelta(days=1)
    for code in codes:
        assert service.scan(code).kind is VerdictKind.VALID
    clock.offset = timedelta(0)
    demo_server.start()
    wait_for(lambda: len(demo_server.state.events()) == 3, timeout=15)
    wait_for(lambda: service.status().pending == 0)
    again = service.scan(codes[0])
    assert again.kind is VerdictKind.VALID and not again.offline
    assert service.scan(codes[0]).kind is VerdictKind.DUPLICATE  # the real re-entry is caught


def test_a_small_step_back_still_catches_a_reentry(make_service, demo_server, clock):
    service = make_service(clock=clock)
    code = guest_pass(7).code
    demo_server.state.add_pass(guest_pass(7))
    assert service.scan(code).kind is VerdictKind.VALID
    clock.offset = -timedelta(minutes=3)
    assert service.scan(code).kind is VerdictKind.DUPLICATE
