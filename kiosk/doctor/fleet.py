"""The venue broker: reachable, TLS, credentials, a signed publish/subscribe round trip, the
clocks of the other kiosks (re-entry windows compare times written at different doors), and
whether the broker dropped messages at its queue limits (a kiosk catching up then misses
admissions without knowing; Mosquitto counts them in ``$SYS``, which the README's ACL lets
kiosks read; a broker that does not say is not guessed about)."""

from __future__ import annotations

import ipaddress

from kiosk.doctor.model import CheckResult, fail, ok, warn
from kiosk.fleet.config import FleetConfigError, load_fleet_config
from kiosk.fleet.probe import ProbeFailed, round_trip
from kiosk.fleet.status import STATUS_EVERY_SECONDS
from kiosk.paths import Paths

NAME = "broker"
CLOCK_WARN_SECONDS = 120 + STATUS_EVERY_SECONDS  # a status is up to one interval old
CLOCK_FAIL_SECONDS = 600 + STATUS_EVERY_SECONDS
JOIN_ADVICE = "Run 'kiosk fleet join' again with the venue's broker settings."


def broker_check(paths: Paths, timeout: float = 5.0) -> CheckResult:
    try:
        config = load_fleet_config(paths)
    except FleetConfigError as exc:
        return fail(NAME, str(exc), JOIN_ADVICE)
    if config is None:
        return ok(NAME, "Not in a venue fleet: this kiosk only knows its own admissions.")
    broker = config.broker
    try:
        trip = round_trip(config, timeout)
    except ProbeFailed as exc:
        return fail(
            NAME,
            str(exc),
            "Scanning still works; other doors will not learn this "
            "door's admissions until the broker is back (they are kept meanwhile).",
        )
    others = len(trip.clock_offsets)
    detail = (
        f"The broker {broker.display} answers{' over TLS' if trip.tls else ''}; a signed "
        f"message came back in {trip.seconds * 1000:.0f} ms; {others} other kiosk(s) "
        "connected."
    )
    warnings: list[tuple[str, str]] = []  # (what, what to do)
    worst = max(trip.clock_offsets.items(), key=lambda item: abs(item[1]), default=None)
    if worst is not None and abs(worst[1]) > CLOCK_WARN_SECONDS:
        name, offset = worst
        where = "ahead of" if offset > 0 else "behind"
        text = f"{name}'s clock is {abs(offset) / 60:.0f} min {where} this PC's."
        advice = (
            "Set every kiosk's clock from the network (NTP): a duplicate from another door "
            "is judged by the times both doors wrote."
        )
        if abs(offset) > CLOCK_FAIL_SECONDS:
            return fail(NAME, f"{detail} {text}", advice)
        warnings.append((text, advice))
    if trip.dropped:
        warnings.append(
            (
                f"The broker has dropped {trip.dropped} message(s) at its queue limits since "
                "it started: a kiosk catching up may have missed other doors' admissions.",
                "Set max_queued_messages as in the README's venue config and restart the "
                "broker (every kiosk then reads the retained admissions again).",
            )
        )
    if not trip.tls and not _loopback(broker.host):
        warnings.append(
            (
                "The connection is not encrypted.",
                "Fine on a closed venue network; use mqtts:// when the Wi-Fi is shared.",
            )
        )
    if warnings:
        return warn(
            NAME,
            " ".join([detail, *(text for text, _ in warnings)]),
            " ".join(advice for _, advice in warnings),
        )
    return ok(NAME, detail)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
