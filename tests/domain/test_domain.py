"""The domain on the real marathon baseline, without a network: commands through `decide`,
their events through `apply`, exactly as the hub does it."""

from __future__ import annotations


import pytest

from console.domain.apply import apply
from console.domain.model import Alert, PlanRole
from console.domain.recommend import SETUP_S, SPEED_M_S, eta_seconds, recommend
from console.domain.commands import PERMISSIONS, decide
from console.domain.rules import Actor, CommandRefused, can_see
from console.domain.sla import Breach, incident_sla
from console.domain.state import ChangeSet, State, state_hash
from console.scenarios import build_marathon_baseline
from console.protocol import messages as m
from console.protocol.codec import Message, decode, encode

T0 = 1764457200.0 + 3600.0  # 08:00 on race day

CMDR = Actor("值班长 王敏", "commander", None)
CMDR2 = Actor("副值班长 李强", "commander", None)
T1 = Actor("铜元局街道 值班长", "commander", "T1")
T2 = Actor("花园路街道 值班长", "commander", "T2")
T3 = Actor("南坪街道 值班长", "commander", "T3")
OPERATOR = Actor("坐席员 赵丽", "operator", None)
WALL = Actor("大屏", "wall", None)
FIELD = Actor("网格员终端", "field", None)
INGEST = Actor("感知接入", "ingest", None)


class Hub:
    """A hub without sockets: decide, then sequence, stamp, log (wire bytes) and apply."""

    def __init__(self):
        self.state = State()
        self.log: list[bytes] = []
        self.now = T0
        self.changes: list[ChangeSet] = []
        self.emit([("baseline_loaded", m.BaselineLoaded(baseline=build_marathon_baseline()))])
        self._alerts = 0

    def emit(self, events) -> list[ChangeSet]:
        out = []
        for type_, body in events:
            seq = self.state.seq + 1
            self.log.append(encode(type_, body, seq=seq, ts=self.now))
            out.append(apply(self.state, Message(type_, body, seq, self.now)))
        self.changes = out
        return out

    def do(self, actor: Actor, type_: str, body: m.Body, at: float | None = None) -> list[tuple[str, m.Body]]:
        if at is not None:
            assert at >= self.now
            self.now = at
        events = decide(self.state, type_, body, actor, self.now)
        self.emit(events)
        return events

    def refused(self, actor: Actor, type_: str, body: m.Body) -> CommandRefused:
        seq = self.state.seq
        with pytest.raises(CommandRefused) as exc:
            decide(self.state, type_, body, actor, self.now)
        assert self.state.seq == seq
        return exc.value

    def alert(self, kind: str = "crowd_density", camera: str = "CAM01", at: float | None = None) -> str:
        """Raise a camera alert at a camera's place; returns the incident id."""
        if at is not None:
            self.now = at
        cam = self.state.cameras[camera]
        self._alerts += 1
        a = Alert(id=f"X{self._alerts:04d}", source="camera", kind=kind, severity="critical",
                  title=f"{kind} at {cam.name}", at=self.now, x=cam.x, y=cam.y, grid=cam.grid,
                  town=cam.town, camera=camera)
        self.do(INGEST, "ingest.alert", m.IngestAlert(alert=a))
        return f"I-{a.id}"

    def inc(self, incident: str):
        return self.state.incidents[incident]

    def nearest(self, incident: str, kind: str = "grid_worker") -> str:
        return recommend(self.state, incident, [kind], limit=1)[0].resource

    def off_duty(self, resource_ids) -> None:
        self.emit([("resource_status_changed", m.ResourceStatusChanged(resource=r, status="off_duty"))
                   for r in resource_ids])


@pytest.fixture(scope="module")
def baseline():
    return build_marathon_baseline()


@pytest.fixture
def hub():
    return Hub()


def _town_of_camera(hub: Hub, camera: str) -> str:
    return hub.state.cameras[camera].town


# ------------------------------------------------------------------ baseline

def test_baseline_loads_the_marathon_world(hub):
    s = hub.state
    assert s.seq == 1 and s.now == T0
    levels = [u.level for u in s.org.values()]
    assert (levels.count("district"), levels.count("town"), levels.count("community"),
            levels.count("grid")) == (1, 7, 38, 210)
    assert len(s.cameras) == 65
    assert sum(r.kind in ("social_worker", "volunteer") for r in s.resources.values()) >= 2000
    assert s.district() == "D"
    grid = next(u for u in s.org.values() if u.level == "grid")
    assert s.town_of(grid.id) == grid.id.split("-")[0]
    assert hub.changes[0].baseline


# ------------------------------------------------------------------ lifecycle

