"""SIGKILL ``kiosk scan`` at random while it redeems single-use passes (voiding each with
updatePass after its scan event), repeatedly; then ``kiosk sync``.

Afterwards every pass whose redeem was printed is voided on the server, with exactly one
updatePass each: a kill between the steps resumes the right step, and a kill after the server
voided the pass but before the journal said so is recognised (the step re-reads the pass).
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

from kiosk.demo.passes import guest_pass
from tests.cli.test_scan_crash import _wait_for_first_line
from tests.conftest import REPO_ROOT

ROUNDS = 4
CODES_PER_ROUND = 120  # enough work that a kill lands mid-round on a fast machine


@pytest.mark.slow
def test_sigkill_between_scan_event_and_void_never_loses_or_repeats_a_void(
    run_cli, credentials, demo_server, paths, tmp_path
):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for number in range(ROUNDS * CODES_PER_ROUND):
        demo_server.state.add_pass(guest_pass(number))
    # One scan per upload request: batched uploads finish a round before the kill comes,
    # and the window between a scan event and its void step is what this test is after.
    paths.settings_file.write_text(
        '[scanning]\nmode = "redeem"\nredeem_voids_pass = true\n[upload]\nbatch_size = 1\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("KIOSK_DATA_DIR", None)
    printed: list[dict[str, object]] = []
    kills = between = 0
    for round_number in range(ROUNDS):
        codes = [
            guest_pass(round_number * CODES_PER_ROUND + n).code for n in range(CODES_PER_ROUND)
        ]
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
                    "--upload-seconds",
                    "20",
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
            proc.stdin.close()
            _wait_for_first_line(out_file, proc)
            time.sleep(rng.uniform(0.0, 1.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        between += _voids_owed_after_their_event(paths.journal_file)
        for line in out_file.read_bytes().splitlines():
            try:
                printed.append(json.loads(line))
            except ValueError:
                pass
    assert kills >= ROUNDS // 2, f"the process finished before it was killed (seed {seed})"

    synced = run_cli("sync", "--json", "--timeout", "60")
    assert synced.returncode == 0, (synced.stdout, synced.stderr, seed)

    conn = sqlite3.connect(paths.journal_file)
    try:
        accepted = {
            row[0]: row[1]
            for row in conn.execute("SELECT scan_id, code FROM scans WHERE verdict = 'valid'")
        }
        open_steps = conn.execute(
            "SELECT count(*) FROM follow_ups WHERE state != 'done'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert open_steps == 0, f"void steps left undone (seed {seed})"
    updates = collections.Counter(u.pass_id for u in demo_server.state.pass_updates)
    passes = {p.code: p for p in demo_server.state.passes.values()}
    for verdict in printed:
        if verdict["verdict"] == "valid":
            assert verdict["scan_id"] in accepted
    for code in accepted.values():
        assert passes[code].voided, f"{code} redeemed but never voided (seed {seed})"
        assert updates[passes[code].id] == 1, f"{code}: {updates[passes[code].id]} updatePass"
    assert sum(updates.values()) == len(accepted)
    assert all(event.voided is None for event in demo_server.state.events())
    print(
        f"seed {seed}: {kills} kills, {len(accepted)} voided, {len(printed)} printed, "
        f"{between} voids left between the steps by a kill"
    )


def _voids_owed_after_their_event(journal_file) -> int:
    """Void steps a kill left behind although their scan event was already confirmed."""
    conn = sqlite3.connect(journal_file)
    try:
        return conn.execute(
            "SELECT count(*) FROM follow_ups f JOIN scans s USING (scan_id)"
            " WHERE s.upload_state = 'uploaded' AND f.state = 'pending'"
        ).fetchone()[0]
    finally:
        conn.close()


def test_three_syncs_at_once_void_each_pass_once(credentials, demo_server, paths):
    """Several processes on one data folder: the upload lock covers the void steps too."""
    from kiosk.scanning.service import ScanService
    from kiosk.settings import Settings

    settings = Settings().with_changes(
        scanning={"mode": "redeem", "redeem_voids_pass": True}, upload={"refresh_per_minute": 0}
    )
    codes = []
    for number in range(60):
        demo_server.state.add_pass(guest_pass(number))
        codes.append(guest_pass(number).code)
    with ScanService(paths, credentials, settings, background=False) as service:
        assert all(service.scan(code).accepted for code in codes)  # queued, none sent
    paths.settings_file.write_text(
        '[scanning]\nmode = "redeem"\nredeem_voids_pass = true\n', encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("KIOSK_DATA_DIR", None)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk",
                "--data-dir",
                str(paths.data_dir.parent),
                "sync",
                "--json",
                "--timeout",
                "60",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO_ROOT,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), outputs
    assert len(demo_server.state.events()) == len(codes)
    updates = collections.Counter(u.pass_id for u in demo_server.state.pass_updates)
    assert sorted(updates) == sorted(guest_pass(n).id for n in range(60))
    assert set(updates.values()) == {1}
