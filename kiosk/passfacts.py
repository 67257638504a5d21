"""What the kiosk knows of a pass, whether the API just said it or the pass cache remembers it.

Its own Qt-free module so that the decision (kiosk/scanning/rules.py) and the journal's pass
cache (kiosk/journal/records.py) share one type without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PassFacts:
    """What a decision needs to know about a pass, from the API or from the cache."""

    pass_id: str
    holder: str | None
    voided: bool
    expires_at: datetime | None
    pass_type: str | None = None
    template_name: str | None = None
    scan_config: dict[str, Any] = field(default_factory=dict)
    project_id: str | None = None  # what the follow-up steps (void, message) need
    template_id: str | None = None
