"""A real Mosquitto broker on a free port of 127.0.0.1, and kiosks on separate data folders.

The broker keeps its retained messages in the test's tmp folder (persistence on), so stopping
and restarting it mid-test behaves like a venue PC rebooting.
"""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.fleet.config import FleetConfig, default_prefix, save_fleet_config
from kiosk.paths import Paths, resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings

SECRET = "test-venue-secret-7c1f0a9e2b"


def mosquitto_binary() -> str | None:
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/bin/mosquitto") if Path(p).exists()), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Broker:
    """One mosquitto process; ``stop()``/``start()`` keep the port and the retained state."""

    def __init__(self, folder: Path, extra_conf: str = "") -> None:
        binary = mosquitto_binary()
        assert binary is not None
        self.binary = binary
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            f"user {getpass.getuser()}\n"
            "persistence true\n"
            f"persistence_location {folder}/\n"
            f"log_dest file {folder}/mosquitto.log\n"
            # as the README's venue config: the default (1000) drops a new kiosk's catch-up
            "max_queued_messages 1000000\n" + extra_conf
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.proc.stderr.read()!r}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start listening in 20 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    if mosquitto_binary() is None:
        pytest.skip(
            "mosquitto is not installed and could not be (packaging/dev.sh installs "
            "the Debian package mosquitto when run as root)"
        )
    server = Broker(tmp_path / "broker")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fleet_settings() -> Settings:
    return Settings().with_changes(
        scanning={"lookup_timeout_seconds": 1.5}, upload={"max_backoff_seconds": 1.0}
    )


def join(paths: Paths, broker_url: str, workspace: str, secret: str = SECRET) -> None:
    save_fleet_config(
        paths, FleetConfig(broker_url=broker_url, secret=secret, prefix=default_prefix(workspace))
    )


@pytest.fixture
def make_kiosk(
    tmp_path: Path, demo_server: DemoServer, fleet_settings: Settings
) -> Iterator[Callable[..., ScanService]]:
    """``make_kiosk("door-2", broker_url)``: a provisioned kiosk on its own data folder,
    joined to the broker (or in no fleet when ``broker_url`` is None)."""
    made: list[ScanService] = []

    def make(
        name: str, broker_url: str | None, settings: Settings | None = None, secret: str = SECRET
    ) -> ScanService:
        paths = kiosk_paths(tmp_path, name)
        credentials = provision(paths.device_file, demo_server.url, DEMO_WORKSPACE_TOKEN, name)
        if broker_url is not None:
            join(paths, broker_url, credentials.workspace, secret)
        service = ScanService(paths, credentials, settings or fleet_settings)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


def kiosk_paths(tmp_path: Path, name: str) -> Paths:
    return resolve_paths(tmp_path / f"kiosk-{name}").ensure()


def wait_for(condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Poll until ``condition()`` is true (generous: the machine may be loaded)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
