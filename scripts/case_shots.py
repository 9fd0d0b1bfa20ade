"""PNGs of the cases (一办到底) under X: a case in the incident pane, the overdue list, the district's view,
the closed case's follow-up (举一反三) and the search of past cases.

The world: the cases exercise (resources/drills/cases-holiday.drill, its two closed cases in 涂山镇
with the follow-up answered grid by grid), then open cases reported in several towns on the
morning of Thursday 8 October 2026 and looked at at 16:00, some of them late. Every command goes
through the domain's `decide` and `apply`, as a hub does it.

    scripts/../xshot.sh 58 .venv/bin/python scripts/case_shots.py OUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console.client.controller import Controller  # noqa: E402
from console.client.replica import Replica  # noqa: E402
from console.domain.apply import apply  # noqa: E402
from console.domain.casesearch import CasesFound, hit_of, merge_hits, search_state  # noqa: E402
from console.domain.commands import decide  # noqa: E402
from console.domain.rules import Actor, can_see  # noqa: E402
from console.domain.state import ChangeSet, State  # noqa: E402
from console.protocol import messages as m  # noqa: E402
from console.protocol.codec import Message  # noqa: E402
from console.recording.drill_file import DrillReader  # noqa: E402
from console.scenarios.case_exercise import at  # noqa: E402
from console.store import Store  # noqa: E402
from console.ui.common.i18n import install_translator  # noqa: E402
from console.ui.panes.cases import CasesPane  # noqa: E402
from console.ui.panes.incident.widget import IncidentPane  # noqa: E402
from console.ui.panes.alerts.model import AlertQueueModel  # noqa: E402
from console.ui.shell.selection import Selection  # noqa: E402

NOW = at("2026-10-08 16:00")


class World:
    """A state that commands are decided on and applied to, at given hub times."""

    def __init__(self, state: State):
        self.state = state

    def do(self, actor: Actor, type_: str, body: m.Body, when: str) -> list:
        ts = at(when)
        events = decide(self.state, type_, body, actor, ts)
        for type_, b in events:
            apply(self.state, Message(type_, b, self.state.seq + 1, ts))
        return events

    def person(self, town: str, kind: str, n: int = 0) -> Actor:
        r = sorted((r for r in self.state.resources.values() if r.town == town and r.kind == kind),
                   key=lambda r: r.id)[n]
        return Actor(r.name, "field", None, resource=r.id)

    def report(self, who: Actor, kind: str, text: str, when: str) -> str:
        r = self.state.resources[who.resource]
        events = self.do(who, "cmd.report", m.CmdReport(kind=kind, text=text, x=r.x, y=r.y, grid=r.grid,
                                                        photo="photo://field/x.jpg"), when)
        return events[0][1].incident


def build() -> State:
    with DrillReader(ROOT / "resources" / "drills" / "cases-holiday.drill") as r:
        state = r.final_state()
    w = World(state)
    cmdr = {t: Actor(f"{t} 值班长", "commander", t) for t in ("T1", "T2", "T3", "T5", "T7")}
    # T1: debris on the road, sent at once, handled, waiting for the reporter's check
    a = w.person("T1", "grid_worker")
    inc = w.report(a, "debris", "滨江路人行道堆放建筑垃圾", "2026-10-08 08:45")
    worker = w.person("T1", "grid_worker", 3)
    w.do(cmdr["T1"], "cmd.dispatch", m.CmdDispatch(incident=inc, resource=worker.resource), "2026-10-08 08:50")
    task = w.state.incidents[inc].tasks[-1]
    w.do(worker, "cmd.task_update", m.CmdTaskUpdate(task=task, status="accepted"), "2026-10-08 08:52")
    w.do(worker, "cmd.task_update", m.CmdTaskUpdate(task=task, status="arrived"), "2026-10-08 09:20")
    w.do(worker, "cmd.case_handled", m.CmdCaseHandled(incident=inc, note="已清运", photos=["photo://f/1.jpg"]),
         "2026-10-08 10:10")
    # T2: illegal parking never dispatched: late for dispatch, then past its limit (the district is told)
    w.report(w.person("T2", "grid_worker"), "illegal_parking", "消防通道被货车占用", "2026-10-08 09:05")
    # T3: a rockfall dispatched, accepted, an extension asked for (a crane): waiting for the answer
    b = w.person("T3", "grid_worker")
    rock = w.report(b, "rockfall", "南山步道护坡落石，约一方", "2026-10-08 09:30")
    team = w.person("T3", "law_enforcement")
    w.do(cmdr["T3"], "cmd.dispatch", m.CmdDispatch(incident=rock, resource=team.resource,
                                                   note="带警示锥，先封一条道"), "2026-10-08 09:36")
    t3 = w.state.incidents[rock].tasks[-1]
    w.do(team, "cmd.task_update", m.CmdTaskUpdate(task=t3, status="accepted"), "2026-10-08 09:40")
    w.do(team, "cmd.task_update", m.CmdTaskUpdate(task=t3, status="arrived"), "2026-10-08 10:20")
    w.do(team, "cmd.request_extension", m.CmdRequestExtension(incident=rock, hours=6, reason="需吊车清运大块落石"),
         "2026-10-08 11:00")
    # T5: a fire hazard suspended for the weather
    fire = w.report(w.person("T5", "grid_worker"), "fire_hazard", "加油站旁枯草堆", "2026-10-08 10:05")
    w.do(cmdr["T5"], "cmd.suspend", m.CmdSuspend(incident=fire, reason="weather", note="暴雨，无法清理"),
         "2026-10-08 10:30")
    # T7: debris dispatched but nobody accepted: late for acceptance
    c = w.person("T7", "grid_worker", 2)
    deb = w.report(c, "debris", "公墓路边沟堵塞", "2026-10-08 13:10")
    w.do(cmdr["T7"], "cmd.dispatch", m.CmdDispatch(incident=deb, resource=w.person("T7", "grid_worker", 4).resource),
         "2026-10-08 13:20")
    return w.state


def town_view(state: State, town: str) -> State:
    """What a town's console holds (its own incidents; the district sees all)."""
    incidents = {i: inc for i, inc in state.incidents.items() if can_see(state, town, inc)}
    return msgspec.structs.replace(state, incidents=incidents,
                                   messages={b: x for b, x in state.messages.items() if x.incident in incidents})


