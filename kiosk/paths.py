"""Every file location the kiosk uses, from platformdirs, overridable with one folder.

``--data-dir PATH`` (or ``KIOSK_DATA_DIR``) puts config, data and logs under PATH so that
several kiosks, the demo and the tests can run side by side without touching each other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tiketo-kiosk"
DATA_DIR_ENV = "KIOSK_DATA_DIR"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def device_file(self) -> Path:
        """Device credentials (holds the token): owner-only."""
        return self.config_dir / "device.json"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def journal_file(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "kiosk.log"

    def ensure(self) -> Paths:
        """Create the folders, readable by the owner only (they hold tokens and scan codes).

        An existing config folder others may write is left as it is: the kiosk then refuses
        to use it (see :func:`kiosk.files.unsafe_reason`) rather than trust what is in it.
        """
        make_private_dir(self.config_dir, tighten=False)
        for folder in (self.data_dir, self.log_dir):
            make_private_dir(folder)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """Paths from an explicit folder, else ``$KIOSK_DATA_DIR``, else the platform's places."""
    root = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV) or None
    if root is not None:
        base = Path(root).expanduser().resolve()
        return Paths(base / "config", base / "data", base / "logs")
    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def make_private_dir(folder: Path, *, tighten: bool = True) -> None:
    """Create ``folder`` (and missing parents) 0700 whatever the umask.

    ``mkdir``'s mode is filtered by the umask (a umask of 000 gave 0777 parents, which let
    another user swap the config folder), so each folder this creates is chmod-ed after.
    An existing folder of ours that group or others may enter is tightened; one we cannot
    change (another user's, a read-only filesystem) is left for the checks that read it.
    """
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for item in reversed(missing):
        try:
            item.mkdir(mode=0o700)
        except FileExistsError:  # another process made it just now
            continue
        if os.name == "posix":
            item.chmod(0o700)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    if os.name == "posix" and not missing and tighten:
        found = folder.stat()
        if found.st_uid == os.geteuid() and found.st_mode & 0o077:
            try:
                folder.chmod(0o700)
            except OSError:
                pass
