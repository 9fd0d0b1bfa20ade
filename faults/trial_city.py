"""A federated city under faults: town hubs and a district hub as real processes on PostgreSQL,
linked through a real nats-server (JetStream).

Each town's log holds the baseline and its own incidents; every incident is escalated on its
town's hub, and the district's accepts (sent as the district hub sends them: hand-off commands
on JetStream, `Nats-Msg-Id` per command) travel while: a town hub is killed -9 right after a
batch of accepts went out; nats-server is killed -9 and restarted; one town's link to NATS goes
through a TCP relay that black-holes it (5 s short, 60 s long); and at the end every hub restarts.

Checks: every accept applied exactly once (0 lost, 0 applied twice, counted in the towns' logs);
the district's saved picture of each town equal to the fold of that town's log; a town that is
not under fault keeps answering its console's commands throughout.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import msgspec

from faults.common import HubProcess, fold_log, free_port, until
from faults.relay import Relay


class CityHubProcess(HubProcess):
    """`python -m console hub --center C --nats URL` on a PostgreSQL database."""

    def __init__(self, db_url: str, port: int, log_path: Path, center: str, nats_url: str,
                 follow: tuple[str, ...] = ()):
        super().__init__(db_url, port, log_path, ("--center", center, "--nats", nats_url,
                                                  *(("--follow", ",".join(follow)) if follow else ())),
                         f"hub {center}")
        self.center, self.nats_url = center, nats_url


async def _seed(url: str, town: str | None, n: int) -> list[str]:
    """The baseline and `n` incidents of `town` (none for the district); returns the incident ids."""
    from console.domain.model import Alert
    from console.hub.core import Clock, HubCore
    from console.protocol import messages as m
    from console.scenarios import build_marathon_baseline
    from console.store import Store

    store = Store(url)
    core = HubCore(store, clock=Clock())
    await core.start()
    events = [("baseline_loaded", m.BaselineLoaded(baseline=build_marathon_baseline()))]
    ids = []
    for i in range(n if town else 0):
        alert = Alert(id=f"{town}F{i:03d}", source="camera", kind="cordon_intrusion", severity="warning",
                      title=f"city trial alert {i}", at=time.time(), x=100.0 + i, y=50.0,
                      grid=f"{town}-C01-G1", town=town, camera="CAM01")
        events.append(("alert_raised", m.AlertRaised(alert=alert, incident=f"I-{alert.id}")))
        ids.append(f"I-{alert.id}")
    seqs = core.emit(events)
    await core.wait_committed(seqs[-1])
    await core.close()
    store.close()
    return ids


async def _command(url: str, type_: str, body, token: str = "demo-commander", timeout: float = 10.0):
    """One command over a fresh websocket; (ok, code, seconds)."""
    from websockets.asyncio.client import connect

    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode

    t0 = time.monotonic()
    cid = uuid.uuid4().hex
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES, open_timeout=timeout) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=None)), text=True)
        await ws.send(encode(type_, body, id=cid), text=True)
        while True:
            for msg in decode_batch(await asyncio.wait_for(ws.recv(), timeout)):
                if msg.type == "result" and msg.id == cid:
                    return msg.body.ok, msg.body.code, time.monotonic() - t0


class DistrictSender:
    """The district's sending side of hand-offs, on the wire (console/hub/federation.py's format)."""

    def __init__(self, nats_url: str):
        self.url = nats_url
        self.results: dict[str, object] = {}
        self.sent: dict[str, tuple[str, str]] = {}  # command id -> (town, incident)

    async def start(self) -> None:
        import nats

        self.nc = await nats.connect(self.url, max_reconnect_attempts=-1, reconnect_time_wait=0.3,
                                     ping_interval=5, max_outstanding_pings=2)
        self.js = self.nc.jetstream(timeout=2)
        self._task = asyncio.create_task(self._read())

    async def accept(self, town: str, incident: str) -> None:
        """Send one accept; retried (same id) until JetStream has it, as a sender must."""
        from console.hub.federation import handoff_subject
        from console.protocol import messages as m
        from console.protocol.codec import encode

        cid = f"acc-{incident}"
        self.sent[cid] = (town, incident)
        data = encode("cmd.accept_handoff", m.CmdIncident(incident=incident), id=cid)
        headers = {"Nats-Msg-Id": f"D:trial:{cid}", "Duty-Origin": "D", "Duty-Sender": "区值班长 trial",
                   "Duty-Role": "commander", "Duty-Center": "D"}
        while True:
            try:
                await self.js.publish(handoff_subject(town), data, headers=headers)
                return
            except Exception:  # noqa: BLE001 - NATS away: the district keeps the command and retries
                await asyncio.sleep(0.3)

    async def _read(self) -> None:
        from console.hub.federation import HANDOFF_STREAM, result_subject
        from console.protocol import messages as m

        while True:
            try:
                sub = await self.js.pull_subscribe(result_subject("D"), durable="trial-results", stream=HANDOFF_STREAM)
                break
            except Exception:  # noqa: BLE001
                await asyncio.sleep(0.3)
        while True:
            try:
                msgs = await sub.fetch(256, timeout=1)
            except Exception:  # noqa: BLE001 - timeout, or NATS away
                await asyncio.sleep(0.1)
                continue
            for msg in msgs:
                self.results[(msg.headers or {}).get("Duty-Command", "")] = msgspec.json.decode(msg.data, type=m.Result)
                await msg.ack()

    async def close(self) -> None:
        self._task.cancel()
        await self.nc.close()


class City:
    """Town hubs and a district hub ("D") on one PostgreSQL cluster and one nats-server.

    `cut_off`'s NATS link runs through `relay`; every town's incidents are seeded and escalated
    by `open`. Both city trials start from this and end with `close`."""

    def __init__(self, towns: list[str], per_town: int, cut_off: str, prefix: str):
        self.towns, self.per_town, self.cut_off = towns, per_town, cut_off
        self.tmp = Path(tempfile.mkdtemp(prefix=prefix))
        self.hubs: dict[str, CityHubProcess] = {}
        self.dbs: dict[str, str] = {}
        self.incidents: dict[str, list[str]] = {}
        self.nats = self.pg = self.relay = None

    async def open(self, hold: int = 0) -> None:
        """Start the servers and the hubs; seed every town's incidents and escalate all but the last `hold`."""
        from console.hub.nats_server import NatsServer
        from console.protocol import messages as m
        from console.store.pg_cluster import PgCluster

        self.nats = NatsServer(self.tmp / "nats").start()
        self.pg = PgCluster().start()
        self.relay = Relay(self.nats.port)
        await self.relay.start()
        centers = [*self.towns, "D"]
        self.dbs = {c: self.pg.create_database(f"h_{c.lower()}") for c in centers}
        self.incidents = {t: await _seed(self.dbs[t], t, self.per_town) for t in self.towns}
        await _seed(self.dbs["D"], None, 0)
        for c in centers:
            link = f"nats://127.0.0.1:{self.relay.port}" if c == self.cut_off else self.nats.url
            # the district follows the towns that run (an org town with no hub is silent: an alarm)
            follow = tuple(self.towns) if c == "D" else ()
            self.hubs[c] = CityHubProcess(self.dbs[c], free_port(), self.tmp / f"hub-{c}.log", c, link, follow)
        await asyncio.gather(*(h.start() for h in self.hubs.values()))
        for t in self.towns:
            for inc in self.incidents[t][:len(self.incidents[t]) - hold]:
                ok, code, _ = await _command(self.hubs[t].url, "cmd.escalate", m.CmdIncident(incident=inc))
                assert ok, (t, inc, code)

    def thirds(self) -> dict[str, list[list[str]]]:
        """Every town's incidents in three parts, one per fault phase."""
        return {t: [incs[i::3] for i in range(3)] for t, incs in self.incidents.items()}

    async def close(self) -> None:
        """Stop whatever was started, whatever state it is in."""
        for h in self.hubs.values():
            try:
                await h.stop()
            except Exception:  # noqa: BLE001
                pass
        if self.relay is not None:
            await self.relay.stop()
        if self.nats is not None:
            self.nats.stop()
        if self.pg is not None:
            self.pg.stop()


