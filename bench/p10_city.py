"""P10, the city: seven town hubs and a district hub over one nats-server on this machine.

    python -m bench.worker P10 [--quick]          (one run; `python -m bench --only P10` for the table)

Each hub is its own process (`python -m bench.p10_city hub SPEC`): the real hub
(`console.app.hub.start_hub` with `--center`/`--nats`, so its federation link is the
production one) plus bench.hubproc's load driver. The towns together emit 2,000 events/s
(2,000/7 each, the everyday mix of moves, status changes, alerts opened and closed); the
district follows every town and mirrors their incident events into its own log. 50 headless
consoles in one process (`python -m bench.p10_city consoles URLS 50`) are spread over the
eight hubs. Figures:

- town-to-console delivery: a town console's receive time − the town hub's event time;
- town-to-district lag: the district hub's commit of a mirrored event − the town's event time
  (the mirror keeps the town's time), and the same seen by the district's consoles;
- hand-off round trip: the district hub sends a hand-off to a town (outbox, JetStream, the
  town's durable consumer, decided by its core, result back on JetStream) 5 times a second:
  a decline of an incident the town does not have, so the answer is a refusal, decided and
  logged like any command;
- CPU of every process as a share of one core (the machine has 2).

A run where no console got an event is INVALID (no figures).
"""

from __future__ import annotations

import array
import asyncio
import json
import os
import sys
import time
from pathlib import Path

TOWNS = [f"T{i}" for i in range(1, 8)]
DISTRICT = "D"
CITY_RATE = 2000
CONSOLES = 50
HANDOFF_HZ = 5.0


# ====================================================================== the worker side

