"""Batched uploads through the real service: every scan once, a refused scan alone, the
batch size adapting to 413s and timeouts, and never more than upload.concurrency requests in
flight while the door keeps looking passes up."""

from __future__ import annotations

import threading
import time
from collections import Counter

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer, Fault
from kiosk.demo.passes import guest_pass
from kiosk.provisioning import provision
from kiosk.scanning.verdict import VerdictKind


def backlog(service, server, numbers) -> list[str]:
    """Scans made while the server is down: they wait in the journal."""
    for number in numbers:
        server.state.add_pass(guest_pass(number))
    server.stop()
    verdicts = [service.scan(guest_pass(n).code) for n in numbers]
    server.start()
    assert all(v.offline and v.kind is VerdictKind.VALID for v in verdicts)
    return [v.scan_id for v in verdicts]


def scan_ids_sent(server) -> Counter[str]:
    return Counter(e.data["scanId"] for e in server.state.events())


def test_a_backlog_goes_up_in_few_requests_each_scan_once(make_service, demo_server, fast_settings):
    settings = fast_settings.with_changes(upload={"batch_size": 50})
    service = make_service(settings, background=False)
    ids = backlog(service, demo_server, range(120))
    before = demo_server.request_count
    assert service.sync(20).uploaded == 120
    assert scan_ids_sent(demo_server) == Counter(ids)
    assert demo_server.request_count - before <= 1 + 3  # a probe, then 50 + 50 + 20
    assert service.status().pending == 0


def test_413_halves_the_batch_until_it_fits(make_service, demo_server, fast_settings):
    settings = fast_settings.with_changes(upload={"batch_size": 64})
    service = make_service(settings, background=False)
    ids = backlog(service, demo_server, range(40))
    demo_server.max_request_bytes = 4000  # about 11 scans
    before = demo_server.request_count
    assert service.sync(20).uploaded == 40
    assert scan_ids_sent(demo_server) == Counter(ids)
    assert service.uploader.sizer.size < 20
    assert demo_server.request_count - before < 40 // 4 + 6  # a few 413s, then full batches
    assert service.status().pending == 0


def test_a_refused_scan_fails_alone_and_nothing_is_sent_twice(
    make_service, demo_server, fast_settings
):
    settings = fast_settings.with_changes(upload={"batch_size": 100})
    service = make_service(settings, background=False)
    ids = backlog(service, demo_server, range(30))
    refused = {guest_pass(11).code, guest_pass(20).code}
    demo_server.set_fault(Fault.REJECT_SCANS, codes=refused)
    result = service.sync(20)
    assert result.uploaded == 28
    sent = scan_ids_sent(demo_server)
    assert max(sent.values()) == 1 and len(sent) == 28
    status = service.status()
    assert status.rejected == 2 and status.pending == 2
    demo_server.clear_fault()
    assert service.sync(10).uploaded == 2
    assert scan_ids_sent(demo_server) == Counter(ids)


def test_a_timeout_halves_the_batch(make_service, demo_server, fast_settings):
    settings = fast_settings.with_changes(upload={"batch_size": 32})
    service = make_service(settings, background=False)
    backlog(service, demo_server, range(20))
    demo_server.set_fault(Fault.SLOW, slow_seconds=3, operations={"CreateScanEvent"})
    result = service.sync(1.0)
    assert result.uploaded == 0
    assert service.uploader.sizer.size <= 10


class CountingServer(DemoServer):
    """Counts requests being executed at once (lookups and uploads alike)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_flight = 0
        self.most_in_flight = 0
        self.count_lock = threading.Lock()

    def execute(self, body, token):
        with self.count_lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(0.03)
            return super().execute(body, token)
        finally:
            with self.count_lock:
                self.in_flight -= 1


def test_never_more_than_upload_concurrency_in_flight_with_the_door_busy(
    paths, make_service, fast_settings
):
    settings = fast_settings.with_changes(upload={"concurrency": 3, "batch_size": 5})
    with CountingServer() as server:
        credentials = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, "door-3")
        service = make_service(settings, credentials=credentials)
        backlog(service, server, range(60))
        server.most_in_flight = 0
        service.uploader.wake(force=True)
        door = [
            threading.Thread(
                target=lambda n=n: [service.scan(guest_pass(n).code) for _ in range(5)]
            )
            for n in (100, 101, 102)
        ]
        for number in (100, 101, 102):
            server.state.add_pass(guest_pass(number))
        for thread in door:
            thread.start()
        for thread in door:
            thread.join()
        deadline = time.monotonic() + 30
        while service.status().pending and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.status().pending == 0
        assert 1 < server.most_in_flight <= 3
        assert service.gate.most_in_flight <= 3


def test_the_batch_size_halves_and_grows_back_only_below_a_413():
    from kiosk.scanning.batching import BatchSizer, split

    sizer = BatchSizer(100)
    sizer.shrink(100)  # a timeout
    assert sizer.size == 50
    sizer.grow()
    assert sizer.size == 100
    sizer.shrink(100, too_large=True)
    sizer.grow()
    sizer.grow()
    assert sizer.size == 99
    assert [len(c) for c in split(list(range(10)), 4, 2)] == [4, 3, 3]
    assert [len(c) for c in split(list(range(10)), 100, 2)] == [5, 5]
    assert split([], 5, 2) == []
