"""Federation under every fault at once: nothing lost, nothing decided twice, the district never blind.

Town hubs and a district hub as real processes on PostgreSQL, one real nats-server, one town's
NATS link through a TCP relay. Every town's incidents are split into parts, one per fault; a
district *console* (a websocket to the district hub) answers each town's escalation as `T3/…`,
which the district hub forwards to the town through its hand-off outbox and JetStream:

1. accepts, and the town hub killed -9 right after they were answered;
2. accepts while nats-server is killed -9 (kept in the district's outbox), then the district hub
   killed -9 with them there;
3. NATS back, the district hub started again, and declines sent by its console the moment its
   port opens (what a console does with its unanswered decisions): each must reach its town;
4. accepts while one town is partitioned from NATS (its relay refuses connections);
5. accepts while that town's link is black-holed (nothing flows, nothing closes);
6. nats-server killed and started on an empty data directory (streams, consumers and positions
   gone); the towns escalate their last incidents right after, and the district must see every
   town again within 30 s, and raise an alarm that its towns' link was lost; those escalations
   are then accepted across the new stream;
and at the end every hub restarts.

Checks: every escalation in the district's log exactly once; every decision applied at its town
exactly once (0 lost, 0 twice); the district's picture, folded from its own log, equal for every
town to the fold of that town's log (district.picture_of); the outbox empty; a town under no
fault answering its console throughout; every alarm the district raised closed by itself at the end.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import time

from faults.common import fold_log
from faults.trial_city import Bystander, City

#: the parts of every town's incidents, one per fault (see the module docstring)
PARTS = ("town_kill", "nats_down", "district_restart", "partition", "black_hole", "wiped")
#: how fast the district must see every town again after NATS lost its data (seconds)
WIPE_BOUND_S = 30.0


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def decide(url: str, type_: str, incidents: list[str], *, timeout: float = 30.0,
                 token: str = "demo-commander") -> dict[str, tuple[bool, str]]:
    """One console sends a decision on every incident at once (ids `type:incident`, so a resend is
    a retry), and waits for every answer: {incident: (ok, code)}."""
    from websockets.asyncio.client import connect

    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode

    ids = {f"{type_}:{inc}": inc for inc in incidents}
    answers: dict[str, tuple[bool, str]] = {}
    if not ids:
        return answers
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES, open_timeout=timeout) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=None)), text=True)
        for cid, inc in ids.items():
            await ws.send(encode(type_, m.CmdIncident(incident=inc, note="fault trial"), id=cid), text=True)
        deadline = time.monotonic() + timeout
        while len(answers) < len(ids):
            raw = await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic()))
            for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                if isinstance(msg, Exception):
                    raise msg
                if msg.type == "result" and msg.id in ids:
                    answers[ids[msg.id]] = (msg.body.ok, msg.body.code)
    return answers


async def until(predicate, timeout: float, step: float = 0.3) -> bool:
    """Poll `predicate()` (each look reads whole logs: not too often) until it holds; False on timeout."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


async def port_open(port: int, timeout: float = 30.0) -> bool:
    """Wait until 127.0.0.1:port accepts a connection."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            await asyncio.sleep(0.01)
    return False


def escalations_in(rows) -> dict[str, int]:
    """How many `incident_escalated` events each incident has in a log's rows."""
    from console.protocol.codec import decode

    out: dict[str, int] = {}
    for row in rows:
        if row[1] == "incident_escalated":
            inc = decode(row[3]).body.incident
            out[inc] = out.get(inc, 0) + 1
    return out


def answers_in(rows) -> dict[str, int]:
    """How many hand-off answers (accepted or declined) each incident has in a town's log rows."""
    from console.protocol.codec import decode

    out: dict[str, int] = {}
    for row in rows:
        if row[1] in ("handoff_accepted", "handoff_declined"):
            inc = decode(row[3]).body.incident
            out[inc] = out.get(inc, 0) + 1
    return out


def federation_alarms(rows) -> list[tuple[str, str]]:
    """(alert id, title) of every alarm the district's federation raised in its own log."""
    from console.hub.link_health import LINK_ALERT_PREFIX
    from console.protocol.codec import decode

    out = []
    for row in rows:
        if row[1] == "alert_raised":
            alert = decode(row[3]).body.alert
            if alert.id.startswith(LINK_ALERT_PREFIX):
                out.append((alert.id, alert.title))
    return out


