"""A no-notice drill (演练) across hubs, below the desk: a district hub and a town hub on NATS and
PostgreSQL, the district injects a drill, the town answers it over the protocol, the district's table
equals a recomputation from the town's log, the live KPI and the district's live picture do not count
it, and the district ends it. (tests/ui/panes/drills/test_end_to_end.py adds the console's keys and
two phones in chromium.)"""

from __future__ import annotations

import json
import uuid

from console.domain import drills, kpi
from console.domain.model import PlanRole
from console.hub.auth import DEMO_TOKENS, TokenRegistry
from console.protocol import messages as m
from console.protocol.codec import Message, decode
from console.scenarios import build_marathon_baseline
from console.site.drill_scripts import DrillScript, drill_alert
from tests.federation.test_federation import federated_hub, until
from tests.hub.harness import Client
from tests.hub.test_hub import _raise

PEOPLE = ("R0001", "R0002")  # two grid workers of T1
SCRIPT = DrillScript(id="DS09", title="起点区人员倒地", kind="fall", grid="T1-C01-G1",
                     text="演练：跑者倒地", kinds=[PlanRole(kind="grid_worker", count=2)], phone_only=True)


def drill_tokens(path) -> TokenRegistry:
    entries = [{"token": p.token, "role": p.role, "name": p.name, "center": p.center, "resource": p.resource}
               for p in DEMO_TOKENS if p.role != "field"]
    entries += [{"token": f"field-{r}", "role": "field", "name": f"网格员终端 {r}", "resource": r} for r in PEOPLE]
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return TokenRegistry.from_file(path)


def log_events(store) -> list[Message]:
    """A hub's log as events, for a recomputation."""
    return [Message(decode(data).type, decode(data).body, seq, ts) for seq, _t, ts, data in store.events_after(0)]


def score_times(s: drills.DrillScore) -> tuple:
    return (s.drill, s.town, s.ack_s, s.dispatch_s, s.first_accept_s, s.assembly_s, s.sent, s.missing,
            [(p.resource, p.sent_s, p.accepted_s, p.arrived_s) for p in s.people])


def live_figures(state, start: float, end: float) -> tuple:
    f = kpi.compute(state, start, end)
    return (f.alerts, len(f.incidents), f.tasks, f.response, f.assembly, f.acknowledge,
            [(u.kind, u.tasks) for u in f.utilisation], f.closed)


async def test_a_district_drill_runs_on_the_towns_live_path_and_is_scored_from_the_log(tmp_path, nats, pg_cluster):
    run = uuid.uuid4().hex[:6]
    town_db, district_db = (pg_cluster.create_database(f"drill_{n}_{run}") for n in ("t1", "d"))
    async with federated_hub(town_db, "T1", nats.url, tokens=drill_tokens(tmp_path / "tokens.json")) as (t1, _f1), \
            federated_hub(district_db, "D", nats.url, follow=["T1"]) as (d, fed_d):
        real = await _raise(t1, 1)  # a real alert in the town, worked before the drill
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.dispatch", m.CmdDispatch(incident=real, resource="R0003"))).ok
        start = t1.core.state.day_start
        end = t1.core.state.now + 3600
        live_before = live_figures(t1.core.state, start, end)
        await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
        picture_before = fed_d.picture()["T1"]

        # the district injects the drill: a command on its own console, decided by T1's hub
        alert = drill_alert(SCRIPT, build_marathon_baseline(), "DR-1", by="")  # the town names who sent it
        alert.id = "T1/DR-1"
        async with Client.connect(d.url, "demo-commander") as district:
            started = await district.command("cmd.start_drill", m.CmdStartDrill(alert=alert))
            assert started.ok, started
        incident = drills.drill_incident_id("DR-1")
        inc = t1.core.state.incidents[incident]
        assert inc.exercise.by == "D" and inc.exercise.phone_only and inc.town == "T1" and inc.case is None

        # the town's commander answers it like a real one; the people answer from their phones' role
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.acknowledge", m.CmdIncident(incident=incident))).ok
            for r in PEOPLE:
                assert (await town.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource=r))).ok
        for r in PEOPLE:
            task = next(t for t in t1.core.state.incidents[incident].tasks if t1.core.state.tasks[t].resource == r)
            async with Client.connect(t1.url, f"field-{r}") as phone:
                for status in ("accepted", "arrived"):
                    assert (await phone.command("cmd.task_update", m.CmdTaskUpdate(task=task, status=status))).ok
        assert t1.core.state.incidents[incident].full_on_scene_at is not None

        # the district's drill table is the recomputation from the town's own log
        await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
        await until(lambda: f"T1/{incident}" in d.core.state.incidents
                    and d.core.state.incidents[f"T1/{incident}"].full_on_scene_at is not None)
        table = drills.scores(d.core.state)
        recomputed = drills.score_log(log_events(t1.core.store))
        assert [score_times(s) for s in table] == [score_times(s) for s in recomputed]
        assert len(table) == 1 and table[0].kinds_met and table[0].assembly_s is not None
        assert [(r.town, r.drills, r.assembly_s) for r in drills.by_town(table)] == [
            ("T1", 1, recomputed[0].assembly_s)]
        # kept apart: the live KPI and the district's live picture do not count it
        assert live_figures(t1.core.state, start, end) == live_before
        picture = fed_d.picture()["T1"]
        assert picture["incidents"] == picture_before["incidents"] and picture["drills"] == 1

        # the district ends it at once: the town closes it and ends its people's tasks
        async with Client.connect(d.url, "demo-commander") as district:
            ended = await district.command("cmd.end_drill", m.CmdIncident(incident=f"T1/{incident}"))
            assert ended.ok, ended
        got = t1.core.state.incidents[incident]
        assert got.status == "closed" and got.timeline[-1].cause == drills.DRILL_ENDED
        assert all(t1.core.state.tasks[t].cause == drills.DRILL_ENDED for t in got.tasks)
        await until(lambda: d.core.state.incidents[f"T1/{incident}"].status == "closed")
        assert fed_d.picture()["T1"]["drills"] == 0
        assert drills.scores(d.core.state)[0].ended


async def test_a_town_chief_cannot_drill_another_town(tmp_path):
    from tests.hub.harness import running_hub

    async with running_hub(f"sqlite:///{tmp_path / 't.db'}") as hub:
        alert = drill_alert(SCRIPT, build_marathon_baseline(), "DR-2", by="T2")
        async with Client.connect(hub.url, "demo-t2") as chief:
            refused = await chief.command("cmd.start_drill", m.CmdStartDrill(alert=alert))
        assert not refused.ok and refused.code == "out_of_scope"
