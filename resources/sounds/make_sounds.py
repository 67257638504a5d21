"""Generate the kiosk's verdict sounds: ``python resources/sounds/make_sounds.py``.

The WAVs are committed; this script is how they were made, so anyone can change them without
an audio editor. Accepted is a short rising major chime (friendly, done in 0.3 s so the next
person can step up); rejected is two low buzzes (unmistakable in a noisy foyer, even for
someone who cannot see the screen). 16-bit mono 44.1 kHz PCM: QSoundEffect plays it anywhere.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 44_100
HERE = Path(__file__).resolve().parent


def _envelope(samples: int, attack: float = 0.005, release: float = 0.04) -> np.ndarray:
    env = np.ones(samples)
    a, r = int(RATE * attack), int(RATE * release)
    env[:a] = np.linspace(0, 1, a)
    env[-r:] = np.linspace(1, 0, r)
    return env


def _tone(freq: float, seconds: float, harmonics: tuple[float, ...] = (1.0,)) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    wave_ = sum(amp * np.sin(2 * np.pi * freq * (i + 1) * t) for i, amp in enumerate(harmonics))
    return wave_ * _envelope(len(t)) / sum(harmonics)


def accepted() -> np.ndarray:
    notes = (1046.5, 1318.5, 1568.0)  # C6 E6 G6
    return np.concatenate([_tone(f, 0.09, (1.0, 0.3)) for f in notes])


def rejected() -> np.ndarray:
    buzz = _tone(196.0, 0.16, (1.0, 0.6, 0.45, 0.3, 0.2))  # G3, square-ish
    gap = np.zeros(int(RATE * 0.07))
    return np.concatenate([buzz, gap, buzz])


def write_wav(path: Path, signal: np.ndarray, level: float = 0.8) -> None:
    pcm = np.clip(signal * level * 32767, -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def main() -> None:
    write_wav(HERE / "accepted.wav", accepted())
    write_wav(HERE / "rejected.wav", rejected())


if __name__ == "__main__":
    main()
