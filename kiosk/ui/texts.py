"""Words shown in more than one place (verdict names, pass types, upload states) and how
times and dates are written, all through Qt's translation system."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate, QLocale, QObject

from kiosk.journal.states import UploadState
from kiosk.scanning.verdict import Verdict, VerdictKind


class Texts(QObject):
    """The shared words. A QObject so every text is a ``self.tr()`` call (context "Texts"):
    pyside6-lupdate reads those reliably, plural forms included."""

    def kind_word(self, kind: VerdictKind) -> str:
        return {
            VerdictKind.VALID: self.tr("VALID"),
            VerdictKind.VOIDED: self.tr("VOIDED"),
            VerdictKind.EXPIRED: self.tr("EXPIRED"),
            VerdictKind.UNKNOWN: self.tr("UNKNOWN"),
            VerdictKind.DUPLICATE: self.tr("ALREADY SCANNED"),
            VerdictKind.ERROR: self.tr("ERROR"),
        }[kind]

    def accepted_offline(self) -> str:
        return self.tr("ACCEPTED")

    def kind_short(self, kind: VerdictKind) -> str:
        return {
            VerdictKind.VALID: self.tr("Valid"),
            VerdictKind.VOIDED: self.tr("Voided"),
            VerdictKind.EXPIRED: self.tr("Expired"),
            VerdictKind.UNKNOWN: self.tr("Unknown"),
            VerdictKind.DUPLICATE: self.tr("Already scanned"),
            VerdictKind.ERROR: self.tr("Error"),
        }[kind]

    def pass_type_name(self, pass_type: str) -> str:
        return {
            "eventTicket": self.tr("Event ticket"),
            "loyaltyCard": self.tr("Loyalty card"),
            "coupon": self.tr("Coupon"),
            "storeCard": self.tr("Store card"),
            "boardingPass": self.tr("Boarding pass"),
            "generic": self.tr("Pass"),
        }.get(pass_type, pass_type)

    def upload_state_name(self, state: UploadState) -> str:
        return {
            UploadState.NOT_NEEDED: self.tr("not sent"),
            UploadState.PENDING: self.tr("waiting"),
            UploadState.UPLOADED: self.tr("uploaded"),
            UploadState.REJECTED: self.tr("rejected"),
            UploadState.HELD: self.tr("kept for its device"),
        }.get(state, state)

    def mode_name(self, mode: str) -> str:
        return {
            "entry": self.tr("ENTRY"),
            "reward": self.tr("REWARD"),
            "redeem": self.tr("REDEEM"),
        }.get(mode, mode.upper())

    def points_added(self, points: int) -> str:
        return self.tr("+%n point(s)", "", points)

    def points_taken(self, points: int) -> str:
        return self.tr("\u2212%n point(s)", "", points)

    def seconds_ago(self, seconds: int) -> str:
        return self.tr("%n second(s) ago", "", seconds)

    def minutes_ago(self, minutes: int) -> str:
        return self.tr("%n minute(s) ago", "", minutes)

    def hours_ago(self, hours: int) -> str:
        return self.tr("%n hour(s) ago", "", hours)


_TEXTS: Texts | None = None


def _texts() -> Texts:
    global _TEXTS
    if _TEXTS is None:
        _TEXTS = Texts()
    return _TEXTS


def verdict_word(verdict: Verdict) -> str:
    """The one word (or two) the queue reads from two metres."""
    if verdict.kind is VerdictKind.VALID and verdict.offline:
        return _texts().accepted_offline()
    return kind_word(verdict.kind)


def kind_word(kind: VerdictKind) -> str:
    return _texts().kind_word(kind)


def kind_short(kind: VerdictKind) -> str:
    """History table wording (sentence case, not shouted)."""
    return _texts().kind_short(kind)


def pass_type_name(pass_type: str | None) -> str:
    return _texts().pass_type_name(pass_type) if pass_type else ""


def upload_state_name(state: UploadState) -> str:
    return _texts().upload_state_name(state)


def mode_name(mode: str) -> str:
    return _texts().mode_name(mode)


def points_text(points: int) -> str:
    """E.g. "+10 points": what this scan posted (a minus sign when redeeming)."""
    if points >= 0:
        return _texts().points_added(points)
    return _texts().points_taken(-points)


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
        return _texts().seconds_ago(seconds)
    if seconds < 3600:
        return _texts().minutes_ago(seconds // 60)
    return _texts().hours_ago(seconds // 3600)


def shorten_code(code: str, keep: int = 18) -> str:
    """Long codes (signed JWTs, URLs) cut in the middle: the start and end identify them."""
    if len(code) <= keep:
        return code
    return f"{code[: keep - 7]}…{code[-6:]}"
