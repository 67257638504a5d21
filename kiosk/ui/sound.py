"""Accepted / rejected sounds, so staff hear the verdict while looking at the queue.

QSoundEffect plays short WAVs with low latency. Sound is a nicety: the door must never stay
shut because of it. QtMultimedia is imported only here, when the sounds are set up, and a
machine where it cannot load (pip install without PulseAudio's ``libpulse0``:
``ImportError: libpulse.so.0``) or that has no audio output runs silently, with one warning
in the log. ``kiosk doctor`` reports the same (``kiosk/doctor/display.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QUrl

from kiosk.resources import resource_path
from kiosk.settings import SoundSettings

log = logging.getLogger(__name__)

ACCEPTED = "accepted"
REJECTED = "rejected"

_warned = False  # the "no sound" warning is logged once per process, not per window


def load_multimedia() -> tuple[Any | None, str]:
    """The QtMultimedia module, or None and one sentence saying why it cannot load."""
    try:
        from PySide6 import QtMultimedia
    except (ImportError, OSError) as exc:  # a missing shared library, most often libpulse
        return None, str(exc).strip() or type(exc).__name__
    return QtMultimedia, ""


def missing_package_advice(reason: str) -> str:
    """What to install for a QtMultimedia load failure (Debian package names)."""
    if "libpulse" in reason:
        return "install PulseAudio's client library: sudo apt-get install libpulse0"
    return "reinstall the kiosk (PySide6-Addons provides QtMultimedia)"


class Sounds(QObject):
    def __init__(self, settings: SoundSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effects: dict[str, Any] = {}
        self.played: list[str] = []  # what was asked for, for the status log and the tests
        multimedia, reason = load_multimedia()
        if multimedia is None:
            self.available = False
            self.problem = (
                f"Verdict sounds are off: QtMultimedia cannot load ({reason}); "
                f"{missing_package_advice(reason)}."
            )
        else:
            self.available = bool(multimedia.QMediaDevices.audioOutputs())
            self.problem = (
                "" if self.available else "No audio output found; verdict sounds are off."
            )
        if multimedia is None or not self.available:
            _warn_once(self.problem)
        else:
            for name in (ACCEPTED, REJECTED):
                effect = multimedia.QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(resource_path("sounds", f"{name}.wav"))))
                self._effects[name] = effect
        self.configure(settings)

    def configure(self, settings: SoundSettings) -> None:
        self.enabled = settings.enabled
        self.volume = settings.volume
        for effect in self._effects.values():
            effect.setVolume(settings.volume)
            effect.setMuted(not settings.enabled)

    def play(self, name: str) -> None:
        if not self.enabled or self.volume <= 0:
            return
        self.played.append(name)
        del self.played[:-20]
        effect = self._effects.get(name)
        if effect is not None:
            effect.stop()
            effect.play()


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        log.warning("%s", message)
