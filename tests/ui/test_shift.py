"""A whole shift: the marathon morning at speed, a scripted commander working through keys on the
window, every effect checked against the hub's log.

The hub runs the real marathon world (its alerts, positions and simulated field) from 07:28 at
30x; the test adds the situations of a hard shift on top, through an ingest client as a camera AI
would: two criticals within 10 s, a refusal, a recall after 30 s, a plan pressed twice, a false
alarm followed by a new critical, a broadcast, a close, and a no-notice drill dropped into the
live queue while a real critical shouts (the real one has the keys; End drill ends the drill). The commander presses keys on the focused
window (QTest, through Qt's shortcut map) and clicks buttons through the widgets, never calling
the flow directly. Before every key the test works out, by its own reading of the console's state,
which incident the key must act on; after the run it folds the hub's log and checks: every key
acted on that incident, no broadcast made a task, no plan ran twice, nobody held two live tasks,
and every promise figure the console shows equals a recomputation from the log's timestamps.
"""

from __future__ import annotations

import asyncio
import itertools
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.domain import drills
from console.domain.model import SETTLED_STATUSES, Alert, Detection, PlanRole
from console.domain.sla import incident_sla
from console.protocol import messages as m
from console.protocol.codec import decode
from console.scenarios import build_marathon_baseline
from console.site.drill_scripts import DrillScript, drill_alert
from tests.hub.harness import Client
from tests.ui.keys import press, type_into_dialog
from tests.ui.shots import grab_screen
from tests.ui.test_live_console import (  # noqa: F401 - autouse fixtures of the live console tests
    activated, collect_on_the_gui_thread, console_on, english, keep_loop_on_close, until,
)

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(240)]

SPEED = 30.0
#: the district's no-notice drill dropped into the shift: a runner down at the start (site drills.toml's DS01)
DRILL = DrillScript(id="DS01", title="起点区人员倒地", kind="fall", grid="T1-C01-G2", camera="CAM02",
                    kinds=[PlanRole(kind="medical", count=1)], phone_only=True)
_ids = itertools.count(1)
#: SHIFT_SHOTS=DIR: grab the window (and any dialog) at each situation, in Chinese, for the closing note
SHOTS = os.environ.get("SHIFT_SHOTS")


def shot(window, name: str) -> None:
    """Save what the commander sees now (only with SHIFT_SHOTS set; a test run takes none)."""
    grab_screen(window, SHOTS, f"shift-{name}")


def shouting(state, answered: frozenset[str]) -> str | None:
    """The newest open critical nobody acknowledged or is answering, real ones before drills', if any."""
    loud = [i for i in state.incidents.values()
            if i.severity == "critical" and i.acknowledged_at is None and i.status not in SETTLED_STATUSES
            and i.offered_to is None and i.id not in answered]
    # a real alert during a drill (演练) always takes the keys first
    return max(loud, key=lambda i: (i.exercise is None, i.created_at, i.id)).id if loud else None


def expected_target(state, selected: str | None, answered: frozenset[str]) -> str | None:
    """The test's own reading of the rule: the newest unacknowledged open critical, else the open selection."""
    loud = shouting(state, answered)
    if loud is not None:
        return loud
    inc = state.incidents.get(selected or "")
    return inc.id if inc is not None and inc.status not in SETTLED_STATUSES else None


