"""A city on one machine: seven town hubs and a district hub federated over NATS, on PostgreSQL.

`duty-console city` (and `make city`) starts a private nats-server (JetStream in a
temp dir), a private PostgreSQL 15 cluster (initdb in a temp dir, unix socket only),
one database per hub, and one `duty-console hub` process per center, each running
the marathon scenario split by town (`TownScenario`): town Tn's hub feeds only Tn's
alerts, the district hub D follows every town's stream. It prints each hub's URL,
then every few seconds one line per town from the district's picture, until Ctrl-C.
On several machines run the same `duty-console hub --center ... --nats ... --db ...`
commands by hand, pointing at one NATS server (FEDERATION.md).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TOWNS = [f"T{i}" for i in range(1, 8)]
DISTRICT = "D"


class TownScenario:
    """A scenario seen from one town's hub: the world's other towns' alerts are not this hub's to raise.

    Everything else (positions, the baseline, the clock) is the whole scenario's, delegated.
    """

    def __init__(self, scenario, town: str) -> None:
        self._scenario = scenario
        self.town = town

    def due(self, now: float, **kw) -> list[tuple[str, object]]:
        """The scenario's messages due by `now`, without those that name another town."""
        return [(t, body) for t, body in self._scenario.due(now, **kw) if _town_of(body) in (None, self.town)]

    def __getattr__(self, name: str):
        return getattr(self._scenario, name)


def _town_of(body) -> str | None:
    alert = getattr(body, "alert", None)
    return getattr(alert, "town", None) if alert is not None else getattr(body, "town", None)


@dataclass
class CityHub:
    """One hub process of the city."""

    center: str
    port: int
    db: str
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


def hub_command(center: str, port: int, db: str, nats_url: str, *, speed: float = 1.0,
                extra: tuple[str, ...] = ()) -> list[str]:
    """The `duty-console hub` command line of one city hub."""
    return [sys.executable, "-m", "console", "hub", "--center", center, "--nats", nats_url, "--db", db,
            "--port", str(port), "--speed", str(speed), "--fps", "0", *extra]


async def run_city(speed: float = 1.0, base_port: int = 8800, workdir: str | None = None,
                   seconds: float | None = None) -> int:
    """Start everything, print the picture until Ctrl-C (or `seconds`), stop everything; returns 0."""
    from console.hub.nats_server import NatsServer
    from console.store.pg_cluster import PgCluster

    root = Path(workdir or tempfile.mkdtemp(prefix="duty-city-"))
    nats = NatsServer(root / "nats").start()
    pg = PgCluster().start()
    hubs: list[CityHub] = []
    try:
        for i, center in enumerate([*TOWNS, DISTRICT]):
            hub = CityHub(center, base_port + i, pg.create_database(f"hub_{center.lower()}"))
            log = open(root / f"hub-{center}.log", "ab")
            hub.proc = subprocess.Popen(hub_command(center, hub.port, hub.db, nats.url, speed=speed),
                                        stdout=log, stderr=subprocess.STDOUT, cwd=os.getcwd())
            log.close()
            hubs.append(hub)
        print(f"city: NATS {nats.url}, PostgreSQL {pg.sock}, logs in {root}", flush=True)
        for hub in hubs:
            who = "district (demo-commander)" if hub.center == DISTRICT else f"town {hub.center}"
            print(f"  {hub.center}: {hub.url}  {who}", flush=True)
        print("  a console: duty-console console --url ws://127.0.0.1:PORT --token demo-commander", flush=True)
        await _watch(nats.url, seconds)
    finally:
        for hub in hubs:
            if hub.proc is not None and hub.proc.poll() is None:
                hub.proc.send_signal(signal.SIGINT)
        for hub in hubs:
            if hub.proc is not None:
                try:
                    hub.proc.wait(15)
                except subprocess.TimeoutExpired:
                    hub.proc.kill()
        pg.stop()
        nats.stop()
    return 0


async def _watch(nats_url: str, seconds: float | None) -> None:
    """Every 5 s, one line of what the district's stream view holds: events per town."""
    import nats

    from console.hub.federation import EVENTS_STREAM

    loop = asyncio.get_running_loop()
    end = None if seconds is None else loop.time() + seconds
    stop = asyncio.Event()
    try:
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    except (NotImplementedError, RuntimeError):
        pass
    nc = None
    while not stop.is_set() and (end is None or loop.time() < end):
        try:
            nc = nc or await nats.connect(nats_url)
            info = await nc.jetstream().stream_info(EVENTS_STREAM, subjects_filter="duty.events.*")
            counts = info.state.subjects or {}
            print("city events: " + "  ".join(f"{c}={counts.get(f'duty.events.{c}', 0)}"
                                               for c in [*TOWNS, DISTRICT]), flush=True)
        except Exception as exc:  # noqa: BLE001 - the stream appears once the first hub is up
            print(f"city: waiting for the hubs ({type(exc).__name__})", flush=True)
        try:
            await asyncio.wait_for(stop.wait(), 5.0 if end is None else max(0.1, min(5.0, end - loop.time())))
        except TimeoutError:
            pass
    if nc is not None:
        await nc.close()