async def _run(short: bool) -> dict:
    from console.hub import district
    from console.protocol import messages as m
    from console.store import Store

    towns = ["T1", "T2", "T3"] if short else [f"T{i}" for i in range(1, 8)]
    per_part = 1 if short else 4
    outage_s = 3.0 if short else 45.0
    killed, cut_off, bystander_town = "T1", "T2", "T3"
    city = City(towns, per_part * len(PARTS), cut_off, "faults-federation-")
    figures: dict = {"towns": len(towns), "outage_s": outage_s}
    answers: dict[str, tuple[bool, str]] = {}
    phases: dict[str, float] = {}
    clock = [time.monotonic()]

    def phase(name: str) -> None:
        now = time.monotonic()
        phases[name] = round(now - clock[0], 1)
        clock[0] = now

    figures["phases_s"] = phases
    try:
        await city.open(hold=per_part)  # the last part is escalated after NATS lost its data
        hubs, dbs, nats, relay = city.hubs, city.dbs, city.nats, city.relay
        parts = {name: {t: city.incidents[t][i * per_part:(i + 1) * per_part] for t in towns}
                 for i, name in enumerate(PARTS)}
        bystander = Bystander(city, bystander_town)
        d_url = hubs["D"].url

        def qualified(part: str, only: list[str] | None = None) -> list[str]:
            return [district.qualified(t, inc) for t in (only or towns) for inc in parts[part][t]]

        async def answer(part: str, type_: str = "cmd.accept_handoff", **kw) -> None:
            answers.update(await decide(d_url, type_, qualified(part), **kw))

        phase("open")
        # 1. a town hub killed -9 right after accepts for it were answered, then restarted
        await answer("town_kill")
        await hubs[killed].kill9()
        await hubs[killed].start()
        phase("town_kill")
        # 2. NATS killed -9: the district console accepts on (kept in the district's outbox); the
        #    district hub is killed -9 with them there; NATS returns, and as the district starts
        #    again its console sends its queued declines the moment the port opens
        nats.stop()
        await answer("nats_down")
        with Store(dbs["D"]) as d:
            figures["outbox_while_nats_down"] = d.handoff_depth()
        await bystander.report(2)
        await hubs["D"].kill9()
        nats.start()
        starting = asyncio.ensure_future(hubs["D"].start())
        await port_open(hubs["D"].port)
        answers.update(await decide(d_url, "cmd.decline_handoff", qualified("district_restart")))
        await starting
        phase("district_restart")
        # 4. the cut-off town partitioned from NATS (connections refused) while accepts for it wait
        await relay.stop()
        await answer("partition")
        t_end = time.monotonic() + outage_s
        while time.monotonic() < t_end:
            await bystander.report(1)
        ok, code, _ = await _ack(hubs[cut_off].url, city.incidents[cut_off][0])
        figures["cut_off_town_serves"] = ok
        await relay.start()
        phase("partition")
        # 5. its link black-holed: nothing flows, nothing closes
        relay.black_hole()
        await answer("black_hole")
        t_end = time.monotonic() + outage_s
        while time.monotonic() < t_end:
            await bystander.report(1)
        relay.heal()
        relay.cut()  # the dead connections go; the town reconnects through the relay

        phase("black_hole")
        def settled(part_names) -> bool:
            for t in towns:
                with Store(dbs[t]) as store:
                    done = answers_in(store.events_after(0))
                if any(done.get(inc, 0) == 0 for p in part_names for inc in parts[p][t]):
                    return False
            return True

        figures["settled_before_wipe"] = await until(lambda: settled(PARTS[:-1]), 90)
        phase("settle")
        # 6. NATS loses its data; every town escalates its last part right after
        nats.stop()
        shutil.rmtree(nats.store_dir / "jetstream", ignore_errors=True)
        nats.start()
        wiped_at = time.monotonic()
        for t in towns:
            for inc in parts["wiped"][t]:
                ok, code, _ = await _escalate(hubs[t].url, inc)
                assert ok, (t, inc, code)

        def district_sees_every_town() -> bool:
            held = fold_log(dbs["D"])
            for t in towns:
                with Store(dbs[t]) as store:
                    rows = store.events_after(0)
                if district.held_of(held, t) != district.picture_of(t, rows):
                    return False
            return True

        seen = await until(district_sees_every_town, 60)
        figures["wipe_seen_again_s"] = round(time.monotonic() - wiped_at, 1) if seen else None
        await answer("wiped")
        figures["settled"] = await until(lambda: settled(PARTS), 60)
        phase("wiped")
        # 7. every hub restarted; the district catches up with the towns' last events
        await asyncio.gather(*(h.stop() for h in hubs.values()))
        await asyncio.gather(*(h.start() for h in hubs.values()))
        caught_up = await until(district_sees_every_town, 60)

        def alarms_closed() -> bool:
            from console.domain.model import FINAL_STATUSES
            from console.hub.link_health import LINK_ALERT_PREFIX

            return all(inc.status in FINAL_STATUSES for inc in fold_log(dbs["D"]).incidents.values()
                       if inc.alert.startswith(LINK_ALERT_PREFIX))

        figures["alarms_closed"] = await until(alarms_closed, 30)
        await asyncio.gather(*(h.stop() for h in hubs.values()))
        phase("restart_all")
        # checks
        lost = twice = 0
        held = fold_log(dbs["D"])
        picture_equal = 0
        with Store(dbs["D"]) as d:
            d_rows = d.events_after(0)
            figures["outbox_left"] = d.handoff_depth()
        escalated = escalations_in(d_rows)
        every = [district.qualified(t, inc) for t in towns for inc in city.incidents[t]]
        figures["escalations_not_once"] = sum(1 for q in every if escalated.get(q, 0) != 1)
        for t in towns:
            with Store(dbs[t]) as store:
                rows = store.events_after(0)
            done = answers_in(rows)
            lost += sum(1 for inc in city.incidents[t] if done.get(inc, 0) == 0)
            twice += sum(1 for n in done.values() if n > 1)
            picture_equal += district.held_of(held, t) == district.picture_of(t, rows)
            declined = [inc for inc in parts["district_restart"][t] if held.incidents[district.qualified(t, inc)].owner == "D"]
            figures["declines_taken_as_accepts"] = figures.get("declines_taken_as_accepts", 0) + len(declined)
        alarms = federation_alarms(d_rows)
        figures["district_alarms"] = len(alarms)
        kinds: dict[str, int] = {}
        for alert_id, _title in alarms:
            key = alert_id.split("-", 2)[2].rpartition("-")[0]
            kinds[key] = kinds.get(key, 0) + 1
        figures["district_alarm_kinds"] = kinds
        total = len(every)
        figures.update(decisions=total, district_caught_up=caught_up, lost=lost, applied_twice=twice,
                       district_picture_equal=f"{picture_equal}/{len(towns)}",
                       console_refusals=sum(1 for ok, _ in answers.values() if not ok),
                       bystander_commands_ok=bystander.ok, bystander_worst_s=round(bystander.worst, 3),
                       nats_kills=2, nats_wipes=1, hub_kills=hubs[killed].kills + hubs["D"].kills,
                       partitions=1, black_holes=relay.holes)
        figures["passed"] = bool(
            figures["settled"] and caught_up and lost == 0 and twice == 0 and picture_equal == len(towns)
            and figures["outbox_left"] == 0 and figures["escalations_not_once"] == 0
            and figures.get("cut_off_town_serves") and bystander.ok > 0 and figures["console_refusals"] == 0
            and figures["declines_taken_as_accepts"] == 0 and len(answers) == total
            and seen and figures["wipe_seen_again_s"] <= WIPE_BOUND_S and figures["district_alarms"] > 0
            and figures["alarms_closed"])
        return figures
    except Exception as exc:  # noqa: BLE001 - a trial reports, never raises
        figures.update(passed=False, error=f"{type(exc).__name__}: {exc}")
        return figures
    finally:
        await city.close()


async def _ack(url: str, incident: str):
    """A town console's acknowledge (ok also when it was acknowledged before)."""
    from console.protocol import messages as m
    from faults.trial_city import _command

    ok, code, dt = await _command(url, "cmd.acknowledge", m.CmdIncident(incident=incident))
    return ok or code == "invalid_state", code, dt


async def _escalate(url: str, incident: str):
    """A town commander escalates one incident to the district."""
    from console.protocol import messages as m
    from faults.trial_city import _command

    return await _command(url, "cmd.escalate", m.CmdIncident(incident=incident, note="fault trial"))
