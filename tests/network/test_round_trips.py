"""One round trip per verdict, on a warm connection; keep-warm only while online."""

from __future__ import annotations

import time

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.passes import EXPIRED_CODE, UNKNOWN_CODE, VALID_CODE, VOIDED_CODE, guest_pass
from kiosk.provisioning import provision
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings
from kiosk.tiketo import TiketoClient
from kiosk.tiketo.warm import KeepWarm


def test_a_verdict_costs_one_request_on_a_warm_connection(test_certs, paths):
    settings = Settings().with_changes(
        scanning={"lookup_timeout_seconds": 3.0},  # loaded CI
        api={"ca_file": str(test_certs.ca_file)},
    )
    with DemoServer(tls=test_certs, http2=True) as server:
        credentials = provision(
            paths.device_file,
            server.url,
            DEMO_WORKSPACE_TOKEN,
            "door-1",
            ca_file=str(test_certs.ca_file),
        )
        server.state.add_pass(guest_pass(1))
        with ScanService(paths, credentials, settings, background=False) as service:
            service.scan(VALID_CODE)  # opens the connection
            opened = len(server.connections)  # nothing is uploaded meanwhile (pending below)
            for code in (guest_pass(1).code, VOIDED_CODE, EXPIRED_CODE, UNKNOWN_CODE, VALID_CODE):
                before = server.request_count
                verdict = service.scan(code)
                assert not verdict.offline
                assert server.request_count == before + 1, code
            assert len(server.connections) == opened
            assert service.status().pending == 2  # queued, sent later, off the verdict path


def test_keep_warm_pings_only_a_quiet_client_and_only_online(demo_server, credentials):
    online = [True]
    with TiketoClient(demo_server.url, credentials.token) as client:
        warm = KeepWarm(client, 0.3, lambda: online[0]).start()
        try:
            time.sleep(1.2)
            assert warm.pings >= 2
            online[0] = False
            time.sleep(0.4)
            pings = warm.pings
            time.sleep(1.0)
            assert warm.pings == pings  # offline: the uploader's probe owns the link
        finally:
            warm.close()
        assert KeepWarm(client, 0).start().pings == 0  # 0: off, no thread
