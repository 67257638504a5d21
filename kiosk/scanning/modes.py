"""What an accepted scan posts: the mode, the points and whether it voids the pass.

The kiosk's settings give the defaults; a pass's ``project.scanConfig`` (JSON) can override
them per project with these keys (anything else, or a value of the wrong type, is ignored):

=========================  =========  =============================================
key                        type       meaning
=========================  =========  =============================================
``mode``                   text       ``entry``, ``reward`` or ``redeem``
``entryPoints``            integer    points posted by an entry scan (>= 0)
``rewardPoints``           integer    points added by a reward scan (>= 0)
``redeemPoints``           integer    points taken by a redeem scan (>= 0, sent negative)
``redeemVoidsPass``        boolean    a redeem voids the pass instead of taking points
``reentryWindowMinutes``   number     same code accepted again within it is a duplicate
=========================  =========  =============================================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kiosk.scanning.verdict import ScanMode
from kiosk.settings import ScanningSettings

MAX_POINTS = 1_000_000
MODE_VALUES = frozenset(m.value for m in ScanMode)
MAX_WINDOW_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class ScanPolicy:
    """The effective rules for one scan, after scanConfig overrides."""

    mode: ScanMode
    entry_points: int
    reward_points: int
    redeem_points: int
    redeem_voids_pass: bool
    reentry_window: timedelta

    @property
    def points(self) -> int:
        """Signed points an accepted scan posts (negative when redeeming)."""
        if self.mode is ScanMode.REWARD:
            return self.reward_points
        if self.mode is ScanMode.REDEEM:
            return 0 if self.redeem_voids_pass else -self.redeem_points
        return self.entry_points

    @property
    def voids_pass(self) -> bool:
        return self.mode is ScanMode.REDEEM and self.redeem_voids_pass


def policy_from_settings(scanning: ScanningSettings) -> ScanPolicy:
    return ScanPolicy(
        mode=ScanMode(scanning.mode),
        entry_points=int(scanning.entry_points),
        reward_points=int(scanning.reward_points),
        redeem_points=int(scanning.redeem_points),
        redeem_voids_pass=bool(scanning.redeem_voids_pass),
        reentry_window=timedelta(minutes=float(scanning.reentry_window_minutes)),
    )


def effective_policy(scanning: ScanningSettings, scan_config: dict[str, Any] | None) -> ScanPolicy:
    """The settings' policy with the scanConfig keys the kiosk understands applied."""
    base = policy_from_settings(scanning)
    config = scan_config or {}
    mode = config.get("mode")
    window = _number(config.get("reentryWindowMinutes"), MAX_WINDOW_MINUTES)
    return ScanPolicy(
        mode=ScanMode(mode) if isinstance(mode, str) and mode in MODE_VALUES else base.mode,
        entry_points=_points(config.get("entryPoints"), base.entry_points),
        reward_points=_points(config.get("rewardPoints"), base.reward_points),
        redeem_points=_points(config.get("redeemPoints"), base.redeem_points),
        redeem_voids_pass=(
            config["redeemVoidsPass"]
            if isinstance(config.get("redeemVoidsPass"), bool)
            else base.redeem_voids_pass
        ),
        reentry_window=timedelta(minutes=window) if window is not None else base.reentry_window,
    )


def _points(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POINTS:
        return default
    return value


def _number(value: Any, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value <= high:  # also rejects NaN
        return None
    return float(value)
