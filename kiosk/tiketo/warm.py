"""Keeps the door's connection warm through quiet spells.

A load balancer closes a connection that carried nothing for a while (often 60 s), and a new
one costs the next scan DNS + TCP + TLS: three extra round trips, half a second on a 150 ms
link, at exactly the moment a guest is waiting. So when the door's client has been quiet for
``interval`` seconds, a background thread sends the cheapest request there is (``Ping``, a
``__typename`` query) over it. Nothing is sent while the kiosk is offline (the uploader's
probe owns that) or after :meth:`KeepWarm.close`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.tiketo.client import TiketoClient
from kiosk.tiketo.errors import TiketoError

log = logging.getLogger(__name__)


class KeepWarm:
    def __init__(
        self, client: TiketoClient, interval: float, online: Callable[[], bool] = lambda: True
    ) -> None:
        self._client = client
        self._interval = interval
        self._online = online
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.pings = 0

    def start(self) -> KeepWarm:
        if self._interval > 0:
            self._thread = threading.Thread(target=self._run, name="kiosk-keep-warm", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(max(0.05, self._interval - self._client.idle_seconds())):
            if self._client.idle_seconds() < self._interval or not self._online():
                if not self._online():
                    self._stop.wait(self._interval)
                continue
            try:
                self._client.ping()
                self.pings += 1
            except TiketoError as exc:  # the next scan finds out properly; just note it
                log.info("Keep-warm request failed: %s", exc)
            except Exception:
                log.exception("Keep-warm request failed")
                self._stop.wait(self._interval)
