"""The clock check: this PC's clock against the server's ``Date`` header.

Pass expiry and the re-entry window are decided with this PC's clock, offline too, so a clock
that is wrong by minutes admits or refuses the wrong people; the check says by how much.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from kiosk.doctor.model import CheckResult, fail, ok, warn

CLOCK_WARN_SECONDS = 120.0
CLOCK_FAIL_SECONDS = 600.0
CLOCK_ADVICE = (
    "Turn on automatic date and time (NTP) on this PC: pass expiry and "
    "re-entry decisions use its clock."
)


def clock_result(date_header: str | None, local_time: float) -> CheckResult:
    """Compare this PC's clock with the server's ``Date`` header (1-second resolution)."""
    if not date_header:
        return warn(
            "clock", "The server sent no time, so the clock could not be compared.", CLOCK_ADVICE
        )
    try:
        server_time = parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return warn("clock", "The server's time could not be read.", CLOCK_ADVICE)
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=UTC)
    skew = local_time - server_time.timestamp()
    direction = "ahead of" if skew > 0 else "behind"
    amount = _duration(abs(skew))
    if abs(skew) > CLOCK_FAIL_SECONDS:
        return fail("clock", f"This PC's clock is {amount} {direction} the server's.", CLOCK_ADVICE)
    if abs(skew) > CLOCK_WARN_SECONDS:
        return warn("clock", f"This PC's clock is {amount} {direction} the server's.", CLOCK_ADVICE)
    local = datetime.fromtimestamp(local_time, UTC).strftime("%H:%M:%S UTC")
    return ok(
        "clock",
        f"This PC's clock ({local}) agrees with the server's (within {max(abs(skew), 1):.0f} s).",
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"
