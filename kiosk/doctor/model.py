"""One doctor check's answer: a status, what was found, and what to do about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(enum.StrEnum):
    OK = "ok"
    WARN = "warn"  # the kiosk works, but something deserves attention before the doors open
    FAIL = "fail"  # scanning (or uploading) will not work until this is fixed


@dataclass(frozen=True)
class CheckResult:
    check: str
    status: Status
    detail: str  # what was found, one sentence
    advice: str = ""  # what to do, one sentence ("" when there is nothing to do)

    def to_json(self) -> dict[str, str]:
        return {
            "check": self.check,
            "status": self.status.value,
            "detail": self.detail,
            "advice": self.advice,
        }


def ok(check: str, detail: str, advice: str = "") -> CheckResult:
    return CheckResult(check, Status.OK, detail, advice)


def warn(check: str, detail: str, advice: str) -> CheckResult:
    return CheckResult(check, Status.WARN, detail, advice)


def fail(check: str, detail: str, advice: str) -> CheckResult:
    return CheckResult(check, Status.FAIL, detail, advice)


def short_reason(exc: BaseException) -> str:
    """One exception in a line short enough for a doctor's detail."""
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