async def run(tmp: Path, quick: bool) -> dict:
    """One run of P10 (bench.worker's RUNNERS entry)."""
    from bench.common import Child, expect_async, python
    from console.hub.nats_server import NatsServer

    seconds = 6 if quick else 15
    nats = NatsServer(tmp / "nats").start()
    hubs: dict[str, Child] = {}
    cons = None
    try:
        for c in [*TOWNS, DISTRICT]:
            spec = {"center": c, "nats": nats.url, "db": f"sqlite:///{tmp / f'hub-{c}.db'}",
                    "follow": TOWNS if c == DISTRICT else []}
            hubs[c] = Child([python(), "-m", "bench.p10_city", "hub", json.dumps(spec)], name=f"hub {c}")
        urls = {c: (await expect_async(h, "ready", 180))["ready"] for c, h in hubs.items()}
        # the district has followed every town's baseline before the load starts
        for _ in range(120):
            hubs[DISTRICT].send(op="stats")
            st = (await expect_async(hubs[DISTRICT], "stats"))["stats"]
            if st["followed"] >= len(TOWNS):
                break
            await asyncio.sleep(0.5)
        order = [*TOWNS, DISTRICT]
        cons = Child([python(), "-m", "bench.p10_city", "consoles", ",".join(urls[c] for c in order),
                      str(CONSOLES)], name="consoles")
        await expect_async(cons, "ready", 120)
        await asyncio.sleep(1.0)
        cons.send(op="collect")
        await expect_async(cons, "collected")
        hubs[DISTRICT].send(op="lag_reset")
        await expect_async(hubs[DISTRICT], "reset")
        procs = {"hubs (7 towns)": [hubs[c].proc.pid for c in TOWNS], "district hub": [hubs[DISTRICT].proc.pid],
                 "nats-server": [nats.proc.pid], "consoles": [cons.proc.pid]}
        cpu0 = {k: sum(map(_cpu_s, ps)) for k, ps in procs.items()}
        t0 = time.perf_counter()
        for c in TOWNS:
            hubs[c].send(op="rate", rate=CITY_RATE / len(TOWNS), seconds=seconds)
        hubs[DISTRICT].send(op="probe", seconds=seconds, hz=HANDOFF_HZ)
        sent = 0
        behind, town_seq = {}, {}
        for c in TOWNS:
            done = await expect_async(hubs[c], "done", seconds + 120)
            sent += done.get("sent", 0)
            town_seq[c] = done.get("seq", 0)
            behind[c] = town_seq[c] - done.get("published", 0)
        probe = await expect_async(hubs[DISTRICT], "done", seconds + 120)
        # how far behind, as the load ended: each town's stream (unpublished events), the district's fold
        unpublished = max(behind.values())
        unfolded = max(town_seq[c] - probe["folded"].get(c, 0) for c in TOWNS)
        await asyncio.sleep(2.0)  # what is queued arrives; its delay counts
        wall = time.perf_counter() - t0
        cpu = {k: (sum(map(_cpu_s, ps)) - cpu0[k]) / wall for k, ps in procs.items()}
        cons.send(op="collect")
        got = await expect_async(cons, "collected", 120)
        hubs[DISTRICT].send(op="stats")
        dist = (await expect_async(hubs[DISTRICT], "stats"))["stats"]
    finally:
        if cons is not None:
            cons.stop()
        for h in hubs.values():
            h.stop()
        nats.stop()
    load = os.getloadavg()
    return {"valid": got["town_events"] > 0, "events_sent": sent, "events_per_s": sent / seconds,
            "town_p50_ms": got["town_p50_ms"], "town_p99_ms": got["town_p99_ms"], "town_max_ms": got["town_max_ms"],
            "town_events": got["town_events"], "town_consoles": got["town_consoles"],
            "district_console_p99_ms": got["district_p99_ms"], "district_console_events": got["district_events"],
            "lag_p50_ms": dist["lag_p50_ms"], "lag_p99_ms": dist["lag_p99_ms"], "mirrored": dist["lag_n"],
            "handoff_p50_ms": probe["p50_ms"], "handoff_p99_ms": probe["p99_ms"], "handoffs": probe["n"],
            "handoffs_unanswered": probe["unanswered"], "closed_consoles": got["closed"],
            **{f"cpu_{k.split()[0].replace('-', '_')}": v for k, v in cpu.items()},
            "unpublished_at_end": unpublished, "unfolded_at_end": unfolded, "loadavg_1m": load[0]}


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of one process so far, from /proc (no psutil in the venv)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measures(results: list[dict]) -> list:
    """The table's rows for P10 (bench.__main__.measures)."""
    from bench.common import Measure

    valid = [r for r in results if r.get("valid")]
    if not valid:
        return [Measure("P10", "city: town → console delivery p99", "ms", "≤ 150 ms", [], [], available=False,
                        note="INVALID: no events delivered" if results else "INVALID: the run failed")]

    def v(key: str) -> list[float]:
        return [float(r[key]) for r in valid if r.get(key) is not None]

    def s(key: str, scale: float = 1.0) -> str:
        vals = sorted(x * scale for x in v(key))
        return f"{vals[len(vals) // 2]:.3g}" if vals else "n/a"

    return [
        Measure("P10", "city 7 towns + district, 50 consoles, 2,000 ev/s: town → console p99", "ms", "≤ 150 ms",
                v("town_p99_ms"), [], check=lambda val, r: val <= 150,
                note=(f"{s('events_per_s')} ev/s sent; p50 {s('town_p50_ms')} ms; town → district lag p50 "
                      f"{s('lag_p50_ms')} ms; district consoles p99 {s('district_console_p99_ms')} ms; hand-off "
                      f"round trip p50 {s('handoff_p50_ms')} ms ({s('handoffs')} sent, {s('handoffs_unanswered')} "
                      f"unanswered); CPU % of one core: towns {s('cpu_hubs', 100)}, district {s('cpu_district', 100)}, "
                      f"nats {s('cpu_nats_server', 100)}, consoles {s('cpu_consoles', 100)}; load {s('loadavg_1m')}")),
        Measure("P10", "city: town → district lag p99", "ms", "—", v("lag_p99_ms"), []),
        Measure("P10", "city: hand-off round trip p99 (district → town → district)", "ms", "—",
                v("handoff_p99_ms"), []),
    ]


# ====================================================================== the hub process

def _pct(vals, p: float) -> float | None:
    from bench.common import percentile

    return percentile(list(vals), p) * 1000 if len(vals) else None


