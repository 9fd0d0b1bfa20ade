"""Protocol v1: every message type round-trips; bad input is refused with a code and a reason."""

from __future__ import annotations

import json
import struct

import msgspec
import pytest

from console.domain.model import (
    Alert, Baseline, Camera, Detection, Exercise, Incident, OrgUnit, Plan, PlanRole, Resource, Transition,
)
from console.domain.state import State, encode_state
from console.protocol import messages as m
from console.protocol.codec import (
    FRAME_MAGIC, JPEG, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, Frame, ProtocolError, decode, decode_frame,
    encode, encode_frame,
)
from console.protocol.messages import ALL_BODIES, CLIENT_BODIES, COMMAND_BODIES, EVENT_BODIES, SESSION_BODIES

T0 = 1764457200.0  # 2025-11-30 07:00 +08:00, the marathon's day start

# ------------------------------------------------------------------ samples: one valid body per type

ALERT = Alert(
    id="A00042", source="camera", kind="crowd_density", severity="critical", title="人群密度超阈值",
    at=T0 + 5400.0, x=1830.5, y=2410.0, grid="T3-C02-G1", town="T3", camera="CAM17",
    detections=[Detection(label="person", score=0.91, x=0.42, y=0.31, w=0.05, h=0.12)],
    snapshot="snap://CAM17/27001", value=4.2, unit="people/m2",
)
INCIDENT = Incident(
    id="I-A00042", alert="A00042", kind="crowd_density", severity="critical", title="人群密度超阈值",
    town="T3", grid="T3-C02-G1", x=1830.5, y=2410.0, created_at=T0 + 5400.0, status="acknowledged",
    owner="T3", acknowledged_at=T0 + 5412.0,
    timeline=[Transition(at=T0 + 5400.0, actor="CAM17", what="raised"),
              Transition(at=T0 + 5412.0, actor="值班长 王敏", what="acknowledged")],
)
BASELINE = Baseline(
    name="mini", day_start=T0,
    org=[OrgUnit(id="D", name="南岸区", level="district"),
         OrgUnit(id="T3", name="南坪街道", level="town", parent="D", center_x=1800.0, center_y=2400.0),
         OrgUnit(id="T3-C02", name="南坪社区", level="community", parent="T3"),
         OrgUnit(id="T3-C02-G1", name="南坪社区第1网格", level="grid", parent="T3-C02",
                 polygon=[(1700.0, 2300.0), (1900.0, 2300.0), (1900.0, 2500.0)], tags=["course"])],
    resources=[Resource(id="R0001", name="张三", kind="grid_worker", unit="南坪社区网格站",
                        grid="T3-C02-G1", town="T3", skills=["日常巡查"], x=1700.0, y=2450.0)],
    cameras=[Camera(id="CAM17", name="南滨路 K9+300", grid="T3-C02-G1", town="T3", x=1835.0, y=2405.0,
                    stream="sim://CAM17")],
    plans=[Plan(id="P01", name="大客流踩踏风险处置预案", kinds=["crowd_density"],
                roles=[PlanRole(kind="volunteer", count=4), PlanRole(kind="police", count=2)],
                notify=["medical"])],
    course=[(0.0, 0.0), (500.0, 120.0)],
)
STATE = State(seq=3, now=T0 + 10, name="mini", day_start=T0, org={u.id: u for u in BASELINE.org},
              resources={r.id: r for r in BASELINE.resources}, cameras={c.id: c for c in BASELINE.cameras},
              plans={p.id: p for p in BASELINE.plans}, alerts={ALERT.id: ALERT},
              incidents={INCIDENT.id: INCIDENT})

