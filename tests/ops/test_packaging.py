"""The packaging files: well-formed, consistent with each other and with the code.

Building the bundle takes about a minute and needs PyInstaller (``packaging/dev.sh test``
installs it). It runs in the default suite, so packaging cannot rot silently;
``KIOSK_SKIP_BUNDLE_TEST=1`` skips it for a quick local run.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
APP_ID = "eu.tiketo.Kiosk"
TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


def read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in both formats
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def test_desktop_entry():
    entry = read_ini(LINUX / f"{APP_ID}.desktop")["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "kiosk"
    assert entry["Icon"] == APP_ID and (LINUX / f"{APP_ID}.svg").is_file()
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(LINUX / f"{APP_ID}.desktop")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_appstream_metainfo_is_well_formed_and_matches():
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    for required in ("name", "summary", "metadata_license", "project_license", "description"):
        assert root.find(required) is not None, required
    launchable = root.find("launchable")
    assert launchable is not None and launchable.text == f"{APP_ID}.desktop"
    assert (LINUX / launchable.text).is_file()
    versions = [r.get("version") for r in root.iter("release")]
    assert versions[0] == __version__  # the newest release is the one being packaged
    if shutil.which("appstreamcli"):
        check = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_systemd_user_unit_restarts_forever_in_the_graphical_session():
    unit = read_ini(LINUX / "tiketo-kiosk.service")
    assert unit["Service"]["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert unit["Service"]["ExecStart"].startswith("%h/")  # a user unit: no system paths
    assert unit["Service"]["ExecStart"].split()[1:] == ["run"]
    assert unit["Install"]["WantedBy"] == "graphical-session.target"
    assert "graphical-session.target" in unit["Unit"]["After"]


def test_windows_task_runs_the_restart_loop_at_logon():
    task = ET.parse(PACKAGING / "windows" / "tiketo-kiosk-task.xml").getroot()
    assert task.find("t:Triggers/t:LogonTrigger", TASK_NS) is not None
    assert task.findtext("t:Settings/t:ExecutionTimeLimit", namespaces=TASK_NS) == "PT0S"
    arguments = task.findtext("t:Actions/t:Exec/t:Arguments", namespaces=TASK_NS)
    assert "run-kiosk.ps1" in arguments and "-WindowStyle Hidden" in arguments
    loop = (PACKAGING / "windows" / "run-kiosk.ps1").read_text(encoding="utf-8")
    assert "while ($true)" in loop and "kiosk-screen.exe" in loop


def test_spec_is_valid_python_and_names_files_that_exist():
    spec = (PACKAGING / "kiosk.spec").read_text(encoding="utf-8")
    compile(spec, "kiosk.spec", "exec")
    for name in ("entry_kiosk.py", "entry_screen.py", "rthook_zbar.py"):
        assert f'"{name}"' in spec and (PACKAGING / "pyinstaller" / name).is_file()
    for data in ('ROOT / "resources"', '"schema.graphql"', '"operations"'):
        assert data in spec
    assert "/usr/" not in spec and "C:\\" not in spec  # portable: no platform paths


def test_zbar_runtime_hook_prefers_the_bundled_library(tmp_path):
    bundled = tmp_path / "libzbar.so.0"
    bundled.write_bytes(b"")
    code = (
        "import ctypes.util, runpy, sys\n"
        f"sys._MEIPASS = {str(tmp_path)!r}\n"
        f"runpy.run_path({str(PACKAGING / 'pyinstaller' / 'rthook_zbar.py')!r})\n"
        "print(ctypes.util.find_library('zbar'))\n"
        "print(ctypes.util.find_library('kiosk-no-such-lib'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [str(bundled), "None"]


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("KIOSK_SKIP_BUNDLE_TEST") == "1",
    reason="KIOSK_SKIP_BUNDLE_TEST=1: the bundle build was skipped",
)
def test_bundle_builds_and_passes_its_smoke_test(tmp_path):
    pytest.importorskip("PyInstaller")
    proc = subprocess.run(
        [sys.executable, str(PACKAGING / "build_bundle.py"), "--dist", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
