"""A real Mosquitto broker on a free port of 127.0.0.1, and kiosks on separate data folders.

The brokers run the README's venue configuration ("Running Mosquitto on a venue PC"), read
from the README itself so the two cannot drift: ``broker`` its limits and persistence, plain
and anonymous; ``venue_broker`` all of it (TLS, passwords, the ACL). The broker keeps its
retained messages in the test's tmp folder, so stopping and restarting it mid-test behaves
like a venue PC rebooting.
"""

from __future__ import annotations

import getpass
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.certs import TestCertificates
from kiosk.fleet.config import FleetConfig, default_prefix, save_fleet_config
from kiosk.fleet.link import make_client
from kiosk.fleet.messages import expiry_properties
from kiosk.fleet.signing import Signer
from kiosk.paths import Paths, resolve_paths
from kiosk.provisioning import provision
from kiosk.scanning.service import ScanService
from kiosk.settings import Settings
from tests.conftest import REPO_ROOT

SECRET = "test-venue-secret-7c1f0a9e2b"
VENUE_PASSWORD = "door-password-4d2e"
# the README's lines that name the venue PC's port and files; the tests put their own there
VENUE_ONLY = ("listener", "certfile", "keyfile", "password_file", "acl_file", "allow_anonymous")


def readme_venue_files() -> tuple[list[str], str]:
    """The README's venue ``kiosk.conf`` (its lines) and ACL, as printed there."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Running Mosquitto on a venue PC", 1)[1]
    conf = re.search(r"kiosk\.conf <<'CONF'\n(.*?)\nCONF\n", section, re.S)
    acl = re.search(r"/acl <<'ACL'\n(.*?)\nACL\n", section, re.S)
    assert conf is not None and acl is not None, "the README's venue config moved"
    return conf.group(1).splitlines(), acl.group(1) + "\n"


def readme_limits() -> list[str]:
    """The README venue config without its port, TLS and passwords: limits, persistence."""
    return [line for line in readme_venue_files()[0] if line.split()[0] not in VENUE_ONLY]


def mosquitto_binary() -> str | None:
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/bin/mosquitto") if Path(p).exists()), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Broker:
    """One mosquitto process; ``stop()``/``start()`` keep the port and the retained state.

    ``settings``: its mosquitto.conf lines besides the listener; by default the README's
    limits and persistence, anonymous."""

    def __init__(
        self, folder: Path, extra_conf: str = "", *, settings: list[str] | None = None
    ) -> None:
        if settings is None:
            settings = ["allow_anonymous true", *readme_limits()]
        binary = mosquitto_binary()
        assert binary is not None
        self.binary = binary
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.conf = folder / "mosquitto.conf"
        lines = [
            f"listener {self.port} 127.0.0.1",
            f"user {getpass.getuser()}",
            f"persistence_location {folder}/",
            f"log_dest file {folder}/mosquitto.log",
            *settings,
        ]
        self.conf.write_text("\n".join(lines) + "\n" + extra_conf)
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
    need_mosquitto()
    server = Broker(tmp_path / "broker")
    server.start()
    yield server
    server.stop()


def need_mosquitto() -> None:
    if mosquitto_binary() is None or shutil.which("mosquitto_passwd") is None:
        pytest.skip(
            "mosquitto is not installed and could not be (packaging/dev.sh installs "
            "the Debian package mosquitto when run as root)"
        )


@dataclass
class VenueBroker:
    """The README's venue broker: TLS with the test CA, a password per door, the ACL."""

    server: Broker
    ca_file: Path

    @property
    def port(self) -> int:
        return self.server.port

    def config(self, user: str) -> FleetConfig:
        """What ``kiosk fleet join`` stores for door ``user`` of the Demo Venue."""
        return FleetConfig(
            f"mqtts://127.0.0.1:{self.port}",
            SECRET,
            default_prefix("Demo Venue"),
            user,
            VENUE_PASSWORD,
            str(self.ca_file),
        )