def test_whole_lifecycle_new_to_closed(hub):
    inc_id = hub.alert("crowd_density", "CAM01")
    inc = hub.inc(inc_id)
    assert inc.status == "new" and inc.owner == inc.town == "T1" and inc.created_at == T0
    statuses = [inc.status]

    hub.do(CMDR, "cmd.acknowledge", m.CmdIncident(incident=inc_id, note="收到"), at=T0 + 10)
    statuses.append(inc.status)
    res_id = hub.nearest(inc_id)
    res = hub.state.resources[res_id]
    ev = hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id), at=T0 + 25)
    assert [t for t, _ in ev] == ["task_dispatched"]
    task_id = ev[0][1].task
    assert task_id == f"{inc_id}-T1"
    task = hub.state.tasks[task_id]
    assert (task.status, task.sent_at, task.actor) == ("sent", T0 + 25, CMDR.name)
    assert (res.status, res.task) == ("dispatched", task_id)
    statuses.append(inc.status)

    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task_id, status="accepted"), at=T0 + 40)
    assert (task.status, res.status) == ("accepted", "en_route")
    statuses.append(inc.status)
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task_id, status="arrived"), at=T0 + 250)
    assert (task.status, res.status, task.arrived_at) == ("arrived", "on_scene", T0 + 250)
    statuses.append(inc.status)
    hub.do(CMDR, "cmd.resolve", m.CmdIncident(incident=inc_id, note="人群已疏导"), at=T0 + 900)
    statuses.append(inc.status)
    ev = hub.do(CMDR, "cmd.close", m.CmdIncident(incident=inc_id), at=T0 + 960)
    assert [t for t, _ in ev] == ["task_done", "incident_closed"]
    statuses.append(inc.status)

    assert statuses == ["new", "acknowledged", "dispatched", "en_route", "on_scene", "resolved", "closed"]
    assert (task.status, task.done_at, res.status, res.task) == ("done", T0 + 960, "available", None)
    assert (inc.acknowledged_at, inc.first_dispatch_at, inc.first_arrival_at, inc.full_on_scene_at,
            inc.resolved_at, inc.closed_at) == (T0 + 10, T0 + 25, T0 + 250, T0 + 250, T0 + 900, T0 + 960)
    steps = [(t.what, t.actor, t.at) for t in inc.timeline]
    assert steps == [
        ("raised", "CAM01", T0),
        ("acknowledged", CMDR.name, T0 + 10),
        ("dispatched", CMDR.name, T0 + 25),
        ("task_accepted", FIELD.name, T0 + 40),
        ("task_arrived", FIELD.name, T0 + 250),
        ("resolved", CMDR.name, T0 + 900),
        ("task_done", CMDR.name, T0 + 960),
        ("closed", CMDR.name, T0 + 960),
    ]
    assert (inc.timeline[2].resource, inc.timeline[2].name, inc.timeline[2].note) == (res.id, res.name, "")
    assert inc.timeline[1].note == "收到" and inc.timeline[5].note == "人群已疏导"
    sla = incident_sla(inc, hub.now)
    assert (sla.response_s, sla.first_arrival_s, sla.full_on_scene_s) == (25, 225, 225)
    assert not sla.response_breached and not sla.assembly_breached and sla.breaches == ()


def test_false_alarm_cancels_open_tasks_and_ends_the_incident(hub):
    inc_id = hub.alert("cordon_intrusion", "CAM05")
    res_id = hub.nearest(inc_id, "volunteer")
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id), at=T0 + 20)
    ev = hub.do(OPERATOR, "cmd.false_alarm", m.CmdIncident(incident=inc_id, note="误报：树影"), at=T0 + 30)
    assert [t for t, _ in ev] == ["task_cancelled", "incident_false_alarm"]
    inc = hub.inc(inc_id)
    assert (inc.status, inc.closed_at) == ("false_alarm", T0 + 30)
    assert hub.state.tasks[f"{inc_id}-T1"].status == "cancelled"
    assert hub.state.resources[res_id].status == "available"
    assert inc.timeline[-1].what == "false_alarm" and inc.timeline[-1].actor == OPERATOR.name
    sla = incident_sla(inc, T0 + 3600)
    assert not sla.response_breached and not sla.assembly_breached
    err = hub.refused(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id))
    assert err.code == "invalid_state" and "false_alarm" in err.message


def test_false_alarm_without_dispatch_counts_as_the_response(hub):
    inc_id = hub.alert("smoke", "CAM09")
    hub.do(OPERATOR, "cmd.false_alarm", m.CmdIncident(incident=inc_id), at=T0 + 45)
    sla = incident_sla(hub.inc(inc_id), T0 + 600)
    assert sla.response_s == 45 and not sla.response_breached


