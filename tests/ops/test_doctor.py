"""kiosk doctor against the embedded server's healthy and faulty modes, and with no camera."""

from __future__ import annotations

import os
import select
import shutil
import ssl
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from graphql import build_schema, get_introspection_query, graphql_sync

from kiosk.demo import Fault
from kiosk.device import DeviceCredentials
from kiosk.doctor import CheckGroup, Status, doctor_groups, run_checks
from kiosk.doctor.api import NAMES, api_checks
from kiosk.doctor.camera import camera_check
from kiosk.doctor.clock import clock_result
from kiosk.doctor.local import journal_check
from kiosk.doctor.model import ok
from kiosk.doctor.schema import schema_result
from kiosk.journal import Journal, ScanRecord
from kiosk.settings import CameraSettings
from kiosk.tiketo.operations import schema_text
from tests.selfsigned import needs_openssl, self_signed_certificate


def by_name(results):
    return {r.check: r for r in results}


def test_healthy_server_every_api_check_passes(demo_server, credentials):
    results = by_name(api_checks(credentials))
    assert list(results) == list(NAMES)
    for name in ("api", "token", "schema", "clock"):
        assert results[name].status is Status.OK, results[name]
    assert results["tls"].status is Status.WARN and "demo only" in results["tls"].detail
    assert "door-1" in results["token"].detail


@pytest.mark.parametrize(
    ("fault", "failed", "words"),
    [
        (Fault.DOWN, "api", "dropped the connection"),
        (Fault.SERVER_ERROR, "api", "HTTP 503"),
        (Fault.NON_JSON, "api", "web page"),
        (Fault.REVOKED, "token", "revoked"),
    ],
)
def test_faulty_server_modes(demo_server, credentials, fault, failed, words):
    demo_server.set_fault(fault)
    results = by_name(api_checks(credentials, timeout=2))
    assert results[failed].status is Status.FAIL
    assert words in results[failed].detail
    assert results[failed].advice
    others = [r for r in results.values() if r.check != failed]
    assert all(r.status is not Status.FAIL for r in others), others


def test_revoked_token_still_checks_the_clock(demo_server, credentials):
    demo_server.set_fault(Fault.REVOKED)
    results = by_name(api_checks(credentials))
    assert results["api"].status is Status.OK
    assert results["clock"].status is Status.OK
    assert "provision" in results["token"].advice


def test_server_stopped_and_server_hanging_are_bounded(demo_server, credentials):
    demo_server.stop()
    results = by_name(api_checks(credentials, timeout=1))
    assert results["api"].status is Status.FAIL and "refuses" in results["api"].detail
    assert all(results[n].status is Status.WARN for n in ("token", "schema", "clock"))
    demo_server.start()
    demo_server.set_fault(Fault.SLOW, slow_seconds=5)
    started = time.monotonic()
    results = by_name(api_checks(credentials, timeout=0.5))
    assert time.monotonic() - started < 3
    assert "did not answer" in results["api"].detail


@pytest.mark.parametrize(
    ("offset", "status"), [(0, Status.OK), (200, Status.WARN), (-900, Status.FAIL)]
)
def test_clock_skew_against_the_servers_date_header(demo_server, credentials, offset, status):
    results = by_name(api_checks(credentials, now=lambda: time.time() + offset))
    assert results["clock"].status is status
    if offset:
        assert ("ahead of" if offset > 0 else "behind") in results["clock"].detail


def test_clock_result_reads_http_dates():
    assert clock_result(None, time.time()).status is Status.WARN
    assert clock_result("garbage", time.time()).status is Status.WARN
    moment = 1_800_000_000.0  # 2027-01-15T08:00:00Z
    assert clock_result("Fri, 15 Jan 2027 08:00:00 GMT", moment + 30).status is Status.OK
    assert clock_result("Fri, 15 Jan 2027 08:00:00 GMT", moment + 3 * 3600).status is Status.FAIL


def test_schema_check_fails_when_the_server_drops_a_field():
    changed = build_schema(schema_text().replace("rewardPoints", "points"))
    data = graphql_sync(changed, get_introspection_query()).data
    result = schema_result(data, 200)
    assert result.status is Status.FAIL
    assert "rewardPoints" in result.detail and "Update the kiosk" in result.advice
    same = graphql_sync(build_schema(schema_text()), get_introspection_query()).data
    assert schema_result(same, 200).status is Status.OK
    assert schema_result({"other": 1}, 200).status is Status.OK  # introspection turned off


