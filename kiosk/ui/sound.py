"""Accepted / rejected sounds, so staff hear the verdict while looking at the queue.

QSoundEffect plays short WAVs with low latency. A kiosk without speakers (or the tests,
offscreen) must still run: with no audio output the sounds are simply not played.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

from kiosk.resources import resource_path
from kiosk.settings import SoundSettings

log = logging.getLogger(__name__)

ACCEPTED = "accepted"
REJECTED = "rejected"


class Sounds(QObject):
    def __init__(self, settings: SoundSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effects: dict[str, QSoundEffect] = {}
        self.played: list[str] = []  # what was asked for, for the status log and the tests
        self.available = bool(QMediaDevices.audioOutputs())
        if not self.available:
            log.info("No audio output found; verdict sounds are off.")
        else:
            for name in (ACCEPTED, REJECTED):
                effect = QSoundEffect(self)
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
