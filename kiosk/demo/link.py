"""Link emulation for the demo server: what a venue's network costs, on loopback.

A venue's link to the Tiketo API costs 30-300 ms per round trip; on loopback it costs well
under a millisecond, so every figure measured there flatters the kiosk. The demo server can
therefore charge round trips the way a real link does:

- every request waits one round trip (``round_trip_seconds``, plus up to ``jitter_seconds``)
  before it is answered;
- every new connection waits one round trip for the TCP handshake and, over HTTPS, one more
  for the TLS 1.3 handshake (name lookup is not charged: the demo listens on an address);
- ``idle_timeout_seconds`` closes a connection that carried no request for that long, like a
  load balancer's idle timeout, so a test or bench can show a quiet spell without waiting
  ten real minutes.

The delay is served by the handler's own thread, so concurrent requests overlap as they
would on a real link (latency, not a bandwidth limit).
"""

from __future__ import annotations

import random
import ssl
import time
from dataclasses import dataclass

from kiosk.demo.certs import TestCertificates


@dataclass(frozen=True)
class Link:
    round_trip_seconds: float = 0.0
    jitter_seconds: float = 0.0
    idle_timeout_seconds: float | None = None

    def pause(self) -> None:
        """Wait one emulated round trip (nothing on a perfect link)."""
        delay = self.round_trip_seconds
        if self.jitter_seconds > 0:
            delay += random.uniform(0.0, self.jitter_seconds)
        if delay > 0:
            time.sleep(delay)


def server_ssl_context(tls: TestCertificates, http2: bool = False) -> ssl.SSLContext:
    """The demo server's TLS: the test certificate, TLS 1.2+, and ALPN offering ``h2``
    first when ``http2`` (HTTP/1.1 only otherwise, like a server that does not offer it)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(tls.cert_file, tls.key_file)
    context.set_alpn_protocols(["h2", "http/1.1"] if http2 else ["http/1.1"])
    return context
