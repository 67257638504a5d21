"""Sound is optional: without QtMultimedia the kiosk plays nothing, says so once, and scans.

The real failure (libpulse.so.0 missing) is reproduced in tests/desktop/test_no_sound_x11.py
with a mount namespace; this test runs everywhere: in a child process the QtMultimedia import
fails (``sys.modules`` entry set to None, so ``import`` raises ImportError like the loader).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import REPO_ROOT

CHILD = textwrap.dedent("""
    import json, logging, sys
    sys.modules["PySide6.QtMultimedia"] = None  # the import now fails like a missing library
    records = []
    logging.basicConfig(level=logging.INFO, handlers=[logging.Handler()])
    logging.getLogger().handlers[0].emit = lambda r: records.append(r.getMessage())
    from PySide6.QtWidgets import QApplication
    from kiosk.settings import SoundSettings
    from kiosk.ui.sound import ACCEPTED, Sounds
    app = QApplication([])
    first, second = Sounds(SoundSettings()), Sounds(SoundSettings())
    first.play(ACCEPTED)
    print(json.dumps({"available": first.available, "problem": first.problem,
                      "played": first.played, "warnings": records}))
""")


def test_sounds_without_qtmultimedia_are_silent_with_one_warning() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["available"] is False and found["played"] == ["accepted"]
    assert "QtMultimedia cannot load" in found["problem"]
    assert [w for w in found["warnings"] if "sounds are off" in w] == [found["problem"]]