def test_merge_folds_one_incident_into_another(hub):
    first = hub.alert("crowd_density", "CAM10")
    second = hub.alert("crowd_density", "CAM10", at=T0 + 5)
    res_id = hub.nearest(second, "volunteer")
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=second, resource=res_id), at=T0 + 8)
    ev = hub.do(OPERATOR, "cmd.merge", m.CmdMerge(incident=second, into=first), at=T0 + 12)
    assert [t for t, _ in ev] == ["task_cancelled", "incident_merged"]
    a, b = hub.inc(first), hub.inc(second)
    assert (b.status, b.merged_into, b.closed_at) == ("merged", first, T0 + 12)
    assert (b.timeline[-1].what, b.timeline[-1].incident, b.timeline[-1].note) == ("merged", first, "")
    assert (a.timeline[-1].what, a.timeline[-1].incident, a.timeline[-1].actor) == ("absorbed", second, OPERATOR.name)
    assert a.status == "new"
    assert hub.state.resources[res_id].status == "available"
    assert set().union(*(c.incidents for c in hub.changes)) == {first, second}
    assert hub.refused(CMDR, "cmd.merge", m.CmdMerge(incident=first, into=first)).code == "bad_request"
    assert hub.refused(CMDR, "cmd.merge", m.CmdMerge(incident=second, into=first)).code == "invalid_state"
    assert hub.refused(CMDR, "cmd.merge", m.CmdMerge(incident=first, into="I-nope")).code == "not_found"


def test_escalate_to_district_and_accept(hub):
    inc_id = hub.alert("crowd_density", "CAM01")  # a T1 incident
    hub.do(T1, "cmd.acknowledge", m.CmdIncident(incident=inc_id), at=T0 + 5)
    ev = hub.do(T1, "cmd.escalate", m.CmdIncident(incident=inc_id, note="需区级协调"), at=T0 + 20)
    (type_, body), = ev
    assert type_ == "incident_escalated" and body.to_center == "D"
    assert body.snapshot is not None and body.snapshot.id == inc_id  # a center that never saw it can show it
    inc = hub.inc(inc_id)
    assert (inc.status, inc.offered_to, inc.offer_kind, inc.owner) == ("escalated", "D", "escalation", "T1")
    assert (inc.timeline[-1].what, inc.timeline[-1].actor) == ("escalation", T1.name)
    assert (inc.timeline[-1].center, inc.timeline[-1].note) == ("D", "需区级协调")
    res_id = hub.nearest(inc_id)
    assert hub.refused(T1, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id)).code == "invalid_state"
    assert hub.refused(T1, "cmd.escalate", m.CmdIncident(incident=inc_id)).code == "invalid_state"
    assert hub.refused(T1, "cmd.accept_handoff", m.CmdIncident(incident=inc_id)).code == "invalid_state"

    hub.do(CMDR, "cmd.accept_handoff", m.CmdIncident(incident=inc_id, note="区级接管"), at=T0 + 40)
    assert (inc.owner, inc.offered_to, inc.offer_kind, inc.status) == ("D", None, None, "acknowledged")
    assert (inc.timeline[-1].what, inc.timeline[-1].actor, inc.timeline[-1].at) == (
        "escalation_accepted", CMDR.name, T0 + 40)
    assert (inc.timeline[-1].center, inc.timeline[-1].note) == ("D", "区级接管")
    # both sides keep seeing it: the town by its area, the district by ownership
    assert can_see(hub.state, "T1", inc) and can_see(hub.state, "D", inc)
    assert hub.refused(T1, "cmd.escalate", m.CmdIncident(incident=inc_id)).code == "invalid_state"
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id), at=T0 + 50)
    assert inc.status == "dispatched"


def test_cooperation_request_and_decline(hub):
    inc_id = hub.alert("crowd_density", "CAM01")  # T1
    inc = hub.inc(inc_id)
    assert not can_see(hub.state, "T2", inc)
    assert hub.refused(T2, "cmd.acknowledge", m.CmdIncident(incident=inc_id)).code == "out_of_scope"
    assert hub.refused(T1, "cmd.request_cooperation",
                       m.CmdCooperation(incident=inc_id, to_center="T1-C01")).code == "not_found"
    assert hub.refused(T1, "cmd.request_cooperation",
                       m.CmdCooperation(incident=inc_id, to_center="T1")).code == "invalid_state"
    ev = hub.do(T1, "cmd.request_cooperation", m.CmdCooperation(incident=inc_id, to_center="T2", note="请求支援"),
                at=T0 + 30)
    assert ev[0][0] == "cooperation_requested" and ev[0][1].snapshot.id == inc_id
    assert (inc.status, inc.offered_to, inc.offer_kind) == ("cooperation", "T2", "cooperation")
    assert can_see(hub.state, "T2", inc) and not can_see(hub.state, "T3", inc)
    assert hub.refused(T3, "cmd.decline_handoff", m.CmdIncident(incident=inc_id)).code == "out_of_scope"

    hub.do(T2, "cmd.decline_handoff", m.CmdIncident(incident=inc_id, note="本辖区警力不足"), at=T0 + 60)
    assert (inc.offered_to, inc.offer_kind, inc.partners, inc.owner) == (None, None, [], "T1")
    assert inc.status == "acknowledged"  # asking for help counts as taking it on
    last = inc.timeline[-1]
    assert (last.what, last.actor, last.at) == ("cooperation_declined", T2.name, T0 + 60)
    assert (last.center, last.note) == ("T2", "本辖区警力不足")
    assert [t.what for t in inc.timeline] == ["raised", "cooperation", "cooperation_declined"]
    assert not can_see(hub.state, "T2", inc)
    res_id = hub.nearest(inc_id)
    assert hub.refused(T2, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id)).code == "out_of_scope"

    # asked again and accepted: T2 becomes a partner and keeps seeing it
    hub.do(T1, "cmd.request_cooperation", m.CmdCooperation(incident=inc_id, to_center="T2"), at=T0 + 70)
    hub.do(T2, "cmd.accept_handoff", m.CmdIncident(incident=inc_id), at=T0 + 80)
    assert (inc.partners, inc.owner, inc.timeline[-1].what) == (["T2"], "T1", "cooperation_accepted")
    assert can_see(hub.state, "T2", inc)
    hub.do(T2, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id), at=T0 + 90)
    assert hub.state.tasks[f"{inc_id}-T1"].actor == T2.name


