"""Version-1 drill files (composed timeline notes) open, replay and seek as version 2 (codes and parameters).

`data/v1-marathon.drill` was recorded by the version-1 code (commit 58c92af): the
marathon 07:26–07:32:40 with the scripted commander and the field simulator, plus
hand-made events for every timeline step form (escalation and its answer,
cooperation declined with a note, a plan with missing roles, a broadcast, a
declined task with a note, a merge, a false alarm with a note).
"""

import hashlib
import json
from pathlib import Path

import msgspec
import pytest

from console.domain.apply import apply
from console.domain.model import CROWD_UNIT, FIELD_SOURCE, PlanRole, Transition
from console.domain.state import State, state_hash
from console.protocol.codec import decode
from console.recording import drill_v1
from console.recording.drill_file import FORMAT_VERSION, DrillReader

V1 = Path(__file__).with_name("data") / "v1-marathon.drill"
#: the final state's fingerprint, timelines left out (see _hash_without_timelines); taken again under
#: fold version 2 (promise anchors from the dispatches that stand, a task's end cause kept, broadcasts as messages)
V1_FINAL_WITHOUT_TIMELINES = "bb56230885014ecf"
#: what `apply` derives by rules that changed since version 1 was written (domain.state.FOLD_VERSION)
_DERIVED_INCIDENT = ("first_dispatch_at", "full_on_scene_at")


