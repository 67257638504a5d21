"""The door hook: tell a turnstile relay or door opener about each accepted scan.

Off by default. When ``door_hook.command`` is set, that program runs once per accepted scan
with the verdict as JSON on stdin and a minimal environment (``KIOSK_VERDICT``,
``KIOSK_SCAN_ID`` and only the basics of the kiosk's own: ``PATH``, ``HOME``, locale; never a
token); when ``door_hook.url`` is set, the same JSON is POSTed there. Both may be set. Its
stderr is read bounded (the last 4 KB kept) and logged escaped.

Scanning never waits for the door: :meth:`DoorHook.fire` only puts the verdict on a small
queue and returns. One worker thread runs the hooks in order (a relay should not get two
pulses at once), each bounded by ``timeout_seconds``; a hook that is slow, hangs, fails or
finds the queue full costs one log line, never a scan. A verdict that waited too long in the
queue is dropped rather than opening a door for someone who has already gone.

Which commands and URLs are allowed is :mod:`kiosk.hooks.config`; starting the program,
its environment and the bounded read of its stderr are :mod:`kiosk.hooks.process`.
"""

from __future__ import annotations

import json
import logging
import queue
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from kiosk.hooks.config import (
    DoorHookConfigError,
    check_hook_command,
    check_hook_url,
    is_local_host,
    split_command,
)
from kiosk.hooks.process import hook_environment, kill, signal_kill, start_process, talk
from kiosk.logs import clean, event, log_event

log = logging.getLogger("kiosk.door_hook")

QUEUE_SIZE = 16
MAX_DELAY_SECONDS = 10.0  # a door opened later than this is worse than one not opened
STDERR_LOG_CHARS = 300


