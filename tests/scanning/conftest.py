"""A ScanService on real SQLite files talking to the embedded server over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from kiosk.scanning.service import ScanService
from kiosk.settings import Settings


@pytest.fixture
def fast_settings() -> Settings:
    return Settings().with_changes(
        scanning={"lookup_timeout_seconds": 1.5},  # loaded CI machines: not 0.5
        upload={"max_backoff_seconds": 1.0},
    )


@pytest.fixture
def make_service(paths, credentials, fast_settings) -> Iterator[Callable[..., ScanService]]:
    made: list[ScanService] = []

    def make(
        settings: Settings | None = None, credentials: object = credentials, **kwargs: object
    ) -> ScanService:
        service = ScanService(
            paths,
            credentials,
            settings or fast_settings,  # type: ignore
            **kwargs,
        )
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.fixture
def service(make_service) -> ScanService:
    return make_service()


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll until ``condition()`` is true; fail the test when it never is."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
