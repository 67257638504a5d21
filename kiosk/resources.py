"""Finding shipped resources (icons, sounds, translations) wherever the kiosk runs from.

Every lookup goes through :func:`resource_path`, so a checkout, a pip install and a
PyInstaller bundle (Linux or Windows) all work without a path written anywhere else.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

SHARE_SUBDIR = Path("share") / "tiketo-kiosk" / "resources"


@cache
def resources_root() -> Path:
    """The folder holding icons/, sounds/ and translations/."""
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")  # a checkout
    candidates.append(Path(sys.prefix) / SHARE_SUBDIR)  # pip install (data-files)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("The kiosk's resources folder is missing; reinstall the kiosk.")


def resource_path(*parts: str) -> Path:
    """Path of one shipped resource, e.g. ``resource_path("sounds", "accepted.wav")``."""
    return resources_root().joinpath(*parts)
