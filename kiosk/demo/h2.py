"""HTTP/2 for the demo server (with the ``h2`` protocol library), chosen through ALPN.

A real API behind a CDN offers HTTP/2, and the kiosk takes it: one warm connection carries
lookups and uploads side by side. This serves one TLS connection that negotiated ``h2``:
each request (stream) is answered on its own thread, so emulated round trips overlap as on a
real link. It acts out the link emulation, 413 for large requests, and the faults that make
sense per stream: ``slow``, ``slow-body`` (one byte of the body per drip), ``429`` and
``reject-scans``; the other faults are HTTP/1.1 only.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

import h2.config
import h2.connection
import h2.events
import h2.exceptions

from kiosk.demo.executor import token_from
from kiosk.demo.faults import Fault

if TYPE_CHECKING:
    from kiosk.demo.server import DemoServer


class _Connection:
    def __init__(self, sock: socket.socket, owner: DemoServer) -> None:
        self.sock = sock
        self.owner = owner
        self.h2 = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        )
        self.lock = threading.Condition()
        self.closed = False

    def flush(self) -> None:
        """Send what h2 has queued; call with the lock held."""
        data = self.h2.data_to_send()
        if data:
            self.sock.sendall(data)

    def serve(self) -> None:
        with self.lock:
            self.h2.initiate_connection()
            self.flush()
        self.sock.settimeout(self.owner.link.idle_timeout_seconds)
        requests: dict[int, tuple[dict[str, str], bytearray]] = {}
        try:
            while not self.closed:
                data = self.sock.recv(65536)
                if not data:
                    break
                with self.lock:
                    for event in self.h2.receive_data(data):
                        self._on_event(event, requests)
                    self.flush()
                    self.lock.notify_all()
        except TimeoutError:  # idle too long: say goodbye first, as real servers do
            try:
                with self.lock:
                    self.h2.close_connection()
                    self.flush()
            except OSError:
                pass
        except (OSError, h2.exceptions.ProtocolError):
            pass
        finally:
            with self.lock:
                self.closed = True
                self.lock.notify_all()

    def _on_event(self, event: Any, requests: dict[int, tuple[dict[str, str], bytearray]]) -> None:
        if isinstance(event, h2.events.RequestReceived):
            headers = {_text(name): _text(value) for name, value in event.headers or ()}
            requests[event.stream_id] = (headers, bytearray())
        elif isinstance(event, h2.events.DataReceived):
            requests[event.stream_id][1].extend(event.data)
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            headers, body = requests.pop(event.stream_id)
            threading.Thread(
                target=self._answer,
                args=(event.stream_id, headers, bytes(body)),
                name="demo-h2-stream",
                daemon=True,
            ).start()
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.closed = True

    def _answer(self, stream_id: int, headers: dict[str, str], body: bytes) -> None:
        owner = self.owner
        owner.request_count += 1
        owner.link.pause()
        faults = owner.faults
        active = faults.fault is not Fault.NONE and faults.applies_to(_operation_name(body))
        drip = faults.drip_seconds if active and faults.fault is Fault.SLOW_BODY else 0.0
        extra: dict[str, str] = {}
        if active and faults.fault is Fault.RATE_LIMITED:  # refused before doing any work
            status, answer = 429, {"errors": [{"message": "Too many requests"}]}
            extra = {"retry-after": faults.retry_after}
        else:
            if active and faults.fault is Fault.SLOW:
                time.sleep(faults.slow_seconds)
            status, answer = self._execute(headers, body)
        payload = json.dumps(answer).encode()
        try:
            with self.lock:
                self.h2.send_headers(
                    stream_id,
                    [
                        (":status", str(status)),
                        ("content-type", "application/json"),
                        ("content-length", str(len(payload))),
                        *extra.items(),
                    ],
                )
                self.flush()
            step = 1 if drip else 16384
            for start in range(0, len(payload), step):
                self._send_data(stream_id, payload[start : start + step])
                if drip:
                    time.sleep(drip)
            with self.lock:
                self.h2.end_stream(stream_id)
                self.flush()
        except (OSError, h2.exceptions.ProtocolError, h2.exceptions.StreamClosedError):
            pass

    def _execute(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        owner = self.owner
        if len(body) > owner.max_request_bytes:
            return 413, {"errors": [{"message": "Request too large."}]}
        try:
            request = json.loads(body)
        except ValueError:
            return 400, {"errors": [{"message": "Body is not JSON."}]}
        if not isinstance(request, dict):
            return 400, {"errors": [{"message": "Body must be a JSON object."}]}
        return owner.execute(request, token_from(headers.get("authorization", "")))

    def _send_data(self, stream_id: int, data: bytes) -> None:
        """Send ``data`` as the peer's flow-control window allows, waiting for it to open."""
        while data:
            with self.lock:
                while (
                    not self.closed
                    and min(
                        self.h2.local_flow_control_window(stream_id),
                        self.h2.max_outbound_frame_size,
                    )
                    <= 0
                ):
                    self.lock.wait(1.0)
                if self.closed:
                    raise OSError("connection closed")
                room = min(
                    self.h2.local_flow_control_window(stream_id),
                    self.h2.max_outbound_frame_size,
                    len(data),
                )
                self.h2.send_data(stream_id, data[:room])
                self.flush()
                data = data[room:]


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _operation_name(body: bytes) -> str | None:
    try:
        name = json.loads(body).get("operationName")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def serve_http2(sock: socket.socket, owner: DemoServer) -> None:
    """Serve one connection that negotiated HTTP/2 until the client or the idle timeout
    closes it."""
    _Connection(sock, owner).serve()
