"""Benchmark the venue fleet on loopback against a real mosquitto; prints a Markdown table.

    .venv/bin/python bench/fleet_bench.py [--scans 1000] [--kiosks 20] [--retained 50000]

1. Door A accepts a code; how long until door B refuses it (B's journal has A's admission,
   then B's own decision), median and p99 over ``--scans`` codes. Both kiosks decide offline
   (their API address is a closed port), so no API lookup is part of the numbers.
2. ``--kiosks`` simulated kiosks publish ``--retained`` signed, retained admissions: the
   broker's memory before/after, the time a new kiosk needs to catch up on all of them, and
   what the fleet adds to one door decision (scan with the fleet vs. the same kiosk alone).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402

from kiosk.demo import DEMO_WORKSPACE_TOKEN, DemoServer  # noqa: E402
from kiosk.device import save_credentials  # noqa: E402
from kiosk.fleet.config import FleetConfig, default_prefix, save_fleet_config  # noqa: E402
from kiosk.fleet.messages import expiry_properties  # noqa: E402
from kiosk.fleet.signing import Signer  # noqa: E402
from kiosk.paths import resolve_paths  # noqa: E402
from kiosk.provisioning import provision  # noqa: E402
from kiosk.scanning.rules import Lookup, LookupOutcome  # noqa: E402
from kiosk.scanning.service import ScanService  # noqa: E402
from kiosk.settings import Settings  # noqa: E402
from tests.fleet.conftest import Broker, free_port, signed_admission  # noqa: E402

SECRET = "bench-venue-secret-0123456789"


def kiosk(folder: Path, name: str, server: DemoServer, broker_url: str | None) -> ScanService:
    """A kiosk that decides offline (its API is a closed port), in the fleet or alone."""
    paths = resolve_paths(folder / name).ensure()
    creds = provision(paths.device_file, server.url, DEMO_WORKSPACE_TOKEN, name)
    creds = replace(creds, api_url=f"http://127.0.0.1:{free_port()}/graphql")
    save_credentials(paths.device_file, creds)
    if broker_url:
        save_fleet_config(paths, FleetConfig(broker_url, SECRET, default_prefix(creds.workspace)))
    settings = Settings().with_changes(
        scanning={"lookup_timeout_seconds": 0.5, "reentry_window_minutes": 60}
    )
    service = ScanService(paths, creds, settings)
    service.scan("WARM-UP-" + name)  # the first lookup fails: offline from here on
    return service


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1]


def row(name: str, n: int | str, median: str, p99: str) -> str:
    return f"| {name} | {n} | {median} | {p99} |"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def latency(folder: Path, server: DemoServer, broker: Broker, scans: int) -> list[str]:
    door_a = kiosk(folder, "door-a", server, broker.url)
    door_b = kiosk(folder, "door-b", server, broker.url)
    assert door_a.fleet and door_b.fleet
    while not (door_a.fleet.link.connected and door_b.fleet.link.connected):
        time.sleep(0.05)
    reader = sqlite3.connect(f"{door_b.journal.path.as_uri()}?mode=ro", uri=True)
    arrive, refuse, decide_b = [], [], []
    try:
        for n in range(scans):
            code = f"BENCH-{uuid.uuid4().hex}"
            key = door_b.fleet.signer.key(code)
            verdict = door_a.scan(code)
            accepted = time.perf_counter()
            assert verdict.kind.value == "valid", verdict
            while (
                reader.execute("SELECT 1 FROM fleet_admissions WHERE key = ?", (key,)).fetchone()
                is None
            ):
                time.sleep(0.0002)
            arrived = time.perf_counter()
            refused = door_b.scan(code)
            done = time.perf_counter()
            assert refused.kind.value == "duplicate", refused
            if n >= 10:  # warm-up
                arrive.append((arrived - accepted) * 1000)
                refuse.append((done - accepted) * 1000)
                decide_b.append((done - arrived) * 1000)
    finally:
        reader.close()
        door_a.close()
        door_b.close()
    return [
        row(
            "accepted at A -> admission in B's journal",
            len(arrive),
            f"{statistics.median(arrive):.2f} ms",
            f"{pct(arrive, 99):.2f} ms",
        ),
        row(
            "accepted at A -> B's DUPLICATE verdict returned",
            len(refuse),
            f"{statistics.median(refuse):.2f} ms",
            f"{pct(refuse, 99):.2f} ms",
        ),
    ]


def load(folder: Path, server: DemoServer, broker: Broker, kiosks: int, retained: int) -> list[str]:
    assert broker.proc is not None
    before = rss_kib(broker.proc.pid)
    signer = Signer(SECRET)
    prefix = default_prefix("Demo Venue")
    clients = []
    started = time.perf_counter()
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    for k in range(kiosks):
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"sim-{k}", protocol=mqtt.MQTTv5
        )
        client.max_inflight_messages_set(1000)
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        clients.append(client)
    infos = []
    for n in range(retained):
        client = clients[n % kiosks]
        topic, payload = signed_admission(
            signer, prefix, f"SIM-{n}", f"sim-{n % kiosks}", str(uuid.uuid4()), now
        )
        infos.append(
            client.publish(
                topic,
                payload,
                qos=1,
                retain=True,
                properties=expiry_properties(3600),
            )
        )
    for info in infos:
        info.wait_for_publish(60)
    published = time.perf_counter() - started
    after = rss_kib(broker.proc.pid)
    joined = time.perf_counter()
    newcomer = kiosk(folder, "door-new", server, broker.url)
    reader = sqlite3.connect(f"{newcomer.journal.path.as_uri()}?mode=ro", uri=True)
    deadline = joined + 300
    while (
        got := reader.execute("SELECT count(*) FROM fleet_admissions").fetchone()[0]
    ) < retained and time.perf_counter() < deadline:
        time.sleep(0.05)
    caught_up = time.perf_counter() - joined
    if got < retained:
        print(f"catch-up incomplete: {got} of {retained} after 300 s", file=sys.stderr)
    reader.close()
    alone = kiosk(folder, "door-alone", server, None)
    with_fleet = scan_times(newcomer, 500)
    without = scan_times(alone, 500)
    share = fleet_share(newcomer, 2000)
    newcomer.close()
    alone.close()
    for client in clients:
        client.disconnect()
        client.loop_stop()
    added = statistics.median(with_fleet) - statistics.median(without)
    return [
        row(
            f"{kiosks} kiosks publish {retained:,} retained admissions",
            retained,
            f"{published:.1f} s total",
            "-",
        ),
        row(
            "broker memory (RSS) before -> after",
            "-",
            f"{before / 1024:.1f} MiB",
            f"{after / 1024:.1f} MiB",
        ),
        row(
            f"a new kiosk catches up on {retained:,} admissions",
            retained,
            f"{caught_up:.1f} s",
            "-",
        ),
        row(
            f"door decision (offline scan) with {retained:,} fleet admissions",
            500,
            f"{statistics.median(with_fleet):.2f} ms",
            f"{pct(with_fleet, 99):.2f} ms",
        ),
        row(
            "door decision (offline scan), same kiosk without a fleet",
            500,
            f"{statistics.median(without):.2f} ms",
            f"{pct(without, 99):.2f} ms",
        ),
        row("added by the fleet (difference of medians; noisy)", "-", f"{added:.2f} ms", "-"),
        row(
            "the fleet's calls inside one decision's transaction (HMAC, duplicate query, "
            "outbox row)",
            len(share),
            f"{statistics.median(share):.3f} ms",
            f"{pct(share, 99):.3f} ms",
        ),
    ]


def fleet_share(service: ScanService, count: int) -> list[float]:
    """Time only what the fleet adds to a scan's transaction (other_door + record)."""
    assert service.fleet is not None
    template = service.scan(f"NEW-{uuid.uuid4().hex}")
    lookup = Lookup(LookupOutcome.OFFLINE)
    samples = []
    for _ in range(count):
        verdict = replace(template, code=f"NEW-{uuid.uuid4().hex}", scan_id=str(uuid.uuid4()))
        with service.journal.transaction() as tx:
            start = time.perf_counter()
            service.fleet.other_door(tx, verdict.code)
            service.fleet.record(tx, verdict, lookup, service.settings.scanning, verdict.scanned_at)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def scan_times(service: ScanService, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        code = f"NEW-{uuid.uuid4().hex}"
        start = time.perf_counter()
        service.scan(code)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--retained", type=int, default=50_000)
    args = parser.parse_args()
    rows = ["| measurement | n | median | p99 |", "|---|---|---|---|"]
    with DemoServer() as server, tempfile.TemporaryDirectory() as folder:
        broker = Broker(Path(folder) / "broker")
        broker.start()
        try:
            rows += latency(Path(folder), server, broker, args.scans)
            rows += load(Path(folder), server, broker, args.kiosks, args.retained)
        finally:
            broker.stop()
    print("\n".join(rows))
    print(json.dumps({"scans": args.scans, "kiosks": args.kiosks, "retained": args.retained}))


if __name__ == "__main__":
    main()