SAMPLES: dict[str, m.Body] = {
    # events (hub → client, sequenced)
    "baseline_loaded": m.BaselineLoaded(baseline=BASELINE),
    "alert_raised": m.AlertRaised(alert=ALERT, incident="I-A00042"),
    "incident_acknowledged": m.IncidentStep(incident="I-A00042", actor="值班长 王敏", note="收到"),
    "incident_resolved": m.IncidentStep(incident="I-A00042", actor="值班长 王敏", note="人群已疏导"),
    "incident_closed": m.IncidentStep(incident="I-A00042", actor="值班长 王敏"),
    "incident_false_alarm": m.IncidentStep(incident="I-A00043", actor="坐席员 赵丽", note="误报：树影"),
    "incident_merged": m.IncidentMerged(incident="I-A00044", into="I-A00042", actor="坐席员 赵丽"),
    "incident_escalated": m.IncidentOffered(incident="I-A00042", to_center="D", actor="南坪街道 值班长 陈静",
                                            note="需区级协调", snapshot=INCIDENT),
    "cooperation_requested": m.IncidentOffered(incident="I-A00042", to_center="T4",
                                               actor="南坪街道 值班长 陈静", snapshot=INCIDENT),
    "handoff_accepted": m.HandoffAnswered(incident="I-A00042", center="D", actor="值班长 王敏"),
    "handoff_declined": m.HandoffAnswered(incident="I-A00042", center="T4", actor="海棠溪街道 值班长",
                                          note="本辖区警力不足"),
    "plan_activated": m.PlanActivated(incident="I-A00042", plan="P01", actor="值班长 王敏",
                                      missing=[PlanRole(kind="police", count=1)]),
    "broadcast_issued": m.BroadcastIssued(broadcast="I-A00042-B1", incident="I-A00042",
                                          grids=["T7-C01-G1", "T7-C01-G2"], text="排查林区火源",
                                          actor="值班长 王敏", recipients=["R0101", "R0102"]),
    "broadcast_acknowledged": m.BroadcastAcknowledged(broadcast="I-A00042-B1", resource="R0101",
                                                      actor="网格员 刘洋"),
    "task_dispatched": m.TaskDispatched(task="I-A00042-T1", incident="I-A00042", resource="R0001",
                                        actor="值班长 王敏", plan="P01"),
    "task_accepted": m.TaskStep(task="I-A00042-T1", actor="张三"),
    "task_arrived": m.TaskStep(task="I-A00042-T1", actor="张三"),
    "task_done": m.TaskStep(task="I-A00042-T1", actor="张三", note="已处置"),
    "task_declined": m.TaskStep(task="I-A00042-T2", actor="李四", note="正在处置另一起"),
    "task_cancelled": m.TaskStep(task="I-A00042-T3", actor="值班长 王敏", note="incident closed"),
    "incidents_archived": m.IncidentsArchived(incidents=["I-A0001", "I-A0002"]),
    "resources_moved": m.ResourcesMoved(moves=[("R0001", 1712.5, 2440.0), ("R0002", 90.0, -15.5)]),
    "resource_status_changed": m.ResourceStatusChanged(resource="R0001", status="off_duty"),
    "camera_status_changed": m.CameraStatusChanged(camera="CAM17", online=False),
    # session (hub → client)
    "hello": m.Hello(role="commander", name="值班长 王敏", center=None, protocol=1, hub_seq=1234,
                     first_seq=1, clock=T0 + 5460.0, clock_rate=1.0, max_message_bytes=MAX_MESSAGE_BYTES,
                     max_commands_per_s=50.0),
    "snapshot": m.Snapshot(seq=3, state=msgspec.Raw(encode_state(STATE))),
    "live": m.Live(seq=1234),
    "result": m.Result(ok=False, code="conflict", message="张三 is already on task I-A00041-T1",
                       holder="副值班长 李强"),
    "found": m.CasesFound(hits=[m.CaseHit(incident="I-R00007", kind="debris", title="林边枯枝", town="T1",
                                          grid="T1-C01-G1", status="closed", created_at=T0, closed_at=T0 + 60,
                                          stage="closed", people="R0001 张伟", text="已清运", archived=True)],
                          archived=1),
    "error": m.Error(code="malformed", reason="cmd.dispatch body: Object missing required field `resource`",
                     ref="c-7f3a"),
    "pong": m.Pong(t=1764462612.25, clock=T0 + 5460.5),
    "clock": m.Clock(clock=T0 + 5461.0, rate=60.0),
    "drill": m.DrillStatus(start=T0 + 1200.0, end=T0 + 4800.0, position=T0 + 1790.0, playing=True,
                           speed=10.0, scenario="marathon", markers=[(T0 + 1800.0, "critical", "A0001")]),
    # client → hub
    "resume": m.Resume(last_seq=1200),
    "search": m.CaseQuery(kind="debris", town="T1", text="枯枝", since=T0, limit=50),
    "subscribe": m.Subscribe(cameras=["CAM17", "CAM18"]),
    "ping": m.Ping(t=1764462612.25),
    "selected": m.Selected(incident="I-A00041"),
    "commander_selected": m.CommanderSelected(name="值班长 王敏", incident="I-A00041", at=T0 + 5460.0),
    "heartbeat": m.Heartbeat(source="box-7", every_s=30.0),
    # commands
    "cmd.acknowledge": m.CmdIncident(incident="I-A00042", note="收到"),
    "cmd.dispatch": m.CmdDispatch(incident="I-A00042", resource="R0001", note="先到现场确认"),
    "cmd.activate_plan": m.CmdActivatePlan(incident="I-A00042", plan="P01"),
    "cmd.cancel_task": m.CmdCancelTask(task="I-A00042-T1", reason="改派"),
    "cmd.recall": m.CmdRecall(task="I-A00042-T2", reason="现场已有三人，请返回岗位"),
    "cmd.resolve": m.CmdIncident(incident="I-A00042"),
    "cmd.close": m.CmdIncident(incident="I-A00042", note="闭环"),
    "cmd.start_drill": m.CmdStartDrill(alert=msgspec.structs.replace(
        ALERT, id="DR-1", exercise=Exercise(drill="DR-1", script="DS01", by="D",
                                            kinds=[PlanRole(kind="medical", count=1)], phone_only=True))),
    "cmd.end_drill": m.CmdIncident(incident="I-DR-1"),
    "cmd.false_alarm": m.CmdIncident(incident="I-A00043", note="误报"),
    "cmd.merge": m.CmdMerge(incident="I-A00044", into="I-A00042"),
    "cmd.escalate": m.CmdIncident(incident="I-A00042", note="需区级协调"),
    "cmd.request_cooperation": m.CmdCooperation(incident="I-A00042", to_center="T4", note="请求支援"),
    "cmd.accept_handoff": m.CmdIncident(incident="I-A00042"),
    "cmd.decline_handoff": m.CmdIncident(incident="I-A00042", note="本辖区警力不足"),
    "cmd.broadcast": m.CmdBroadcast(text="排查林区火源", incident="I-A00042", tag="forest_adjacent"),
    "cmd.acknowledge_broadcast": m.CmdBroadcastAck(broadcast="I-A00042-B1"),
    "cmd.task_update": m.CmdTaskUpdate(task="I-A00042-T1", status="arrived"),
    "cmd.report": m.CmdReport(kind="fire_hazard", text="林边有人焚烧落叶", x=5120.0, y=880.0,
                              grid="T7-C01-G1", photo="photo://field/0001.jpg", severity="critical"),
    "ingest.alert": m.IngestAlert(alert=ALERT),
    "ingest.positions": m.IngestPositions(moves=[("R0001", 1712.5, 2440.0)]),
    "ingest.camera_status": m.IngestCameraStatus(camera="CAM17", online=True),
    "drill.control": m.DrillControl(action="seek", value=T0 + 1790.0),
}
# site re-import and alert updates (issue 12)
SAMPLES.update({
    "resource_added": m.ResourceChanged(resource=BASELINE.resources[0]),
    "resource_updated": m.ResourceChanged(resource=BASELINE.resources[0]),
    "resource_removed": m.ResourceRemoved(resource="R0001"),
    "camera_added": m.CameraChanged(camera=BASELINE.cameras[0]),
    "camera_updated": m.CameraChanged(camera=BASELINE.cameras[0]),
    "camera_removed": m.CameraRemoved(camera="CAM17"),
    "org_unit_added": m.OrgUnitChanged(unit=BASELINE.org[3]),
    "org_unit_updated": m.OrgUnitChanged(unit=BASELINE.org[3]),
    "org_unit_removed": m.OrgUnitRemoved(unit="T3-C02-G1"),
    "plan_added": m.PlanChanged(plan=BASELINE.plans[0]),
    "plan_updated": m.PlanChanged(plan=BASELINE.plans[0]),
    "plan_removed": m.PlanRemoved(plan="P01"),
    "alert_updated": m.AlertUpdated(incident="I-A00042", alert=ALERT, action="cancel"),
    "ingest.alert_update": m.IngestAlertUpdate(incident="I-A00042", alert=ALERT),
})
# field pages (issue 13)
SAMPLES["field_page_changed"] = m.FieldPageChanged(resource="R0001", online=False, at=T0 + 5390.0)
SAMPLES["field.enrol"] = m.FieldEnrol(resource="R0287", revoke=True)
# role views (console/hub/views.py): a restricted view's records, and credentials apart from URLs
SAMPLES["view_changed"] = m.ViewChanged(resources=[BASELINE.resources[0]], gone=["I-A00041"])
SAMPLES["camera_credentials"] = m.CameraCredentials(cameras=[
    m.CameraCredential(url="rtsp://10.0.0.5:554/main", username="admin", password="example")])
