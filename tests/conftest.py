"""Shared fixtures: a real embedded Tiketo server on 127.0.0.1 and the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer
from kiosk.demo.certs import TestCertificates, make_test_certificates
from kiosk.device import DeviceCredentials
from kiosk.paths import Paths, resolve_paths
from kiosk.provisioning import provision

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def test_certs(tmp_path_factory: pytest.TempPathFactory) -> TestCertificates:
    """A throwaway CA and a server certificate for 127.0.0.1, made once per test run."""
    return make_test_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "kiosk").ensure()


@pytest.fixture
def credentials(demo_server: DemoServer, paths: Paths) -> DeviceCredentials:
    """A device provisioned against the demo server, credentials on disk in ``paths``."""
    return provision(paths.device_file, demo_server.url, DEMO_WORKSPACE_TOKEN, "door-1")


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


@pytest.fixture
def run_cli(paths: Paths) -> Any:
    """Run ``python -m kiosk --data-dir <paths> ARGS`` as a real process."""

    def run(
        *args: str, input: str | None = None, timeout: float = 60, env: dict[str, str] | None = None
    ) -> CliResult:
        full_env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
        full_env.pop("KIOSK_DATA_DIR", None)
        proc = subprocess.run(
            [sys.executable, "-m", "kiosk", "--data-dir", str(paths.data_dir.parent), *args],
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
            env=full_env,
            cwd=REPO_ROOT,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


PROXY_VARIABLES = tuple(
    name
    for base in ("https_proxy", "http_proxy", "all_proxy", "no_proxy")
    for name in (base, base.upper())
)


@pytest.fixture(autouse=True)
def no_proxy_from_the_developers_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kiosk honours HTTPS_PROXY and friends; a developer's or CI's own proxy must not
    carry the tests' calls to 127.0.0.1 (the proxy tests set their own)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
