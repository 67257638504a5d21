"""Typed kiosk settings in one human-readable TOML file (``settings.toml`` in the config dir).

A wrong value never stops the kiosk at the door: it is reported with its key name and the
default is used instead. Unknown keys are reported too (usually a typo). Each field's
``doc`` metadata is the documentation the README's settings table is generated from.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from kiosk.files import unsafe_reason, write_private_atomically

MODES = ("entry", "reward", "redeem")
OFFLINE_POLICIES = ("accept", "reject")
VOID_WITH = ("update-pass", "scan-event")
WALLET_MESSAGE_FIELDS = ("points", "device", "mode", "pass")
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


@dataclass
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
            "check": lambda value: _wallet_message_problem(value),
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


@dataclass
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
    formats: list[str] = field(
        default_factory=lambda: ["QRCode", "Aztec", "PDF417", "Code128", "DataMatrix", "EAN13"],
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


@dataclass
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


@dataclass
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


@dataclass
class SoundSettings:
    enabled: bool = field(default=True, metadata={"doc": "play accepted/rejected sounds"})
    volume: float = field(default=0.8, metadata={"doc": "0.0 to 1.0", **_range(0, 1)})


@dataclass
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


@dataclass
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


@dataclass
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


@dataclass
class DoorHookSettings:
    command: str = field(
        default="",
        metadata={
            "doc": "run on each accepted scan with the verdict as JSON on stdin (off when empty)",
            "check": lambda value: _door_hook_problem("command", value),
        },
    )
    url: str = field(
        default="",
        metadata={
            "doc": "POST the verdict JSON here on each accepted scan (off when empty); plain "
            "http only inside the venue network",
            "check": lambda value: _door_hook_problem("url", value),
        },
    )
    timeout_seconds: float = field(
        default=5.0,
        metadata={"doc": "a hook taking longer is stopped and logged", **_range(0.1, 60)},
    )


@dataclass
class AdminSettings:
    pin_hash: str = field(
        default="",
        metadata={"doc": "hash of the admin PIN, set at provisioning (never the PIN itself)"},
    )


@dataclass
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


@dataclass
class LoadedSettings:
    settings: Settings
    problems: list[str]  # one sentence per key that was wrong and replaced by its default


def load_settings(path: Path) -> LoadedSettings:
    """Read ``path``; a missing file gives the defaults, a broken one the defaults + a problem."""
    settings = Settings()
    for item in (path.parent, path):
        reason = unsafe_reason(item) if path.exists() else None
        if reason:  # its door_hook.command would run as this user
            return LoadedSettings(
                settings, [f"{path.name} is ignored and defaults are used: {reason}."]
            )
    try:
        return _parse(path, settings)
    except FileNotFoundError:
        return LoadedSettings(Settings(), [])
    except Exception as exc:  # any parse failure, RecursionError included: the defaults
        return LoadedSettings(
            Settings(),
            [
                f"{path.name} is unreadable ({type(exc).__name__}: {str(exc)[:200]}); "
                "using defaults."
            ],
        )


def _parse(path: Path, settings: Settings) -> LoadedSettings:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    for section_name, values in raw.items():
        if section_name not in sections and not isinstance(values, dict):
            problems.append(
                f"Setting {section_name} in {path.name} is outside any [section]; ignored."
            )
            continue
        if section_name not in sections:
            problems.append(f"Unknown section [{section_name}] in {path.name}; ignored.")
            continue
        if not isinstance(values, dict):
            problems.append(f"[{section_name}] in {path.name} must be a table; ignored.")
            continue
        _apply_section(getattr(settings, section_name), section_name, values, problems)
    return LoadedSettings(settings, problems)


def save_settings(path: Path, settings: Settings) -> None:
    """Write all settings (defaults included, so the file documents itself), atomically."""
    write_private_atomically(path, tomli_w.dumps(dataclasses.asdict(settings)))


def settings_reference() -> list[tuple[str, Any, str]]:
    """(key, default, meaning) for every setting: the README's table comes from this."""
    rows = []
    defaults = Settings()
    for section in dataclasses.fields(Settings):
        for item in dataclasses.fields(getattr(defaults, section.name)):
            default = (
                item.default_factory()
                if item.default_factory is not dataclasses.MISSING
                else item.default
            )
            rows.append((f"{section.name}.{item.name}", default, item.metadata.get("doc", "")))
    return rows


def _apply_section(
    section: Any, section_name: str, values: dict[str, Any], problems: list[str]
) -> None:
    known = {f.name: f for f in dataclasses.fields(section)}
    for key, value in values.items():
        item = known.get(key)
        name = f"{section_name}.{key}"
        if item is None:
            problems.append(f"Unknown setting {name}; ignored.")
            continue
        error = _check(item, value)
        if error:
            problems.append(f"Setting {name} {error}; using the default {getattr(section, key)!r}.")
            continue
        setattr(section, key, float(value) if item.type in (float, "float") else value)


def _check(item: dataclasses.Field[Any], value: Any) -> str | None:
    """Why ``value`` does not fit ``item``, or None when it does."""
    kind = item.type if isinstance(item.type, str) else getattr(item.type, "__name__", "")
    meta = item.metadata
    if kind == "bool":
        if not isinstance(value, bool):
            return "must be true or false"
    elif kind in ("int", "float"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (kind == "int" and not isinstance(value, int))
        ):
            return f"must be {'a whole number' if kind == 'int' else 'a number'}"
        low, high = meta.get("range", (float("-inf"), float("inf")))
        if not low <= value <= high:
            return f"must be between {low:g} and {high:g}"
    elif kind == "str":
        if not isinstance(value, str):
            return "must be text"
        if "choices" in meta and value not in meta["choices"]:
            return f"must be one of {', '.join(meta['choices'])}"
        if "check" in meta:
            problem: str | None = meta["check"](value)
            return problem
    elif kind.startswith("list"):
        allowed = meta.get("each", ())
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and (not allowed or v in allowed) for v in value)
        ):
            return f"must be a non-empty list of {', '.join(allowed) or 'text'}"
    return None


def _wallet_message_problem(value: str) -> str | None:
    """A template may only use the known fields, and must be one line a wallet can show."""
    import string

    if len(value) > 500 or "\n" in value:
        return "must be one line of at most 500 characters"
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        return f"is not a valid template ({exc})"
    unknown = [name for name in fields if name not in WALLET_MESSAGE_FIELDS]
    if unknown:
        return (
            f"uses unknown field {{{unknown[0]}}} (known: "
            + ", ".join("{" + f + "}" for f in WALLET_MESSAGE_FIELDS)
            + ")"
        )
    return None


def _door_hook_problem(kind: str, value: str) -> str | None:
    """Syntax only: whether the program exists is the doctor's question (PATH may differ)."""
    from kiosk.hooks.config import check_hook_command, check_hook_url  # imports httpx: lazily

    if kind == "url":
        return check_hook_url(value)
    return check_hook_command(value, need_program=False)