# ------------------------------------------------------------------ refusals

def test_dispatch_to_a_closed_incident_is_invalid_state(hub):
    inc_id = hub.alert()
    hub.do(CMDR, "cmd.close", m.CmdIncident(incident=inc_id), at=T0 + 30)
    err = hub.refused(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=hub.nearest(inc_id)))
    assert err.code == "invalid_state" and inc_id in err.message and "closed" in err.message
    assert hub.refused(CMDR, "cmd.close", m.CmdIncident(incident=inc_id)).code == "invalid_state"


def test_dispatching_a_held_resource_is_a_conflict_naming_the_holder(hub):
    a = hub.alert("crowd_density", "CAM01")
    b = hub.alert("crowd_density", "CAM02", at=T0 + 2)
    res_id = hub.nearest(a)
    res = hub.state.resources[res_id]
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=a, resource=res_id), at=T0 + 10)
    for step in (None, "accepted", "arrived"):  # held while dispatched, en route and on scene
        if step:
            hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=f"{a}-T1", status=step))
        err = hub.refused(CMDR2, "cmd.dispatch", m.CmdDispatch(incident=b, resource=res_id))
        assert err.code == "conflict"
        assert err.holder == CMDR.name
        assert res.name in err.message and f"{a}-T1" in err.message and CMDR.name in err.message
    assert hub.inc(b).tasks == []
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=f"{a}-T1", status="done"))
    hub.do(CMDR2, "cmd.dispatch", m.CmdDispatch(incident=b, resource=res_id))
    assert res.task == f"{b}-T1"


def test_other_dispatch_refusals(hub):
    inc_id = hub.alert()
    res_id = hub.nearest(inc_id)
    hub.off_duty([res_id])
    err = hub.refused(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id))
    assert err.code == "unavailable" and "off_duty" in err.message
    assert hub.refused(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource="R9999")).code == "not_found"
    assert hub.refused(CMDR, "cmd.dispatch", m.CmdDispatch(incident="I-none", resource=res_id)).code == "not_found"


def test_task_update_must_follow_the_task_lifecycle(hub):
    inc_id = hub.alert()
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=hub.nearest(inc_id)))
    task = f"{inc_id}-T1"
    err = hub.refused(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task, status="done"))
    assert err.code == "invalid_state" and "sent" in err.message and "done" in err.message
    assert hub.refused(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task, status="flying")).code == "bad_request"
    assert hub.refused(FIELD, "cmd.task_update", m.CmdTaskUpdate(task="T-none", status="done")).code == "not_found"
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task, status="declined", note="在处置另一起"))
    assert hub.state.tasks[task].status == "declined"
    assert hub.refused(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=task, status="accepted")).code == "invalid_state"
    assert hub.refused(CMDR, "cmd.cancel_task", m.CmdCancelTask(task=task)).code == "invalid_state"


@pytest.mark.parametrize("actor", [WALL, FIELD, OPERATOR, INGEST])
def test_roles_without_dispatch_rights_are_forbidden(hub, actor):
    inc_id = hub.alert()
    err = hub.refused(actor, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=hub.nearest(inc_id)))
    assert err.code == "forbidden" and actor.role in err.message and "cmd.dispatch" in err.message


def test_wall_may_send_nothing_and_field_only_reports_and_task_status(hub):
    assert PERMISSIONS["wall"] == frozenset()
    assert PERMISSIONS["field"] == {"cmd.task_update", "cmd.report", "cmd.acknowledge_broadcast"}
    inc_id = hub.alert()
    assert hub.refused(WALL, "cmd.acknowledge", m.CmdIncident(incident=inc_id)).code == "forbidden"
    assert hub.refused(FIELD, "cmd.acknowledge", m.CmdIncident(incident=inc_id)).code == "forbidden"
    assert hub.refused(CMDR, "ingest.positions", m.IngestPositions(moves=[])).code == "forbidden"