# cases (一办到底)
SAMPLES.update({
    "case_types_changed": m.CaseTypesChanged(case_types=[m.CaseType(
        code="rockfall", zh="道路落石", en="Rockfall on a road", promise="working_hours", limit=2,
        responsible=["law_enforcement"], departments=["综合执法"], photo_required=True, plan="P07")],
        work_hours=["08:30-12:00", "14:00-17:30"]),
    "case_handled": m.CaseHandled(incident="I-R00007", actor="网格员 李华", resource="R0002",
                                  note="落石已清理", photos=["photo://field/0002.jpg"]),
    "case_verified": m.CaseVerified(incident="I-R00007", actor="网格员 张三", photo="photo://field/0003.jpg"),
    "case_returned": m.CaseReturned(incident="I-R00008", actor="值班长", reason="not_ours", note="属住建部门"),
    "extension_requested": m.ExtensionRequested(incident="I-R00007", actor="网格员 李华", hours=4,
                                                reason="需吊车"),
    "extension_approved": m.ExtensionAnswered(incident="I-R00007", actor="值班长", hours=4,
                                              due={"handled": T0 + 7200.0}),
    "extension_refused": m.ExtensionAnswered(incident="I-R00007", actor="值班长", hours=4, note="不同意"),
    "case_suspended": m.CaseSuspended(incident="I-R00007", actor="值班长", reason="weather"),
    "case_resumed": m.CaseResumed(incident="I-R00007", actor="值班长", due={"handled": T0 + 9000.0},
                                  suspended_s=1800.0),
    "cmd.case_handled": m.CmdCaseHandled(incident="I-R00007", note="落石已清理",
                                         photos=["photo://field/0002.jpg"]),
    "cmd.verify": m.CmdVerify(incident="I-R00007", note="已无落石", photo="photo://field/0003.jpg"),
    "cmd.return": m.CmdReturn(incident="I-R00008", reason="not_ours", note="属住建部门"),
    "cmd.request_extension": m.CmdRequestExtension(incident="I-R00007", hours=4, reason="需吊车清运"),
    "cmd.approve_extension": m.CmdAnswerExtension(incident="I-R00007", note="同意"),
    "cmd.suspend": m.CmdSuspend(incident="I-R00007", reason="weather", note="暴雨"),
    "cmd.resume": m.CmdIncident(incident="I-R00007"),
    "cmd.follow_up": m.CmdFollowUp(incident="I-R00007", text="举一反三：请排查同类隐患", tag="forest_adjacent"),
})


