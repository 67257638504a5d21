"""The README's deployment section keeps up with the code."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from kiosk.doctor import doctor_groups
from kiosk.settings import settings_reference

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def load_table_module():
    spec = importlib.util.spec_from_file_location(
        "settings_table", ROOT / "packaging" / "settings_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_settings_table_is_up_to_date():
    check = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "settings_table.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_settings_table_has_every_key_with_its_default():
    table = load_table_module()
    for key, default, _doc in settings_reference():
        assert f"| `{key}` | `{table.toml_value(default)}` |" in README, key


def test_the_check_notices_a_stale_table():
    table = load_table_module()
    stale = README.replace("| `scanning.mode` |", "| `scanning.moed` |")
    assert table.with_table(stale) != stale
    assert table.with_table(README) == README


def test_every_doctor_check_is_documented(paths):
    section = README[README.index("## Deployment and operations") :]
    for group in doctor_groups(paths):
        for name in group.names:
            assert f"`{name}`" in section, name


def test_deployment_section_covers_the_essentials():
    section = README[README.index("## Deployment and operations") :]
    for needle in (
        "systemctl --user enable",
        "schtasks",
        "Restart=always",
        "scanId",
        "Revoke",
        "kiosk logs",
        "kiosk doctor",
        "[door_hook]",
        "KIOSK_SKIP_BUNDLE_TEST",
        "Visual C++",
    ):
        assert needle in section, needle


def test_settings_table_rows_are_single_lines():
    table = load_table_module().render_table().splitlines()
    assert len(table) == 2 + len(settings_reference())
    assert all(line.startswith("| `") and line.endswith(" |") for line in table[2:])