def test_out_of_scope_center_is_refused(hub):
    inc_id = hub.alert("crowd_density", "CAM01")
    assert hub.inc(inc_id).town == "T1"
    res_id = hub.nearest(inc_id)
    err = hub.refused(T2, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id))
    assert err.code == "out_of_scope" and inc_id in err.message and "T2" in err.message
    hub.do(T1, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id))


def test_ingest_refuses_a_duplicate_alert_and_unknown_camera(hub):
    hub.alert()
    again = Alert(**{f: getattr(hub.state.alerts["X0001"], f) for f in Alert.__struct_fields__})
    assert hub.refused(INGEST, "ingest.alert", m.IngestAlert(alert=again)).code == "duplicate"
    err = hub.refused(INGEST, "ingest.camera_status", m.IngestCameraStatus(camera="CAM99", online=False))
    assert err.code == "not_found"


def test_field_report_becomes_an_alert_in_the_nearest_grid(hub):
    grid = hub.state.org["T7-C01-G1"] if "T7-C01-G1" in hub.state.org else next(
        u for u in hub.state.org.values() if u.level == "grid" and u.id.startswith("T7"))
    ev = hub.do(FIELD, "cmd.report", m.CmdReport(kind="fire_hazard", text="林边有人焚烧落叶",
                                                  x=grid.center_x + 1, y=grid.center_y - 1))
    (type_, body), = ev
    assert type_ == "alert_raised"
    a = hub.state.alerts[body.alert.id]
    assert (a.source, a.grid, a.town, a.reporter) == ("report", grid.id, "T7", FIELD.name)
    assert hub.inc(body.incident).status == "new"


# ------------------------------------------------------------------ SLA

def _dispatch_at(hub: Hub, inc_id: str, at: float, kind: str = "grid_worker") -> str:
    ev = hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=hub.nearest(inc_id, kind)), at=at)
    return ev[0][1].task


def test_response_breached_only_past_60_s(hub):
    ok = hub.alert("crowd_density", "CAM01", at=T0)
    late = hub.alert("crowd_density", "CAM02", at=T0)
    waiting = hub.alert("crowd_density", "CAM03", at=T0)
    _dispatch_at(hub, ok, T0 + 30)
    _dispatch_at(hub, late, T0 + 61)
    s_ok = incident_sla(hub.inc(ok), T0 + 61)
    assert (s_ok.response_s, s_ok.response_breached, s_ok.response_left_s, s_ok.breaches) == (30, False, None, ())
    s_late = incident_sla(hub.inc(late), T0 + 61)
    assert (s_late.response_s, s_late.response_breached) == (61, True)
    assert s_late.breaches == (Breach("response_late", 61, 60),)
    s_wait = incident_sla(hub.inc(waiting), T0 + 50)
    assert (s_wait.response_s, s_wait.response_breached, s_wait.response_left_s) == (None, False, 10)
    s_wait = incident_sla(hub.inc(waiting), T0 + 75)
    assert s_wait.response_breached and s_wait.response_left_s == -15
    assert s_wait.breaches == (Breach("response_overdue", 75, 60),)


def test_assembly_breached_when_first_arrival_is_past_10_min(hub):
    ok = hub.alert("crowd_density", "CAM01", at=T0)
    late = hub.alert("crowd_density", "CAM02", at=T0)
    t_ok = _dispatch_at(hub, ok, T0 + 20)
    t_late = _dispatch_at(hub, late, T0 + 20)
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=t_ok, status="arrived"), at=T0 + 20 + 300)
    s = incident_sla(hub.inc(late), T0 + 20 + 300)
    assert (s.assembly_breached, s.assembly_left_s) == (False, 300)
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=t_late, status="arrived"), at=T0 + 20 + 601)
    s_ok = incident_sla(hub.inc(ok), hub.now)
    assert (s_ok.first_arrival_s, s_ok.assembly_breached, s_ok.breaches) == (300, False, ())
    s_late = incident_sla(hub.inc(late), hub.now)
    assert (s_late.first_arrival_s, s_late.assembly_breached) == (601, True)
    assert s_late.breaches == (Breach("first_arrival_late", 601, 600),)
    assert not s_late.response_breached


