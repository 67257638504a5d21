"""Loading the screen's language: Qt's translator with the .qm files in resources/translations.

English is the source language; kiosk_en.qm only adds its plural forms ("1 point",
"2 points"), so a missing English file still shows readable English. Switching at run time
removes the old translator and installs the new one; Qt then sends every widget a
LanguageChange event and each screen re-reads its texts in ``retranslate()``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from kiosk.resources import resource_path

log = logging.getLogger(__name__)

CATALOG = "kiosk"
SOURCE_LANGUAGE = "en"


class LanguageSwitcher:
    """Owns the installed QTranslator (Qt keeps no reference: it must stay alive)."""

    def __init__(self) -> None:
        self._translator: QTranslator | None = None
        self.language = SOURCE_LANGUAGE

    def remove(self) -> None:
        """Uninstall this switcher's translator (the kiosk is closing)."""
        app = QCoreApplication.instance()
        if self._translator is not None and app is not None:
            app.removeTranslator(self._translator)
        self._translator = None

    def apply(self, language: str) -> bool:
        """Show the screens in ``language``; False (and English) when it cannot be loaded."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("Create the QApplication before choosing a language.")
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
        self.language = SOURCE_LANGUAGE
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        translator = QTranslator()
        qm = resource_path("translations", f"{CATALOG}_{language}.qm")
        if not translator.load(str(qm)):
            log.warning("No translation for %r at %s; showing English.", language, qm)
            return language == SOURCE_LANGUAGE
        app.installTranslator(translator)
        self._translator = translator
        self.language = language
        QLocale.setDefault(QLocale(language))
        return True
