"""The cases exercise (一办到底) on the marathon area, scripted minute by minute.

Two cases in 涂山镇 (T7) on the last working day before National Day 2026:

- a dead-wood pile beside the forest, photographed by a grid worker at 09:10 (fire hazard,
  4 working hours): forest fire crew sent, cleared by 11:20, verified with a photo by the
  reporter, the case closed, then from the closed case a follow-up check (举一反三,
  `cmd.follow_up`) to every forest-adjacent grid of the town, answered grid by grid: one
  grid finds the same hazard, the others are clear, one grid is still silent at day's end;
- fallen rocks on the cemetery road, photographed at 16:40 (rockfall, 2 working hours): the
  law-enforcement team accepts that evening, but 1–7 October are holidays, so the limit runs
  out on Thursday 8 October at 09:40; cleared at 09:20 that morning, verified, closed.

`steps(state)` yields (hub time, actor, command type, body) with ids taken from the state as
the exercise reaches them, so a runner decides and applies each in turn (scripts/make_case_drill.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from console.domain import bodies
from console.domain.localtime import TZ
from console.domain.model import incident_id_for
from console.domain.rules import Actor
from console.domain.state import State

TOWN = "T7"
#: the grids the two reporters walk (forest-adjacent ones of 涂山镇)
DEADWOOD_GRID, ROCKFALL_GRID = "T7-C05-G1", "T7-C05-G2"
COMMANDER = Actor("涂山镇 值班长 周岚", "commander", TOWN)

Step = tuple[float, Actor, str, bodies.Body]


def at(text: str) -> float:
    """China time "YYYY-MM-DD HH:MM" as hub time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ).timestamp()


def _person(state: State, kind: str, grid: str | None = None) -> Actor:
    """The first person of `kind` (in `grid`, else in the town) as the actor of their field page."""
    found = sorted((r for r in state.resources.values() if r.kind == kind and r.town == TOWN
                    and (grid is None or r.grid == grid)), key=lambda r: r.id)[0]
    return Actor(found.name, "field", None, resource=found.id)


def _report(state: State, who: Actor, kind: str, text: str, photo: str) -> bodies.CmdReport:
    res = state.resources[who.resource]
    return bodies.CmdReport(kind=kind, text=text, x=res.x, y=res.y, grid=res.grid, photo=photo)


def _incident(state: State) -> str:
    return incident_id_for(f"R{state.reports:05d}")


def _task_of(state: State, incident: str, resource: str) -> str:
    return next(t for t in state.incidents[incident].tasks if state.tasks[t].resource == resource)


def steps(state: State) -> Iterator[Step]:
    """The exercise, one command at a time; `state` is read after each step was applied."""
    yield from _deadwood(state)
    yield from _rockfall(state)


def _deadwood(state: State) -> Iterator[Step]:
    reporter = _person(state, "grid_worker", DEADWOOD_GRID)
    crew = _person(state, "forest_fire")
    yield (at("2026-09-30 09:10"), reporter, "cmd.report",
           _report(state, reporter, "fire_hazard", "林边枯枝堆积约十米，紧邻林区步道", "photo://field/deadwood-1.jpg"))
    inc = _incident(state)
    yield at("2026-09-30 09:18"), COMMANDER, "cmd.dispatch", bodies.CmdDispatch(
        incident=inc, resource=crew.resource, note="带清运工具，现场先设警示")
    task = _task_of(state, inc, crew.resource)
    yield at("2026-09-30 09:21"), crew, "cmd.task_update", bodies.CmdTaskUpdate(task=task, status="accepted")
    yield at("2026-09-30 09:52"), crew, "cmd.task_update", bodies.CmdTaskUpdate(task=task, status="arrived")
    yield at("2026-09-30 11:20"), crew, "cmd.case_handled", bodies.CmdCaseHandled(
        incident=inc, note="枯枝已清运，设置禁火提示牌", photos=["photo://field/deadwood-2.jpg", "photo://field/deadwood-3.jpg"])
    yield at("2026-09-30 11:40"), reporter, "cmd.verify", bodies.CmdVerify(
        incident=inc, note="现场已清理干净", photo="photo://field/deadwood-4.jpg")
    yield at("2026-09-30 11:50"), COMMANDER, "cmd.close", bodies.CmdIncident(incident=inc, note="已闭环")
    # 举一反三 from the closed case: every forest-adjacent grid of the town checks for the same hazard
    yield at("2026-09-30 11:55"), COMMANDER, "cmd.follow_up", bodies.CmdFollowUp(
        text="举一反三：请排查本网格林边枯枝、落叶堆积，回复“已排查，无隐患”或“发现同类隐患”", incident=inc,
        tag="forest_adjacent")
    message = max(state.messages.values(), key=lambda x: x.at)
    by_grid = sorted({state.resources[r].grid for r in message.recipients})
    for i, grid in enumerate(by_grid[:-1]):  # the last grid has not answered by the end of the day
        minute = 14 * 60 + 5 * i
        rid = sorted(r for r in message.recipients if state.resources[r].grid == grid)[0]
        worker = Actor(state.resources[rid].name, "field", None, resource=rid)
        found = i == 1  # one grid finds a pile of its own
        yield (at(f"2026-09-30 {minute // 60:02d}:{minute % 60:02d}"), worker, "cmd.acknowledge_broadcast",
               bodies.CmdBroadcastAck(broadcast=message.id, answer="found" if found else "clear",
                                      note="护林站旁也有一处枯枝堆，已上报" if found else ""))


def _rockfall(state: State) -> Iterator[Step]:
    reporter = _person(state, "grid_worker", ROCKFALL_GRID)
    team = _person(state, "law_enforcement")
    yield (at("2026-09-30 16:40"), reporter, "cmd.report",
           _report(state, reporter, "rockfall", "公墓路山体落石，约两方，占一条车道", "photo://field/rock-1.jpg"))
    inc = _incident(state)
    yield at("2026-09-30 16:44"), COMMANDER, "cmd.dispatch", bodies.CmdDispatch(
        incident=inc, resource=team.resource, note="今晚设置围挡，节后首个工作日上午清理并装防护网")
    task = _task_of(state, inc, team.resource)
    yield at("2026-09-30 16:46"), team, "cmd.task_update", bodies.CmdTaskUpdate(task=task, status="accepted")
    yield at("2026-10-08 08:40"), team, "cmd.task_update", bodies.CmdTaskUpdate(task=task, status="arrived")
    yield at("2026-10-08 09:20"), team, "cmd.case_handled", bodies.CmdCaseHandled(
        incident=inc, note="落石已清理，防护网已安装", photos=["photo://field/rock-2.jpg", "photo://field/rock-3.jpg"])
    yield at("2026-10-08 10:05"), reporter, "cmd.verify", bodies.CmdVerify(
        incident=inc, note="道路已通，防护网完好", photo="photo://field/rock-4.jpg")
    yield at("2026-10-08 10:15"), COMMANDER, "cmd.close", bodies.CmdIncident(incident=inc, note="闭环")
