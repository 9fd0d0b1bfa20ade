"""The district picture and the district's hand-offs under faults, all on the real path.

Town hubs and a district hub as real processes on PostgreSQL, one real nats-server. Every
incident is escalated on its town's hub; a district *console* (a websocket to the district
hub) accepts each one as `T3/I-…`, which the district hub forwards to the town through its
hand-off outbox and JetStream. Meanwhile: a town hub is killed -9 right after a batch of
accepts went out; nats-server is killed -9 and, while it is down, the district console accepts
more (kept in the district's outbox), then the district hub itself is killed -9 before NATS
returns; one town's NATS link goes through a TCP relay that black-holes it (5 s short, 60 s
long); at the end every hub restarts.

Checks: every accept applied exactly once in its town's log (0 lost, 0 applied twice); the
district's picture, folded from the district's own log, equal for every town to the fold of
that town's log (district.picture_of); a town not under fault keeps answering its console.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from faults.common import fold_log, free_port, until
from faults.relay import Relay
from faults.trial_city import CityHubProcess, _command, _seed


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def _run(short: bool) -> dict:
    from console.hub import district
    from console.hub.nats_server import NatsServer
    from console.protocol import messages as m
    from console.protocol.codec import decode
    from console.store import Store
    from console.store.pg_cluster import PgCluster

    towns = ["T1", "T2", "T3"] if short else [f"T{i}" for i in range(1, 8)]
    per_town = 6 if short else 24
    partition_s = 5.0 if short else 60.0
    killed, cut_off, bystander = "T1", "T2", "T3"
    tmp = Path(tempfile.mkdtemp(prefix="faults-fed-"))
    nats = NatsServer(tmp / "nats").start()
    pg = PgCluster().start()
    relay = Relay(nats.port)
    await relay.start()
    hubs: dict[str, CityHubProcess] = {}
    figures: dict = {"towns": len(towns), "partition_s": partition_s}
    answers: dict[str, str] = {}
    try:
        dbs = {c: pg.create_database(f"h_{c.lower()}") for c in [*towns, "D"]}
        incidents = {t: await _seed(dbs[t], t, per_town) for t in towns}
        await _seed(dbs["D"], None, 0)
        for c in [*towns, "D"]:
            link = f"nats://127.0.0.1:{relay.port}" if c == cut_off else nats.url
            hubs[c] = CityHubProcess(dbs[c], free_port(), tmp / f"hub-{c}.log", c, link)
        await asyncio.gather(*(h.start() for h in hubs.values()))
        for t in towns:
            for inc in incidents[t]:
                ok, code, _ = await _command(hubs[t].url, "cmd.escalate", m.CmdIncident(incident=inc))
                assert ok, (t, inc, code)
        thirds = {t: [incs[i::3] for i in range(3)] for t, incs in incidents.items()}
        bystander_ok, bystander_worst = 0, 0.0

        async def bystander_report(n: int) -> None:
            nonlocal bystander_ok, bystander_worst
            for _ in range(n):
                ok, code, dt = await _command(hubs[bystander].url, "cmd.acknowledge",
                                              m.CmdIncident(incident=incidents[bystander][0]))
                bystander_ok += 1 if (ok or code == "invalid_state") else 0
                bystander_worst = max(bystander_worst, dt)
                await asyncio.sleep(0.2)

        async def accept(part: int) -> None:
            """The district console accepts one third of every town's escalations."""
            for t in towns:
                for inc in thirds[t][part]:
                    ok, code, _ = await _command(hubs["D"].url, "cmd.accept_handoff",
                                                 m.CmdIncident(incident=district.qualified(t, inc)), timeout=20)
                    answers[f"{t}/{inc}"] = "ok" if ok else code

        # 1. a town hub killed -9 right after accepts for it went out, then restarted
        await accept(0)
        await hubs[killed].kill9()
        await asyncio.sleep(1.0)
        await hubs[killed].start()
        # 2. NATS killed -9: the district console accepts on (the district hub keeps them), the
        #    district hub is killed -9 with them in its outbox, and starts again before NATS does
        nats.stop()
        await accept(1)
        with Store(dbs["D"]) as d:
            figures["outbox_while_nats_down"] = d.handoff_depth()
        await bystander_report(3)
        await hubs["D"].kill9()
        await hubs["D"].start()
        nats.start()
        # 3. one town's link black-holed for partition_s while the last accepts for it wait in JetStream
        relay.black_hole()
        await accept(2)
        t_end = time.monotonic() + partition_s
        while time.monotonic() < t_end:
            await bystander_report(1)
        ok, code, _ = await _command(hubs[cut_off].url, "cmd.acknowledge", m.CmdIncident(incident=incidents[cut_off][0]))
        figures["cut_off_town_serves"] = ok or code == "invalid_state"
        relay.heal()
        relay.cut()  # the dead connections go; the town reconnects through the relay

        def all_owned() -> bool:
            return all(fold_log(dbs[t]).incidents[i].owner == "D" for t in towns for i in incidents[t])

        settled = await until(all_owned, 90)
        # 4. every hub restarted; the district catches up with the towns' last events
        for h in hubs.values():
            await h.stop()
        await asyncio.gather(*(h.start() for h in hubs.values()))

        def district_caught_up() -> bool:
            held = fold_log(dbs["D"])
            return all(district.held_of(held, t).keys() == {district.qualified(t, i) for i in incidents[t]}
                       and all(held.incidents[district.qualified(t, i)].owner == "D" for i in incidents[t])
                       for t in towns)

        caught_up = await until(district_caught_up, 60)
        await asyncio.sleep(1.0)
        for h in hubs.values():
            await h.stop()
        # checks
        lost = twice = 0
        held = fold_log(dbs["D"])
        picture_equal = 0
        for t in towns:
            with Store(dbs[t]) as store:
                rows = store.events_after(0)
            accepted: dict[str, int] = {}
            for row in rows:
                if row[1] == "handoff_accepted":
                    inc = decode(row[3]).body.incident
                    accepted[inc] = accepted.get(inc, 0) + 1
            lost += sum(1 for inc in incidents[t] if accepted.get(inc, 0) == 0)
            twice += sum(1 for n in accepted.values() if n > 1)
            picture_equal += district.held_of(held, t) == district.picture_of(t, rows)
        with Store(dbs["D"]) as d:
            figures["outbox_left"] = d.handoff_depth()
        total = sum(len(v) for v in incidents.values())
        figures.update(handoffs=total, settled=settled, district_caught_up=caught_up, lost=lost,
                       applied_twice=twice, district_picture_equal=f"{picture_equal}/{len(towns)}",
                       console_refusals=sum(1 for a in answers.values() if a != "ok"),
                       bystander_commands_ok=bystander_ok, bystander_worst_s=round(bystander_worst, 3),
                       nats_kills=1, hub_kills=hubs[killed].kills + hubs["D"].kills, black_holes=relay.holes)
        figures["passed"] = bool(settled and caught_up and lost == 0 and twice == 0
                                 and picture_equal == len(towns) and figures["outbox_left"] == 0
                                 and figures.get("cut_off_town_serves") and bystander_ok > 0
                                 and figures["console_refusals"] == 0)
        return figures
    except Exception as exc:  # noqa: BLE001 - a trial reports, never raises
        figures.update(passed=False, error=f"{type(exc).__name__}: {exc}")
        return figures
    finally:
        for h in hubs.values():
            try:
                await h.stop()
            except Exception:  # noqa: BLE001
                pass
        await relay.stop()
        nats.stop()
        pg.stop()
