"""Every command on a full disk, a read-only filesystem and a journal owned by another user:
it works or says one clear sentence, moves no healthy journal aside and loses no scan."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN
from kiosk.demo.passes import VALID_CODE, guest_pass
from kiosk.paths import resolve_paths
from kiosk.provisioning import provision
from tests.cli.disks import (
    FullDisk,
    need_second_user,
    no_traceback,
    remount,
    run_kiosk,
    tmpfs,
)


def queue_offline(data: Path, demo_server, count: int) -> list[str]:
    """``count`` accepted scans waiting to upload (the server is down); their scan ids."""
    codes = [guest_pass(n).code for n in range(count)]
    demo_server.stop()
    result = run_kiosk(data, "scan", "--json", "--upload-seconds", "0", *codes)
    assert result.returncode == 0, result.stderr
    lines = result.json_lines()
    assert [line["verdict"] for line in lines] == ["valid"] * count
    for n in range(count):
        demo_server.state.add_pass(guest_pass(n))
    return [line["scan_id"] for line in lines]


def one_sentence(result, *words: str) -> None:
    no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.startswith("kiosk:")]
    assert lines, result.stderr
    assert any(all(word in line for word in words) for line in lines), result.stderr


def test_full_disk_at_start_keeps_the_journal_and_its_queued_scans(demo_server, tmp_path):
    """The issue's case: SQLite cannot create the -shm file ("disk I/O error")."""
    with tmpfs(tmp_path / "disk", "3m") as mounted:
        disk = FullDisk(mounted or tmp_path / "disk", mounted is not None)
        data = disk.root / "kiosk"
        provision(
            resolve_paths(data).ensure().device_file,
            demo_server.url,
            DEMO_WORKSPACE_TOKEN,
            "door-1",
        )
        ids = queue_offline(data, demo_server, 10)
        journal = data / "data" / "journal.sqlite3"
        assert not Path(f"{journal}-shm").exists()  # a clean exit removed it
        disk.fill()

        full = "disk is full" if mounted else "ulimit -f"
        scan = run_kiosk(data, "scan", "--json", VALID_CODE, preexec=disk.preexec)
        assert scan.returncode == 1
        one_sentence(scan, full)
        sync = run_kiosk(data, "sync", "--json", preexec=disk.preexec)
        assert sync.returncode == 1
        one_sentence(sync, full)
        assert '"pending": 0' not in sync.stdout
        status = run_kiosk(data, "status", "--json", preexec=disk.preexec)
        no_traceback(status)
        assert status.json_lines()[0]["pending"] == 10, status.stdout
        doctor = run_kiosk(
            data,
            "doctor",
            "--json",
            "--no-camera",
            "--no-screen",
            preexec=disk.preexec,
            timeout=120,
        )
        no_traceback(doctor)
        checks = {line["check"]: line for line in doctor.json_lines()}
        assert "10 scan(s) waiting" in checks["journal"]["detail"], checks["journal"]
        if mounted:
            assert checks["disk"]["status"] == "fail"
        assert not list(journal.parent.glob("*.corrupt-*"))  # nothing moved aside

        disk.free()
        demo_server.start()
        synced = run_kiosk(data, "sync", "--json")
        assert synced.returncode == 0, synced.stderr
        assert synced.json_lines() == [{"uploaded": 10, "pending": 0, "rejected": 0, "steps": 0}]
        assert sorted(e.data["scanId"] for e in demo_server.state.events()) == sorted(ids)