class Commander:
    """The scripted commander: keys on the window, clicks through widgets, and a record of each key."""

    def __init__(self, hub, con):
        self.hub, self.con, self.window = hub, con, con.window
        self.made: list = []
        con.controller.on_command.append(self.made.append)
        #: (key name, the incident the key had to act on, the incident it acted on)
        self.keys: list[tuple[str, str | None, str | None]] = []

    @property
    def state(self):
        return self.con.replica.state

    async def alert(self, camera: str, kind: str, severity: str, title: str) -> str:
        """A camera AI's alert through the ingest port; returns the incident id once the console shows it."""
        [iid] = await self.alerts((camera, kind, severity, title))
        return iid

    async def alerts(self, *specs: tuple[str, str, str, str]) -> list[str]:
        """Several alerts back to back on one ingest link (seconds apart at most, even at 30x)."""
        ids = []
        async with Client.connect(self.hub.url, "demo-ingest", last_seq=None) as ingest:
            for camera, kind, severity, title in specs:
                cam = self.hub.core.state.cameras[camera]
                aid = f"S{next(_ids):03d}"
                alert = Alert(id=aid, source="camera", kind=kind, severity=severity, title=title,
                              at=self.hub.core.clock.now(), x=cam.x, y=cam.y, grid=cam.grid, town=cam.town,
                              camera=camera,
                              detections=[Detection(label=kind, score=0.9, x=0.4, y=0.4, w=0.2, h=0.2)])
                assert (await ingest.command("ingest.alert", m.IngestAlert(alert=alert))).ok
                ids.append(f"I-{aid}")
        for iid in ids:
            await until(lambda: self.window.alerts.model.row_of(iid) is not None, f"{iid} in the queue")
        return ids

    async def key(self, name: str, key: Qt.Key, *, note: str = "", reason: str | None = None) -> str | None:
        """Press a key on the window; answer the question it asks; returns the incident it acted on."""
        await activated(self.window)  # a closed dialog hands the activation back, as a window manager does
        self.window.refresh_now()
        answered = self.window.desk.answering()
        want = expected_target(self.state, self.window.selection.incident, answered)
        entries, made = len(self.window.desk.entries), len(self.made)
        if want is not None:
            hint = self.window.alerts.hint.text()
            assert self.state.incidents[want].title in hint, (want, hint)  # the hint named it first
        notices = len(self.con.replica.notices)
        press(self.window, key)
        flow = self.window.flow
        if flow.dialog is not None and flow.dialog.isVisible():
            if name == "F":
                shot(self.window, "5-false-alarm-asks-a-reason")
            type_into_dialog(flow, note, reason=reason)
        acted = None
        if len(self.made) > made:
            acted = getattr(self.made[made].body, "incident", None)
        elif len(self.window.desk.entries) > entries:
            acted = self.window.desk.entries[-1].incident
        elif len(self.con.replica.notices) > notices:  # refused here: the refusal names its incident
            acted = self.con.replica.notices[-1].subject
        self.keys.append((name, want, acted))
        assert acted == want, (name, want, acted, self.window.status.currentMessage(), self.window.alerts.hint.text())
        return acted

    async def quiet(self) -> None:
        """Acknowledge every critical that shouts (A on each), so the selection has the keys again."""
        for _ in range(30):
            await activated(self.window)
            self.window.refresh_now()
            if shouting(self.state, self.window.desk.answering()) is None:
                return
            await self.key("A", Qt.Key.Key_A)
        raise AssertionError("criticals kept shouting")

    async def select(self, incident: str) -> None:
        """Click the incident's row in the queue."""
        queue = self.window.alerts
        await until(lambda: queue.model.row_of(incident) is not None, f"{incident} in the queue")
        rect = queue.view.visualRect(queue.model.index(queue.model.row_of(incident), 2))
        if not rect.isValid() or rect.isEmpty():
            queue.view.scrollTo(queue.model.index(queue.model.row_of(incident), 2))
            rect = queue.view.visualRect(queue.model.index(queue.model.row_of(incident), 2))
        QTest.mouseClick(queue.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert self.window.selection.incident == incident

    async def act_on(self, incident: str, name: str, key: Qt.Key, *, before=None, **kw) -> str | None:
        """Quiet the shouting criticals, click the incident's row, then press the key on it.

        New alerts keep arriving while the commander works: if one shouts between the click
        and the key, it is answered first and the incident clicked again.
        """
        for _ in range(10):
            await self.quiet()
            await self.select(incident)
            self.window.refresh_now()
            if expected_target(self.state, incident, self.window.desk.answering()) == incident:
                if before is not None:
                    before()
                return await self.key(name, key, **kw)
        raise AssertionError(f"{incident} never had the keys")

    def hold_people(self, incident: str, n: int = 3) -> None:
        """The next people Enter would send answer for themselves (the test plays them), not the simulator."""
        for rec in self.con.controller.recommendations(incident, limit=n):
            self.hub.world.simulator.humans.add(rec.resource)

    async def answer_as_field(self, task: str, status: str, note: str = "") -> None:
        async with Client.connect(self.hub.url, "demo-commander", last_seq=None) as field:
            assert (await field.command("cmd.task_update", m.CmdTaskUpdate(task=task, status=status,
                                                                           note=note))).ok

    def log(self) -> list:
        """Every event of the hub's log, decoded."""
        return [decode(data) for _seq, _t, _ts, data in self.hub.store.events_after(0)]


def _tasks_of(log, incident: str) -> list:
    return [e for e in log if e.type == "task_dispatched" and e.body.incident == incident]


async def test_a_whole_shift_through_the_keys(tmp_path, monkeypatch):
    from console.app.config import HubConfig
    from console.app.hub import start_hub

    monkeypatch.setattr("console.ui.shell.desk.UNDO_WINDOW_S", 0.6)  # the 5 s window, shortened for the run
    if SHOTS:  # the pictures for the closing note are of the Chinese console, built in Chinese
        from PySide6.QtWidgets import QApplication

        from console.ui.common.i18n import install_translator

        install_translator(QApplication.instance(), "zh")
    hub = await start_hub(HubConfig(port=0, db=f"sqlite:///{tmp_path / 'hub.db'}", scenario="marathon",
                                    speed=SPEED, start="07:28", fps=0))
    try:
        async with console_on(hub.url, "demo-commander", tmp_path, "shift") as con:
            c = Commander(hub, con)
            window = con.window
            if SHOTS:
                window.showMaximized()
            await activated(window)

            # -- 07:30 the dog at the cordon shouts: Enter sends someone to it
            await until(lambda: any(i.kind == "animal" and i.severity == "critical"
                                    for i in c.state.incidents.values()), "the dog alert")
            dog = next(i.id for i in c.state.incidents.values() if i.kind == "animal")
            await until(lambda: dog in window.alerts.hint.text() or c.state.incidents[dog].title
                        in window.alerts.hint.text(), "the hint to name the dog")
            await c.key("Enter", Qt.Key.Key_Return)  # the dog, unless a newer critical shouts: key() checks
            if not c.state.incidents[dog].tasks and not con.replica.pending:
                await c.act_on(dog, "Enter", Qt.Key.Key_Return)
            await until(lambda: c.state.incidents[dog].tasks, "a task on the dog")

            # -- two criticals within 10 s: Enter goes to the newest, the next Enter to the other
            await c.quiet()
            fall, smoke = await c.alerts(("CAM20", "fall", "critical", "人员倒地 赛道 12 公里"),
                                         ("CAM33", "smoke", "critical", "烟雾 补给站"))
            assert c.state.incidents[smoke].created_at - c.state.incidents[fall].created_at < 10
            shot(window, "1-two-criticals-hint")
            order = []
            for _ in range(6):  # Enter until both have someone: the newest first (key() checks each)
                if c.state.incidents[fall].tasks and c.state.incidents[smoke].tasks:
                    break
                order.append(await c.key("Enter", Qt.Key.Key_Return))
                await until(lambda: not con.replica.pending, "the dispatch answered")
            mine = [i for i in order if i in (fall, smoke)]
            assert mine[:2] == [smoke, fall], order

            # -- a refusal, then someone else; the second person is recalled after 30 s
            crowd = await c.alert("CAM05", "crowd_density", "warning", "人群聚集 起点区")
            await c.act_on(crowd, "Enter", Qt.Key.Key_Return, before=lambda: c.hold_people(crowd))
            await until(lambda: len(c.state.incidents[crowd].tasks) == 1, "the first dispatch")
            first = c.state.tasks[c.state.incidents[crowd].tasks[0]]
            await c.answer_as_field(first.id, "declined", "车辆故障")
            await until(lambda: c.state.tasks[first.id].status == "declined", "the refusal on the console")
            window.refresh_now()
            shot(window, "6-refusal-clock-runs-again")
            assert "⚠" in window.alerts.model.data(window.alerts.model.index(
                window.alerts.model.row_of(crowd), window.alerts.model.COL_STATUS))
            await c.act_on(crowd, "Enter", Qt.Key.Key_Return, before=lambda: c.hold_people(crowd))
            await until(lambda: len(c.state.incidents[crowd].tasks) == 2, "the second dispatch")
            second = c.state.tasks[c.state.incidents[crowd].tasks[1]]
            assert second.resource != first.resource, "the person who refused is not sent again"
            t_sent = second.sent_at
            await until(lambda: con.replica.hub_now() - t_sent >= 30, "30 s on the road")
            window.refresh_now()
            recall = window.incident_pane.task_list.recall_buttons()[second.id]
            shot(window, "3a-recall-button")
            QTest.mouseClick(recall, Qt.MouseButton.LeftButton)
            shot(window, "3b-recall-asks-why")
            type_into_dialog(window.flow, "现场已有民警")
            await until(lambda: c.state.tasks[second.id].status == "cancelled", "the recall applied")
            assert c.state.tasks[second.id].cause == "recalled"

            # -- a plan pressed twice runs once
            packed = await c.alert("CAM30", "crowd_density", "warning", "人群密度超阈值 4.1人/㎡")
            await c.act_on(packed, "P", Qt.Key.Key_P)
            await until(lambda: c.state.incidents[packed].plan is not None, "the plan applied")
            await c.act_on(packed, "P", Qt.Key.Key_P)  # refused here: the plan is already running
            shot(window, "4-plan-pressed-twice")
            assert any(n.reason == "plan_active" for n in list(con.replica.notices)[-3:])

            # -- a false alarm, then a new critical: Enter answers the new one
            parking = await c.alert("CAM07", "illegal_parking", "warning", "违停占道 7 号口")
            await c.act_on(parking, "F", Qt.Key.Key_F, note="车辆已驶离", reason="already_handled")
            await until(lambda: c.state.incidents[parking].status == "false_alarm", "the false alarm applied")
            window.refresh_now()
            assert window.selection.incident != parking, "the selection moved on"
            await c.quiet()
            intrusion = await c.alert("CAM01", "cordon_intrusion", "critical", "闯入警戒线 起点区")
            await c.key("Enter", Qt.Key.Key_Return)  # the new critical (or a newer one): never the false alarm
            assert c.keys[-1][2] != parking
            if not c.state.incidents[intrusion].tasks and not con.replica.pending:
                await c.act_on(intrusion, "Enter", Qt.Key.Key_Return)

            # -- a broadcast is a message: grids and people previewed, nobody dispatched
            await c.quiet()
            await c.select(smoke)
            window.refresh_now()
            QTest.mouseClick(window.incident_pane.actions.button("cmd.broadcast"), Qt.MouseButton.LeftButton)
            ask = window.incident_pane.actions.broadcast_dialog
            grids, people = ask.reach()
            shot(window, "2-broadcast-preview")
            QTest.mouseClick(ask.buttons.button(ask.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
            await until(lambda: any(b.incident == smoke for b in c.state.messages.values()), "the broadcast")

            # -- the work on one incident is done: it asks to be closed, and Close closes it
            await until(lambda: any(c.state.tasks[t].status == "done" for i in (dog, fall, smoke, intrusion)
                                    for t in c.state.incidents[i].tasks if t in c.state.tasks), "work done", 90)
            done = next(i for i in (dog, fall, smoke, intrusion)
                        if any(c.state.tasks[t].status == "done" for t in c.state.incidents[i].tasks
                               if t in c.state.tasks))
            await until(lambda: not any(c.state.tasks[t].status in ("sent", "accepted", "arrived")
                                        for t in c.state.incidents[done].tasks if t in c.state.tasks),
                        "every task of it ended", 90)
            await c.quiet()
            await c.select(done)
            window.refresh_now()
            assert "✔" in window.incident_pane.dispatch_line.text()
            shot(window, "7-done-please-close")
            QTest.mouseClick(window.incident_pane.actions.button("cmd.close"), Qt.MouseButton.LeftButton)
            await until(lambda: c.state.incidents[done].status == "closed", "the close applied")

            # -- a no-notice drill (演练) in the live queue while a real critical shouts: A goes to the real
            #    one, Enter answers the drill like a real alert, and its End drill button ends it at once
            await c.quiet()
            real = await c.alert("CAM04", "fall", "critical", "人员倒地 K1+100")
            async with Client.connect(hub.url, "demo-commander", last_seq=None) as district:
                alert = drill_alert(DRILL, build_marathon_baseline(), "DR-SHIFT", by="D")
                assert (await district.command("cmd.start_drill", m.CmdStartDrill(alert=alert))).ok
            drill = drills.drill_incident_id("DR-SHIFT")
            await until(lambda: window.alerts.model.row_of(drill) is not None, "the drill in the queue")
            assert await c.key("A", Qt.Key.Key_A) == real, "the newer drill took the keys from a real critical"
            await c.act_on(drill, "Enter", Qt.Key.Key_Return)
            await until(lambda: c.state.incidents[drill].tasks, "someone sent to the drill")
            await c.quiet()
            await c.select(drill)
            window.refresh_now()
            end = window.incident_pane.actions.button("cmd.end_drill")
            assert end.isVisible() and end.isEnabled()
            QTest.mouseClick(end, Qt.MouseButton.LeftButton)
            if window.flow.dialog is not None and window.flow.dialog.isVisible():
                type_into_dialog(window.flow, "")
            await until(lambda: c.state.incidents[drill].status == "closed", "the drill ended")

            # ================================================= against the hub's log
            await until(lambda: hub.core.state.seq == con.replica.state.seq, "the console caught up")
            log = c.log()
            assert all(want == acted for _k, want, acted in c.keys) and len(c.keys) >= 8
            issued = [e for e in log if e.type == "broadcast_issued" and e.body.incident == smoke]
            assert len(issued) == 1 and len(issued[0].body.recipients) == people and len(issued[0].body.grids) == grids
            assert not [e for e in log if e.type == "task_dispatched" and e.body.broadcast], "a broadcast made tasks"
            assert [e.body.plan for e in log if e.type == "plan_activated" and e.body.incident == packed] == ["P01"]
            planned = _tasks_of(log, packed)
            assert len({e.body.resource for e in planned}) == len(planned), "someone sent twice by the plan"
            cancelled = {e.body.task: e.body.cause for e in log if e.type == "task_cancelled"}
            assert cancelled[second.id] == "recalled"
            assert any(e.type == "incident_false_alarm" and e.body.incident == parking for e in log)
            assert any(e.type == "incident_closed" and e.body.incident == done for e in log)
            drill_tasks = set(c.state.incidents[drill].tasks)
            assert drill_tasks and {cancelled[t] for t in drill_tasks} == {drills.DRILL_ENDED}
            assert [e.body.cause for e in log if e.type == "incident_closed" and e.body.incident == drill] \
                == [drills.DRILL_ENDED]
            assert all(i.exercise is None for i in c.state.incidents.values() if i.id != drill)
            _nobody_holds_two_live_tasks(log)
            _promise_figures_equal_the_log(log, con, window)
    finally:
        await hub.stop()


def _nobody_holds_two_live_tasks(log) -> None:
    live: dict[str, str] = {}
    for e in log:
        if e.type == "task_dispatched":
            assert e.body.resource not in live, f"{e.body.resource} sent while on {live[e.body.resource]}"
            live[e.body.resource] = e.body.task
        elif e.type in ("task_done", "task_declined", "task_cancelled"):
            for person, task in list(live.items()):
                if task == e.body.task:
                    del live[person]


def _promise_figures_equal_the_log(log, con, window) -> None:
    """The response figure of every incident, recomputed from the log's timestamps, equals the console's
    (pane rule, queue cell): alert → the first dispatch that stands (not declined, not undone)."""
    created = {e.body.incident: e.body.alert.at for e in log if e.type == "alert_raised"}
    sent, ended = {}, {}
    for e in log:
        if e.type == "task_dispatched":
            sent[e.body.task] = (e.body.incident, e.ts)
        elif e.type == "task_declined" or (e.type == "task_cancelled" and not e.body.cause):
            ended[e.body.task] = True
    first: dict[str, float] = {}
    for task, (incident, ts) in sent.items():
        if task not in ended:
            first[incident] = min(first.get(incident, ts), ts)
    checked = 0
    state = con.replica.state
    model = window.alerts.model
    for iid, inc in state.incidents.items():
        if iid not in created or iid not in first:
            continue
        sla = incident_sla(inc, con.replica.hub_now())
        answered_by = [s.at for s in inc.timeline if s.what in ("false_alarm", "merged", "closed", "resolved",
                                                                   "escalation", "cooperation")]
        expect = min([first[iid], *answered_by]) - created[iid]
        assert sla.response_s == pytest.approx(expect, abs=1e-6), iid
        row = model.row_of(iid)
        if row is not None:
            cell = model.data(model.index(row, model.COL_COUNTDOWN))
            assert str(int(expect)) in cell, (iid, cell, expect)
        checked += 1
    assert checked >= 5
