"""Runs the backend's blocking calls off the UI thread and hands results back as signals.

Three single-thread executors, so one slow call never holds up another kind:

* ``scan``: scans, strictly in arrival order (the journal and the re-entry window rely on it);
* ``status``: the 1 s status-bar refresh; a tick is skipped while one is still running, so a
  slow journal or API never piles up refreshes;
* ``io``: history searches, "Try now", CSV export, provisioning.

Results cross back to the UI thread through a queued signal carrying the callback, so
widgets are only ever touched on the UI thread. :meth:`close` waits for running calls and
owns every thread it started (nothing leaks into the next test).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from kiosk.scanning.backend import ConnectionStatus, DayCounts, HistoryEntry, ScanBackend
from kiosk.scanning.verdict import Verdict

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class BackgroundCalls(QObject):
    """Run a function on a named worker thread; call ``done``/``failed`` on the UI thread."""

    _finished = Signal(object, object)  # callback, argument

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executors: dict[str, ThreadPoolExecutor] = {}
        self._closed = False
        self._lock = threading.Lock()
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        lane: str,
        func: Callable[[], Any],
        done: Callback | None = None,
        failed: Callback | None = None,
    ) -> bool:
        """Queue ``func`` on ``lane``'s thread; False when already closed."""
        with self._lock:
            if self._closed:
                return False
            executor = self._executors.get(lane)
            if executor is None:
                executor = ThreadPoolExecutor(1, thread_name_prefix=f"kiosk-ui-{lane}")
                self._executors[lane] = executor
            executor.submit(self._run, func, done, failed)
        return True

    def _run(self, func: Callable[[], Any], done: Callback | None, failed: Callback | None) -> None:
        try:
            result = func()
        except Exception as exc:  # a bug below must not kill the lane: report it on screen
            log.exception("Background call failed")
            if failed is not None:
                self._finished.emit(failed, exc)
            return
        if done is not None:
            self._finished.emit(done, result)

    @Slot(object, object)
    def _deliver(self, callback: Callback, argument: Any) -> None:
        if self._closed:
            return
        try:
            callback(argument)
        except RuntimeError as exc:  # the receiving widget was deleted meanwhile
            if "already deleted" not in str(exc):
                raise

    def close(self) -> None:
        """Wait for running calls, drop queued ones, stop the threads."""
        with self._lock:
            self._closed = True
            executors, self._executors = list(self._executors.values()), {}
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)


class BackendRunner(QObject):
    """The screens' only way to reach the :class:`ScanBackend`."""

    scanned = Signal(object)  # Verdict
    scanFailed = Signal(str, str)  # code, one sentence
    statusReady = Signal(object, object)  # ConnectionStatus, DayCounts

    def __init__(
        self, backend: ScanBackend, calls: BackgroundCalls, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self._calls = calls
        self._status_in_flight = False
        self._history_request = 0
        self.scans_in_flight = 0

    def scan(self, code: str, source: str) -> None:
        self.scans_in_flight += 1

        def failed(exc: BaseException) -> None:
            self.scans_in_flight -= 1
            self.scanFailed.emit(code, str(exc) or type(exc).__name__)

        def done(verdict: Verdict) -> None:
            self.scans_in_flight -= 1
            self.scanned.emit(verdict)
            self.refresh_status()

        self._calls.submit("scan", lambda: self.backend.scan(code, source), done, failed)

    def refresh_status(self) -> None:
        if self._status_in_flight:
            return
        self._status_in_flight = True

        def fetch() -> tuple[ConnectionStatus, DayCounts]:
            return self.backend.status(), self.backend.counts_today()

        def done(result: tuple[ConnectionStatus, DayCounts]) -> None:
            self._status_in_flight = False
            self.statusReady.emit(*result)

        def failed(exc: BaseException) -> None:
            self._status_in_flight = False
            log.warning("The status could not be read: %s", exc)  # the next tick retries

        if not self._calls.submit("status", fetch, done, failed):
            self._status_in_flight = False

    def try_now(self, done: Callback | None = None) -> None:
        def after(_: object) -> None:
            self.refresh_status()
            if done is not None:
                done(None)

        self._calls.submit("io", self.backend.try_now, after, after)

    def history(self, limit: int, search: str, done: Callable[[list[HistoryEntry]], None]) -> None:
        """Latest request wins: an older search finishing late is not shown."""
        self._history_request += 1
        request = self._history_request

        def deliver(entries: list[HistoryEntry]) -> None:
            if request == self._history_request:
                done(entries)

        self._calls.submit(
            "io", lambda: self.backend.history(limit, search), deliver, lambda exc: deliver([])
        )

    def run(
        self, func: Callable[[], Any], done: Callback | None = None, failed: Callback | None = None
    ) -> None:
        """Any other blocking job (export, provisioning) on the io lane."""
        self._calls.submit("io", func, done, failed)
