"""SIGKILL the scanning process at random points while it scans and uploads, repeatedly.

Afterwards every scan whose verdict was printed is in the journal, and after a sync on the
server; a scan reaches the server twice only with the same scanId (the kill fell between the
server's answer and the journal update).
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from kiosk.demo.passes import UNKNOWN_CODE, VOIDED_CODE, guest_pass
from tests.conftest import REPO_ROOT

ROUNDS = 6
CODES_PER_ROUND = 120


@pytest.mark.slow
def test_sigkill_during_scans_and_uploads_loses_nothing(
    run_cli, credentials, demo_server, paths, tmp_path
):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for number in range(ROUNDS * CODES_PER_ROUND):
        demo_server.state.add_pass(guest_pass(number))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("KIOSK_DATA_DIR", None)
    printed: list[dict[str, object]] = []
    kills = 0
    for round_number in range(ROUNDS):
        codes = [
            guest_pass(round_number * CODES_PER_ROUND + n).code for n in range(CODES_PER_ROUND)
        ]
        codes += [codes[0], VOIDED_CODE, UNKNOWN_CODE]  # a duplicate and two rejections
        rng.shuffle(codes)
        out_file = tmp_path / f"round-{round_number}.out"
        with out_file.open("wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kiosk",
                    "--data-dir",
                    str(paths.data_dir.parent),
                    "scan",
                    "--json",
                    "-",
                ],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=REPO_ROOT,
            )
            assert proc.stdin is not None
            proc.stdin.write("".join(code + "\n" for code in codes).encode())
            proc.stdin.flush()
            _wait_for_first_line(out_file, proc)
            time.sleep(rng.uniform(0.0, 2.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
            proc.stdin.close()
        for line in out_file.read_bytes().splitlines():
            try:
                printed.append(json.loads(line))
            except ValueError:
                pass  # the line the kill cut in half was never fully shown
    assert kills >= ROUNDS // 2, f"the process finished before it was killed (seed {seed})"
    assert printed, f"nothing was printed before the kills (seed {seed})"

    synced = run_cli("sync", "--json")
    assert synced.returncode == 0, (synced.stdout, synced.stderr, seed)

    conn = sqlite3.connect(paths.journal_file)
    try:
        journal = {
            row[0]: row[1:]
            for row in conn.execute("SELECT scan_id, verdict, upload_state FROM scans")
        }
    finally:
        conn.close()
    events = demo_server.state.events()
    on_server = collections.Counter(str(event.data["scanId"]) for event in events)
    for verdict in printed:
        scan_id = str(verdict["scan_id"])
        assert scan_id in journal, f"printed scan {scan_id} missing from the journal ({seed})"
        assert journal[scan_id][0] == verdict["verdict"]
        if verdict["verdict"] == "valid":
            assert on_server[scan_id] >= 1, f"accepted scan {scan_id} never uploaded ({seed})"
    accepted_in_journal = {sid for sid, (kind, _) in journal.items() if kind == "valid"}
    assert set(on_server) == accepted_in_journal  # nothing else reached the server
    assert all(state == "uploaded" for kind, state in journal.values() if kind == "valid")
    twice = [sid for sid, count in on_server.items() if count > 1]
    # At most one in-flight upload per worker (upload.concurrency = 2) can be re-sent per kill.
    assert len(twice) <= kills * 2, f"too many re-uploads {twice} ({seed})"
    print(
        f"seed {seed}: {kills} kills, {len(printed)} printed, {len(events)} events, "
        f"{len(twice)} re-sent"
    )
    by_code = collections.defaultdict(set)
    for event in events:
        by_code[event.code].add(event.data["scanId"])
    assert all(len(ids) == 1 for ids in by_code.values()), "a code was admitted twice"


def _wait_for_first_line(out_file, proc, limit: float = 30.0) -> None:
    """Start the random kill clock once scanning is under way, not while Python starts:
    on a busy machine start-up alone can outlast any fixed delay."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if b"\n" in out_file.read_bytes():
            return
        time.sleep(0.02)
