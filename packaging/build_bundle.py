"""Build the one-folder app with PyInstaller and smoke-test it, so packaging cannot rot.

    python packaging/build_bundle.py [--dist DIR] [--skip-build]

Runs on Linux and Windows (only the standard library and the dev environment). It builds
``packaging/kiosk.spec`` into DIR (default: a temporary folder), then runs the *bundled*
executable, never the checkout, from an empty working folder without PYTHONPATH:

- ``kiosk --version``
- ``kiosk decode`` on a generated QR image when the bundle has that command, otherwise
  ``kiosk status --json`` with a temporary ``--data-dir``
- the bundled demo server, ``kiosk provision`` against it, ``kiosk scan`` of a demo pass
  (journal and upload) and ``kiosk doctor --no-camera``: this exercises the GraphQL files,
  httpx, graphql-core, SQLite, Qt's platform plugins, zxing-cpp and the bundled libzbar
- ``kiosk logs --json``

It prints a table (build time, bundle size, each smoke result) and exits non-zero when the
build or any smoke test fails. Needs ``pip install -e ".[packaging]"``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "kiosk.spec"
SAMPLE_CODE = "TKT-VALID-0001"
DEMO_TOKEN = "demo-workspace-token"


@dataclass
class Step:
    name: str
    ok: bool
    seconds: float
    note: str = ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, help="build into this folder (kept afterwards)")
    parser.add_argument(
        "--skip-build",
        action="store_true",
        help="smoke-test an existing DIST/kiosk without rebuilding",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kiosk-bundle-") as scratch:
        dist = (args.dist or Path(scratch) / "dist").resolve()
        steps: list[Step] = []
        if not args.skip_build:
            steps.append(build(dist, Path(scratch) / "build"))
        app = dist / "kiosk"
        exe = app / ("kiosk.exe" if os.name == "nt" else "kiosk")
        if exe.exists():
            steps += smoke(exe, Path(scratch) / "smoke")
        else:
            steps.append(Step("bundle exists", False, 0.0, f"{exe} missing"))
        print_table(steps, app)
        return 0 if all(step.ok for step in steps) else 1


def build(dist: Path, work: Path) -> Step:
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-8000:])
    warnings = [line for line in proc.stdout.splitlines() if line.startswith("WARNING: lib")]
    return Step(
        "pyinstaller build",
        proc.returncode == 0,
        seconds,
        "; ".join(warnings) or f"exit {proc.returncode}",
    )


def smoke(exe: Path, scratch: Path) -> list[Step]:
    scratch.mkdir(parents=True, exist_ok=True)
    data_dir = scratch / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KIOSK_DATA_DIR")}
    env["QT_QPA_PLATFORM"] = "offscreen"

    def run(name: str, *args: str, expect: str = "", timeout: float = 120) -> tuple[Step, str]:
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [str(exe), *args],
                cwd=scratch,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return Step(name, False, time.monotonic() - started, "timed out"), ""
        seconds = time.monotonic() - started
        good = proc.returncode == 0 and expect in proc.stdout
        note = "" if good else f"exit {proc.returncode}: {(proc.stderr or proc.stdout)[-300:]}"
        return Step(name, good, seconds, note.strip()), proc.stdout

    steps = []
    step, _ = run("kiosk --version", "--version", expect="kiosk ")
    steps.append(step)
    _, help_text = run("kiosk --help", "--help")
    if re.search(r"\bdecode\b", help_text):
        image = scratch / "sample.png"
        write_sample(image)
        step, _ = run(
            "kiosk decode sample.png",
            "--data-dir",
            str(data_dir),
            "decode",
            str(image),
            expect=SAMPLE_CODE,
        )
    else:
        step, _ = run(
            "kiosk status --json",
            "--data-dir",
            str(data_dir),
            "status",
            "--json",
            expect='"provisioned"',
        )
        step.note = step.note or "no decode command in this build yet"
    steps.append(step)
    steps += doctor_against_bundled_demo(exe, data_dir, scratch, env, run)
    step, _ = run(
        "kiosk logs --json", "--data-dir", str(data_dir), "logs", "--json", expect='"log_file"'
    )
    steps.append(step)
    return steps


def doctor_against_bundled_demo(
    exe: Path, data_dir: Path, scratch: Path, env: dict[str, str], run
) -> list[Step]:
    """Start the bundle's demo server, provision against it, run doctor without a camera."""
    started = time.monotonic()
    server = subprocess.Popen(
        [str(exe), "demo", "--server-only"],
        cwd=scratch,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = None
        assert server.stdout is not None
        for line in server.stdout:
            match = re.match(r"Demo API server: (\S+)", line)
            if match:
                url = match.group(1)
                break
            if time.monotonic() - started > 60:
                break
        if url is None:
            return [
                Step("bundled demo server", False, time.monotonic() - started, "no URL printed")
            ]
        steps = [Step("bundled demo server", True, time.monotonic() - started, url)]
        step, _ = run(
            "kiosk provision",
            "--data-dir",
            str(data_dir),
            "provision",
            "--api-url",
            url,
            "--token",
            DEMO_TOKEN,
            "--name",
            "bundle-smoke",
        )
        steps.append(step)
        # a scan through the journal (SQLite) and the upload, all from the bundle
        step, _ = run(
            "kiosk scan TKT-VALID-0001",
            "--data-dir",
            str(data_dir),
            "scan",
            "--json",
            "--upload-seconds",
            "10",
            "TKT-VALID-0001",
            expect='"verdict": "valid"',
        )
        steps.append(step)
        step, out = run(
            "kiosk doctor --no-camera",
            "--data-dir",
            str(data_dir),
            "doctor",
            "--json",
            "--no-camera",
        )
        checks = {}
        for line in out.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            checks[item["check"]] = item["status"]
        # tls warns (plain http demo); screen warns (offscreen), which proves Qt and its
        # platform plugins load from the bundle: a missing plugin is a "fail"; sound warns on
        # a build machine without an audio output
        expected_warnings = {"tls", "screen", "sound"}
        not_ok = {
            k: v
            for k, v in checks.items()
            if v != "ok" and not (k in expected_warnings and v == "warn")
        }
        step.ok = (
            step.ok
            and not not_ok
            and checks.get("decoder.pyzbar") == "ok"
            and checks.get("screen") == "warn"
        )
        step.note = (
            f"{len(checks)} checks; not ok: {not_ok}"
            if not_ok
            else f"{len(checks)} checks ok (tls, screen warn: http demo, offscreen)"
        )
        steps.append(step)
        return steps
    finally:
        server.terminate()
        try:
            server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


def write_sample(path: Path) -> None:
    """A QR code image for the decode smoke test, drawn by the dev environment's zxing-cpp."""
    import cv2
    import numpy as np
    import zxingcpp

    barcode = zxingcpp.create_barcode(SAMPLE_CODE, zxingcpp.BarcodeFormat.QRCode)
    image = np.array(zxingcpp.write_barcode_to_image(barcode, scale=6))
    cv2.imwrite(
        str(path), cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    )


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def print_table(steps: list[Step], app: Path) -> None:
    print()
    print(f"| {'step':<26} | {'result':<6} | {'seconds':>7} | note")
    print(f"|{'-' * 28}|{'-' * 8}|{'-' * 9}|------")
    for step in steps:
        print(
            f"| {step.name:<26} | {'ok' if step.ok else 'FAIL':<6} | {step.seconds:7.1f} | "
            f"{step.note}"
        )
    if app.is_dir():
        size, count = folder_size(app)
        print(
            f"\nbundle: {app}  {size / 1024 / 1024:.0f} MB in {count} files "
            f"({sys.platform}, Python {sys.version.split()[0]})"
        )


if __name__ == "__main__":
    sys.exit(main())
