"""The HTTP plumbing under the client: an absolute deadline on every exchange, and a body
size cap applied while the body is decompressed.

httpx's timeouts are per socket operation: a read timeout restarts with every byte, so a
server sending its headers one byte a second held a 3 s lookup for minutes, and name
resolution has no timeout at all. Here every socket operation (resolving, connecting, TLS,
each write and read) gets at most what is left of the call's deadline, so the whole
exchange ends by then whatever the server does.

httpx also inflates a compressed body chunk by chunk with no limit, so a few KB gzipped
twice became gigabytes before any size check; the body is therefore read raw and inflated
here with ``max_length``, layer by layer, never holding more than the cap per layer.
"""

from __future__ import annotations

import ipaddress
import queue
import socket
import ssl
import threading
import time
import typing
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import httpcore
import httpx

_deadline = threading.local()


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Within the block, this thread's socket operations end by ``at`` (time.monotonic), or
    by an enclosing block's earlier deadline (``kiosk sync --timeout`` bounds its calls)."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = at if previous is None else min(at, previous)
    try:
        yield
    finally:
        _deadline.at = previous


def current_deadline() -> float:
    """This thread's deadline (time.monotonic), or infinity."""
    at = getattr(_deadline, "at", None)
    return float("inf") if at is None else at


def _left(timeout: float | None, error: type[Exception] = httpcore.ReadTimeout) -> float | None:
    """``timeout`` capped at what is left of the deadline; raises once it has passed."""
    at: float | None = getattr(_deadline, "at", None)
    if at is None or at == float("inf"):
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("The call's deadline passed.")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(
                ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
            )
        )

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with every operation bounded by the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = _resolve(host, port, _left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(
            self._inner.connect_tcp(
                address,
                port,
                _left(timeout, httpcore.ConnectTimeout),
                local_address,
                socket_options,
            )
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - not used
        return _DeadlineStream(
            self._inner.connect_unix_socket(
                path, _left(timeout, httpcore.ConnectTimeout), socket_options
            )
        )

    def sleep(self, seconds: float) -> None:  # pragma: no cover - retries are off
        self._inner.sleep(seconds)


def _resolve(host: str, port: int, timeout: float | None) -> str:
    """``host``'s first address, looked up on a helper thread so that a hanging resolver
    costs at most ``timeout`` (getaddrinfo itself cannot be interrupted)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    answer: queue.Queue[object] = queue.Queue(maxsize=1)

    def look_up() -> None:
        try:
            answer.put(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0])
        except OSError as exc:
            answer.put(exc)

    threading.Thread(target=look_up, name="kiosk-dns", daemon=True).start()
    try:
        found = answer.get(timeout=timeout)
    except queue.Empty:
        raise httpcore.ConnectTimeout("Name resolution did not finish in time.") from None
    if isinstance(found, OSError):
        raise httpcore.ConnectError(str(found))
    return str(found)


KEEPALIVE_SECONDS = 120.0  # httpx's default of 5 s re-paid TCP + TLS after every pause


def deadline_transport(
    max_connections: int,
    *,
    verify: ssl.SSLContext | bool = True,
    http2: bool = True,
    proxy: httpx.Proxy | None = None,
    network_backend: httpcore.NetworkBackend | None = None,
) -> DeadlineTransport:
    """An httpx transport whose sockets obey :func:`deadline`: kept-alive connections, and
    HTTP/2 when the server offers it through ALPN (HTTP/1.1 otherwise).

    With ``proxy`` (http:// or https://) every connection goes through it (a CONNECT tunnel
    for https), and the proxy's own sockets obey the same deadline: a silent proxy cannot
    hold a call longer than a silent server. ``network_backend`` replaces the deadline
    backend's plain sockets underneath (tests count connections with it).

    With HTTP/2 several calls share one connection and whichever thread waits reads for
    all of them; each socket read is still bounded by the reading thread's deadline, and a
    call whose deadline passed ends (httpcore then retires that connection)."""
    pool_options: dict[str, typing.Any] = {  # the same for a direct pool and a proxy's
        "ssl_context": httpx.create_ssl_context(verify=verify),
        "max_connections": max_connections,
        "max_keepalive_connections": max_connections,
        "keepalive_expiry": KEEPALIVE_SECONDS,
        "http2": http2,
        "network_backend": DeadlineBackend(network_backend),
    }
    if proxy is None:
        return DeadlineTransport(httpcore.ConnectionPool(**pool_options))
    proxy_url = httpcore.URL(
        scheme=proxy.url.raw_scheme,
        host=proxy.url.raw_host,
        port=proxy.url.port,
        target=proxy.url.raw_path,
    )
    # An https:// proxy's own certificate: the built-in authorities, as in httpx. Not the
    # API's context: httpcore sets ALPN on a context before each use, and a proxy offered h2
    # by another thread would answer CONNECT in a tongue httpcore does not speak there.
    proxy_ssl_context = httpx.create_ssl_context() if proxy.url.scheme == "https" else None
    return DeadlineTransport(
        httpcore.HTTPProxy(
            proxy_url=proxy_url,
            proxy_auth=proxy.raw_auth,
            proxy_headers=proxy.headers.raw,
            proxy_ssl_context=proxy_ssl_context,
            **pool_options,
        )
    )


# httpcore's errors as httpx's, most specific first (httpx's own table is private).
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's errors as httpx's, which is what the client catches."""
    try:
        yield
    except Exception as exc:
        for source, target in _ERRORS:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


class _BodyStream(httpx.SyncByteStream):
    def __init__(self, inner: typing.Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._inner

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool (direct or through a proxy) whose network
    backend is a :class:`DeadlineBackend`: httpx's ``HTTPTransport`` cannot be given a
    network backend, and with a proxy it would build its own pool on plain sockets."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:
        self._pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.SyncByteStream):  # pragma: no cover
            raise TypeError("DeadlineTransport sends synchronous requests only.")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        if not isinstance(response.stream, typing.Iterable):  # pragma: no cover
            raise TypeError("httpcore answered with an asynchronous body.")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_BodyStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# --- the body -----------------------------------------------------------------------------------

ACCEPT_ENCODING = "gzip, deflate"
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class BodyTooLarge(Exception):
    """The body (or one of its decompressed layers) would pass the cap."""


class UnknownEncoding(Exception):
    """A Content-Encoding this client did not ask for."""


class CappedInflater:
    """Undo a response's Content-Encoding layers, each bounded by ``cap`` bytes in total."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        names = [n for n in names if n != "identity"]
        unknown = [n for n in names if n not in _WBITS]
        if unknown:
            raise UnknownEncoding(unknown[0])
        # The last encoding listed was applied last, so it is undone first.
        self._layers = [zlib.decompressobj(_WBITS[n]) for n in reversed(names)]
        self._produced = [0] * len(self._layers)
        self._cap = cap
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        return self._inflate(data, final=False)

    def finish(self) -> bytes:
        return self._inflate(b"", final=True)

    def _inflate(self, data: bytes, *, final: bool) -> bytes:
        """Push ``data`` through every layer; ``final`` also empties each layer's buffers.
        No layer ever produces more than ``cap`` bytes in all, and input a layer could not
        take within its room (``unconsumed_tail``) is never inflated by a later flush."""
        try:
            for index, layer in enumerate(self._layers):
                room = self._cap - self._produced[index]
                out = layer.decompress(data, room + 1) if data else b""
                if len(out) > room or layer.unconsumed_tail:
                    raise BodyTooLarge
                if final:
                    out += layer.flush()
                self._produced[index] += len(out)
                if self._produced[index] > self._cap:
                    raise BodyTooLarge
                data = out
        except zlib.error as exc:
            raise UnknownEncoding(f"damaged compressed data ({exc})") from exc
        self.size += len(data)
        if self.size > self._cap:
            raise BodyTooLarge
        return data
