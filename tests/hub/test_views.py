"""Role views (console/hub/views.py): a view's fold of its events equals the view of the final state.

Random streams of real commands (decided by the domain's own rules) and site changes run
on a small two-town world; every view folds what the hub would send it, starting from the
view's snapshot of the initial state, and must end equal to the view of the final state.
"""

from __future__ import annotations

import random

import msgspec
import pytest

from console.domain.apply import apply
from console.domain.commands import decide
from console.domain.model import Alert, Baseline, Camera, OrgUnit, Plan, PlanRole, Resource
from console.domain.rules import Actor, CommandRefused
from console.domain.state import State, decode_state, encode_state
from console.hub import views
from console.hub.views import CENTER, FIELD, INGEST, View
from console.protocol import messages as m
from console.protocol.codec import Message, decode, encode

PASSWORD = "pw-Sesame-42"


def _grid(gid: str, parent: str, x: float) -> OrgUnit:
    x = float(x)
    return OrgUnit(id=gid, name=gid, level="grid", parent=parent, center_x=x + 50, center_y=50.0,
                   polygon=[(x, 0.0), (x + 100, 0.0), (x + 100, 100.0), (x, 100.0)], tags=["riverside"])


def small_world() -> Baseline:
    org = [OrgUnit(id="D", name="区", level="district"),
           OrgUnit(id="T1", name="甲街道", level="town", parent="D"),
           OrgUnit(id="T2", name="乙街道", level="town", parent="D"),
           OrgUnit(id="C1", name="一社区", level="community", parent="T1"),
           OrgUnit(id="C2", name="二社区", level="community", parent="T2"),
           _grid("G1", "C1", 0), _grid("G2", "C2", 100)]
    people = []
    for n in range(1, 7):
        g, t = ("G1", "T1") if n <= 3 else ("G2", "T2")
        kind = "grid_worker" if n % 3 else "volunteer"
        people.append(Resource(id=f"R{n}", name=f"人员{n}", kind=kind, unit="站", grid=g, town=t,
                               x=10.0 * n, y=20.0))
    cams = [Camera(id="CAM1", name="一号", grid="G1", town="T1", x=5.0, y=5.0, main="rtsp://10.0.0.1/main",
                   sub="rtsp://10.0.0.1/sub"),
            Camera(id="CAM2", name="二号", grid="G2", town="T2", x=150.0, y=5.0, main="http://10.0.0.2/live.ts")]
    plans = [Plan(id="P1", name="跌倒", kinds=["fall"], roles=[PlanRole(kind="grid_worker", count=1)])]
    return Baseline(name="小区", day_start=0.0, org=org, resources=people, cameras=cams, plans=plans,
                    course=[(0.0, 0.0), (200.0, 0.0)])


class Hub:
    """The hub's sequencing, without sockets: apply, and what each view gets of each event."""

    def __init__(self, viewers: list[View]):
        self.state = State()
        self.now = 1000.0
        self.views = viewers
        self.folds: dict[View, State] = {}
        self.sent: dict[View, list[bytes]] = {v: [] for v in viewers}

    def start(self) -> None:
        self.emit([("baseline_loaded", m.BaselineLoaded(baseline=small_world()))])
        for v in self.views:  # each view's snapshot, through the wire's bytes
            self.folds[v] = decode_state(encode_state(views.view_state(self.state, v)))

    def emit(self, events) -> None:
        for type_, body in events:
            self.now += 1.0
            seq = self.state.seq + 1
            logged = encode(type_, body, seq=seq, ts=self.now)  # as the hub logs it: before applying
            scope = views.scope_of(self.state, type_, body)
            held = {v: views.before(self.state, v, type_, body, scope) for v in self.views}
            changes = apply(self.state, Message(type_, body, seq, self.now))
            for v in self.views:
                if v not in self.folds:
                    continue
                out = (type_, body) if v.full(self.state) else \
                    views.view_event(self.state, v, type_, body, changes, scope, held[v])
                if out is None:
                    continue
                same = out[0] == type_ and out[1] is body
                data = logged if same else encode(out[0], out[1], seq=seq, ts=self.now)
                self.sent[v].append(data)
                apply(self.folds[v], decode(data))

    def command(self, type_: str, body, actor: Actor) -> bool:
        try:
            events = decide(self.state, type_, body, actor, self.now)
        except CommandRefused:
            return False
        self.emit(events)
        return True


def _norm(state: State) -> bytes:
    """A state's bytes without what a view's fold does not follow: seq, now and the hub's id counters."""
    return encode_state(msgspec.structs.replace(state, seq=0, now=0.0, broadcasts=0, reports=0))


COMMANDER = Actor("值班长", "commander")
INGEST_ACTOR = Actor("接入", "ingest")