def test_full_plan_on_scene_time_and_breach(hub):
    inc_id = hub.alert("fall", "CAM20", at=T0)  # P04: medical ×1, volunteer ×1
    hub.do(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc_id, plan="P04"), at=T0 + 15)
    tasks = hub.inc(inc_id).tasks
    assert len(tasks) == 2
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=tasks[0], status="arrived"), at=T0 + 15 + 200)
    s = incident_sla(hub.inc(inc_id), hub.now)
    assert (s.first_arrival_s, s.full_on_scene_s, s.assembly_breached) == (200, None, False)
    s = incident_sla(hub.inc(inc_id), T0 + 15 + 700)  # second one still on the way
    assert s.assembly_breached and s.breaches == (Breach("team_not_assembled", None, 600),)
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=tasks[1], status="arrived"), at=T0 + 15 + 450)
    s = incident_sla(hub.inc(inc_id), T0 + 15 + 700)
    assert (s.first_arrival_s, s.full_on_scene_s, s.assembly_breached, s.assembly_left_s) == (200, 450, False, None)
    assert hub.inc(inc_id).full_on_scene_at == T0 + 15 + 450
    assert hub.inc(inc_id).status == "on_scene"


# ------------------------------------------------------------------ recommendation

def test_recommendation_is_ranked_by_eta_among_available_of_the_needed_kind(hub):
    inc_id = hub.alert("crowd_density", "CAM30")
    inc = hub.inc(inc_id)
    top = recommend(hub.state, inc_id, ["grid_worker"], limit=8)
    assert len(top) == 8
    assert all(hub.state.resources[r.resource].kind == "grid_worker" for r in top)
    assert [r.eta_s for r in top] == sorted(r.eta_s for r in top)
    expected = sorted((eta_seconds(r, inc.x, inc.y)[1], r.id) for r in hub.state.resources.values()
                      if r.kind == "grid_worker" and r.status == "available")
    assert [r.resource for r in top] == [rid for _, rid in expected[:8]]
    # the nearest goes on a task and leaves the list; an off-duty one never shows
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=top[0].resource))
    hub.off_duty([top[1].resource])
    again = [r.resource for r in recommend(hub.state, inc_id, ["grid_worker"], limit=6)]
    assert again == [r.resource for r in top[2:8]]


def test_recommendation_without_kinds_follows_the_plan(hub):
    inc_id = hub.alert("crowd_density", "CAM30")  # P01: volunteer ×4, police ×2
    kinds = {r.kind for r in recommend(hub.state, inc_id, limit=50)}
    assert kinds <= {"volunteer", "police"}
    assert recommend(hub.state, "I-none") == []


def test_recommendation_reason_is_a_code_with_the_role_metres_and_eta(hub):
    inc_id = hub.alert("crowd_density", "CAM30")
    inc = hub.inc(inc_id)
    res = next(r for r in hub.state.resources.values() if r.kind == "grid_worker")
    hub.emit([("resources_moved", m.ResourcesMoved(moves=[(res.id, inc.x + 1.0, inc.y)]))])
    recs = recommend(hub.state, inc_id, ["grid_worker"], limit=500)
    rec = recs[0]
    assert (rec.resource, rec.kind, rec.reason, rec.rank) == (res.id, "grid_worker", "nearest_of_role", 1)
    assert rec.eta_s == pytest.approx(SETUP_S + 1.0 / SPEED_M_S["grid_worker"])
    assert [(r.reason, r.rank) for r in recs[1:3]] == [("next_of_role", 2), ("next_of_role", 3)]
    # two kinds: each kind's ranks count from 1, and no two candidates share an ETA figure
    mixed = recommend(hub.state, inc_id, ["police", "medical"], limit=6)
    firsts = [r for r in mixed if r.rank == 1]
    assert {r.kind for r in firsts} == {r.kind for r in mixed} and all(r.reason == "nearest_of_role" for r in firsts)
    assert len({round(r.eta_s, 1) for r in mixed}) == len(mixed)


# ------------------------------------------------------------------ plans and broadcasts

def _kinds(hub: Hub, events) -> dict[str, int]:
    out: dict[str, int] = {}
    for type_, body in events:
        if type_ == "task_dispatched":
            k = hub.state.resources[body.resource].kind
            out[k] = out.get(k, 0) + 1
    return out


def test_plan_activation_dispatches_the_whole_bundle(hub):
    inc_id = hub.alert("crowd_density", "CAM30")
    plan = hub.state.plans["P01"]
    expected_picks = {role.kind: [r.resource for r in recommend(hub.state, inc_id, [role.kind], limit=role.count)]
                      for role in plan.roles}
    ev = hub.do(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc_id, plan="P01"), at=T0 + 20)
    assert ev[0][0] == "plan_activated" and ev[0][1].missing == []
    assert _kinds(hub, ev) == {role.kind: role.count for role in plan.roles}
    for kind, picks in expected_picks.items():  # the nearest of each kind
        assert picks == [b.resource for t, b in ev if t == "task_dispatched"
                         and hub.state.resources[b.resource].kind == kind]
    inc = hub.inc(inc_id)
    assert inc.plan == "P01" and len(inc.tasks) == len(set(inc.tasks)) == 6
    assert all(hub.state.tasks[t].status == "sent" for t in inc.tasks)
    assert all(b.plan == "P01" for t, b in ev if t == "task_dispatched")
    assert [t.what for t in inc.timeline].count("dispatched") == 6
    assert "plan_activated" in [t.what for t in inc.timeline]
    assert inc.status == "dispatched" and inc.first_dispatch_at == T0 + 20


