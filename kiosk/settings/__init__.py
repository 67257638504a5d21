"""Typed kiosk settings in one human-readable TOML file (``settings.toml`` in the config dir).

Three jobs, one module each: :mod:`~kiosk.settings.sections` says what can be set (frozen
dataclasses whose metadata documents and bounds each key), :mod:`~kiosk.settings.checks`
whether a value fits, and :mod:`~kiosk.settings.toml_file` reads, writes and documents the
file. The rest of the kiosk imports from here only.
"""

from kiosk.settings.checks import WALLET_MESSAGE_FIELDS
from kiosk.settings.sections import (
    BARCODE_FORMATS,
    LANGUAGES,
    MODES,
    OFFLINE_POLICIES,
    VOID_WITH,
    AdminSettings,
    ApiSettings,
    CameraSettings,
    DoorHookSettings,
    JournalSettings,
    ScannerSettings,
    ScanningSettings,
    ScreenSettings,
    Settings,
    SoundSettings,
    UploadSettings,
)
from kiosk.settings.toml_file import (
    LoadedSettings,
    load_settings,
    save_settings,
    settings_reference,
)

__all__ = [
    "BARCODE_FORMATS",
    "LANGUAGES",
    "MODES",
    "OFFLINE_POLICIES",
    "VOID_WITH",
    "WALLET_MESSAGE_FIELDS",
    "AdminSettings",
    "ApiSettings",
    "CameraSettings",
    "DoorHookSettings",
    "JournalSettings",
    "LoadedSettings",
    "ScannerSettings",
    "ScanningSettings",
    "ScreenSettings",
    "Settings",
    "SoundSettings",
    "UploadSettings",
    "load_settings",
    "save_settings",
    "settings_reference",
]
