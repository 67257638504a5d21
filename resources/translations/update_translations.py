"""Refresh the translation sources and compile them (run after changing any screen text):

    python resources/translations/update_translations.py

1. pyside6-lupdate collects every ``self.tr()`` / ``translate()`` text of kiosk/ui into
   ``kiosk_en.ts`` and ``kiosk_pl.ts`` (existing translations are kept).
2. English needs only its plural forms ("%n scan(s)" -> "1 scan" / "2 scans"); they are
   filled in here. Polish is translated by hand in the .ts (Qt Linguist, or any editor).
3. pyside6-lrelease compiles each .ts into the .qm the kiosk loads.

tests/ui/test_translations.py fails when a text is missing from a .ts, untranslated in
Polish, or when a .qm is older than its .ts.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LANGUAGES = {"en": "en_GB", "pl": "pl_PL"}


def tool(name: str) -> str:
    """pyside6-lupdate / -lrelease next to this Python (the venv), else on PATH."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "kiosk" / "ui").rglob("*.py"))


def lupdate(ts: Path, target: str) -> None:
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *sources(),
            "-ts",
            str(ts),
            "-target-language",
            target,
            "-locations",
            "none",
            "-no-obsolete",
            "-silent",
        ],
        cwd=ROOT,
        check=True,
    )


def fill_english_plurals(ts: Path) -> None:
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        if message.get("numerus") != "yes":
            continue
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        forms = translation.findall("numerusform")
        singular = re.sub(r"\((s|es)\)", "", source)
        plural = re.sub(r"\((s|es)\)", r"\1", source)
        for form, text in zip(forms, (singular, plural), strict=False):
            form.text = text
        translation.attrib.pop("type", None)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def lrelease(ts: Path) -> None:
    subprocess.run(
        [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
        check=True,
    )


def main() -> None:
    for language, target in LANGUAGES.items():
        ts = HERE / f"kiosk_{language}.ts"
        lupdate(ts, target)
        if language == "en":
            fill_english_plurals(ts)
        lrelease(ts)


if __name__ == "__main__":
    main()
