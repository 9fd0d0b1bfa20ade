"""A city on one machine: seven town hubs and a district hub federated over NATS, on PostgreSQL.

`duty-console city` (and `make city`) starts a private nats-server (JetStream in a
temp dir), a private PostgreSQL 15 cluster (initdb in a temp dir, unix socket only),
one database per hub, and one `duty-console hub` process per center, each running
the marathon scenario split by town (`TownScenario`): town Tn's hub feeds only Tn's
alerts, the district hub D follows every town's stream and holds their incidents in its own
log as `T3/…`. Each town's hub starts its clock 20 s before that town's first alert (`hub_starts`),
so every town has an incident within the first half minute. It says first what to watch for and
how to open a district console, prints each hub's URL, then what a district console sees (open and
escalated incidents per town) whenever that changes, until Ctrl-C; each town escalates its first
incident once, so a district console has escalations to accept across hubs.
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
#: each town's hub starts this long before its own first alert (as `demo` starts 20 s before the dog)
LEAD_S = 20.0


def hub_starts(seed: int = 7) -> dict[str, str]:
    """The scenario time ("HH:MM:SS") each hub starts at: a town LEAD_S before its first alert, so
    every town has an incident within the first half minute; the district with the latest town,
    so no town's incident is from the district's future."""
    from console.scenarios import make_scenario

    scenario = make_scenario("marathon", seed, None)
    first: dict[str, float] = {}
    for t, _type, body in scenario.scheduled():
        town = _town_of(body)
        if town in TOWNS and town not in first:
            first[town] = t
    midnight = scenario.day_start - 7 * 3600.0  # the scenario's day starts at 07:00

    def clock(t: float) -> str:
        s = int(max(t - LEAD_S, scenario.start_time) - midnight)
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"

    starts = {town: clock(first.get(town, scenario.start_time + LEAD_S)) for town in TOWNS}
    starts[DISTRICT] = max(starts.values())
    return starts


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
                start: str | None = None, extra: tuple[str, ...] = ()) -> list[str]:
    """The `duty-console hub` command line of one city hub."""
    return [sys.executable, "-m", "console", "hub", "--center", center, "--nats", nats_url, "--db", db,
            "--port", str(port), "--speed", str(speed), "--fps", "0",
            *(("--start", start) if start else ()), *extra]


def first_line(district_url: str) -> str:
    """What `city` says first: what to watch for, and how to open a district console."""
    return (f"city: watch the 'district sees' lines: within about {LEAD_S + 10:.0f} s every town's first "
            f"incident shows there (Tn=open/escalated), then each town escalates one to the district; "
            f"open a district console with `duty-console console --url {district_url} --token demo-commander` "
            f"and accept or decline a T3/… escalation (the town's hub decides it)")


async def run_city(speed: float = 1.0, base_port: int = 8800, workdir: str | None = None,
                   seconds: float | None = None) -> int:
    """Start everything, print the picture until Ctrl-C (or `seconds`), stop everything; returns 0."""
    from console.hub.nats_server import NatsServer
    from console.store.pg_cluster import PgCluster

    print(first_line(f"ws://127.0.0.1:{base_port + len(TOWNS)}"), flush=True)
    root = Path(workdir or tempfile.mkdtemp(prefix="duty-city-"))
    starts = hub_starts()
    nats = NatsServer(root / "nats").start()
    pg = PgCluster().start()
    hubs: list[CityHub] = []
    try:
        for i, center in enumerate([*TOWNS, DISTRICT]):
            hub = CityHub(center, base_port + i, pg.create_database(f"hub_{center.lower()}"))
            log = open(root / f"hub-{center}.log", "ab")
            hub.proc = subprocess.Popen(hub_command(center, hub.port, hub.db, nats.url, speed=speed,
                                                    start=starts[center]),
                                        stdout=log, stderr=subprocess.STDOUT, cwd=os.getcwd())
            log.close()
            hubs.append(hub)
        print(f"city: NATS {nats.url}, PostgreSQL {pg.sock}, logs in {root}", flush=True)
        for hub in hubs:
            who = "district: follows every town" if hub.center == DISTRICT else f"town {hub.center}"
            print(f"  {hub.center}: {hub.url}  {who}, its clock from {starts[hub.center]}", flush=True)
        print(f"  a town's own console: duty-console console --url {hubs[0].url} --token demo-t1 "
              f"(T2: the next port and demo-t2, ...)", flush=True)
        await _watch({h.center: h.url for h in hubs}, seconds)
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


#: how often the picture is read, and how often an unchanged one is printed again (seconds)
WATCH_S, REPEAT_S = 2.0, 30.0


async def _watch(urls: dict[str, str], seconds: float | None) -> None:
    """One line of what a district console sees (each town's open and escalated incidents) whenever
    it changes, and every REPEAT_S anyway, with the seconds since the city started.

    Once a town has an open incident, the town's commander (the demo token) escalates its first
    one to the district, once per town, so a district console has escalations to accept or
    decline (each crosses hubs: the accept is decided by the town's hub).
    """
    from console.domain.model import FINAL_STATUSES
    from console.hub import district

    loop = asyncio.get_running_loop()
    began = loop.time()
    end = None if seconds is None else began + seconds
    stop = asyncio.Event()
    try:
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    except (NotImplementedError, RuntimeError):
        pass
    escalated: set[str] = set()
    said, said_at, waiting = "", 0.0, False
    while not stop.is_set() and (end is None or loop.time() < end):
        try:
            state = await _district_state(urls[DISTRICT])
            line = []
            for town in TOWNS:
                held = [state.incidents[i] for i in district.held_of(state, town)]
                open_ = [i for i in held if i.status not in FINAL_STATUSES]
                line.append(f"{town}={len(open_)}/{sum(1 for i in open_ if i.offered_to == DISTRICT)}")
                if town not in escalated:
                    local = await _first_open(urls[town])
                    if local is not None:
                        ok = await _command(urls[town], "cmd.escalate", local, "city demo: 上报区县")
                        escalated.add(town)
                        print(f"[{loop.time() - began:4.0f} s] {town} escalated {local} to the district "
                              f"({'ok' if ok else 'refused'})", flush=True)
            text = "district sees (open/escalated): " + "  ".join(line)
            if text != said or loop.time() - said_at >= REPEAT_S:
                print(f"[{loop.time() - began:4.0f} s] {text}", flush=True)
                said, said_at = text, loop.time()
        except Exception as exc:  # noqa: BLE001 - the hubs are still starting
            if not waiting:
                print(f"[{loop.time() - began:4.0f} s] waiting for the hubs to open ({type(exc).__name__})",
                      flush=True)
            waiting = True
        try:
            await asyncio.wait_for(stop.wait(), WATCH_S if end is None else max(0.1, min(WATCH_S, end - loop.time())))
        except TimeoutError:
            pass


async def _district_state(url: str):
    """The state a fresh district console gets (its snapshot)."""
    from websockets.asyncio.client import connect

    from console.domain.state import decode_state
    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode

    async with connect(url, additional_headers={"Authorization": "Bearer demo-commander"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES, open_timeout=5) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
        while True:
            for msg in decode_batch(await asyncio.wait_for(ws.recv(), 10), max_bytes=MAX_HUB_MESSAGE_BYTES):
                if msg.type == "snapshot":
                    return decode_state(msg.body.state)


async def _first_open(url: str) -> str | None:
    """The oldest open, not offered incident of a town hub, or None."""
    from console.domain.model import FINAL_STATUSES

    state = await _district_state(url)
    open_ = sorted((i for i in state.incidents.values() if i.status not in FINAL_STATUSES and i.offered_to is None),
                   key=lambda i: i.created_at)
    return open_[0].id if open_ else None


async def _command(url: str, type_: str, incident: str, note: str) -> bool:
    """One command as the demo commander over a fresh websocket; whether it was accepted."""
    import uuid

    from websockets.asyncio.client import connect

    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode

    cid = uuid.uuid4().hex
    async with connect(url, additional_headers={"Authorization": "Bearer demo-commander"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES, open_timeout=5) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=None)), text=True)
        await ws.send(encode(type_, m.CmdIncident(incident=incident, note=note), id=cid), text=True)
        while True:
            for msg in decode_batch(await asyncio.wait_for(ws.recv(), 10), max_bytes=MAX_HUB_MESSAGE_BYTES):
                if msg.type == "result" and msg.id == cid:
                    return msg.body.ok
