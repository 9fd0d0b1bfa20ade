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

from faults.common import fold_log, until
from faults.trial_city import Bystander, City, _command, accepts_per_incident


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def _run(short: bool) -> dict:
    from console.hub import district
    from console.protocol import messages as m
    from console.store import Store

    towns = ["T1", "T2", "T3"] if short else [f"T{i}" for i in range(1, 8)]
    per_town = 6 if short else 24
    partition_s = 5.0 if short else 60.0
    killed, cut_off, bystander_town = "T1", "T2", "T3"
    city = City(towns, per_town, cut_off, "faults-fed-")
    figures: dict = {"towns": len(towns), "partition_s": partition_s}
    answers: dict[str, str] = {}
    try:
        await city.open()
        hubs, dbs, incidents, nats, relay = city.hubs, city.dbs, city.incidents, city.nats, city.relay
        thirds = city.thirds()
        bystander = Bystander(city, bystander_town)

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
        await bystander.report(3)
        await hubs["D"].kill9()
        await hubs["D"].start()
        nats.start()
        # 3. one town's link black-holed for partition_s while the last accepts for it wait in JetStream
        relay.black_hole()
        await accept(2)
        t_end = time.monotonic() + partition_s
        while time.monotonic() < t_end:
            await bystander.report(1)
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
            accepted = accepts_per_incident(rows)
            lost += sum(1 for inc in incidents[t] if accepted.get(inc, 0) == 0)
            twice += sum(1 for n in accepted.values() if n > 1)
            picture_equal += district.held_of(held, t) == district.picture_of(t, rows)
        with Store(dbs["D"]) as d:
            figures["outbox_left"] = d.handoff_depth()
        total = sum(len(v) for v in incidents.values())
        figures.update(handoffs=total, settled=settled, district_caught_up=caught_up, lost=lost,
                       applied_twice=twice, district_picture_equal=f"{picture_equal}/{len(towns)}",
                       console_refusals=sum(1 for a in answers.values() if a != "ok"),
                       bystander_commands_ok=bystander.ok, bystander_worst_s=round(bystander.worst, 3),
                       nats_kills=1, hub_kills=hubs[killed].kills + hubs["D"].kills, black_holes=relay.holes)
        figures["passed"] = bool(settled and caught_up and lost == 0 and twice == 0
                                 and picture_equal == len(towns) and figures["outbox_left"] == 0
                                 and figures.get("cut_off_town_serves") and bystander.ok > 0
                                 and figures["console_refusals"] == 0)
        return figures
    except Exception as exc:  # noqa: BLE001 - a trial reports, never raises
        figures.update(passed=False, error=f"{type(exc).__name__}: {exc}")
        return figures
    finally:
        await city.close()
