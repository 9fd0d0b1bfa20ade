"""Drills (演练) on the live path, in the domain: starting, precedence, keeping apart, ending, scoring."""

from __future__ import annotations

from console.domain import drills, kpi
from console.domain.casefigures import case_rows
from console.domain.focus import key_target
from console.domain.model import Exercise, PlanRole
from console.protocol import messages as m
from console.protocol.codec import decode
from console.site.drill_scripts import DrillScript, drill_alert
from tests.domain.test_domain import CMDR, FIELD, T0, T1, T2, Hub

SCRIPT = DrillScript(id="DS01", title="演练：人员倒地", kind="fall", grid="", camera="CAM02",
                     kinds=[PlanRole(kind="medical", count=1), PlanRole(kind="volunteer", count=1)],
                     phone_only=True)


def _alert(hub: Hub, drill: str, by: str = "D"):
    """The script's alert at its camera's grid in this baseline."""
    script = DrillScript(**{**{f: getattr(SCRIPT, f) for f in SCRIPT.__slots__},
                            "grid": hub.state.cameras[SCRIPT.camera].grid})
    return drill_alert(script, _baseline(hub), drill, by=by)


def _start(hub: Hub, drill: str = "DR1", at: float = T0, actor=CMDR) -> str:
    alert = _alert(hub, drill)
    hub.do(actor, "cmd.start_drill", m.CmdStartDrill(alert=alert), at=at)
    return drills.drill_incident_id(drill)


def _baseline(hub: Hub):
    from console.domain.model import Baseline
    s = hub.state
    return Baseline(name=s.name, day_start=s.day_start, org=list(s.org.values()), resources=[],
                    cameras=list(s.cameras.values()), plans=list(s.plans.values()))


def _task_of(hub: Hub, inc: str, resource: str) -> str:
    return next(t for t in hub.inc(inc).tasks if hub.state.tasks[t].resource == resource)


def _run(hub: Hub, inc: str, t0: float = T0) -> tuple[str, str]:
    """Acknowledge at +10, send a medic and a volunteer at +20/+25, accept +40/+50, arrive +200/+320."""
    hub.do(CMDR, "cmd.acknowledge", m.CmdIncident(incident=inc), at=t0 + 10)
    medic, vol = hub.nearest(inc, "medical"), hub.nearest(inc, "volunteer")
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=medic), at=t0 + 20)
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=vol), at=t0 + 25)
    for res, accept in ((medic, 40), (vol, 50)):
        task = _task_of(hub, inc, res)
        hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task, status="accepted"), at=t0 + accept)
    for res, arrive in ((medic, 200), (vol, 320)):
        hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=_task_of(hub, inc, res), status="arrived"),
               at=t0 + arrive)
    return medic, vol


def test_a_drill_raises_a_marked_alert_whose_clock_starts_on_arrival_and_opens_no_case():
    hub = Hub()
    inc = _start(hub, at=T0 + 7)
    got = hub.inc(inc)
    assert got.exercise == Exercise(drill="DR1", script="DS01", by="D", kinds=SCRIPT.kinds, phone_only=True)
    assert got.created_at == T0 + 7 and got.case is None and got.severity == "critical"
    assert hub.state.alerts["DR1"].exercise.drill == "DR1"
    # an alert without the mark is no drill, and a town's chief cannot drill another town
    plain = _alert(hub, "DR2")
    plain.exercise = None
    assert hub.refused(CMDR, "cmd.start_drill", m.CmdStartDrill(alert=plain)).code == "bad_request"
    other = T2 if got.town != "T2" else T1
    marked = _alert(hub, "DR3", by="T")
    assert hub.refused(other, "cmd.start_drill", m.CmdStartDrill(alert=marked)).code == "out_of_scope"


def test_a_real_critical_takes_the_keys_before_a_drill():
    hub = Hub()
    real = hub.alert("fall", "CAM20", at=T0)
    hub.state.incidents[real].severity = "critical"
    drill = _start(hub, at=T0 + 5)  # newer, but a drill
    assert key_target(hub.state, None).incident == real
    hub.do(CMDR, "cmd.acknowledge", m.CmdIncident(incident=real), at=T0 + 6)
    assert key_target(hub.state, None).incident == drill


