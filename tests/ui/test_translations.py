"""Every text of the screens is in both catalogues, Polish is complete, and switching the
language in Admin changes what the screen says at once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.resources import resource_path
from tests.ui.conftest import PIN

TRANSLATIONS = resource_path("translations")


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    return {(context.findtext("name") or "", message.findtext("source") or ""): message
            for context in tree.iter("context") for message in context.iter("message")}


@pytest.fixture(scope="module")
def fresh_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], ET.Element]:
    """What pyside6-lupdate finds in kiosk/ui today."""
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    if not tool.exists():
        tool = Path(shutil.which("pyside6-lupdate") or "pyside6-lupdate")
    root = Path(__file__).resolve().parents[2]
    ts = tmp_path_factory.mktemp("ts") / "fresh.ts"
    sources = sorted(str(p) for p in (root / "kiosk" / "ui").rglob("*.py"))
    subprocess.run([str(tool), *sources, "-ts", str(ts), "-silent"], check=True)
    return _messages(ts)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_catalogue_holds_every_text(fresh_sources, language):
    shipped = _messages(TRANSLATIONS / f"kiosk_{language}.ts")
    missing = sorted(set(fresh_sources) - set(shipped))
    assert not missing, ("run resources/translations/update_translations.py; missing: "
                         f"{missing}")
    assert ("", "") not in fresh_sources  # a translate() without a context never matches


def test_polish_is_complete():
    unfinished = [source for (_, source), message in
                  _messages(TRANSLATIONS / "kiosk_pl.ts").items()
                  if message.find("translation").get("type") == "unfinished"]
    assert not unfinished


@pytest.mark.parametrize("language", ["en", "pl"])
def test_compiled_catalogue_is_current(language, tmp_path):
    tool = Path(sys.executable).parent / "pyside6-lrelease"
    compiled = tmp_path / "fresh.qm"
    subprocess.run([str(tool), "-silent", str(TRANSLATIONS / f"kiosk_{language}.ts"), "-qm",
                    str(compiled)], check=True)
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
