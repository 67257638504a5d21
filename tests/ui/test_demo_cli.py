"""``kiosk demo`` as a newcomer runs it: within ten seconds valid, voided, expired and
unknown verdicts are on screen and uploads happened; SIGTERM ends it cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

from tests.conftest import REPO_ROOT


def _status(data_dir) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "status", "--json"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    return json.loads(out.stdout)


def test_demo_shows_each_verdict_uploads_and_stops_on_sigterm(tmp_path):
    data_dir = tmp_path / "demo"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_DATA_DIR", None)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    log_file = data_dir / "logs" / "kiosk.log"
    seen: set[str] = set()
    try:
        while time.monotonic() - started < 10.0:
            if log_file.exists():
                seen = set(re.findall(r"verdict=(\w+)", log_file.read_text()))
            if {"valid", "voided", "expired", "unknown"} <= seen:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        assert {"valid", "voided", "expired", "unknown"} <= seen, seen
        deadline = time.monotonic() + 10
        while _status(data_dir)["last_sync"] is None:
            assert time.monotonic() < deadline, "no upload reached the demo server"
            time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Admin PIN: 1234" in out
    assert "Traceback" not in err


def test_plain_kiosk_starts_the_screen_and_stops_on_sigterm(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    try:
        time.sleep(3)
        assert proc.poll() is None, proc.communicate()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Kiosk screen closed." in (tmp_path / "logs" / "kiosk.log").read_text()


def test_without_a_screen_it_says_so(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PYTHONPATH"] = str(REPO_ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path), "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert "No screen to show the kiosk on" in result.stderr