def test_drills_never_count_in_the_live_figures_or_the_cases():
    hub = Hub()
    real = hub.alert("animal", "CAM01", at=T0)
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=real, resource=hub.nearest(real)), at=T0 + 30)
    before = kpi.compute(hub.state, T0, T0 + 900)
    rows_before = case_rows(hub.state, T0 + 900)
    inc = _start(hub, at=T0 + 31)
    _run(hub, inc, T0 + 31)
    after = kpi.compute(hub.state, T0, T0 + 900)
    assert (after.alerts, len(after.incidents), after.tasks) == (before.alerts, len(before.incidents), before.tasks)
    assert after.response == before.response and after.assembly == before.assembly
    assert [u.tasks for u in after.utilisation] == [u.tasks for u in before.utilisation]
    assert case_rows(hub.state, T0 + 900) == rows_before


def test_a_drill_is_scored_per_person_and_per_town_and_the_log_gives_the_same_score():
    hub = Hub()
    inc = _start(hub, at=T0)
    medic, vol = _run(hub, inc)
    s = drills.score(hub.state, inc)
    assert (s.ack_s, s.dispatch_s, s.first_accept_s, s.assembly_s) == (10.0, 20.0, 40.0, 320.0)
    assert s.response_met and s.assembly_met and s.kinds_met and not s.ended
    assert [(p.resource, p.kind, p.sent_s, p.accepted_s, p.arrived_s) for p in s.people] == [
        (medic, "medical", 20.0, 40.0, 200.0), (vol, "volunteer", 25.0, 50.0, 320.0)]
    assert all(p.accepted_in_time and p.arrived_in_time for p in s.people)
    assert drills.score_log(decode(b) for b in hub.log) == [s]
    town = drills.by_town([s])
    assert [(t.town, t.drills, t.dispatch_s, t.assembly_s, t.response_met, t.kinds_met) for t in town] == [
        (s.town, 1, 20.0, 320.0, 1, 1)]


def test_wrong_kinds_and_a_missing_person_are_seen_and_assembly_waits_for_everyone_expected():
    hub = Hub()
    inc = _start(hub, at=T0)
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=hub.nearest(inc, "police")), at=T0 + 70)
    task = hub.inc(inc).tasks[0]
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task, status="arrived"), at=T0 + 100)
    s = drills.score(hub.state, inc)
    assert s.dispatch_s == 70.0 and s.response_met is False
    assert s.sent == {"police": 1} and not s.kinds_met
    assert s.missing == [PlanRole(kind="medical", count=1), PlanRole(kind="volunteer", count=1)]
    assert s.assembly_s is None and s.assembly_met is None


def test_ending_a_drill_ends_its_tasks_and_closes_it_with_the_cause():
    hub = Hub()
    inc = _start(hub, at=T0)
    _run(hub, inc)
    real = hub.alert("animal", "CAM01", at=T0 + 400)
    assert hub.refused(CMDR, "cmd.end_drill", m.CmdIncident(incident=real)).reason == "not_drill"
    events = hub.do(CMDR, "cmd.end_drill", m.CmdIncident(incident=inc), at=T0 + 500)
    assert [t for t, _ in events] == ["task_cancelled", "task_cancelled", "incident_closed"]
    got = hub.inc(inc)
    assert got.status == "closed" and got.timeline[-1].cause == drills.DRILL_ENDED
    assert all(hub.state.tasks[t].cause == drills.DRILL_ENDED for t in got.tasks)
    assert all(hub.state.resources[hub.state.tasks[t].resource].status == "available" for t in got.tasks)
    s = drills.score(hub.state, inc)
    assert s.ended and s.assembly_s == 320.0  # ending keeps what was reached


def test_the_drill_report_section_gives_each_drill_each_person_and_the_towns_in_words():
    from console.recording.report_drills import drills_section
    from console.ui.common.glossary import Glossary

    hub = Hub()
    assert drills_section(hub.state, Glossary("zh_CN")) == ""
    inc = _start(hub, at=T0)
    _run(hub, inc)
    html = drills_section(hub.state, Glossary("zh_CN"))
    assert "各街道演练对比" in html and "DS01" in html and "医疗 ×1、志愿者 ×1 (符合)" in html
    assert "0:20" in html and "5:20" in html and "1/1" in html and "breach" not in html


def test_the_expected_plan_is_checked_when_the_script_names_one():
    hub = Hub()
    alert = _alert(hub, "DR1")
    alert.exercise.plan = "P04"
    hub.do(CMDR, "cmd.start_drill", m.CmdStartDrill(alert=alert), at=T0)
    inc = drills.drill_incident_id("DR1")
    assert drills.score(hub.state, inc).plan_met is False
    hub.do(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc, plan="P04"), at=T0 + 15)
    s = drills.score(hub.state, inc)
    assert s.plan_met is True and s.dispatch_s == 15.0
    from console.recording.report_drills import kinds_text
    from console.ui.common.glossary import Glossary

    assert kinds_text(s, Glossary("en")).endswith("plan P04 activated")