def _envelope_kw(type_: str) -> dict:
    if type_ in EVENT_BODIES:
        return {"seq": 42, "ts": T0 + 5400.25}
    if type_ in COMMAND_BODIES:
        return {"id": "c-7f3a"}
    if type_ in ("result", "error"):
        return {"id": "c-7f3a"}
    return {}


# ------------------------------------------------------------------ round trips

def test_samples_cover_every_message_type():
    assert set(SAMPLES) == set(ALL_BODIES)
    for type_, body in SAMPLES.items():
        assert isinstance(body, ALL_BODIES[type_]), type_


def test_type_tables_do_not_overlap():
    tables = [EVENT_BODIES, SESSION_BODIES, COMMAND_BODIES, CLIENT_BODIES]
    assert sum(map(len, tables)) == len(ALL_BODIES)


@pytest.mark.parametrize("type_", sorted(ALL_BODIES))
def test_every_message_type_round_trips(type_):
    body = SAMPLES[type_]
    kw = _envelope_kw(type_)
    data = encode(type_, body, **kw)
    assert len(data) <= MAX_MESSAGE_BYTES
    msg = decode(data)
    assert msg.type == type_
    assert (msg.seq, msg.ts, msg.id) == (kw.get("seq"), kw.get("ts"), kw.get("id"))
    if type_ == "snapshot":  # Raw compares by bytes; the state inside must survive too
        assert msg.body.seq == body.seq
        assert msgspec.json.decode(msg.body.state, type=State) == STATE
    else:
        assert msg.body == body
    # and the wire form is plain UTF-8 JSON with the envelope's keys
    env = json.loads(data.decode("utf-8"))
    assert env["v"] == m.PROTOCOL_VERSION and env["type"] == type_
    assert set(env) <= {"v", "type", "seq", "ts", "id", "body"}
    assert decode(data.decode("utf-8")).body == msg.body  # str input too