class _Tls(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(401)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


@needs_openssl
def test_a_bad_certificate_is_a_clear_tls_failure(tmp_path):
    key, cert = self_signed_certificate(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tls)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}/graphql"
        creds = DeviceCredentials(url, "W", "door-1", "tok-123456")
        results = by_name(api_checks(creds, timeout=3))
        assert results["tls"].status is Status.FAIL
        assert "certificate" in results["tls"].detail and "self" in results["tls"].detail
        assert results["api"].status is Status.FAIL
        # the same server with its certificate trusted: TLS ok, the token refused
        trusted = ssl.create_default_context(cafile=str(cert))
        results = by_name(api_checks(creds, timeout=3, verify=trusted))
        assert results["tls"].status is Status.OK
        assert results["api"].status is Status.OK
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_no_camera_is_a_failure_with_advice():
    result = camera_check(CameraSettings(device="97"), time_limit=3)
    assert result.status is Status.FAIL
    assert "97" in result.detail and "--no-camera" in result.advice
    if sys.platform.startswith("linux"):
        by_name = camera_check(CameraSettings(device="NoSuchCameraBrand"), time_limit=3)
        assert by_name.status is Status.FAIL and "NoSuchCameraBrand" in by_name.detail


def test_camera_frames_are_compared_with_the_requested_size(tmp_path):
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    from kiosk.capture.sources import FileSource

    video = tmp_path / "camera.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 30, (320, 240))
    for index in range(15):
        writer.write(np.full((240, 320, 3), index * 10, dtype=np.uint8))
    writer.release()

    def source():
        return FileSource(video, realtime=False)

    same = camera_check(CameraSettings(width=320, height=240), source=source())
    assert same.status is Status.OK and "320x240" in same.detail
    other = camera_check(CameraSettings(width=1280, height=720), source=source())
    assert other.status is Status.WARN
    assert "320x240" in other.detail and "camera.width = 320" in other.advice
    from_file = camera_check(CameraSettings(device=f"file:{video}", width=320, height=240))
    assert from_file.status is Status.WARN and "not a camera" in from_file.detail
    demo = camera_check(CameraSettings(device="synthetic"))
    assert demo.status is Status.WARN and "synthetic" in demo.detail


NOW = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)


def test_journal_integrity(paths):
    assert journal_check(paths).status is Status.OK  # no journal yet
    with Journal(paths.journal_file) as journal, journal.transaction() as tx:
        for i in range(500):
            tx.insert_scan(
                ScanRecord(
                    str(i),
                    "x" * 50,
                    "valid",
                    "entry",
                    0,
                    False,
                    NOW,
                    False,
                    "manual",
                    "m",
                    "uploaded",
                )
            )
    result = journal_check(paths)
    assert result.status is Status.OK and "intact" in result.detail
    data = bytearray(paths.journal_file.read_bytes())
    data[4096 + 8 : 4096 + 200] = b"\xff" * 192  # trample a b-tree page, keep the header
    paths.journal_file.write_bytes(bytes(data))
    result = journal_check(paths)
    assert result.status is Status.FAIL and "copy the journal" in result.advice
    paths.journal_file.write_bytes(b"this is not a database at all" * 100)
    assert journal_check(paths).status is Status.FAIL


def test_groups_are_bounded_in_time_and_crashes_are_reported():
    def hang():
        time.sleep(30)
        return []

    def crash():
        raise RuntimeError("driver exploded")

    started = time.monotonic()
    results = list(
        run_checks(
            [
                CheckGroup(("slow",), hang, 0.3),
                CheckGroup(("boom",), crash, 5),
                CheckGroup(("fine",), lambda: [ok("fine", "yes")], 5),
            ]
        )
    )
    assert time.monotonic() - started < 3
    assert [(r.check, r.status) for r in results] == [
        ("slow", Status.FAIL),
        ("boom", Status.FAIL),
        ("fine", Status.OK),
    ]
    assert "driver exploded" in results[1].detail


def test_local_checks_report_settings_and_hook_problems(paths):
    paths.settings_file.write_text(
        '[camera]\nwidth = "wide"\n[door_hook]\ncommand = "/nonexistent/relay --pulse"\n'
    )
    results = by_name(run_checks(doctor_groups(paths, check_camera=False, check_screen=False)))
    assert "camera" not in results
    assert results["settings"].status is Status.WARN
    assert "camera.width" in results["settings"].detail
    assert results["door_hook"].status is Status.FAIL and "not found" in results["door_hook"].detail
    assert results["disk"].status is Status.OK


def test_cli_not_provisioned_fails_with_provision_advice(run_cli):
    result = run_cli("doctor", "--json", "--no-camera")
    assert result.returncode == 1
    lines = by_name_json(result.json_lines())
    for name in NAMES:
        assert lines[name]["status"] == "fail"
        assert "kiosk provision" in lines[name]["advice"]
    assert set(lines["disk"]) == {"check", "status", "detail", "advice"}


