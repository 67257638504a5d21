"""Colours and sizes for a screen read from two metres away, in one place.

Sizes are written for a 1024x600 window and scaled with the window, so a counter tablet and
a 1080p entrance monitor show the same layout with proportionally larger type. The
stylesheet lives in ``resources/styles/kiosk.qss``; ``@px(N)`` there means "N pixels at
1024x600".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor

from kiosk.resources import resource_path
from kiosk.scanning.verdict import VerdictKind

BASE_WIDTH, BASE_HEIGHT = 1024, 600
_PX = re.compile(r"@px\((\d+(?:\.\d+)?)\)")


@dataclass(frozen=True)
class VerdictColours:
    background: QColor
    text: QColor


# White on dark green/red passes WCAG AA for large text with margin; amber carries black text.
GREEN = VerdictColours(QColor("#146C2E"), QColor("#FFFFFF"))
RED = VerdictColours(QColor("#B3131B"), QColor("#FFFFFF"))
AMBER = VerdictColours(QColor("#FFB000"), QColor("#111111"))
SLATE = VerdictColours(QColor("#2B3440"), QColor("#FFFFFF"))

VERDICT_COLOURS: dict[VerdictKind, VerdictColours] = {
    VerdictKind.VALID: GREEN,
    VerdictKind.VOIDED: RED,
    VerdictKind.EXPIRED: RED,
    VerdictKind.UNKNOWN: RED,
    VerdictKind.DUPLICATE: AMBER,
    VerdictKind.ERROR: SLATE,
}

ONLINE_COLOUR = QColor("#2FB457")
OFFLINE_COLOUR = QColor("#FF5A4F")


def scale_for(width: int, height: int) -> float:
    """How much bigger than the 1024x600 design this window is (never below 0.75)."""
    return max(0.75, min(width / BASE_WIDTH, height / BASE_HEIGHT))


@cache
def _stylesheet_template() -> str:
    return resource_path("styles", "kiosk.qss").read_text(encoding="utf-8")


def stylesheet(scale: float) -> str:
    """The kiosk stylesheet with every ``@px(N)`` scaled for this window."""
    return _PX.sub(lambda m: f"{round(float(m.group(1)) * scale)}px", _stylesheet_template())


def px(size: float, scale: float) -> int:
    return max(1, round(size * scale))