def test_plan_activation_lists_what_is_missing(hub):
    inc_id = hub.alert("fire_hazard", "CAM40")  # P06: forest_fire ×2, law_enforcement ×1, community_staff ×1
    forest = [r.id for r in hub.state.resources.values() if r.kind == "forest_fire"]
    hub.off_duty(forest[1:])
    ev = hub.do(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc_id, plan=""))
    assert ev[0][1].plan == "P06"  # no plan named: the one for the incident's kind
    assert ev[0][1].missing == [PlanRole(kind="forest_fire", count=1)]
    assert _kinds(hub, ev) == {"forest_fire": 1, "law_enforcement": 1, "community_staff": 1}
    step = next(t for t in hub.inc(inc_id).timeline if t.what == "plan_activated")
    assert (step.plan, step.missing, step.note) == ("P06", [PlanRole(kind="forest_fire", count=1)], "")


def test_plan_activation_with_nobody_available_is_refused(hub):
    inc_id = hub.alert("illegal_parking", "CAM40")  # P08: traffic_police ×1
    hub.off_duty([r.id for r in hub.state.resources.values() if r.kind == "traffic_police"])
    err = hub.refused(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc_id, plan="P08"))
    assert err.code == "unavailable"
    assert hub.refused(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=inc_id, plan="P99")).code == "not_found"


def test_broadcast_is_a_message_to_every_on_duty_grid_worker_and_dispatches_nobody(hub):
    inc_id = hub.alert("fire_hazard", "CAM40")
    grids = {u.id for u in hub.state.org.values() if u.level == "grid" and "forest_adjacent" in u.tags}
    assert len(grids) > 10
    workers = [r for r in hub.state.resources.values() if r.kind == "grid_worker" and r.grid in grids]
    busy = workers[0]
    other = hub.alert("debris", "CAM01")
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=other, resource=busy.id))
    tasks_before = len(hub.state.tasks)
    ev = hub.do(CMDR, "cmd.broadcast", m.CmdBroadcast(text="排查林区火源", incident=inc_id, tag="forest_adjacent"),
                at=T0 + 60)
    assert [t for t, _ in ev] == ["broadcast_issued"]  # no task, no ETA, no assembly clock
    b = ev[0][1]
    assert set(b.grids) == grids and b.broadcast == f"{inc_id}-B1"
    on_duty = {r.id for r in workers if r.status != "off_duty"}
    assert set(b.recipients) == on_duty and busy.id in on_duty  # a busy worker still reads a message
    assert len(hub.state.tasks) == tasks_before
    inc = hub.inc(inc_id)
    assert inc.tasks == [] and inc.first_dispatch_at is None
    assert hub.state.broadcasts == 1
    message = hub.state.messages[b.broadcast]
    assert message.recipients == b.recipients and message.acked == {}
    assert (inc.timeline[-1].what, inc.timeline[-1].grids, inc.timeline[-1].note) == ("broadcast", len(grids),
                                                                                   "排查林区火源")
    # recipients answer 收到, once each, and only their own
    first, second = b.recipients[:2]
    hub.do(Actor("网格员", "field", resource=first), "cmd.acknowledge_broadcast",
           m.CmdBroadcastAck(broadcast=b.broadcast), at=T0 + 70)
    assert hub.state.messages[b.broadcast].acked == {first: T0 + 70}
    again = hub.refused(Actor("网格员", "field", resource=first), "cmd.acknowledge_broadcast",
                        m.CmdBroadcastAck(broadcast=b.broadcast))
    assert again.code == "duplicate"
    stranger = next(r.id for r in hub.state.resources.values() if r.id not in b.recipients)
    assert hub.refused(Actor("路人", "field", resource=stranger), "cmd.acknowledge_broadcast",
                       m.CmdBroadcastAck(broadcast=b.broadcast)).code == "forbidden"
    assert second not in hub.state.messages[b.broadcast].acked
    # a town commander's tag covers only its own town's grids
    t7 = hub.alert("fire_hazard", "CAM40")
    town = hub.inc(t7).town
    actor = Actor("镇值班长", "commander", town)
    ev = hub.do(actor, "cmd.broadcast", m.CmdBroadcast(text="复查", incident=t7, tag="forest_adjacent"))
    assert ev[0][1].grids and all(hub.state.town_of(g) == town for g in ev[0][1].grids)


def test_broadcast_refusals(hub):
    inc_id = hub.alert()
    assert hub.refused(CMDR, "cmd.broadcast", m.CmdBroadcast(text="x", tag="forest_adjacent")).code == "bad_request"
    assert hub.refused(CMDR, "cmd.broadcast", m.CmdBroadcast(text="x", incident=inc_id, grids=["G-nope"])).code == "bad_request"
    assert hub.refused(CMDR, "cmd.broadcast", m.CmdBroadcast(text="x", incident=inc_id, tag="no-such-tag")).code == "bad_request"


