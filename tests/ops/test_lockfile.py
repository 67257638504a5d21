"""packaging/requirements.lock is what a fresh machine installs (packaging/dev.sh): every
dependency pyproject.toml names is pinned there to a version it allows, every pin carries the
hashes of its files (so pip installs the very files CI tested, not a re-upload), and the lock
names nothing pyproject.toml has stopped asking for. When this fails: run packaging/lock.sh."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "packaging" / "requirements.lock"
FIX = "run packaging/lock.sh and commit packaging/requirements.lock"


def _lock_digest() -> Any:
    """packaging/lock_digest.py by path: ``packaging`` is also the PyPI library's name."""
    spec = importlib.util.spec_from_file_location("lock_digest", LOCK.parent / "lock_digest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


digest_line = _lock_digest().digest_line


def wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [
        Requirement(text)
        for text in [*project["dependencies"], *extras["dev"], *extras["packaging"]]
    ]


def requirement_lines(text: str) -> list[str]:
    """Each ``name==version ; marker`` line, without the `` \\`` that continues it to its hashes."""
    return [
        line.removesuffix("\\").strip()
        for line in text.splitlines()
        if line and line[0] not in "# -"
    ]


def pinned(text: str) -> dict[str, tuple[Version, Marker | None]]:
    """name -> (version, environment marker) of each ``name==version ; marker`` line."""
    pins = {}
    for line in requirement_lines(text):
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{line!r} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = (Version(spec.version), requirement.marker)
    return pins


def direct(text: str) -> set[str]:
    """The packages the lock says it holds because pyproject.toml asks for them."""
    names, current = set(), ""
    for line in text.splitlines():
        if line and line[0] not in "# ":
            current = canonicalize_name(Requirement(line.removesuffix("\\").strip()).name)
        elif re.search(r"#\s+(via\s+)?kiosk \(pyproject\.toml\)", line):
            names.add(current)
    return names


def disagreements(requirements: list[Requirement], lock: str) -> list[str]:
    pins = pinned(lock)
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(pins[name][0], prereleases=True):
            problems.append(f"the lock pins {name}=={pins[name][0]}, outside {requirement}")
    asked = {canonicalize_name(r.name) for r in requirements}
    problems += [
        f"the lock still pins {name}, which pyproject.toml no longer names"
        for name in sorted(direct(lock) - asked)
    ]
    return problems


def test_the_lock_pins_what_pyproject_asks_for() -> None:
    assert not disagreements(wanted(), LOCK.read_text(encoding="utf-8")), FIX


def unhashed(text: str) -> list[str]:
    """The pins not followed by at least one ``--hash=sha256:`` line."""
    lines, missing = text.splitlines(), []
    for number, line in enumerate(lines):
        if line and line[0] not in "# -":
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if not (line.endswith("\\") and following.strip().startswith("--hash=sha256:")):
                missing.append(line.removesuffix("\\").strip())
    return missing


def test_every_pin_carries_its_hashes() -> None:
    """pip turns on --require-hashes for the whole install when the lock holds hashes."""
    assert not unhashed(LOCK.read_text(encoding="utf-8")), FIX


def test_a_pin_without_hashes_is_found() -> None:
    lock = LOCK.read_text(encoding="utf-8")
    assert unhashed(lock + "requests==2.32.0\n    # via kiosk (pyproject.toml)\n") == [
        "requests==2.32.0"
    ]


def test_the_lock_was_made_from_this_pyproject() -> None:
    """Catches what pins alone cannot: a new extra (httpx[http2]) or marker on a dependency."""
    first = LOCK.read_text(encoding="utf-8").splitlines()[0]
    assert first == digest_line(), FIX


def test_the_digest_changes_with_an_extra(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"graphql-core>=' in text
    pyproject.write_text(
        text.replace('"graphql-core>=', '"graphql-core[extra]>='), encoding="utf-8"
    )
    assert digest_line(pyproject) != digest_line()


def test_a_disagreement_is_found() -> None:
    """The check itself: a new dependency, a tightened range and a dropped one all fail."""
    lock = LOCK.read_text(encoding="utf-8")
    requirements = wanted()
    added = [*requirements, Requirement("requests>=2")]
    assert disagreements(added, lock) == ["requests>=2 is not in the lock"]
    numpy = pinned(lock)["numpy"][0]
    tightened = [Requirement(f"numpy>{numpy}") if r.name == "numpy" else r for r in requirements]
    assert [p for p in disagreements(tightened, lock) if "outside" in p]
    dropped = [r for r in requirements if r.name != "tomli-w"]
    assert disagreements(dropped, lock) == [
        "the lock still pins tomli-w, which pyproject.toml no longer names"
    ]


def test_dev_sh_installs_the_lock_then_the_kiosk_without_dependencies() -> None:
    script = (ROOT / "packaging" / "dev.sh").read_text(encoding="utf-8")
    assert 'pip install -q -r "$lock"' in script and "--no-deps -e ." in script
    assert "lock=packaging/requirements.lock" in script
