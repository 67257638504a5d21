"""Every text of the screens is in both catalogues, Polish is complete, and switching the
language in Admin changes what the screen says at once."""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.resources import resource_path
from tests.ui.conftest import PIN

TRANSLATIONS = resource_path("translations")
ROOT = Path(__file__).resolve().parents[2]


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in tree.iter("context")
        for message in context.iter("message")
    }


def _tr_calls() -> set[tuple[str, str]]:
    """(class, text) of every ``self.tr("text", ...)`` in kiosk/ui, read with ast.

    Read independently of pyside6-lupdate, whose Python parser has skipped calls before: a
    text it missed would silently stay English in Polish.
    """
    found = set()
    for path in (ROOT / "kiosk" / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
                func = call.func
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr == "tr"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    found.add((cls.name, call.args[0].value))
    return found


def test_every_text_goes_through_self_tr():
    """Module-level translate() calls are not extracted reliably; keep to self.tr()."""
    for path in (ROOT / "kiosk" / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "translate(" not in text.replace("retranslate(", ""), path


@pytest.mark.parametrize("language", ["en", "pl"])
def test_catalogue_holds_every_text(language):
    shipped = _messages(TRANSLATIONS / f"kiosk_{language}.ts")
    calls = _tr_calls()
    assert len(calls) > 100
    missing = sorted(calls - set(shipped))
    assert not missing, f"run resources/translations/update_translations.py; missing: {missing}"
    numerus = {key for key, message in shipped.items() if message.get("numerus") == "yes"}
    assert {key for key in calls if "%n" in key[1]} == numerus


def test_polish_is_complete():
    unfinished = [
        source
        for (_, source), message in _messages(TRANSLATIONS / "kiosk_pl.ts").items()
        if message.find("translation").get("type") == "unfinished"
    ]
    assert not unfinished


@pytest.mark.parametrize("language", ["en", "pl"])
def test_compiled_catalogue_is_current(language, tmp_path):
    tool = Path(sys.executable).parent / "pyside6-lrelease"
    compiled = tmp_path / "fresh.qm"
    subprocess.run(
        [str(tool), "-silent", str(TRANSLATIONS / f"kiosk_{language}.ts"), "-qm", str(compiled)],
        check=True,
    )
    assert compiled.read_bytes() == (TRANSLATIONS / f"kiosk_{language}.qm").read_bytes()


def test_english_plurals(kiosk):
    from kiosk.ui import texts

    assert texts.points_text(1) == "+1 point"
    assert texts.points_text(10) == "+10 points"


def test_switching_to_polish_in_admin_changes_the_screen(qtbot, kiosk, paths):
    window = kiosk.window
    assert window.scanning.history_button.text() == "History"
    qtbot.mouseClick(window.scanning.admin_button, _left())
    assert window.current is window.pin
    window.pin.enter(PIN)
    assert window.current is window.admin
    admin = window.admin
    admin.language.setCurrentIndex(admin.language.findData("pl"))
    qtbot.mouseClick(admin.save, _left())
    qtbot.waitUntil(lambda: window.scanning.history_button.text() == "Historia", timeout=3000)
    assert window.status_bar.try_now.text() == "Spróbuj teraz"
    assert admin.save.text() == "Zapisz ustawienia"
    assert 'language = "pl"' in paths.settings_file.read_text()
    from kiosk.ui import texts

    assert texts.points_text(5) == "+5 punktów"
    admin.language.setCurrentIndex(admin.language.findData("en"))
    qtbot.mouseClick(admin.save, _left())
    qtbot.waitUntil(lambda: window.scanning.history_button.text() == "History", timeout=3000)


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