def random_run(hub: Hub, rng: random.Random, steps: int) -> None:
    """`steps` random commands and site changes; refused ones are simply skipped."""
    n_alert = 0
    for _ in range(steps):
        s = hub.state
        incidents = sorted(s.incidents)
        tasks = sorted(s.tasks)
        people = sorted(s.resources)
        pick = rng.random()
        inc = rng.choice(incidents) if incidents else None
        if pick < 0.15 or not incidents:
            n_alert += 1
            g, t, x = rng.choice([("G1", "T1", 50.0), ("G2", "T2", 150.0)])
            hub.command("ingest.alert", m.IngestAlert(alert=Alert(
                id=f"A{n_alert}", source="camera", kind=rng.choice(["fall", "smoke"]), severity="warning",
                title=f"告警{n_alert}", at=hub.now, x=x, y=50.0, grid=g, town=t, camera="CAM1",
                text="现场有人", reporter="某人")), INGEST_ACTOR)
        elif pick < 0.35 and people:
            hub.command("cmd.dispatch", m.CmdDispatch(incident=inc, resource=rng.choice(people), note="带担架"),
                        COMMANDER)
        elif pick < 0.5 and tasks:
            task = s.tasks[rng.choice(tasks)]
            field = Actor(f"终端{task.resource}", "field", resource=task.resource)
            hub.command("cmd.task_update", m.CmdTaskUpdate(
                task=task.id, status=rng.choice(["accepted", "arrived", "done", "declined"]), note="好"), field)
        elif pick < 0.55:
            hub.command("cmd.acknowledge", m.CmdIncident(incident=inc, note="收到"), COMMANDER)
        elif pick < 0.6:
            hub.command(rng.choice(["cmd.close", "cmd.resolve", "cmd.false_alarm"]), m.CmdIncident(incident=inc),
                        COMMANDER)
        elif pick < 0.63 and len(incidents) > 1:
            hub.command("cmd.merge", m.CmdMerge(incident=inc, into=rng.choice(incidents)), COMMANDER)
        elif pick < 0.67:
            hub.command("cmd.broadcast", m.CmdBroadcast(text="注意积水", incident=inc,
                                                        grids=rng.sample(["G1", "G2"], rng.randint(1, 2))),
                        COMMANDER)
        elif pick < 0.685 and s.messages:
            message = s.messages[rng.choice(sorted(s.messages))]
            who = rng.choice(message.recipients)
            hub.command("cmd.acknowledge_broadcast", m.CmdBroadcastAck(broadcast=message.id),
                        Actor(f"终端{who}", "field", resource=who))
        elif pick < 0.7:
            hub.command("cmd.activate_plan", m.CmdActivatePlan(incident=inc, plan="P1"), COMMANDER)
        elif pick < 0.73 and tasks:
            hub.command("cmd.cancel_task", m.CmdCancelTask(task=rng.choice(tasks), reason="改派"), COMMANDER)
        elif pick < 0.76:
            town = s.incidents[inc].town
            hub.command("cmd.escalate", m.CmdIncident(incident=inc, note="升级"), Actor("镇长", "commander", town))
        elif pick < 0.775:
            other = "T2" if s.incidents[inc].town == "T1" else "T1"
            hub.command("cmd.request_cooperation", m.CmdCooperation(incident=inc, to_center=other, note="协助"),
                        COMMANDER)
        elif pick < 0.79:
            answer = rng.choice(["cmd.accept_handoff", "cmd.decline_handoff"])
            to = s.incidents[inc].offered_to or "D"
            hub.command(answer, m.CmdIncident(incident=inc), Actor("区长", "commander", to))
        elif pick < 0.87 and people:
            moves = [(r, rng.uniform(0, 200), rng.uniform(0, 100)) for r in rng.sample(people, 3)]
            hub.command("ingest.positions", m.IngestPositions(moves=moves), INGEST_ACTOR)
        elif pick < 0.89:
            hub.command("ingest.camera_status", m.IngestCameraStatus(camera="CAM1", online=rng.random() < 0.5),
                        INGEST_ACTOR)
        elif pick < 0.91:
            hub.command("cmd.report", m.CmdReport(kind="other", text="这里有人摔倒", x=20.0, y=20.0),
                        Actor("终端R1", "field", resource="R1"))
        elif pick < 0.93 and s.incidents[inc].alert:
            n_alert += 1
            alert = s.alerts.get(s.incidents[inc].alert)
            if alert is not None:
                hub.command("ingest.alert_update", m.IngestAlertUpdate(
                    incident=inc, alert=msgspec.structs.replace(alert, id=f"A{n_alert}", title="更新")), INGEST_ACTOR)
        elif pick < 0.95:
            done = [i for i in incidents if s.incidents[i].status in ("closed", "false_alarm", "merged")]
            if done:
                hub.emit([("incidents_archived", m.IncidentsArchived(incidents=rng.sample(done, min(2, len(done)))))])
        elif pick < 0.97 and people:
            r = s.resources[rng.choice(people)]
            hub.emit([("resource_updated", m.ResourceChanged(resource=msgspec.structs.replace(r, unit="新站")))])
        elif pick < 0.98:
            cam = s.cameras.get("CAM2")
            if cam is not None:
                hub.emit([("camera_updated", m.CameraChanged(camera=msgspec.structs.replace(cam, name="二号改")))])
        else:
            hub.emit([("field_page_changed", m.FieldPageChanged(resource=rng.choice(people), online=True,
                                                                at=hub.now))])