def test_encode_accepts_a_dict_body_and_checks_it():
    data = encode("cmd.dispatch", {"incident": "I-1", "resource": "R0001"}, id="c1")
    assert decode(data).body == m.CmdDispatch(incident="I-1", resource="R0001")
    with pytest.raises(msgspec.ValidationError):
        encode("cmd.dispatch", {"incident": "I-1"}, id="c1")


def test_encode_refuses_an_unknown_type():
    with pytest.raises(ProtocolError) as exc:
        encode("cmd.teleport", {})
    assert exc.value.code == "unknown_type"


def test_defaults_are_omitted_and_absent_body_means_empty():
    data = encode("resume", m.Resume())
    assert json.loads(data) == {"v": 2, "type": "resume", "body": {}}
    assert decode(b'{"v":2,"type":"resume"}').body == m.Resume(last_seq=0)


# ------------------------------------------------------------------ rejected input

@pytest.mark.parametrize("raw, code, words", [
    (b"this is not json", "malformed", ["envelope", "malformed"]),
    (b"\xff\xfe\x00", "malformed", ["envelope"]),
    (b"[1, 2]", "malformed", ["envelope", "object"]),
    (b'{"v": 2}', "malformed", ["envelope", "type"]),
    (b'{"type": "ping", "body": {"t": 1}}', "malformed", ["envelope", "v"]),
    (b'{"v": "1", "type": "ping", "body": {"t": 1}}', "malformed", ["envelope", "int"]),
    (b'{"v": 2, "type": "ping", "sneaky": 1, "body": {"t": 1}}', "malformed", ["envelope", "sneaky"]),
    (b'{"v": 2, "type": "ping", "body": {"t": "soon"}}', "malformed", ["ping body", "float", "$.t"]),
    (b'{"v": 2, "type": "cmd.dispatch", "id": "c1", "body": {"incident": "I-1", "resource": 7}}',
     "malformed", ["cmd.dispatch body", "str", "$.resource"]),
    (b'{"v": 2, "type": "cmd.dispatch", "id": "c1", "body": {"incident": "I-1"}}',
     "malformed", ["cmd.dispatch body", "resource"]),
    (b'{"v": 2, "type": "cmd.acknowledge", "id": "c1", "body": {"incident": "I-1", "urgent": true}}',
     "malformed", ["cmd.acknowledge body", "unknown field", "urgent"]),
    (b'{"v": 2, "type": "ping", "body": [1]}', "malformed", ["ping body", "object"]),
    (b'{"v": 3, "type": "ping", "body": {"t": 1}}', "version", ["version 3", "2"]),
    (b'{"v": 0, "type": "ping", "body": {"t": 1}}', "version", ["version 0"]),
    (b'{"v": 2, "type": "cmd.teleport", "id": "c9", "body": {}}', "unknown_type", ["cmd.teleport"]),
])
def test_bad_input_is_refused_with_code_and_reason(raw, code, words):
    with pytest.raises(ProtocolError) as exc:
        decode(raw)
    err = exc.value
    assert err.code == code
    for word in words:
        assert word.lower() in err.reason.lower(), (word, err.reason)