class Bystander:
    """A town under no fault, whose console keeps acknowledging: counts answers, worst wait."""

    def __init__(self, city: City, town: str):
        self.url, self.incident = city.hubs[town].url, city.incidents[town][0]
        self.ok, self.worst = 0, 0.0

    async def report(self, n: int) -> None:
        from console.protocol import messages as m

        for _ in range(n):
            ok, code, dt = await _command(self.url, "cmd.acknowledge", m.CmdIncident(incident=self.incident))
            self.ok += 1 if (ok or code == "invalid_state") else 0
            self.worst = max(self.worst, dt)
            await asyncio.sleep(0.2)


def accepts_per_incident(rows) -> dict[str, int]:
    """How many times each incident's hand-off was accepted in a town's log rows."""
    from console.protocol.codec import decode

    accepted: dict[str, int] = {}
    for row in rows:
        if row[1] == "handoff_accepted":
            inc = decode(row[3]).body.incident
            accepted[inc] = accepted.get(inc, 0) + 1
    return accepted


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def _run(short: bool) -> dict:
    from console.domain.state import decode_state, encode_state
    from console.protocol import messages as m
    from console.store import Store

    towns = ["T1", "T2", "T3"] if short else [f"T{i}" for i in range(1, 8)]
    per_town = 6 if short else 24
    partition_s = 5.0 if short else 60.0
    killed, cut_off, bystander_town = "T1", "T2", "T3"
    city = City(towns, per_town, cut_off, "faults-city-")
    sender = None
    figures: dict = {"towns": len(towns), "partition_s": partition_s}
    try:
        await city.open()
        hubs, dbs, incidents, nats, relay = city.hubs, city.dbs, city.incidents, city.nats, city.relay
        sender = DistrictSender(nats.url)
        await sender.start()
        thirds = city.thirds()
        bystander = Bystander(city, bystander_town)

        # 1. a town hub killed -9 mid-hand-off, then restarted
        for t in towns:
            for inc in thirds[t][0]:
                await sender.accept(t, inc)
        await hubs[killed].kill9()
        await asyncio.sleep(1.0)
        await hubs[killed].start()
        # 2. NATS killed -9 and restarted while the bystander town works on
        nats.stop()
        await bystander.report(5)
        nats.start()
        # 3. one town's link black-holed for partition_s while accepts for it pile up in JetStream
        relay.black_hole()
        for t in towns:
            for inc in thirds[t][1]:
                await sender.accept(t, inc)
        t_end = time.monotonic() + partition_s
        while time.monotonic() < t_end:
            await bystander.report(1)
        ok, code, _ = await _command(hubs[cut_off].url, "cmd.acknowledge", m.CmdIncident(incident=incidents[cut_off][0]))
        figures["cut_off_town_serves"] = ok or code == "invalid_state"
        relay.heal()
        relay.cut()  # the dead connections go; the town reconnects through the relay
        # 4. the last third, then every hub restarted
        for t in towns:
            for inc in thirds[t][2]:
                await sender.accept(t, inc)
        total = sum(len(v) for v in incidents.values())
        answered = await until(lambda: len(sender.results) >= total, 90)
        for h in hubs.values():
            await h.stop()
        await asyncio.gather(*(h.start() for h in hubs.values()))
        await asyncio.sleep(3.0)  # the district's followers catch up with the towns' last events
        for h in hubs.values():
            await h.stop()
        # checks
        lost = twice = 0
        for t in towns:
            state = fold_log(dbs[t])
            store = Store(dbs[t])
            accepted = accepts_per_incident(store.events_after(0))
            store.close()
            lost += sum(1 for inc in incidents[t] if accepted.get(inc, 0) == 0)
            twice += sum(1 for n in accepted.values() if n > 1)
            figures.setdefault("owner_district", 0)
            figures["owner_district"] += sum(1 for inc in incidents[t] if state.incidents[inc].owner == "D")
        d = Store(dbs["D"])
        picture_equal = 0
        for t in towns:
            raw = d.get_setting(f"federation.replica.{t}")
            if raw is not None:
                saved = msgspec.json.decode(raw)
                if encode_state(decode_state(saved["state"].encode("latin-1"))) == encode_state(fold_log(dbs[t])):
                    picture_equal += 1
        d.close()
        figures.update(handoffs=total, answered=len(sender.results), all_answered=answered, lost=lost,
                       applied_twice=twice, district_picture_equal=f"{picture_equal}/{len(towns)}",
                       bystander_commands_ok=bystander.ok, bystander_worst_s=round(bystander.worst, 3),
                       nats_kills=1, hub_kills=hubs[killed].kills, black_holes=relay.holes)
        figures["passed"] = bool(answered and lost == 0 and twice == 0 and picture_equal == len(towns)
                                 and figures.get("cut_off_town_serves") and bystander.ok > 0
                                 and all(r.ok for r in sender.results.values()))
        return figures
    except Exception as exc:  # noqa: BLE001 - a trial reports, never raises
        figures.update(passed=False, error=f"{type(exc).__name__}: {exc}")
        return figures
    finally:
        if sender is not None:
            try:
                await sender.close()
            except Exception:  # noqa: BLE001
                pass
        await city.close()
