"""The digest of what pyproject.toml asks for, which packaging/lock.sh writes into the lock's
first line and tests/ops/test_lockfile.py compares: any change to a dependency, its extras,
its version range or its markers makes them differ until the lock is regenerated.

    python3 packaging/lock_digest.py   prints the first line of the lock
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("dev", "packaging")  # the extras packaging/dev.sh installs (lock.sh --extra ...)
PREFIX = "# pyproject.toml dependencies: sha256 "


def requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return [*project["dependencies"], *(r for extra in EXTRAS for r in extras.get(extra, []))]


def digest_line(pyproject: Path = ROOT / "pyproject.toml") -> str:
    text = "\n".join(sorted(" ".join(r.split()) for r in requirements(pyproject)))
    return PREFIX + hashlib.sha256(text.encode()).hexdigest()


if __name__ == "__main__":
    print(digest_line())
