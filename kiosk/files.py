"""Writing files that must survive a crash mid-write and stay private to the owner."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kiosk.paths import make_private_dir


def write_private_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: mode 0600 from the first byte, never half-written."""
    make_private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