def test_cli_healthy_kiosk_passes_and_no_camera_fails(run_cli, credentials, paths):
    result = run_cli("doctor", "--json", "--no-camera")
    assert result.returncode == 0, result.stdout
    lines = by_name_json(result.json_lines())
    assert "camera" not in lines
    assert {line["status"] for line in lines.values()} <= {"ok", "warn"}
    assert lines["token"]["status"] == "ok"

    paths.settings_file.write_text('[camera]\ndevice = "98"\n')  # no such camera anywhere
    result = run_cli("doctor")
    assert result.returncode == 1
    assert "FAIL  camera" in result.stdout and "--no-camera" in result.stdout
    assert result.stdout.startswith("kiosk ") and str(paths.config_dir) in result.stdout
    assert "doctor check=camera status=fail" in paths.log_file.read_text()
    assert credentials.token not in paths.log_file.read_text()


def by_name_json(lines):
    return {line["check"]: line for line in lines}


def test_journal_pending_count_and_stuck_uploads(paths):
    from datetime import UTC, datetime, timedelta

    from kiosk.journal import Journal, ScanRecord
    from kiosk.journal.states import UploadState

    now = datetime.now(UTC)
    with Journal(paths.journal_file) as journal, journal.transaction() as tx:
        for index, age in enumerate((timedelta(minutes=5), timedelta(minutes=1))):
            tx.insert_scan(
                ScanRecord(
                    f"s{index}",
                    "TKT-VALID-0001",
                    "valid",
                    "entry",
                    0,
                    False,
                    now - age,
                    True,
                    "camera",
                    "Welcome",
                    UploadState.PENDING,
                )
            )
    result = journal_check(paths)
    assert result.status is Status.OK and "2 scan(s) waiting" in result.detail
    with Journal(paths.journal_file) as journal, journal.transaction() as tx:
        tx.insert_scan(
            ScanRecord(
                "old",
                "TKT-EVENT-0005",
                "valid",
                "entry",
                0,
                False,
                now - timedelta(hours=3),
                True,
                "camera",
                "Welcome",
                UploadState.PENDING,
            )
        )
    result = journal_check(paths)
    assert result.status is Status.WARN and "3 scan(s) waiting" in result.detail
    assert "kiosk sync" in result.advice


def test_screen_check_reports_qt_platform_problems():
    from kiosk.doctor.display import display_check

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    offscreen = display_check({**env, "QT_QPA_PLATFORM": "offscreen"})
    assert offscreen.status is Status.WARN and "offscreen" in offscreen.detail
    broken = display_check({**env, "QT_QPA_PLATFORM": "no-such-platform"})
    assert broken.status is Status.FAIL
    assert "platform plugin" in broken.detail and broken.advice
    if sys.platform.startswith("linux"):
        headless = display_check({k: v for k, v in env.items() if k != "QT_QPA_PLATFORM"})
        assert headless.status is Status.WARN and "Not checked" in headless.detail


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)")
def test_screen_check_on_a_real_x_server():
    from kiosk.doctor.display import display_check

    # -displayfd: Xvfb picks a free display and writes its number once it accepts clients
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 15)
        assert ready, "Xvfb did not start"
        display = ":" + os.read(read_end, 32).decode().strip()
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        result = display_check({**env, "DISPLAY": display})
        assert result.status is Status.OK, result
        assert "xcb" in result.detail and "1280x720" in result.detail
    finally:
        os.close(read_end)
        xvfb.terminate()
        xvfb.wait(timeout=10)


def test_decoder_checks_use_the_scanning_readers_and_name_a_missing_libzbar(monkeypatch):
    """Both checks read a generated code through kiosk/capture/readers/; without libzbar the
    second one is a warning that says what to install (scanning goes on with zxing-cpp)."""
    import builtins

    from kiosk.capture.readers import load_pyzbar
    from kiosk.doctor.decoders import pyzbar_check, zxing_check

    assert zxing_check().status is Status.OK
    assert pyzbar_check().status is Status.OK
    real_import = builtins.__import__

    def no_zbar(name, *args, **kwargs):
        if name.startswith("pyzbar"):
            raise ImportError("Unable to find zbar shared library")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_zbar)
    load_pyzbar.cache_clear()
    try:
        result = pyzbar_check()
    finally:
        load_pyzbar.cache_clear()  # the next reader loads the real library again
    assert result.status is Status.WARN
    assert "zbar shared library" in result.detail and "libzbar0" in result.advice