def replica_of(state: State, center: str | None, who: str) -> Replica:
    replica = Replica(state)
    replica.link.user, replica.link.role, replica.link.center = who, "commander", center
    replica.link.clock, replica.link.clock_wall, replica.link.clock_rate = NOW, time.time(), 0.0
    return replica


def grab(app: QApplication, widget, path: Path) -> None:
    """What X shows of the window (not an offscreen render)."""
    widget.show()
    widget.raise_()
    widget.activateWindow()
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    g = widget.frameGeometry()
    app.primaryScreen().grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(path))
    print("wrote", path)
    widget.hide()


class _NoSink:
    """A console that only looks (the shots send nothing)."""

    def send_command(self, command_id, type_, body) -> None:
        print("(not sent)", type_)

    def subscribe(self, cameras) -> None:
        pass


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    install_translator(app, "zh_CN")
    state = build()

    # 1. a town's case in its incident pane: the extension waits for the commander
    t3 = replica_of(town_view(state, "T3"), "T3", "南坪街道 值班长 陈静")
    sel = Selection()
    pane = IncidentPane(t3, Controller(t3, _NoSink()), sel)
    pane.resize(620, 1040)
    pane.move(10, 10)
    pane.show()
    rock = next(i for i, inc in t3.state.incidents.items() if inc.kind == "rockfall" and inc.status != "closed")
    sel.select_incident(rock)
    pane.refresh(ChangeSet(baseline=True))
    pane.scroll.ensureWidgetVisible(pane.case_card)
    grab(app, pane, out / "case-in-incident-pane.png")

    # 2. the closed dead-wood case in 涂山镇: the follow-up answered grid by grid, and the follow-up button
    t7 = replica_of(town_view(state, "T7"), "T7", "涂山镇 值班长 周岚")
    sel7 = Selection()
    pane7 = IncidentPane(t7, Controller(t7, _NoSink()), sel7)
    pane7.resize(620, 1040)
    pane7.move(10, 10)
    sel7.select_incident("I-R00001")
    pane7.refresh(ChangeSet(baseline=True))
    pane7.scroll.ensureWidgetVisible(pane7.case_card.follow_up)
    grab(app, pane7, out / "closed-case-follow-up.png")

    # 3. the town's cases pane: its overdue list and its grids
    cases7 = CasesPane(t7)
    cases7.resize(1180, 760)
    cases7.move(10, 10)
    cases7.show()
    cases7.dimension.setCurrentIndex(cases7.dimension.findData("grid"))
    cases7.refresh(ChangeSet(), force=True)
    grab(app, cases7, out / "town-cases-pane.png")

    # 4. the district's view: every town's overdue cases, per town; the queue rows say 案件超期
    district = replica_of(state, "D", "区城运中心 值班长 刘洋")
    cases = CasesPane(district)
    cases.resize(1180, 760)
    cases.move(10, 10)
    cases.show()
    cases.refresh(ChangeSet(), force=True)
    grab(app, cases, out / "district-cases-overdue.png")
    from PySide6.QtWidgets import QTableView

    queue = QTableView()
    model = AlertQueueModel(district)
    model.refresh(ChangeSet(baseline=True))
    queue.setModel(model)
    queue.resize(900, 420)
    queue.move(10, 10)
    queue.resizeColumnsToContents()
    grab(app, queue, out / "district-queue-case-overdue.png")

    # 5. the search of past cases: the two exercise cases archived, today's open ones live
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/hub.db")
        store.keep_archived([hit_of(state, state.incidents[i]) for i in ("I-R00001", "I-R00002")])
        live = msgspec.structs.replace(state, incidents={i: x for i, x in state.incidents.items()
                                                         if i not in ("I-R00001", "I-R00002")})

        def search(q):
            fut: Future = Future()
            hits = merge_hits(search_state(live, q), store.search_archive(q), q.limit)
            fut.set_result(CasesFound(hits=hits, archived=sum(h.archived for h in hits)))
            return fut

        pane5 = CasesPane(replica_of(live, "D", "区城运中心 值班长 刘洋"), search=search)
        pane5.resize(1180, 640)
        pane5.move(10, 10)
        pane5.tabs.setCurrentIndex(1)
        from PySide6.QtCore import QDate

        pane5.search.since.setDate(QDate(2026, 9, 1))
        pane5.search.until.setDate(QDate(2026, 10, 8))
        pane5.search.go.click()
        grab(app, pane5, out / "search-past-cases.png")
        store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "case_shots")