def _hash_without_timelines(state: State) -> str:
    """The state's fingerprint with what version 2 writes differently taken out (or written back)."""
    b = msgspec.to_builtins(state)
    b.pop("reports", None)  # the report counter came after version 1 (issue 9, item 5)
    assert b.pop("pages") == {}  # field pages' presence came after version 1 (issue 13); none in this file
    assert b.pop("case_types") == {} and b.pop("work_hours") == []  # case catalogs came after version 1
    for inc in b["incidents"].values():
        inc.pop("timeline")
        assert inc.pop("case") is None  # so did case files
        assert inc.pop("exercise") is None  # and drill marks (演练 on the live path)
    for a in b["alerts"].values():
        a.pop("value"), a.pop("unit")
        assert a.pop("exercise") is None
    for c in b["cameras"].values():  # stream URL fields added after the fingerprint was taken
        c.pop("main"), c.pop("sub"), c.pop("rtsp_transport")
        c.pop("heading"), c.pop("fov")  # what a camera sees: issue 12, after the fingerprint too
    back = {v: k for k, v in drill_v1.SOURCE_ACTORS.items()}
    for t in b["tasks"].values():
        t["actor"] = back.get(t["actor"], t["actor"])
    return hashlib.sha256(json.dumps(b, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _steps(state: State) -> dict[str, Transition]:
    return {s.what: s for inc in state.incidents.values() for s in inc.timeline}


def test_a_version_1_file_reads_as_codes_and_parameters():
    with DrillReader(V1) as r:
        assert (r.meta.version, FORMAT_VERSION) == (1, 2)
        state = r.final_state()
    steps = _steps(state)
    district = state.district()
    assert (steps["escalation"].center, steps["escalation"].note) == (district, "需要区级支援")
    assert (steps["escalation_accepted"].center, steps["escalation_accepted"].note) == (district, "")
    assert (steps["cooperation_declined"].center, steps["cooperation_declined"].note) == ("T7", "人手不足")
    plans = sorted((s.plan, s.missing, s.note) for inc in state.incidents.values() for s in inc.timeline
                   if s.what == "plan_activated")
    assert plans == [("P01", [PlanRole(kind="medical", count=2), PlanRole(kind="police", count=1)], ""),
                     ("P03", [], "")]
    assert (steps["broadcast"].grids, steps["broadcast"].note) == (3, "请排查本网格: 同类隐患")
    declined = [s for inc in state.incidents.values() for s in inc.timeline if s.what == "task_declined"]
    with_note = next(s for s in declined if s.note)
    assert (with_note.name, with_note.note, with_note.actor) == ("姚林", "车辆故障", FIELD_SOURCE)
    assert state.resources[with_note.resource].name == "姚林"
    assert steps["false_alarm"].note == "误报: 路人"  # a person's note keeps its colon
    assert steps["merged"].incident and steps["absorbed"].incident
    assert all(s.actor != "现场:simulator" for inc in state.incidents.values() for s in inc.timeline)
    assert {t.actor for t in state.tasks.values()} >= {"值班长 演练脚本"}


def test_a_version_1_file_keeps_its_state_apart_from_the_timelines_new_form():
    with DrillReader(V1) as r:
        assert _hash_without_timelines(r.final_state()) == V1_FINAL_WITHOUT_TIMELINES


def _without_derived(state: State) -> State:
    """The state with the fields today's fold rules derive differently from version 1's blanked."""
    for inc in state.incidents.values():
        for name in _DERIVED_INCIDENT:
            setattr(inc, name, None)
    for task in state.tasks.values():
        task.cause = ""
    return state


def test_a_converted_snapshot_equals_folding_the_converted_events():
    with DrillReader(V1) as r:
        assert r.meta.fold is None  # written before fold versions: its snapshots are re-derived on read
        snapshots = r._query("SELECT seq, state FROM snapshots ORDER BY seq")
        assert len(snapshots) >= 3  # baseline, and two later ones (the last after the hand-made events)
        for at_seq, blob in snapshots[1:]:
            folded = State()
            for seq, _type, _t, data in r.iter_events():
                if seq > at_seq:
                    break
                apply(folded, r.decode(data))
            converted = r._snapshot_state(blob)
            assert state_hash(_without_derived(converted)) == state_hash(_without_derived(folded)), at_seq



def test_a_version_1_file_hands_out_version_2_envelopes():
    """What review sends to consoles: each envelope decodes with today's protocol."""
    with DrillReader(V1) as r:
        rows = list(r.iter_events())
        stored = r._query("SELECT data FROM events WHERE type = 'resources_moved' ORDER BY seq LIMIT 1")[0][0]
    plans = [decode(data).body for _s, type_, _t, data in rows if type_ == "plan_activated"]
    assert [PlanRole(kind="medical", count=2), PlanRole(kind="police", count=1)] in [p.missing for p in plans]
    field = [decode(data).body.actor for _s, type_, _t, data in rows if type_ == "task_arrived"]
    assert field and set(field) == {FIELD_SOURCE}
    moved = next(data for _s, type_, _t, data in rows if type_ == "resources_moved")
    # a type version 2 writes the same way passes through as it was stored, but for `v`
    assert stored.startswith(b'{"v":1,') and moved == b'{"v":2,' + stored[len(b'{"v":1,'):]


@pytest.mark.parametrize("title, value", [("人群密度超阈值 4.2人/㎡", 4.2), ("人群密度超阈值", None)])
def test_a_version_1_crowd_alert_gets_its_measurement_from_the_title(title, value):
    body = {"alert": {"kind": "crowd_density", "title": title}, "incident": "I-1"}
    alert = drill_v1.convert_body("alert_raised", body)["alert"]
    assert alert.get("value") == value and alert.get("unit", "") == (CROWD_UNIT if value else "")


def test_converting_twice_changes_nothing():
    row = [1.0, "现场:simulator", "task_done", "张三: 已处置"]
    once = drill_v1.convert_step(row)
    assert once == {"at": 1.0, "actor": FIELD_SOURCE, "what": "task_done", "name": "张三", "note": "已处置"}
    assert drill_v1.convert_step(once) == once
    body = {"incident": "I", "plan": "P", "actor": "a", "missing": ["medical×2"]}
    once = drill_v1.convert_body("plan_activated", body)
    assert once["missing"] == [["medical", 2]] and drill_v1.convert_body("plan_activated", dict(once)) == once
