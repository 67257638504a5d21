"""The server's view: a scan is in the journal before its upload arrives, and uploads are
bounded in concurrency."""

from __future__ import annotations

import sqlite3
import threading
import time

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer, DemoState
from kiosk.demo.passes import guest_pass
from kiosk.provisioning import provision
from tests.scanning.conftest import wait_for


class WatchingState(DemoState):
    """Checks the kiosk's journal file on every createScanEvent and counts calls in flight."""

    journal_file = None
    in_flight = 0
    most_in_flight = 0
    missing: list[str]

    def createScanEvent(self, info, input):  # the schema names the resolver
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            conn = sqlite3.connect(f"file:{self.journal_file}?mode=ro", uri=True)
            try:
                scan_id = input["data"]["scanId"]
                found = conn.execute(
                    "SELECT count(*) FROM scans WHERE scan_id = ?", (scan_id,)
                ).fetchone()[0]
            finally:
                conn.close()
            if not found:
                self.missing.append(scan_id)
            time.sleep(0.05)
            return super().createScanEvent(info, input)
        finally:
            with self._lock:
                self.in_flight -= 1


def test_journal_first_then_upload_with_bounded_concurrency(paths, make_service, fast_settings):
    state = WatchingState.seeded()
    state.journal_file = paths.journal_file
    state.missing = []
    settings = fast_settings.with_changes(upload={"concurrency": 3})
    with DemoServer(state) as server:
        credentials = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "door-2")
        service = make_service(settings, credentials=credentials)
        server.stop()
        for number in range(20):
            service.scan(guest_pass(number).code)  # offline: a backlog builds up
        server.start()
        threads = [
            threading.Thread(target=service.scan, args=(guest_pass(100 + n).code,))
            for n in range(5)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        service.try_now()
        wait_for(lambda: len(server.state.events()) == 25)
        assert state.missing == []
        assert 1 < state.most_in_flight <= 3
        assert service.status().pending == 0
