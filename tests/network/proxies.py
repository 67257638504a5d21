"""Proxies for the network tests: a real tinyproxy process, and a proxy that accepts the
connection and then never says a word."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# tinyproxy opens its connections to the servers from this address, so the demo server can
# tell a request that came through the proxy from one that came straight from the kiosk.
PROXY_OUTGOING_ADDRESS = "127.0.0.2"


@dataclass(frozen=True)
class Tinyproxy:
    port: int
    log_file: Path

    def url(self, userinfo: str = "") -> str:
        return f"http://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def tinyproxy(folder: Path, *, user: str, password: str) -> Iterator[Tinyproxy]:
    """tinyproxy on 127.0.0.1, asking for ``user``/``password`` (Basic), logging every
    connection; skips the test when it is not installed (packaging/dev.sh installs it)."""
    program = shutil.which("tinyproxy")
    if program is None:
        pytest.skip("tinyproxy is not installed (apt-get install tinyproxy)")
    port = free_port()
    config = folder / "tinyproxy.conf"
    lines = [
        f"Port {port}",
        "Listen 127.0.0.1",
        f"Bind {PROXY_OUTGOING_ADDRESS}",
        "Timeout 30",
        "MaxClients 20",
        "LogLevel Connect",
        "Allow 127.0.0.1",
        f"BasicAuth {user} {password}",
    ]
    if os.geteuid() == 0:  # tinyproxy will not keep root's rights
        lines += ["User nobody", "Group nogroup"]
    config.write_text("\n".join(lines) + "\n")
    proxy = Tinyproxy(port, folder / "tinyproxy.log")
    with proxy.log_file.open("wb") as log:
        process = subprocess.Popen(
            [program, "-d", "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_port(port, process, proxy)
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], proxy: Tinyproxy) -> None:
    until = time.monotonic() + 10
    while time.monotonic() < until:
        if process.poll() is not None:
            pytest.fail(f"tinyproxy exited: {proxy.log()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"tinyproxy did not listen within 10 s: {proxy.log()}")


@contextmanager
def silent_proxy(drip_seconds: float | None = None) -> Iterator[str]:
    """A "proxy" that accepts every connection and never answers it: a venue proxy stuck on
    its upstream. With ``drip_seconds`` it answers one byte at a time instead, so no single
    socket read waits long (httpx's own read timeout restarts with every byte).
    Yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def drip(connection: socket.socket) -> None:
        # ~50 bytes, then silence: a client without an absolute deadline takes seconds more
        # than its read timeout, and fails the test rather than hanging it
        answer = b"HTTP/1.1 200 Connection established\r\nX-Slow: zzzz"
        for byte in answer:
            if stop.wait(drip_seconds):
                return
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)  # open until the test ends
            if drip_seconds is not None:
                threading.Thread(target=drip, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, name="silent-proxy", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        for connection in held:
            connection.close()
