"""Every API call ends by its deadline whatever the server does, and a compressed answer
is capped as it inflates: raw-socket servers on 127.0.0.1 that misbehave on purpose."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from kiosk.tiketo import ApiUnreachable, ServerError, TiketoClient, Timeouts, UnreadableAnswer

QUICK = Timeouts(connect=1.0, read=1.0, total=1.5)
LATE = 6.0  # generous for a loaded machine; each server below would take minutes


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each socket, after the request was read,
    to ``behave``; closes everything on exit."""

    def __init__(self, behave: Callable[[socket.socket], None]) -> None:
        self._behave = behave
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/graphql"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for sock in self._sockets:
            try:
                sock.close()
            except OSError:
                pass
        self._thread.join(5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._sockets.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            _read_request(conn)
            self._behave(conn)
        except OSError:
            pass  # the client gave up and closed: that is the point


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += conn.recv(4096)


def drip(data: bytes, every: float = 1.0) -> Callable[[socket.socket], None]:
    def behave(conn: socket.socket) -> None:
        for index in range(len(data)):
            conn.sendall(data[index : index + 1])
            time.sleep(every)

    return behave


ANSWER = json.dumps({"data": {"projects": []}}).encode()
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"


def slow_body(conn: socket.socket) -> None:
    conn.sendall(HEAD % len(ANSWER))
    drip(ANSWER)(conn)


def silent(conn: socket.socket) -> None:
    time.sleep(120)


def redirect_forever(conn: socket.socket) -> None:
    while True:
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /graphql\r\nContent-Length: 0\r\n\r\n")
        _read_request(conn)


def bomb(layers: int) -> Callable[[socket.socket], None]:
    payload = b'{"data": {"pad": "' + b" " * (64 * 1024 * 1024) + b'"}}'
    for _ in range(layers):
        payload = gzip.compress(payload, compresslevel=9)
    encoding = ", ".join(["gzip"] * layers).encode()

    def behave(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: "
            + encoding
            + b"\r\nContent-Length: %d\r\n\r\n" % len(payload)
            + payload
        )
        time.sleep(5)

    return behave


@pytest.fixture
def timed() -> Iterator[Callable[[], float]]:
    started = time.monotonic()
    yield lambda: time.monotonic() - started


@pytest.mark.parametrize(
    "behave",
    [drip(HEAD % len(ANSWER) + ANSWER), slow_body, silent],
    ids=["slow-headers", "slow-body", "silent"],
)
def test_a_slow_server_cannot_hold_a_call_past_its_deadline(behave, timed):
    """Issue 14 #2: headers one byte a second held a 3 s lookup for 120 s."""
    with RawServer(behave) as server, TiketoClient(server.url, "t", timeouts=QUICK) as client:
        with pytest.raises(ApiUnreachable, match="in time"):
            client.projects()
        assert timed() < LATE


def test_endless_redirects_end_at_once(timed):
    with (
        RawServer(redirect_forever) as server,
        TiketoClient(server.url, "t", timeouts=QUICK) as client,
    ):
        with pytest.raises(ServerError, match="HTTP 302"):
            client.projects()
        assert timed() < LATE


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_a_compression_bomb_is_capped_while_it_inflates(layers):
    """Issue 14 #8: 3.5 KB gzipped twice took 5.9 GB of memory."""
    behave = bomb(layers)
    with RawServer(behave) as server, TiketoClient(server.url, "t", timeouts=QUICK) as client:
        tracemalloc.start()
        try:
            with pytest.raises(UnreadableAnswer, match="larger"):
                client.projects()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 24 * 1024 * 1024  # the answer inflates to 64 MiB; the cap is 1 MiB


def test_a_compressed_answer_of_normal_size_is_read():
    payload = gzip.compress(ANSWER)

    def behave(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
            % len(payload)
            + payload
        )
        time.sleep(2)

    with RawServer(behave) as server, TiketoClient(server.url, "t", timeouts=QUICK) as client:
        assert client.projects() == []


def test_an_encoding_the_kiosk_did_not_ask_for_is_unreadable():
    def behave(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\nxxxx")
        time.sleep(2)

    with RawServer(behave) as server, TiketoClient(server.url, "t", timeouts=QUICK) as client:
        with pytest.raises(UnreadableAnswer, match="encoding"):
            client.projects()