def test_read_only_filesystem_every_command_works_or_says_why(demo_server, tmp_path):
    with tmpfs(tmp_path / "disk") as mounted:
        if mounted is None:
            pytest.skip("needs root and a mountable tmpfs for a read-only filesystem")
        data = mounted / "kiosk"
        provision(
            resolve_paths(data).ensure().device_file,
            demo_server.url,
            DEMO_WORKSPACE_TOKEN,
            "door-1",
        )
        queue_offline(data, demo_server, 3)
        demo_server.start()
        remount(mounted, "ro")
        try:
            doctor = run_kiosk(data, "doctor", "--json", "--no-camera", "--no-screen", timeout=120)
            no_traceback(doctor)
            checks = {line["check"]: line for line in doctor.json_lines()}
            assert "3 scan(s) waiting" in checks["journal"]["detail"], checks["journal"]
            assert checks["token"]["status"] == "ok"
            status = run_kiosk(data, "status", "--json")
            assert status.returncode == 0 and status.json_lines()[0]["pending"] == 3
            no_traceback(status)
            for command in (["scan", VALID_CODE], ["sync"]):
                result = run_kiosk(data, *command)
                assert result.returncode == 1, command
                one_sentence(result, "read-only filesystem")
            logs = run_kiosk(data, "logs", "--tail", "5")
            assert logs.returncode == 0
            no_traceback(logs)
            hook = run_kiosk(data, "door-hook")
            assert hook.returncode == 1
            one_sentence(hook, "No door hook is set")
            again = run_kiosk(
                data,
                "provision",
                "--api-url",
                demo_server.url,
                "--token",
                "-",
                input=DEMO_WORKSPACE_TOKEN + "\n",
            )
            assert again.returncode == 1  # the journal (3 scans waiting) is checked first
            one_sentence(again, "read-only filesystem")
        finally:
            remount(mounted, "rw")
        assert not list((data / "data").glob("*.corrupt-*"))


def test_root_owned_journal_as_the_kiosk_user(demo_server):
    """After a ``sudo kiosk ...`` the journal belongs to root: the kiosk's own user gets one
    sentence with the fix, never a made-up 0 pending, and nothing is moved."""
    user = need_second_user()
    import pwd

    entry = pwd.getpwnam(user)
    base = Path(tempfile.mkdtemp(prefix="kiosk-user-"))
    try:
        base.chmod(0o755)
        data = base / "kiosk"
        provision(
            resolve_paths(data).ensure().device_file,
            demo_server.url,
            DEMO_WORKSPACE_TOKEN,
            "door-1",
        )
        queue_offline(data, demo_server, 7)
        demo_server.start()
        for item in [data, *data.rglob("*")]:
            os.chown(item, entry.pw_uid, entry.pw_gid)
        journal = data / "data" / "journal.sqlite3"
        os.chown(journal, 0, 0)  # what `sudo kiosk scan` leaves behind

        status = run_kiosk(data, "status", "--json", user=user)
        assert status.returncode == 1
        report = status.json_lines()[0]
        assert report["pending"] is None
        assert "belongs to root" in report["journal_error"]
        assert f"sudo chown -R {user}" in report["journal_error"]
        for command in (["scan", VALID_CODE], ["sync"]):
            result = run_kiosk(data, *command, user=user)
            assert result.returncode == 1, command
            one_sentence(result, "belongs to root", "sudo chown")
        doctor = run_kiosk(
            data, "doctor", "--json", "--no-camera", "--no-screen", user=user, timeout=120
        )
        no_traceback(doctor)
        checks = {line["check"]: line for line in doctor.json_lines()}
        assert checks["journal"]["status"] == "fail"
        assert "belongs to root" in checks["journal"]["detail"]
        assert checks["token"]["status"] == "ok"  # the rest of the kiosk is still checked
        for command in (["logs", "--tail", "3"], ["status"]):
            no_traceback(run_kiosk(data, *command, user=user))
        assert not list(journal.parent.glob("*.corrupt-*"))

        os.chown(journal, entry.pw_uid, entry.pw_gid)  # the advice, followed
        fixed = run_kiosk(data, "sync", "--json", user=user)
        assert fixed.returncode == 0, fixed.stderr
        assert fixed.json_lines() == [{"uploaded": 7, "pending": 0, "rejected": 0, "steps": 0}]
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_config_of_another_user_is_refused(demo_server):
    """Like ssh: a config folder or device.json someone else owns is not used."""
    user = need_second_user()
    import pwd

    entry = pwd.getpwnam(user)
    base = Path(tempfile.mkdtemp(prefix="kiosk-config-"))
    try:
        data = base / "kiosk"
        paths = resolve_paths(data).ensure()
        provision(paths.device_file, demo_server.url, DEMO_WORKSPACE_TOKEN, "door-1")
        for item in (paths.config_dir, paths.device_file):
            os.chown(item, entry.pw_uid, entry.pw_gid)  # the other user's folder and file
            for command in (["scan", VALID_CODE], ["sync"]):
                result = run_kiosk(data, *command)
                assert result.returncode == 3, (item, command)
                one_sentence(result, f"belongs to {user}", "chown")
            os.chown(item, 0, 0)
        assert run_kiosk(data, "scan", VALID_CODE).returncode == 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("which", ["folder", "file"])
