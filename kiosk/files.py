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


def unsafe_reason(path: Path) -> str | None:
    """Why another user could have written ``path`` (so it must not be trusted), or None.

    Like ssh with its keys: a file or folder owned by another user (root excepted), or one
    that group or others may write, is refused. Existing only; Windows is not checked.
    """
    if os.name != "posix":
        return None
    try:
        found = path.stat()
    except OSError:
        return None
    me = os.geteuid()
    kind = "folder" if path.is_dir() else "file"
    mode = "700" if kind == "folder" else "600"
    if found.st_uid not in (me, 0):
        return (
            f"the {kind} {path} belongs to {user_name(found.st_uid)}, not to {user_name(me)}; "
            f"if it is yours, fix it with: sudo chown {user_name(me)} {path} && "
            f"chmod {mode} {path}"
        )
    if found.st_mode & 0o022:
        return (
            f"the {kind} {path} can be changed by other users (mode "
            f"{found.st_mode & 0o777:o}); fix it with: chmod {mode} {path}"
        )
    return None


def user_name(uid: int) -> str:
    """The login name of ``uid`` for messages (``user 1234`` when it has none)."""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"user {uid}"