def test_errors_carry_the_command_id_when_it_was_readable():
    with pytest.raises(ProtocolError) as exc:
        decode(b'{"v": 2, "type": "cmd.dispatch", "id": "c-77", "body": {"incident": 3}}')
    assert exc.value.ref == "c-77"
    with pytest.raises(ProtocolError) as exc:
        decode(b'{"v": 2, "type": "cmd.nope", "id": "c-78"}')
    assert exc.value.ref == "c-78"


def test_oversized_input_is_refused_before_parsing():
    # an event body: its fields have no length limit of their own (command bodies do)
    note = "x" * MAX_MESSAGE_BYTES
    data = encode("incident_acknowledged", m.IncidentStep(incident="I-1", actor="a", note=note), seq=1)
    assert len(data) > MAX_MESSAGE_BYTES
    with pytest.raises(ProtocolError) as exc:
        decode(data)
    assert exc.value.code == "too_large"
    assert str(len(data)) in exc.value.reason and str(MAX_MESSAGE_BYTES) in exc.value.reason
    # exactly at the limit is fine as far as size goes
    fits = encode("incident_acknowledged", m.IncidentStep(incident="I-1", actor="a", note="x"), seq=1)
    pad = MAX_MESSAGE_BYTES - len(fits) + 1
    exact = encode("incident_acknowledged", m.IncidentStep(incident="I-1", actor="a", note="x" * pad), seq=1)
    assert len(exact) == MAX_MESSAGE_BYTES
    assert decode(exact).body.note == "x" * pad
    # hub → client messages may be larger when the reader allows it
    assert decode(data, max_bytes=len(data)).body.note == note


def test_protocol_error_is_a_value_error_with_its_parts():
    err = ProtocolError("too_large", "message of 9 bytes exceeds 8", "c1")
    assert isinstance(err, ValueError)
    assert (err.code, err.reason, err.ref) == ("too_large", "message of 9 bytes exceeds 8", "c1")
    assert str(err) == "too_large: message of 9 bytes exceeds 8"


# ------------------------------------------------------------------ binary frames

JPEG_BYTES = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"


def test_frame_round_trips():
    frame = Frame("CAM17", T0 + 5400.125, 27001, JPEG, 640, 360, JPEG_BYTES)
    data = encode_frame(frame)
    assert data[:4] == FRAME_MAGIC
    out = decode_frame(data)
    assert (out.camera, out.ts, out.number, out.content_type, out.width, out.height) == (
        "CAM17", T0 + 5400.125, 27001, JPEG, 640, 360)
    assert bytes(out.payload) == JPEG_BYTES


def test_frame_layout_is_byte_exact():
    data = encode_frame(Frame("CAM01", 1.5, 7, JPEG, 320, 180, b"\xff\xd8\xff\xd9"))
    head = struct.pack("<4sBdIBHH", b"DCF1", 5, 1.5, 7, 1, 320, 180)
    assert len(head) == 22
    assert data == head + b"CAM01" + b"\xff\xd8\xff\xd9"


def test_frame_with_a_unicode_camera_id_round_trips():
    data = encode_frame(Frame("南滨路-01", 2.0, 1, JPEG, 2, 2, b"\x01"))
    assert decode_frame(data).camera == "南滨路-01"


def _frame(**kw) -> bytes:
    f = dict(magic=b"DCF1", cam=b"CAM01", ts=1.0, number=1, ctype=1, w=2, h=2, payload=b"\xff\xd8")
    f.update(kw)
    return struct.pack("<4sBdIBHH", f["magic"], len(f["cam"]), f["ts"], f["number"], f["ctype"],
                       f["w"], f["h"]) + f["cam"] + f["payload"]


