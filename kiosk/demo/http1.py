"""HTTP/1.1 for the demo server: the listening socket, one thread per connection, and the
faults a venue's network produces acted out on the wire.

:class:`HttpServer` tracks its open connections so :meth:`DemoServer.stop` really closes
them; :class:`RequestHandler` charges the emulated link, answers POSTs through
:meth:`DemoServer.execute` and misbehaves as ``DemoServer.faults`` says (before executing:
drop, delay, 5xx, 429, HTML, redirect loop...; after: slow headers or body, a gzip bomb,
spoiled fields). A TLS connection that negotiated ``h2`` goes to :mod:`kiosk.demo.h2`.
"""

from __future__ import annotations

import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from kiosk.demo.executor import token_from
from kiosk.demo.faults import AFTER_EXECUTION, Fault, FaultSettings, gzip_bomb, mangle

if TYPE_CHECKING:
    from kiosk.demo.server import DemoServer

MAX_REQUEST_BYTES = 1024 * 1024


class HttpServer(ThreadingHTTPServer):
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
        self.owner.connections.append((str(client_address[0]), int(client_address[1])))
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


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, every answer waited ~40 ms
    # for the client's delayed ACK, which made loopback lookups look 8x slower than they are.
    disable_nagle_algorithm = True
    server: HttpServer

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
        token = token_from(self.headers.get("Authorization") or "")
        status, answer = owner.execute(body, token)
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
