"""Exactly one createScanEvent per accepted scan, across processes on one data folder.

Real ``kiosk`` processes against the demo server over HTTP count the server's calls per
scanId; a property test drives scan/sync/kill interleavings of several scan services on one
folder (each with its own journal connection and lock file descriptor, as processes have).
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer, DemoState
from kiosk.demo.passes import guest_pass
from kiosk.journal.lock import UploadLock
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings
from tests.conftest import REPO_ROOT


class SlowRecordingState(DemoState):
    """Takes a little time per createScanEvent, so concurrent uploaders really overlap."""

    delay = 0.03

    def createScanEvent(self, info, input):  # the schema names the resolver
        time.sleep(self.delay)
        return super().createScanEvent(info, input)


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("KIOSK_DATA_DIR", None)
    return env


def _kiosk(data_dir: Path, *args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        cwd=REPO_ROOT,
    )


def _queue_offline(data_dir: Path, server: DemoServer, numbers: range) -> None:
    """Scan codes while the server is down, so they wait in the journal."""
    server.stop()
    proc = _kiosk(data_dir, "scan", "--upload-seconds", "0", *(guest_pass(n).code for n in numbers))
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    server.start()


def _per_scan_id(server: DemoServer) -> collections.Counter[str]:
    return collections.Counter(str(e.data["scanId"]) for e in server.state.events())


@pytest.fixture
def slow_server():
    state = SlowRecordingState.seeded()
    for number in range(200):
        state.add_pass(guest_pass(number))
    with DemoServer(state) as server:
        yield server


@pytest.fixture
def folder(tmp_path, slow_server):
    data_dir = tmp_path / "kiosk"
    paths = resolve_paths(data_dir).ensure()
    provision(paths.device_file, slow_server.url, DEMO_WORKSPACE_TOKEN, "door-1")
    return data_dir


@pytest.mark.parametrize("processes", [2, 3])
def test_concurrent_syncs_send_each_scan_once(folder, slow_server, processes):
    """Issue 14 #1: two `kiosk sync` at once sent 40 calls for 20 scans."""
    _queue_offline(folder, slow_server, range(20))
    running = [_kiosk(folder, "sync", "--json") for _ in range(processes)]
    outputs = [proc.communicate(timeout=120) for proc in running]
    assert all(proc.returncode == 0 for proc in running), outputs
    counts = _per_scan_id(slow_server)
    assert len(counts) == 20 and set(counts.values()) == {1}, counts
    reported = [int(out.split('"uploaded": ')[1].split(",")[0]) for out, _ in outputs]
    assert sum(reported) == 20


def test_a_running_scanner_and_two_syncs_send_each_scan_once(folder, slow_server):
    """Issue 14 #1: `kiosk scan -` plus `kiosk sync` sent 32 of 40 scans twice."""
    _queue_offline(folder, slow_server, range(100, 120))
    scanner = _kiosk(folder, "scan", "--json", "--upload-seconds", "30", "-", stdin=subprocess.PIPE)
    assert scanner.stdin is not None
    syncs: list[subprocess.Popen[str]] = []
    for number in range(20):
        scanner.stdin.write(guest_pass(number).code + "\n")
        scanner.stdin.flush()
        if number in (3, 11):
            syncs.append(_kiosk(folder, "sync", "--json"))
        time.sleep(0.05)
    scanner.stdin.close()
    scanner.stdin = None  # communicate() must not flush the closed pipe
    results = [proc.communicate(timeout=120) for proc in [scanner, *syncs]]
    assert scanner.returncode == 0, results[0][1]
    final = _kiosk(folder, "sync", "--json")
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, (out, err)
    counts = _per_scan_id(slow_server)
    assert len(counts) == 40 and set(counts.values()) == {1}, counts


def test_sync_next_to_an_uploading_process_waits_and_says_so(folder, slow_server):
    _queue_offline(folder, slow_server, range(5))
    journal_file = resolve_paths(folder).journal_file
    lock = UploadLock(journal_file.with_name(journal_file.name + ".upload-lock"))
    with lock.held() as got:  # this test process plays the screen in an upload round
        assert got
        sync = _kiosk(folder, "sync", "--json", "--timeout", "60")
        deadline = time.monotonic() + 60
        assert sync.stderr is not None
        line = sync.stderr.readline()  # blocks until it says it waits
        assert f"kiosk process {os.getpid()} is uploading" in line and "waiting" in line
        assert time.monotonic() < deadline and sync.poll() is None
    out, err = sync.communicate(timeout=120)
    assert sync.returncode == 0 and '"uploaded": 5' in out, (out, err)