async def hub_main(spec: dict) -> None:
    """One city hub with bench.hubproc's load driver; JSON lines on stdin and stdout."""
    import logging

    from bench.hubproc import Driver, bench_baseline, emit
    from console.app.config import HubConfig
    from console.app.hub import start_hub
    from console.hub.auth import Principal
    from console.protocol import messages as m

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    cfg = HubConfig(host="127.0.0.1", port=0, scenario=None, db=spec["db"], mode="exercise",
                    center=spec["center"], nats=spec["nats"], follow=list(spec.get("follow", [])),
                    queue_limit=20_000)
    hub = await start_hub(cfg)
    core, fed = hub.core, hub.federation
    seqs = core.emit([("baseline_loaded", m.BaselineLoaded(baseline=bench_baseline()))])
    await core.wait_committed(seqs[-1])
    driver = Driver(hub)
    lags = array.array("d")
    # a mirrored event keeps its town's time: now − that is the town → district lag
    core.taps.append(lambda seq, type_, ts, data, state: lags.append(time.time() - ts))
    prober = Principal("", "commander", "bench 区值班长", DISTRICT)

    async def probe(seconds: float, hz: float) -> dict:
        loop = asyncio.get_running_loop()
        rtts, unanswered, i = [], 0, 0
        t0 = loop.time()
        while loop.time() - t0 < seconds:
            i += 1
            t = time.perf_counter()
            cid = await fed.send_handoff(fed.follow[i % len(fed.follow)], prober, "cmd.decline_handoff",
                                         m.CmdIncident(incident=f"bench-probe-{i}"))
            try:
                await fed.result(cid, 10.0)
                rtts.append(time.perf_counter() - t)
            except TimeoutError:
                unanswered += 1
            await asyncio.sleep(max(0.0, 1.0 / hz - (time.perf_counter() - t)))
        return {"n": i, "unanswered": unanswered, "p50_ms": _pct(rtts, 50), "p99_ms": _pct(rtts, 99)}

    emit(ready=hub.url)
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task] = set()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        op = cmd.pop("op")
        if op == "quit":
            break
        if op == "stats":
            emit(stats={**driver.stats(), "followed": sum(1 for r in fed.replicas.values() if r.state.seq > 0),
                        "lag_n": len(lags), "lag_p50_ms": _pct(lags, 50), "lag_p99_ms": _pct(lags, 99),
                        "federation": dict(fed.counters)})
        elif op == "lag_reset":
            del lags[:]
            emit(reset=True)
        elif op in ("rate", "probe"):
            async def go(op=op, cmd=cmd):
                try:
                    res = await (driver.rate(**cmd) if op == "rate" else probe(**cmd))
                    emit(done=op, **res, seq=core.state.seq, published=fed.cursor,
                         folded={t: r.state.seq for t, r in fed.replicas.items()})
                except Exception as exc:  # noqa: BLE001 - report, do not hang the bench
                    emit(done=op, error=repr(exc))
            task = asyncio.create_task(go())
            running.add(task)
            task.add_done_callback(running.discard)
    for t in running:
        t.cancel()
    await hub.stop()


# ====================================================================== the consoles process

async def consoles_main(urls: list[str], n: int) -> None:
    """`n` headless consoles spread over the hubs (the last URL is the district's)."""
    from bench.common import percentile
    from bench.fanout import Headless

    clients = [Headless(urls[i % len(urls)]) for i in range(n)]
    district = urls[-1]
    tasks = [asyncio.create_task(c.run()) for c in clients]
    await asyncio.wait_for(asyncio.gather(*(c.live.wait() for c in clients)), 90)
    print(json.dumps({"ready": n}), flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line or json.loads(line).get("op") != "collect":
            break
        out = {}
        for kind, group in (("town", [c for c in clients if c.url != district]),
                            ("district", [c for c in clients if c.url == district])):
            delays = array.array("d")
            for c in group:
                delays.extend(c.delays)
            out[f"{kind}_p50_ms"] = percentile(delays, 50) * 1000 if delays else None
            out[f"{kind}_p99_ms"] = percentile(delays, 99) * 1000 if delays else None
            out[f"{kind}_max_ms"] = max(delays) * 1000 if delays else None
            out[f"{kind}_events"] = sum(c.events for c in group)
            out[f"{kind}_consoles"] = len(group)
        for c in clients:
            c.delays, c.events = array.array("d"), 0
        print(json.dumps({"collected": True, **out, "closed": sum(c.closed for c in clients)}), flush=True)
    for t in tasks:
        t.cancel()


if __name__ == "__main__":
    if sys.argv[1] == "hub":
        asyncio.run(hub_main(json.loads(sys.argv[2])))
    elif sys.argv[1] == "consoles":
        asyncio.run(consoles_main(sys.argv[2].split(","), int(sys.argv[3])))
    else:
        sys.exit(f"usage: python -m bench.p10_city hub SPEC | consoles URLS N (not {sys.argv[1]!r})")