@pytest.mark.parametrize("data, words", [
    (b"", ["shorter than its header"]),
    (b"DCF1\x05", ["shorter than its header"]),
    (_frame()[:22], ["shorter than its header"]),
    (_frame(magic=b"JPEG"), ["magic", "JPEG"]),
    (_frame(ctype=9), ["content type 9"]),
    (_frame(ctype=0), ["content type 0"]),
    (_frame(cam=b""), ["camera id"]),
    (_frame(payload=b""), ["image missing"]),
    (_frame(cam=b"\xff\xfe\xfd"), ["not UTF-8"]),
])
def test_broken_frames_are_rejected_with_a_reason(data, words):
    with pytest.raises(ProtocolError) as exc:
        decode_frame(data)
    assert exc.value.code == "malformed"
    for word in words:
        assert word in exc.value.reason, (word, exc.value.reason)


def test_oversized_frame_is_rejected():
    data = _frame(payload=b"\0" * MAX_FRAME_BYTES)
    with pytest.raises(ProtocolError) as exc:
        decode_frame(data)
    assert exc.value.code == "too_large"


@pytest.mark.parametrize("camera", ["", "C" * 256])
def test_encode_frame_refuses_bad_camera_ids(camera):
    with pytest.raises(ProtocolError) as exc:
        encode_frame(Frame(camera, 1.0, 1, JPEG, 2, 2, b"\x01"))
    assert exc.value.code == "malformed"


@pytest.mark.parametrize("w, h, ctype", [(70000, 2, JPEG), (2, -1, JPEG), (2, 2, 300)])
def test_encode_frame_refuses_header_fields_out_of_range(w, h, ctype):
    with pytest.raises(ProtocolError) as exc:
        encode_frame(Frame("CAM01", 1.0, 1, ctype, w, h, b"\x01"))
    assert exc.value.code == "malformed" and "frame header" in exc.value.reason


# ------------------------------------------------------------------ batches (hub → client)

def test_a_batch_frame_is_one_envelope_per_line_and_a_bad_line_loses_only_itself():
    from console.protocol.codec import decode_batch, encode_batch

    good = [encode("pong", m.Pong(t=float(i), clock=1.0)) for i in range(3)]
    frame = encode_batch([good[0], b"{oops", good[1], good[2]])
    assert frame.count(b"\n") == 3
    out = decode_batch(frame)
    assert [type(x).__name__ for x in out] == ["Message", "ProtocolError", "Message", "Message"]
    assert [x.body.t for x in out if not isinstance(x, ProtocolError)] == [0.0, 1.0, 2.0]
    assert out[1].code == "malformed"
    single = decode_batch(good[0])
    assert len(single) == 1 and single[0].body.t == 0.0
    assert encode_batch([good[0]]) == good[0]


def test_a_batch_of_every_type_decodes_at_once_as_line_by_line_and_a_wrong_version_still_is_said():
    from console.protocol.codec import _decode_batch_at_once, decode_batch, encode_batch

    lines = [encode(t, SAMPLES[t], **_envelope_kw(t)) for t in sorted(ALL_BODIES) if t != "snapshot"]
    frame = encode_batch(lines)
    at_once = _decode_batch_at_once(frame, frame.split(b"\n"))
    assert at_once is not None, "a well-formed batch takes the one-call path"
    one_by_one = [decode(line) for line in lines]
    assert [(x.type, x.body, x.seq, x.ts, x.id) for x in at_once] == \
        [(x.type, x.body, x.seq, x.ts, x.id) for x in one_by_one]
    assert decode_batch(frame) == at_once
    # a line of another protocol version: said in place, the others kept
    odd = lines[1].replace(b'"v":2', b'"v":1', 1)
    out = decode_batch(encode_batch([lines[0], odd, lines[2]]))
    assert [type(x).__name__ for x in out] == ["Message", "ProtocolError", "Message"]
    assert out[1].code == "version"
