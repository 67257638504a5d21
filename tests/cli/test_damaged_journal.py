"""The issue's damaged journal through the real command line: random bytes on page 2 while
60 scans wait. No traceback, no made-up "0 pending", every scan uploaded once."""

from __future__ import annotations

import os

from kiosk.demo.passes import VALID_CODE, guest_pass
from tests.cli.disks import no_traceback

PAGE = 4096


def test_random_bytes_on_page_2_with_60_queued_scans(run_cli, credentials, paths, demo_server):
    codes = [guest_pass(n).code for n in range(60)]
    demo_server.stop()
    queued = run_cli("scan", "--json", "--upload-seconds", "0", *codes)
    assert queued.returncode == 0, queued.stderr
    ids = {line["scan_id"] for line in queued.json_lines()}
    for n in range(60):
        demo_server.state.add_pass(guest_pass(n))
    data = bytearray(paths.journal_file.read_bytes())
    data[PAGE : 2 * PAGE] = os.urandom(PAGE)
    paths.journal_file.write_bytes(bytes(data))

    status = run_cli("status", "--json")
    no_traceback(status)
    assert status.returncode == 1
    [report] = status.json_lines()
    assert report["pending"] is None and "damaged" in report["journal_error"]
    doctor = run_cli("doctor", "--json", "--no-camera", "--no-screen", timeout=120)
    no_traceback(doctor)
    [journal] = [line for line in doctor.json_lines() if line["check"] == "journal"]
    assert journal["status"] == "fail"

    demo_server.start()
    scan = run_cli("scan", "--json", VALID_CODE)
    no_traceback(scan)
    assert scan.returncode == 0
    assert scan.json_lines()[0]["verdict"] == "valid"
    assert "moved to journal.sqlite3.corrupt-" in scan.stderr
    assert "60 scan(s) (60 waiting to upload) were recovered" in scan.stderr
    sync = run_cli("sync", "--json")
    no_traceback(sync)
    assert sync.returncode == 0, sync.stderr
    events = demo_server.state.events()
    uploaded = [event.data["scanId"] for event in events]
    assert len(uploaded) == len(set(uploaded)) == 61  # each once, with its own scanId
    assert ids <= set(uploaded)

    after = run_cli("status", "--json")
    assert after.returncode == 0
    [report] = after.json_lines()
    assert report["pending"] == 0
    [moved] = report["moved_aside"]
    assert "journal.sqlite3.corrupt-" in moved
    doctor = run_cli("doctor", "--json", "--no-camera", "--no-screen", timeout=120)
    [journal] = [line for line in doctor.json_lines() if line["check"] == "journal"]
    assert journal["status"] == "warn" and "journal.sqlite3.corrupt-" in journal["detail"]
    os.remove(moved)  # the operator deletes it: no longer named
    assert "moved_aside" not in run_cli("status", "--json").json_lines()[0]