@pytest.fixture
def venue_broker(tmp_path: Path, test_certs: TestCertificates) -> Iterator[VenueBroker]:
    """The README's venue config as written, but for the port and the files' paths."""
    need_mosquitto()
    folder = tmp_path / "venue-broker"
    folder.mkdir()
    passwords, acl = folder / "passwd", folder / "acl"
    for n, user in enumerate(("door-1", "door-2", "door-3")):
        create = ["-c"] if n == 0 else []
        subprocess.run(
            ["mosquitto_passwd", "-b", *create, str(passwords), user, VENUE_PASSWORD],
            check=True,
            capture_output=True,
            timeout=30,
        )
    conf, acl_text = readme_venue_files()
    acl.write_text(acl_text)
    files = {
        "certfile": test_certs.cert_file,
        "keyfile": test_certs.key_file,
        "password_file": passwords,
        "acl_file": acl,
    }
    settings = [
        f"{line.split()[0]} {files[line.split()[0]]}" if line.split()[0] in files else line
        for line in conf
        if line.split()[0] != "listener"
    ]
    server = Broker(folder, settings=settings)
    server.start()
    yield VenueBroker(server, test_certs.ca_file)
    server.stop()


@pytest.fixture
def fleet_settings() -> Settings:
    return Settings().with_changes(
        scanning={"lookup_timeout_seconds": 1.5}, upload={"max_backoff_seconds": 1.0}
    )


def signed_admission(
    signer: Signer, prefix: str, code: str, device: str, scan_id: str, time: str
) -> tuple[str, bytes]:
    """(topic, payload) of another door's admission of ``code``, as its kiosk signs it."""
    key = signer.key(code)
    topic = f"{prefix}/admissions/{key}"
    body = {
        "kind": "admission",
        "key": key,
        "scanId": scan_id,
        "device": device,
        "time": time,
        "mode": "entry",
    }
    return topic, signer.sign(topic, body)


def publish_admissions(config: FleetConfig, count: int, device: str = "door-9") -> None:
    """``count`` signed, retained admissions of codes ``OLD-<n>`` by another door, as its
    kiosk sends them (QoS 1, an hour's expiry), each acknowledged by the broker."""
    signer = Signer(config.secret)
    publisher = make_client(config, f"test-publisher-{device}")
    publisher.connect(config.broker.host, config.broker.port)
    publisher.loop_start()
    try:
        infos = []
        for n in range(count):
            topic, payload = signed_admission(
                signer, config.prefix, f"OLD-{n}", device, f"s-{n}", "2026-11-23T19:00:00Z"
            )
            infos.append(
                publisher.publish(
                    topic, payload, qos=1, retain=True, properties=expiry_properties(3600)
                )
            )
        for info in infos:
            info.wait_for_publish(30)
            assert info.is_published()
    finally:
        publisher.disconnect()
        publisher.loop_stop()


def join(paths: Paths, broker_url: str, workspace: str, secret: str = SECRET) -> None:
    save_fleet_config(
        paths, FleetConfig(broker_url=broker_url, secret=secret, prefix=default_prefix(workspace))
    )


@pytest.fixture
def make_kiosk(
    tmp_path: Path, demo_server: DemoServer, fleet_settings: Settings
) -> Iterator[Callable[..., ScanService]]:
    """``make_kiosk("door-2", broker_url)``: a provisioned kiosk on its own data folder,
    joined to the broker (or in no fleet when ``broker_url`` is None; ``fleet=``: joined with
    these settings)."""
    made: list[ScanService] = []

    def make(
        name: str,
        broker_url: str | None,
        settings: Settings | None = None,
        secret: str = SECRET,
        fleet: FleetConfig | None = None,
    ) -> ScanService:
        paths = kiosk_paths(tmp_path, name)
        credentials = provision(paths.device_file, demo_server.url, DEMO_WORKSPACE_TOKEN, name)
        if fleet is not None:
            save_fleet_config(paths, fleet)
        elif broker_url is not None:
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
