"""What can be set: each ``[section]`` of settings.toml as a frozen dataclass, and Settings.

A field's metadata is its documentation (``doc``, the README's settings table) and what a
value must be (``choices``, ``range``, ``each``, a ``check``), which the loader in
:mod:`kiosk.settings.toml_file` enforces. Every class is frozen: a change is a new object
(:meth:`Settings.with_changes`), so whoever holds settings can trust them not to move.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.settings.checks import door_hook_problem, wallet_message_problem

MODES = ("entry", "reward", "redeem")
OFFLINE_POLICIES = ("accept", "reject")
VOID_WITH = ("update-pass", "scan-event")
LANGUAGES = ("en", "pl")
BARCODE_FORMATS = (
    "QRCode",
    "Aztec",
    "PDF417",
    "Code128",
    "DataMatrix",
    "EAN13",
    "EAN8",
    "Code39",
    "Code93",
    "ITF",
    "UPCA",
    "UPCE",
    "Codabar",
)


def _choice(*values: str) -> dict[str, Any]:
    return {"choices": values}


def _range(low: float, high: float) -> dict[str, Any]:
    return {"range": (low, high)}


@dataclass(frozen=True)
class ScanningSettings:
    mode: str = field(
        default="entry",
        metadata={
            "doc": "entry (door check-in), reward (adds points) or redeem (takes points)",
            **_choice(*MODES),
        },
    )
    entry_points: int = field(
        default=0, metadata={"doc": "points posted with an entry scan", **_range(0, 1_000_000)}
    )
    reward_points: int = field(
        default=10, metadata={"doc": "points added by a reward scan", **_range(0, 1_000_000)}
    )
    redeem_points: int = field(
        default=10,
        metadata={
            "doc": "points taken by a redeem scan (sent as a negative amount)",
            **_range(0, 1_000_000),
        },
    )
    redeem_voids_pass: bool = field(
        default=False, metadata={"doc": "redeem voids a single-use pass instead of taking points"}
    )
    void_with: str = field(
        default="update-pass",
        metadata={
            "doc": "how a redeem voids a pass: update-pass (updatePass, the documented way, a "
            "step after the scan event) or scan-event (voided: true on the scan event)",
            **_choice(*VOID_WITH),
        },
    )
    wallet_message: str = field(
        default="",
        metadata={
            "doc": "message put on the holder's wallet pass after an accepted reward or redeem "
            "scan, e.g. '{points} points added at {device}' (also {mode}, {pass}); off "
            "when empty",
            "check": wallet_message_problem,
        },
    )
    reentry_window_minutes: float = field(
        default=10.0,
        metadata={
            "doc": "the same code accepted again within this many minutes is ALREADY SCANNED",
            **_range(0, 7 * 24 * 60),
        },
    )
    offline_policy: str = field(
        default="accept",
        metadata={
            "doc": "a pass never seen before while offline: accept or reject",
            **_choice(*OFFLINE_POLICIES),
        },
    )
    lookup_timeout_seconds: float = field(
        default=3.0,
        metadata={
            "doc": "how long a pass lookup may take before the scan is decided offline",
            **_range(0.5, 30),
        },
    )
    max_code_length: int = field(
        default=4096,
        metadata={
            "doc": "longer codes are refused (no wallet barcode holds more)",
            **_range(16, 65536),
        },
    )


@dataclass(frozen=True)
class CameraSettings:
    device: str = field(
        default="0",
        metadata={
            "doc": "camera index (0, 1, ...) or a name fragment, e.g. 'Logitech'; also "
            "'synthetic' (rendered demo passes) or 'file:PATH' (a video or image folder)"
        },
    )
    width: int = field(default=1280, metadata={"doc": "requested frame width", **_range(160, 7680)})
    height: int = field(
        default=720, metadata={"doc": "requested frame height", **_range(120, 4320)}
    )
    fps: int = field(default=30, metadata={"doc": "requested frames per second", **_range(1, 120)})
    formats: tuple[str, ...] = field(
        default=("QRCode", "Aztec", "PDF417", "Code128", "DataMatrix", "EAN13"),
        metadata={"doc": "barcode formats read from live frames", "each": BARCODE_FORMATS},
    )
    confirmations: int = field(
        default=1,
        metadata={"doc": "frames a code must be read in before it counts", **_range(1, 10)},
    )
    hold_seconds: float = field(
        default=3.0,
        metadata={"doc": "after a verdict the same code is ignored this long", **_range(0, 60)},
    )
    thorough_budget_ms: float = field(
        default=30.0,
        metadata={
            "doc": "time a live frame may spend on the thorough path when the fast path reads "
            "nothing (0 turns it off)",
            **_range(0, 1000),
        },
    )
    reconnect_max_seconds: float = field(
        default=5.0,
        metadata={
            "doc": "longest wait between attempts to reopen a disconnected camera",
            **_range(0.5, 300),
        },
    )


@dataclass(frozen=True)
class ScannerSettings:
    """USB barcode scanners that type like a keyboard ("keyboard wedge")."""

    key_interval_ms: float = field(
        default=30.0,
        metadata={
            "doc": "keys closer together than this are a scanner, not a person",
            **_range(5, 200),
        },
    )
    silence_ms: float = field(
        default=100.0,
        metadata={
            "doc": "a scanner burst without Enter ends after this much silence",
            **_range(20, 2000),
        },
    )
    min_length: int = field(
        default=4,
        metadata={
            "doc": "shortest burst taken as a scan (shorter ones are a person typing)",
            **_range(1, 64),
        },
    )


@dataclass(frozen=True)
class ScreenSettings:
    verdict_seconds: float = field(
        default=3.0, metadata={"doc": "how long a verdict fills the screen", **_range(0.5, 60)}
    )
    verdict_hold_until_tap: bool = field(
        default=False, metadata={"doc": "keep the verdict until staff tap or press a key"}
    )
    fullscreen: bool = field(default=True, metadata={"doc": "start full-screen"})
    language: str = field(default="en", metadata={"doc": "en or pl", **_choice(*LANGUAGES)})
    hide_holder_names: bool = field(
        default=False, metadata={"doc": "do not show pass holders' names (privacy)"}
    )


@dataclass(frozen=True)
class SoundSettings:
    enabled: bool = field(default=True, metadata={"doc": "play accepted/rejected sounds"})
    volume: float = field(default=0.8, metadata={"doc": "0.0 to 1.0", **_range(0, 1)})


@dataclass(frozen=True)
class JournalSettings:
    retention_days: int = field(
        default=30, metadata={"doc": "uploaded scans older than this are pruned", **_range(1, 3650)}
    )
    max_entries: int = field(
        default=500_000,
        metadata={
            "doc": "uploaded scans beyond this count are pruned, oldest first",
            **_range(1000, 50_000_000),
        },
    )


@dataclass(frozen=True)
class UploadSettings:
    concurrency: int = field(
        default=2,
        metadata={
            "doc": "requests in flight at once, lookups and uploads together (from 2 on, one "
            "is kept for the door)",
            **_range(1, 16),
        },
    )
    max_backoff_seconds: float = field(
        default=300.0,
        metadata={"doc": "longest wait between retries while offline", **_range(1, 3600)},
    )
    refresh_per_minute: int = field(
        default=30,
        metadata={
            "doc": "cached passes re-read per minute while online and idle, so offline decisions "
            "stay fresh (0 turns it off)",
            **_range(0, 600),
        },
    )
    batch_size: int = field(
        default=100,
        metadata={
            "doc": "most scans sent in one request (halved while the server answers 413 or "
            "times out)",
            **_range(1, 500),
        },
    )


@dataclass(frozen=True)
class ApiSettings:
    ca_file: str = field(
        default="",
        metadata={
            "doc": "PEM file of certificate authorities to trust instead of the built-in ones "
            "(a venue proxy's CA); empty: the built-in ones"
        },
    )
    http2: bool = field(default=True, metadata={"doc": "use HTTP/2 when the server offers it"})
    keep_warm_seconds: float = field(
        default=20.0,
        metadata={
            "doc": "a quiet connection gets a tiny request after this long, so the next scan "
            "does not pay for a new TLS connection (0: off)",
            **_range(0, 3600),
        },
    )


@dataclass(frozen=True)
class DoorHookSettings:
    command: str = field(
        default="",
        metadata={
            "doc": "run on each accepted scan with the verdict as JSON on stdin (off when empty)",
            "check": lambda value: door_hook_problem("command", value),
        },
    )
    url: str = field(
        default="",
        metadata={
            "doc": "POST the verdict JSON here on each accepted scan (off when empty); plain "
            "http only inside the venue network",
            "check": lambda value: door_hook_problem("url", value),
        },
    )
    timeout_seconds: float = field(
        default=5.0,
        metadata={"doc": "a hook taking longer is stopped and logged", **_range(0.1, 60)},
    )


@dataclass(frozen=True)
class AdminSettings:
    pin_hash: str = field(
        default="",
        metadata={"doc": "hash of the admin PIN, set at provisioning (never the PIN itself)"},
    )


@dataclass(frozen=True)
class Settings:
    scanning: ScanningSettings = field(default_factory=ScanningSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    screen: ScreenSettings = field(default_factory=ScreenSettings)
    sound: SoundSettings = field(default_factory=SoundSettings)
    journal: JournalSettings = field(default_factory=JournalSettings)
    upload: UploadSettings = field(default_factory=UploadSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    door_hook: DoorHookSettings = field(default_factory=DoorHookSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)

    def with_changes(self, **sections: Mapping[str, Any]) -> Settings:
        """A new Settings with some values changed; this one stays as it is.

        ``settings.with_changes(scanning={"mode": "redeem"}, screen={"fullscreen": False})``

        Settings are never changed in place: whoever holds one (the running scan service, the
        Admin form, the camera) can rely on it not changing underneath, and a change reaches
        the others only when it is handed to them as a new object. An unknown section or key
        raises TypeError naming it, so a typo cannot pass as a change that never happens.
        """
        names = {f.name for f in dataclasses.fields(self)}
        replaced: dict[str, Any] = {}
        for name, values in sections.items():
            if name not in names:
                raise TypeError(f"Unknown settings section [{name}]")
            section = getattr(self, name)
            known = {f.name for f in dataclasses.fields(section)}
            unknown = [key for key in values if key not in known]
            if unknown:
                raise TypeError(f"Unknown setting {name}.{unknown[0]}")
            replaced[name] = dataclasses.replace(section, **values)
        return dataclasses.replace(self, **replaced)
