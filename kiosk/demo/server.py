"""A real HTTP server on 127.0.0.1 that speaks the Tiketo GraphQL API.

It executes ``kiosk/tiketo/schema.graphql`` with graphql-core against :class:`DemoState`
(:mod:`kiosk.demo.executor`), checks the ``Authorization: TOKEN <token>`` header, and can be
switched into the failure modes a venue's network produces (:mod:`kiosk.demo.faults`, acted
out by :mod:`kiosk.demo.http1` and :mod:`kiosk.demo.h2`), so the kiosk is tested over real
HTTP without an account.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from kiosk.demo.certs import TestCertificates
from kiosk.demo.executor import GraphQLExecutor
from kiosk.demo.faults import Fault, FaultSettings, gzip_bomb
from kiosk.demo.http1 import MAX_REQUEST_BYTES, HttpServer, RequestHandler
from kiosk.demo.link import Link, server_ssl_context
from kiosk.demo.state import DemoState


class DemoServer:
    """Start with :meth:`start` (or as a context manager); ``url`` is the GraphQL endpoint.

    :meth:`stop` really closes the port and every open connection, so a client sees
    "connection refused" until :meth:`start` opens the same port again.
    """

    def __init__(
        self,
        state: DemoState | None = None,
        port: int = 0,
        *,
        link: Link | None = None,
        tls: TestCertificates | None = None,
        http2: bool = False,
        max_request_bytes: int = MAX_REQUEST_BYTES,
    ) -> None:
        """``link`` emulates a slow network (:mod:`kiosk.demo.link`); ``tls`` serves HTTPS
        with that certificate (``http2`` also offers HTTP/2 through ALPN);
        ``max_request_bytes`` answers larger requests with HTTP 413."""
        self.state = state or DemoState.seeded()
        self.faults = FaultSettings()
        self.link = link or Link()
        self.max_request_bytes = max_request_bytes
        self._ssl = None if tls is None else server_ssl_context(tls, http2)
        self.request_count = 0
        # The peer address of every connection accepted, in order: how many connections a
        # client opened (kept-alive ones are not reopened) and from where (through a proxy).
        self.connections: list[tuple[str, int]] = []
        self._executor = GraphQLExecutor()
        self._port = port
        self._httpd: HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        scheme = "http" if self._ssl is None else "https"
        return f"{scheme}://127.0.0.1:{self._port}/graphql"

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> DemoServer:
        httpd = HttpServer(("127.0.0.1", self._port), RequestHandler)
        httpd.owner = self
        httpd.ssl_context = self._ssl
        self._port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"demo-server-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_open_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def set_fault(
        self,
        fault: Fault,
        *,
        operations: set[str] | None = None,
        codes: set[str] | None = None,
        **options: Any,
    ) -> None:
        """Switch failure mode; ``operations`` limits it to some operation names, ``codes``
        (REJECT_SCANS) to some scan codes; ``options`` are FaultSettings fields
        (``slow_seconds``, ``retry_after``, ``drip_seconds``, ``created_at``, ``answer``,
        ``errors``), each keeping its previous value when not given."""
        options = {k: v for k, v in options.items() if v is not None}
        if fault is Fault.GZIP_BOMB:
            gzip_bomb()  # built once (a second of CPU): now, not inside the first request
        self.faults = dataclasses.replace(
            self.faults,
            fault=fault,
            **options,
            operations=frozenset(operations) if operations else None,
            codes=frozenset(codes) if codes else None,
        )

    def clear_fault(self) -> None:
        self.faults = FaultSettings()

    def execute(self, body: dict[str, Any], token: str | None) -> tuple[int, dict[str, Any]]:
        """Run one GraphQL request as the current faults allow; returns (HTTP status, JSON
        answer)."""
        return self._executor.execute(self.state, self.faults, body, token)