ALL_VIEWS = [View(CENTER), View(CENTER, "D"), View(CENTER, "T1"), View(CENTER, "T2"),
             View(FIELD, resource="R1"), View(FIELD, resource="R4"), View(INGEST)]


@pytest.mark.parametrize("seed", range(12))
def test_every_views_fold_equals_the_view_of_the_final_state(seed):
    hub = Hub(ALL_VIEWS)
    hub.start()
    random_run(hub, random.Random(seed), 300)
    assert len(hub.state.incidents) > 3 and hub.state.tasks  # the run did something
    for v in ALL_VIEWS:
        assert _norm(hub.folds[v]) == _norm(views.view_state(hub.state, v)), v


def test_a_field_view_holds_its_own_person_and_tasks_only():
    hub = Hub([View(FIELD, resource="R1")])
    hub.start()
    random_run(hub, random.Random(7), 400)
    v = View(FIELD, resource="R1")
    seen = views.view_state(hub.state, v)
    assert list(seen.resources) == ["R1"]
    assert seen.tasks and all(t.resource == "R1" for t in seen.tasks.values())
    assert not seen.cameras and not seen.alerts and not seen.org
    assert seen.messages and all(b.recipients == ["R1"] and set(b.acked) <= {"R1"} for b in seen.messages.values())
    for inc in seen.incidents.values():
        assert all(seen.tasks[t].resource == "R1" for t in inc.tasks)
        assert all(step.what in views.FIELD_STEPS and not step.actor for step in inc.timeline)
    wire = b"".join(hub.sent[v])
    for other in ("人员2", "人员3", "人员4", "人员5", "人员6", "rtsp://", "http://10.0.0.2"):
        assert other.encode() not in wire, other


def test_an_ingest_view_holds_no_people_and_no_stream_urls():
    v = View(INGEST)
    hub = Hub([v])
    hub.start()
    random_run(hub, random.Random(3), 400)
    seen = views.view_state(hub.state, v)
    assert not seen.resources and not seen.tasks and seen.cameras and seen.org and seen.incidents
    assert all(not (c.main or c.sub or c.stream) for c in seen.cameras.values())
    wire = b"".join(hub.sent[v])
    for name in ("人员1", "人员4", "终端R1", "值班长", "rtsp://", "现场有人"):
        assert name.encode() not in wire and name.encode() not in encode_state(seen), name


def test_a_towns_fold_follows_people_another_town_dispatched():
    """A town console sees every person; one sent by another town must not stay 'available' there."""
    t1, t2 = View(CENTER, "T1"), View(CENTER, "T2")
    hub = Hub([t1, t2])
    hub.start()
    hub.command("ingest.alert", m.IngestAlert(alert=Alert(
        id="A1", source="camera", kind="fall", severity="warning", title="t", at=hub.now, x=150.0, y=50.0,
        grid="G2", town="T2")), INGEST_ACTOR)
    hub.command("cmd.dispatch", m.CmdDispatch(incident="I-A1", resource="R5"), COMMANDER)
    assert "I-A1" not in hub.folds[t1].incidents and "I-A1" in hub.folds[t2].incidents
    assert hub.folds[t1].resources["R5"].status == "dispatched"
    # the incident and its task stay T2's: T1 gets only the person, as a record
    assert [decode(data).type for data in hub.sent[t1]] == ["view_changed"]


def test_credentials_go_apart_and_only_to_roles_that_pull_video():
    from console.hub.auth import Principal
    from console.site.credentials import Credential

    state = State()
    apply(state, Message("baseline_loaded", m.BaselineLoaded(baseline=small_world()), 1, 1.0))
    data = views.credentials_message(state, {"CAM1": Credential("admin", PASSWORD)})
    body = decode(data).body
    assert sorted(c.url for c in body.cameras) == ["rtsp://10.0.0.1/main", "rtsp://10.0.0.1/sub"]
    assert all(c.password == PASSWORD for c in body.cameras)
    roles = {r: views.gets_credentials(Principal("t", r, "n", resource="R1")) for r in
             ("commander", "operator", "wall", "field", "ingest")}
    assert roles == {"commander": True, "operator": True, "wall": True, "field": False, "ingest": False}
