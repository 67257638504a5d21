"""Words shown in more than one place (verdict names, pass types, upload states) and how
times and dates are written, all through Qt's translation system.

Each ``translate`` call spells its context and text out literally so pyside6-lupdate finds it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from kiosk.scanning.verdict import Verdict, VerdictKind

translate = QCoreApplication.translate  # lupdate finds translate("Context", "text")



def verdict_word(verdict: Verdict) -> str:
    """The one word (or two) the queue reads from two metres."""
    if verdict.kind is VerdictKind.VALID and verdict.offline:
        return translate("Verdict", "ACCEPTED")
    return kind_word(verdict.kind)


def kind_word(kind: VerdictKind) -> str:
    return {
        VerdictKind.VALID: translate("Verdict", "VALID"),
        VerdictKind.VOIDED: translate("Verdict", "VOIDED"),
        VerdictKind.EXPIRED: translate("Verdict", "EXPIRED"),
        VerdictKind.UNKNOWN: translate("Verdict", "UNKNOWN"),
        VerdictKind.DUPLICATE: translate("Verdict", "ALREADY SCANNED"),
        VerdictKind.ERROR: translate("Verdict", "ERROR"),
    }[kind]


def kind_short(kind: VerdictKind) -> str:
    """History table wording (sentence case, not shouted)."""
    return {
        VerdictKind.VALID: translate("Verdict", "Valid"),
        VerdictKind.VOIDED: translate("Verdict", "Voided"),
        VerdictKind.EXPIRED: translate("Verdict", "Expired"),
        VerdictKind.UNKNOWN: translate("Verdict", "Unknown"),
        VerdictKind.DUPLICATE: translate("Verdict", "Already scanned"),
        VerdictKind.ERROR: translate("Verdict", "Error"),
    }[kind]


def pass_type_name(pass_type: str | None) -> str:
    names = {
        "eventTicket": translate("PassType", "Event ticket"),
        "loyaltyCard": translate("PassType", "Loyalty card"),
        "coupon": translate("PassType", "Coupon"),
        "storeCard": translate("PassType", "Store card"),
        "boardingPass": translate("PassType", "Boarding pass"),
        "generic": translate("PassType", "Pass"),
    }
    return names.get(pass_type or "", pass_type or "")


def upload_state_name(state: str) -> str:
    return {
        "not-needed": translate("Upload", "not sent"),
        "pending": translate("Upload", "waiting"),
        "uploaded": translate("Upload", "uploaded"),
        "failed": translate("Upload", "failed"),
    }.get(state, state)


def mode_name(mode: str) -> str:
    return {
        "entry": translate("Mode", "ENTRY"),
        "reward": translate("Mode", "REWARD"),
        "redeem": translate("Mode", "REDEEM"),
    }.get(mode, mode.upper())


def points_text(points: int) -> str:
    """E.g. "+10 points": what this scan posted (a minus sign when redeeming)."""
    if points >= 0:
        return translate("Points", "+%n point(s)", "", points)
    return translate("Points", "\u2212%n point(s)", "", -points)


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def clock(moment: datetime | None, seconds: bool = True) -> str:
    """Local wall-clock time, 24-hour (what a door supervisor's watch shows)."""
    if moment is None:
        return "—"
    return local(moment).strftime("%H:%M:%S" if seconds else "%H:%M")


def long_date(moment: datetime | None) -> str:
    """e.g. "1 January 2024" / "1 stycznia 2024" in the screen's language."""
    if moment is None:
        return "—"
    day = local(moment)
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")


def when(moment: datetime | None, now: datetime | None = None) -> str:
    """Time today, or date and time for an older moment."""
    if moment is None:
        return "—"
    now = local(now or datetime.now(UTC))
    day = local(moment)
    if day.date() == now.date():
        return clock(moment)
    return f"{long_date(moment)} {clock(moment, seconds=False)}"


def ago(moment: datetime, now: datetime | None = None) -> str:
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    if seconds < 60:
        return translate("Time", "%n second(s) ago", "", seconds)
    if seconds < 3600:
        return translate("Time", "%n minute(s) ago", "", seconds // 60)
    return translate("Time", "%n hour(s) ago", "", seconds // 3600)


def shorten_code(code: str, keep: int = 18) -> str:
    """Long codes (signed JWTs, URLs) cut in the middle: the start and end identify them."""
    if len(code) <= keep:
        return code
    return f"{code[: keep - 7]}…{code[-6:]}"