def test_config_others_may_write_is_refused(run_cli, credentials, paths, which):
    target = paths.config_dir if which == "folder" else paths.device_file
    target.chmod(0o777 if which == "folder" else 0o666)
    result = run_cli("scan", VALID_CODE)
    assert result.returncode == 3
    mode = "700" if which == "folder" else "600"
    one_sentence(result, "can be changed by other users", f"chmod {mode}")
    status = run_cli("status", "--json")
    no_traceback(status)
    assert status.json_lines()[0]["provisioned"] is False
    target.chmod(0o700 if which == "folder" else 0o600)
    assert run_cli("scan", VALID_CODE).returncode == 0


def test_settings_others_may_write_are_ignored(run_cli, credentials, paths, tmp_path):
    """A settings.toml others may write could run their program as the door hook."""
    marker = tmp_path / "ran"
    paths.settings_file.write_text(f'[door_hook]\ncommand = "touch {marker}"\n')
    paths.settings_file.chmod(0o666)
    result = run_cli("scan", VALID_CODE)
    assert result.returncode == 0
    assert "settings.toml is ignored" in result.stderr
    assert not marker.exists()
    paths.settings_file.chmod(0o600)
    assert run_cli("scan", "TKT-EVENT-0005").returncode == 0
    assert marker.exists()


def test_umask_000_folders_are_0700_and_the_device_file_0600(demo_server, tmp_path):
    base = tmp_path / "wide" / "open"
    result = run_kiosk(
        base,
        "provision",
        "--api-url",
        demo_server.url,
        "--token",
        "-",
        input=DEMO_WORKSPACE_TOKEN + "\n",
        preexec=lambda: os.umask(0),
    )
    assert result.returncode == 0, result.stderr
    for folder in (tmp_path / "wide", base, base / "config", base / "data", base / "logs"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((base / "config" / "device.json").stat().st_mode) == 0o600
    scan = run_kiosk(base, "scan", VALID_CODE, preexec=lambda: os.umask(0))
    assert scan.returncode == 0, scan.stderr
    for item in (base / "data").iterdir():
        assert stat.S_IMODE(item.stat().st_mode) == 0o600, item


def test_deeply_nested_settings_fall_back_to_defaults(run_cli, credentials, paths):
    paths.settings_file.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    paths.settings_file.chmod(0o600)
    status = run_cli("status")
    assert status.returncode == 0
    no_traceback(status)
    doctor = run_cli("doctor", "--json", "--no-camera", "--no-screen", timeout=120)
    no_traceback(doctor)
    [settings] = [line for line in doctor.json_lines() if line["check"] == "settings"]
    assert settings["status"] == "warn" and "RecursionError" in settings["detail"]
    scan = run_cli("scan", "--json", VALID_CODE)
    assert scan.returncode == 0 and json.loads(scan.stdout)["verdict"] == "valid"
    assert "using defaults" in scan.stderr