@pytest.mark.slow
def test_syncs_killed_at_random_resend_only_inside_the_window(folder, slow_server):
    """Three syncs at once, one SIGKILLed at a random instant, round after round: a scan
    reaches the server twice only when a kill fell inside the window, at most one batch
    per upload request in flight of the killed process (upload.concurrency = 2 keeps one
    of its two slots for the door; a batch holds up to upload.batch_size scans, here the
    whole round of 40)."""
    import random
    import signal

    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    kills = 0
    for round_number in range(4):
        _queue_offline(folder, slow_server, range(round_number * 40, round_number * 40 + 40))
        running = [_kiosk(folder, "sync", "--json") for _ in range(3)]
        time.sleep(rng.uniform(0.3, 1.5))
        victim = rng.choice(running)
        if victim.poll() is None:
            victim.send_signal(signal.SIGKILL)
            kills += 1
        for proc in running:
            proc.communicate(timeout=120)
    final = _kiosk(folder, "sync", "--json")
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, (out, err, seed)
    counts = _per_scan_id(slow_server)
    assert len(counts) == 160, seed
    twice = [scan_id for scan_id, count in counts.items() if count > 1]
    batch = min(40, Settings().upload.batch_size)
    assert max(counts.values()) <= 2 and len(twice) <= kills * batch, (twice, kills, seed)


# --- the property ------------------------------------------------------------------------------


class Killed(BaseException):
    """Stands for SIGKILL at one exact instant (a real kill cannot be aimed that well)."""


actions = st.lists(
    st.one_of(
        st.tuples(st.just("scan"), st.integers(0, 2), st.integers(1, 3)),
        st.tuples(st.just("sync"), st.integers(0, 2)),
        st.tuples(
            st.just("kill"), st.integers(0, 2), st.sampled_from(["before-send", "after-answer"])
        ),
        st.tuples(st.just("join")),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_any_interleaving_sends_each_scan_at_most_once_outside_the_window(slow_server, steps):
    """Three "processes" on one data folder scan, sync concurrently and die at exact points;
    afterwards each scanId reached the server once, plus once more only for each kill that
    fell between the server's answer and the journal update (the documented window)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = resolve_paths(Path(tmp) / "kiosk").ensure()
        creds = provision(paths.device_file, slow_server.url, DEMO_WORKSPACE_TOKEN, "door-p")
        quick = Settings().with_changes(
            upload={"max_backoff_seconds": 1.0}, scanning={"lookup_timeout_seconds": 5.0}
        )
        services: dict[int, ScanService] = {}
        threads: list[threading.Thread] = []
        in_window: collections.Counter[str] = collections.Counter()
        accepted: set[str] = set()
        codes = iter(range(1000))
        base = len(slow_server.state.events())

        def service(index: int) -> ScanService:
            if index not in services:
                services[index] = ScanService(paths, creds, quick, background=False)
            return services[index]

        def run_sync(target: ScanService) -> None:
            try:
                target.sync(20)
            except Killed:
                pass

        def kill(index: int, where: str) -> None:
            target = services.pop(index, None)
            if target is None:
                return
            if where == "before-send":

                def dead_send(*args, **kwargs):
                    raise Killed

                target._upload_client.create_scan_event = dead_send
            else:

                def dead_after_answer(scan_id, event_id, now):
                    in_window[scan_id] += 1
                    raise Killed

                target.journal.mark_uploaded = dead_after_answer
            runner = threading.Thread(target=run_sync, args=(target,))
            runner.start()
            runner.join(60)
            target.close()

        for step in steps:
            if step[0] == "scan":
                for _ in range(step[2]):
                    verdict = service(step[1]).scan(guest_pass(100 + next(codes) % 90).code)
                    if verdict.kind.value == "valid":
                        accepted.add(str(verdict.scan_id))
            elif step[0] == "sync":
                thread = threading.Thread(target=run_sync, args=(service(step[1]),))
                thread.start()
                threads.append(thread)
            elif step[0] == "kill":
                kill(step[1], step[2])
            else:
                for thread in threads:
                    thread.join(60)
        for thread in threads:
            thread.join(60)
        for target in services.values():
            target.close()
        with ScanService(paths, creds, quick, background=False) as last:
            last.sync(30)
            assert last.status().pending == 0
        events = slow_server.state.events()[base:]
        counts = collections.Counter(str(e.data["scanId"]) for e in events)
        assert set(counts) == accepted
        for scan_id, count in counts.items():
            assert count <= 1 + in_window[scan_id], (scan_id, count, steps)