# ------------------------------------------------------------------ determinism and change sets

def _script(hub: Hub) -> None:
    a = hub.alert("crowd_density", "CAM30")
    b = hub.alert("fall", "CAM20", at=T0 + 3)
    c = hub.alert("fire_hazard", "CAM40", at=T0 + 5)
    hub.do(CMDR, "cmd.activate_plan", m.CmdActivatePlan(incident=a, plan="P01"), at=T0 + 20)
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=b, resource=hub.nearest(b, "medical")), at=T0 + 22)
    hub.do(CMDR, "cmd.broadcast", m.CmdBroadcast(text="排查", incident=c, tag="forest_adjacent"), at=T0 + 30)
    for tid in list(hub.inc(a).tasks)[:3]:
        hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=tid, status="accepted"), at=hub.now + 7)
        hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=tid, status="arrived"), at=hub.now + 60)
    hub.do(T1, "cmd.escalate", m.CmdIncident(incident=hub.alert("animal", "CAM01", at=hub.now + 1)))
    hub.emit([("resources_moved", m.ResourcesMoved(moves=[("R0001", 1.0, 2.0), ("R0002", 3.0, 4.0)])),
              ("camera_status_changed", m.CameraStatusChanged(camera="CAM03", online=False))])
    hub.do(CMDR, "cmd.false_alarm", m.CmdIncident(incident=b), at=hub.now + 5)
    hub.do(CMDR, "cmd.close", m.CmdIncident(incident=a), at=hub.now + 100)


def _replay(log: list[bytes]) -> State:
    state = State()
    for data in log:
        apply(state, decode(data, max_bytes=64 << 20))
    return state


def test_apply_is_deterministic_and_a_replica_matches_the_hub():
    one, two = Hub(), Hub()
    _script(one)
    _script(two)
    assert one.log == two.log
    assert state_hash(one.state) == state_hash(two.state)
    replay_a, replay_b = _replay(one.log), _replay(one.log)
    assert state_hash(replay_a) == state_hash(replay_b) == state_hash(one.state)
    assert replay_a.seq == len(one.log)


def test_change_sets_name_what_changed(hub):
    inc_id = hub.alert("crowd_density", "CAM01")
    (ch,) = hub.changes
    alert_id = inc_id[2:]
    assert (ch.new_alerts, ch.alerts, ch.incidents, ch.events) == ([alert_id], {alert_id}, {inc_id}, 1)
    res_id = hub.nearest(inc_id)
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=res_id))
    (ch,) = hub.changes
    task = f"{inc_id}-T1"
    assert (ch.tasks, ch.resources, ch.incidents, ch.alerts, ch.new_alerts) == ({task}, {res_id}, {inc_id}, set(), [])
    hub.emit([("resources_moved", m.ResourcesMoved(moves=[(res_id, 5.0, 6.0), ("R-ghost", 0.0, 0.0)]))])
    assert hub.changes[0].moved == {res_id} and not hub.changes[0].resources
    hub.emit([("camera_status_changed", m.CameraStatusChanged(camera="CAM02", online=False))])
    assert hub.changes[0].cameras == {"CAM02"} and hub.state.cameras["CAM02"].online is False
    # a type this build does not know changes nothing but the sequence
    seq = hub.state.seq
    ch = apply(hub.state, Message("weather_changed", {"rain": True}, seq + 1, hub.now))
    assert ch.events == 1 and not (ch.incidents or ch.tasks or ch.resources or ch.baseline)
    assert hub.state.seq == seq + 1
    # one tick folds many
    total = ChangeSet()
    for c in [ChangeSet(incidents={"a"}, events=1), ChangeSet(tasks={"t"}, new_alerts=["x"], events=2)]:
        total.merge(c)
    assert (total.incidents, total.tasks, total.new_alerts, total.events) == ({"a"}, {"t"}, ["x"], 3)
    assert bool(total) and not bool(ChangeSet())


def test_closing_with_people_on_the_way_records_why_as_a_code_and_the_ui_says_it(hub):
    from console.ui.common.glossary import describe_step

    inc_id = hub.alert("crowd_density", "CAM01")
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc_id, resource=hub.nearest(inc_id)), at=T0 + 5)
    events = hub.do(CMDR, "cmd.close", m.CmdIncident(incident=inc_id), at=T0 + 30)
    cancelled = [b for t, b in events if t == "task_cancelled"]
    assert [(b.note, b.cause) for b in cancelled] == [("", "incident_closed")]
    step = next(s for s in hub.inc(inc_id).timeline if s.what == "task_cancelled")
    assert step.cause == "incident_closed" and step.note == ""
    assert "事件已关闭" in describe_step(step, "zh") and "incident closed" in describe_step(step, "en")