class _HookSettings(Protocol):  # read-only: settings are frozen
    @property
    def command(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def timeout_seconds(self) -> float: ...


class _AcceptedVerdict(Protocol):
    @property
    def accepted(self) -> bool: ...

    def to_json(self) -> dict[str, Any]: ...


@dataclass
class _Job:
    payload: dict[str, Any]
    queued_at: float


class DoorHook:
    """Runs the configured hook in the background. Close it when the kiosk stops."""

    def __init__(
        self,
        command: str = "",
        url: str = "",
        timeout_seconds: float = 5.0,
        *,
        queue_size: int = QUEUE_SIZE,
        max_delay_seconds: float = MAX_DELAY_SECONDS,
    ) -> None:
        command, url = command.strip(), url.strip()
        command_error = check_hook_command(command, need_program=False)
        if command_error:
            raise DoorHookConfigError(f"door_hook.command {command_error}")
        url_error = check_hook_url(url)
        if url_error:
            raise DoorHookConfigError(f"door_hook.url {url_error}")
        self.command = command
        self.url = url
        self.timeout_seconds = timeout_seconds
        self.max_delay_seconds = max_delay_seconds
        self._queue: queue.Queue[_Job] = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._running: subprocess.Popen[bytes] | None = None
        self._http: httpx.Client | None = None

    @classmethod
    def from_settings(cls, settings: _HookSettings) -> DoorHook:
        """The hook described by the ``[door_hook]`` settings (off when both are empty)."""
        return cls(settings.command, settings.url, settings.timeout_seconds)

    @property
    def enabled(self) -> bool:
        return bool(self.command or self.url)

    def __enter__(self) -> DoorHook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def on_verdict(self, verdict: _AcceptedVerdict) -> bool:
        """Fire for an accepted verdict; other verdicts are ignored. Never blocks."""
        return verdict.accepted and self.fire(verdict.to_json())

    def fire(self, payload: Mapping[str, Any]) -> bool:
        """Queue one run of the hook; False when it is off, closed or the queue is full.

        Returns at once whatever the hook does: the scan pipeline calls this on its own thread.
        """
        if not self.enabled or self._stop.is_set():
            return False
        self._ensure_worker()
        try:
            self._queue.put_nowait(_Job(dict(payload), time.monotonic()))
        except queue.Full:
            log_event(
                log,
                "door_hook",
                logging.WARNING,
                result="dropped",
                reason="queue_full",
                scan_id=payload.get("scan_id"),
            )
            return False
        return True

    def drain(self, timeout: float) -> bool:
        """Wait, at most ``timeout`` seconds, for queued hooks to finish; True when they did.

        For a process about to exit (``kiosk scan``), so an accepted scan still opens the door.
        """
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self._queue.unfinished_tasks

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker; a hook still running is killed. Queued verdicts are dropped."""
        self._stop.set()
        with self._lock:
            running = self._running
        if running is not None:
            signal_kill(running)  # the worker reaps it
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    # --- worker ---------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="door-hook", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                self._handle(job)
            finally:
                self._queue.task_done()

    def _handle(self, job: _Job) -> None:
        """Run one queued verdict through the command and/or the URL, unless it is stale."""
        waited = time.monotonic() - job.queued_at
        scan_id = job.payload.get("scan_id")
        if waited > self.max_delay_seconds:
            log_event(
                log,
                "door_hook",
                logging.WARNING,
                result="dropped",
                reason="too_late",
                waited_seconds=waited,
                scan_id=scan_id,
            )
            return
        try:
            self.run_now(job.payload)
        except Exception:  # a broken hook must never take the worker down
            log.exception("door_hook result=error scan_id=%s", scan_id)

    def run_now(self, payload: Mapping[str, Any]) -> list[HookOutcome]:
        """Run the hook for ``payload`` on the calling thread and say how it went.

        The worker's way of running it, and ``kiosk door-hook`` (to test the relay while
        installing it). Never call this from the scan pipeline: it waits for the hook.
        """
        body = json.dumps(dict(payload), ensure_ascii=False).encode("utf-8")
        outcomes = []
        if self.command:
            outcomes.append(self._run_command(body, payload))
        if self.url and not self._stop.is_set():
            outcomes.append(self._post(body, payload.get("scan_id")))
        return outcomes

    def _run_command(self, body: bytes, payload: Mapping[str, Any]) -> HookOutcome:
        scan_id = payload.get("scan_id")
        started = time.monotonic()
        try:
            process = start_process(split_command(self.command), hook_environment(payload))
        except OSError as exc:
            return _outcome(
                "command", "failed", error=f"cannot start: {exc.strerror or exc}", scan_id=scan_id
            )
        with self._lock:
            self._running = process
        try:
            stderr = talk(process, body, self.timeout_seconds)
        except subprocess.TimeoutExpired:
            kill(process)
            return _outcome("command", "timeout", seconds=self.timeout_seconds, scan_id=scan_id)
        finally:
            with self._lock:
                self._running = None
        seconds = time.monotonic() - started
        if process.returncode == 0:
            return _outcome("command", "ok", seconds=seconds, scan_id=scan_id)
        if self._stop.is_set():
            return HookOutcome("command", False, "killed: the kiosk is stopping")
        return _outcome(
            "command",
            "failed",
            exit=process.returncode,
            seconds=seconds,
            scan_id=scan_id,
            stderr=clean(stderr.decode("utf-8", "replace").strip()[-STDERR_LOG_CHARS:]),
        )

    def _post(self, body: bytes, scan_id: Any) -> HookOutcome:
        with self._lock:
            if self._http is None:
                host = urlsplit(self.url).hostname or ""
                self._http = httpx.Client(
                    timeout=httpx.Timeout(self.timeout_seconds),
                    follow_redirects=False,
                    # a device on the venue's network is reached directly: the venue's
                    # proxy (HTTPS_PROXY, for the API) would not reach it, and must not see
                    # holders' names; an internet service takes the proxy like the API
                    trust_env=not is_local_host(host),
                )
            client = self._http
        started = time.monotonic()
        try:
            response = client.post(
                self.url, content=body, headers={"Content-Type": "application/json"}
            )
        except httpx.TimeoutException:
            return _outcome("url", "timeout", seconds=self.timeout_seconds, scan_id=scan_id)
        except httpx.HTTPError as exc:
            return _outcome("url", "failed", error=str(exc) or type(exc).__name__, scan_id=scan_id)
        seconds = time.monotonic() - started
        return _outcome(
            "url",
            "ok" if response.is_success else "failed",
            status=response.status_code,
            seconds=seconds,
            scan_id=scan_id,
        )


@dataclass(frozen=True)
class HookOutcome:
    """How one run of the command or the URL went; ``line`` is what was logged."""

    kind: str  # "command" or "url"
    ok: bool
    line: str


def _outcome(kind: str, result: str, **fields: Any) -> HookOutcome:
    """Log one door_hook line (ERROR unless ok) and return it as an outcome."""
    line = event("door_hook", result=result, kind=kind, **fields)
    log.log(logging.INFO if result == "ok" else logging.ERROR, "%s", line)
    return HookOutcome(kind, result == "ok", line)
