"""Several kiosk processes opening one brand-new journal at the same moment (the screen,
`kiosk scan` and `kiosk sync` started together on a fresh data folder): each must find the
journal migrated once, never "table scans already exists"."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENER = """
import sys, time
from pathlib import Path
from kiosk.journal import Journal
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
with Journal(Path(sys.argv[1])) as journal:
    print(journal.problem or "ok", flush=True)
"""


def test_processes_opening_a_new_journal_together_all_get_it(tmp_path):
    for attempt in range(6):  # the race is a few milliseconds wide: give it chances
        folder = tmp_path / f"round-{attempt}"
        folder.mkdir()
        journal, go = folder / "journal.sqlite3", folder / "go"
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, str(journal), str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=REPO_ROOT,
            )
            for _ in range(4)
        ]
        time.sleep(1.5)  # every opener imported the kiosk and waits for the word
        go.touch()
        for opener in openers:
            out, err = opener.communicate(timeout=60)
            assert opener.returncode == 0 and out.strip() == "ok", (out, err[-600:])
        assert not list(folder.glob("*.corrupt-*")), "a healthy new journal was moved aside"
