"""A real HTTP server on 127.0.0.1 that speaks the Tiketo GraphQL API.

It executes ``kiosk/tiketo/schema.graphql`` with graphql-core against :class:`DemoState`,
checks the ``Authorization: TOKEN <token>`` header, and can be switched into the failure
modes a venue's network produces, so the kiosk is tested over real HTTP without an account.
"""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from kiosk.demo.certs import TestCertificates
from kiosk.demo.faults import (
    AFTER_EXECUTION,
    Fault,
    FaultSettings,
    RefusingRoot,
    gzip_bomb,
    mangle,
)
from kiosk.demo.link import Link, server_ssl_context
from kiosk.demo.state import DemoState
from kiosk.tiketo.operations import schema_text

MAX_REQUEST_BYTES = 1024 * 1024
AUTH_HEADER = re.compile(r"^TOKEN (\S+)$")


def build_server_schema() -> GraphQLSchema:
    """The API schema with AWSJSON checked the way AppSync checks it (a string of JSON)."""
    schema = build_schema(schema_text())
    awsjson = schema.type_map["AWSJSON"]

    def parse_awsjson(value: Any) -> Any:
        if not isinstance(value, str):
            raise GraphQLError("AWSJSON must be a string holding JSON.")
        try:
            return json.loads(value)
        except ValueError as exc:
            raise GraphQLError("AWSJSON holds invalid JSON.") from exc

    def serialize_awsjson(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    # graphql-core 3.2 calls parse_value/serialize; 3.3 renamed them coerce_*_value.
    for name in ("parse_value", "coerce_input_value"):
        setattr(awsjson, name, parse_awsjson)
    for name in ("serialize", "coerce_output_value"):
        setattr(awsjson, name, serialize_awsjson)
    return schema


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
        self._schema = build_server_schema()
        self._documents: dict[str, tuple[DocumentNode | None, list[GraphQLError]]] = {}
        self._port = port
        self._httpd: _Httpd | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

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
        httpd = _Httpd(("127.0.0.1", self._port), _Handler)
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
        """Run one GraphQL request; returns (HTTP status, JSON answer)."""
        caller = self.state.caller_for(token) if token else None
        if caller is None:
            return 401, {
                "errors": [
                    {
                        "message": "Unauthorized: missing or invalid token",
                        "errorType": "Unauthorized",
                    }
                ]
            }
        query, variables = body.get("query"), body.get("variables") or {}
        if not isinstance(query, str) or not isinstance(variables, dict):
            return 400, {"errors": [{"message": "Body must hold a query string and variables."}]}
        faults = self.faults
        root: Any = self.state
        if faults.fault is Fault.REJECT_SCANS and faults.applies_to(body.get("operationName")):
            root = RefusingRoot(self.state, faults.codes)  # each refused scan errs on its own
        document, errors = self._document(query)
        if document is None:
            return 200, dict(ExecutionResult(None, errors).formatted)
        result = execute_sync(
            self._schema,
            document,
            root_value=root,
            context_value={"caller": caller},
            variable_values=variables,
            operation_name=body.get("operationName"),
        )
        return 200, dict(result.formatted)

    def _document(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        """The parsed and validated query, cached by its text as real GraphQL servers do: a
        100-scan batch takes graphql-core ~80 ms to validate, which is not what a venue's
        link costs and would swamp what the benches measure."""
        with self._lock:
            found = self._documents.get(query)
        if found is not None:
            return found
        try:
            parsed = parse(query)
        except GraphQLError as error:
            return None, [error]
        errors = list(validate(self._schema, parsed))
        found = (None, errors) if errors else (parsed, [])
        with self._lock:
            if len(self._documents) >= 512:
                self._documents.clear()
            self._documents[query] = found
        return found


class _Httpd(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: DemoServer
    ssl_context: ssl.SSLContext | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept; over HTTPS the handshake happens later, on the connection's thread."""
        sock, address = super().get_request()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, address

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-request is normal here (timeouts, kills); stay quiet."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError | ssl.SSLError):
            return
        super().handle_error(request, client_address)

    def close_open_connections(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, every answer waited ~40 ms
    # for the client's delayed ACK, which made loopback lookups look 8x slower than they are.
    disable_nagle_algorithm = True
    server: _Httpd

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and demo
        pass

    def setup(self) -> None:
        """Charge the emulated link's handshakes; close the connection when idle too long."""
        link = self.server.owner.link
        link.pause()  # TCP's handshake
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10.0)
            self.request.do_handshake()
            self.request.settimeout(None)
            link.pause()  # TLS 1.3's handshake
        self.timeout = link.idle_timeout_seconds  # type: ignore[misc]  # per connection
        super().setup()

    def handle(self) -> None:
        if (
            isinstance(self.request, ssl.SSLSocket)
            and self.request.selected_alpn_protocol() == "h2"
        ):
            from kiosk.demo.h2 import serve_http2

            serve_http2(self.request, self.server.owner)
            return
        super().handle()

    def do_POST(self) -> None:
        owner = self.server.owner
        owner.request_count += 1
        owner.link.pause()
        length = int(self.headers.get("Content-Length") or 0)
        if length > owner.max_request_bytes:
            self._discard(length)  # read it first: closing on unread data would reset the 413
            self._send(413, {"errors": [{"message": "Request too large."}]})
            self.close_connection = True
            return
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            self._send(400, {"errors": [{"message": "Body is not JSON."}]})
            return
        if not isinstance(body, dict):
            self._send(400, {"errors": [{"message": "Body must be a JSON object."}]})
            return
        faults = owner.faults
        active = faults.fault is not Fault.NONE and faults.applies_to(body.get("operationName"))
        if active and faults.fault not in AFTER_EXECUTION and self._apply_fault(faults, body):
            return
        match = AUTH_HEADER.match(self.headers.get("Authorization") or "")
        status, answer = owner.execute(body, match.group(1) if match else None)
        if active and faults.fault in AFTER_EXECUTION:
            self._misdeliver(faults, status, answer)
        else:
            self._send(status, answer)

    def _discard(self, length: int) -> None:
        left = min(length, 64 * MAX_REQUEST_BYTES)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)

    def do_GET(self) -> None:
        self._send(405, {"errors": [{"message": "Use POST for GraphQL."}]})

    def _apply_fault(self, faults: FaultSettings, body: dict[str, Any]) -> bool:
        """Act out the fault; True when the request has been answered (or dropped)."""
        fault = faults.fault
        if fault is Fault.DOWN:
            self.close_connection = True
            return True
        if fault is Fault.SLOW:
            time.sleep(faults.slow_seconds)
            return False
        if fault is Fault.SERVER_ERROR:
            self._send_raw(503, b"<html><body>Service Unavailable</body></html>", "text/html")
        elif fault is Fault.RATE_LIMITED:
            self._send(
                429,
                {"errors": [{"message": "Too many requests"}]},
                extra_headers={"Retry-After": faults.retry_after},
            )
        elif fault is Fault.NON_JSON:
            self._send_raw(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
        elif fault is Fault.GRAPHQL_ERRORS:
            self._send(
                200,
                {
                    "data": None,
                    "errors": [
                        {
                            "message": "Internal failure while resolving the request",
                            "errorType": "InternalFailure",
                        }
                    ],
                },
            )
        elif fault is Fault.REVOKED:
            self._send(401, {"errors": [{"message": "Token revoked", "errorType": "Unauthorized"}]})
        elif fault is Fault.THROTTLED:
            self._send(
                200,
                {"data": None, "errors": [{"message": "Rate exceeded", "errorType": "Throttled"}]},
            )
        elif fault is Fault.REDIRECT_LOOP:
            self._send_raw(307, b"", "text/plain", {"Location": self.path})
        elif fault is Fault.REJECT_SCANS:
            return False  # executed: DemoServer.execute refuses the codes one by one
        elif fault is Fault.LOOKUP_ANSWER:
            answer: dict[str, Any] = {"data": {"passByScanCode": faults.answer}}
            if faults.errors is not None:
                answer["errors"] = faults.errors
            self._send(200, answer)
        return True

    def _misdeliver(self, faults: FaultSettings, status: int, answer: dict[str, Any]) -> None:
        """The request was executed; deliver its answer the way the fault says."""
        fault = faults.fault
        if fault in (Fault.ODD_CREATED_AT, Fault.WRONG_TYPES):
            self._send(status, mangle(faults, answer))
            return
        body = json.dumps(answer).encode()
        head = (
            f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
        ).encode()
        if fault is Fault.GZIP_BOMB:
            body = gzip_bomb()
            head = (
                f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                f"Content-Encoding: gzip, gzip\r\nContent-Length: {len(body)}\r\n"
            ).encode()
            self._write_slowly(head + b"\r\n" + body, 0, 0.0)
        elif fault is Fault.SLOW_HEADERS:
            self._write_slowly(head + b"\r\n" + body, len(head) + 2, faults.drip_seconds)
        else:  # SLOW_BODY
            self._write_slowly(head + b"\r\n" + body, len(body), faults.drip_seconds, from_end=True)
        self.close_connection = True

    def _write_slowly(
        self, raw: bytes, slow_bytes: int, drip: float, from_end: bool = False
    ) -> None:
        """Write ``raw``: ``slow_bytes`` of it (its start, or its end) one byte per ``drip``
        seconds, the rest at once; stop when the client has gone."""
        split = len(raw) - slow_bytes if from_end else slow_bytes
        parts = [raw[:split]] if from_end else []
        slow = raw[split:] if from_end else raw[:split]
        rest = b"" if from_end else raw[split:]
        try:
            for part in parts:
                self.wfile.write(part)
                self.wfile.flush()
            for index in range(len(slow)):
                self.wfile.write(slow[index : index + 1])
                self.wfile.flush()
                time.sleep(drip)
            if rest:
                self.wfile.write(rest)
                self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _send(
        self, status: int, payload: dict[str, Any], extra_headers: dict[str, str] | None = None
    ) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json", extra_headers)

    def _send_raw(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra_headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
