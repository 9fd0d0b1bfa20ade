"""The report's figures on a small hand-built drill whose numbers are worked out by hand below."""

import pytest

from console.domain.apply import apply
from console.domain.model import CROWD_UNIT, Alert, Baseline, Camera, OrgUnit, Resource
from console.domain.sla import Breach
from console.domain.state import State
from console.domain.kpi import compute, percentile
from console.recording.drill_file import DrillReader, DrillWriter
from console.protocol import messages as m
from console.protocol.codec import Message, encode

T0 = 1_764_458_400.0  # 07:20
END = T0 + 1200.0


def _baseline() -> Baseline:
    org = [OrgUnit(id="D", name="区", level="district"), OrgUnit(id="T1", name="镇", level="town", parent="D"),
           OrgUnit(id="G1", name="网格", level="grid", parent="T1")]
    res = [Resource(id="R1", name="网格员甲", kind="grid_worker", unit="u", grid="G1", town="T1"),
           Resource(id="R2", name="志愿者乙", kind="volunteer", unit="u", grid="G1", town="T1"),
           Resource(id="R3", name="民警丙", kind="police", unit="u", grid="G1", town="T1"),
           Resource(id="R4", name="志愿者丁", kind="volunteer", unit="u", grid="G1", town="T1", status="off_duty")]
    cams = [Camera(id="C1", name="cam", grid="G1", town="T1", x=0, y=0)]
    return Baseline(name="hand", day_start=T0, org=org, resources=res, cameras=cams, plans=[])


def _alert(n: int, at: float, kind="fall", severity="warning", title="老人倒地", value=None) -> m.AlertRaised:
    a = Alert(id=f"A{n}", source="camera", kind=kind, severity=severity, title=title, at=at, x=0, y=0,
              grid="G1", town="T1", camera="C1", value=value, unit=CROWD_UNIT if value is not None else "")
    return m.AlertRaised(alert=a, incident=f"I{n}")


def _step(type_, task, actor="field"):
    return m.TaskStep(task=task, actor=actor)


def _inc(type_, n):
    return m.IncidentStep(incident=f"I{n}", actor="值班长")


# (seconds after T0, type, body), in time order
SCRIPT = [
    (0, "baseline_loaded", m.BaselineLoaded(baseline=_baseline())),
    # I1: ack 20, dispatch 30, arrival 200 (= full team), done 400, closed 420
    (0, "alert_raised", _alert(1, T0)),
    (20, "incident_acknowledged", _inc("", 1)),
    (30, "task_dispatched", m.TaskDispatched(task="K1", incident="I1", resource="R1", actor="值班长")),
    # the density is the alert's measurement, not a figure in its title
    (100, "alert_raised", _alert(2, T0 + 100, "crowd_density", "critical", "crowd over threshold", 4.5)),
    # I2: ack 90, dispatch 100 and 110 from the alert, first arrival 300, full team 800, closed 900
    (190, "incident_acknowledged", _inc("", 2)),
    (200, "task_dispatched", m.TaskDispatched(task="K2", incident="I2", resource="R2", actor="值班长")),
    (200, "task_arrived", _step("", "K1")),
    (210, "task_dispatched", m.TaskDispatched(task="K3", incident="I2", resource="R3", actor="值班长")),
    (400, "task_arrived", _step("", "K3")),
    (400, "task_done", _step("", "K1")),
    (420, "incident_closed", _inc("", 1)),
    # I3: info, a false alarm 40 s after the alert
    (500, "alert_raised", _alert(3, T0 + 500, "illegal_parking", "info", "违停")),
    (540, "incident_false_alarm", _inc("", 3)),
    (900, "task_arrived", _step("", "K2")),
    (1000, "task_done", _step("", "K2")),
    (1000, "task_done", _step("", "K3")),
    (1000, "incident_closed", _inc("", 2)),
    # I4: nobody answers (100 s at the end: breached); I5: 20 s at the end (undecided)
    (1100, "alert_raised", _alert(4, T0 + 1100)),
    (1180, "alert_raised", _alert(5, T0 + 1180)),
]


def _events():
    return [(seq, t, T0 + dt, b) for seq, (dt, t, b) in enumerate(SCRIPT, 1)]


@pytest.fixture
def hand_drill(tmp_path):
    path = tmp_path / "hand.drill"
    w = DrillWriter(path, {"scenario": "hand", "seed": None, "start": T0, "end": END, "mode": "exercise"})
    w.write([(seq, t, ts, encode(t, b, seq=seq, ts=ts)) for seq, t, ts, b in _events()], [], [])
    w.close()
    return path


def test_nearest_rank_percentiles():
    assert percentile([], 50) is None
    assert percentile([30, 100, 40], 50) == 40
    assert percentile([30, 100, 40], 90) == 100
    assert percentile(list(range(1, 21)), 95) == 19


def test_figures_of_the_hand_built_drill(hand_drill):
    with DrillReader(hand_drill) as r:
        assert (r.meta.start, r.meta.end) == (T0, END)
        f = compute(r.final_state(), r.meta.start, r.meta.end)
    rows = {x.id: x for x in f.incidents}
    i1, i2, i3, i4, i5 = (rows[f"I{n}"] for n in range(1, 6))
    assert (i1.ack_s, i1.dispatch_s, i1.first_arrival_s, i1.full_on_scene_s, i1.closure_s) == (20, 30, 200, 200, 420)
    assert (i2.ack_s, i2.dispatch_s, i2.first_arrival_s, i2.full_on_scene_s, i2.closure_s) == (90, 100, 300, 800, 900)
    assert (i3.ack_s, i3.dispatch_s, i3.closure_s, i3.status) == (40, None, 40, "false_alarm")
    assert (i4.ack_s, i4.response_s, i4.response_met) == (None, None, False)
    assert (i5.response_s, i5.response_met, i5.assembly_met) == (None, None, None)
    # response: 30, 100, 40 known; met I1, I3; breached I2, I4; I5 undecided
    assert (f.response.n, f.response.p50, f.response.p90, f.response.p95) == (3, 40, 100, 100)
    assert (f.response.met, f.response.decided, f.response.share_met) == (2, 4, 0.5)
    # assembly (dispatch → whole team on scene): I1 170 s, I2 700 s
    assert (i1.assembly_s, i2.assembly_s) == (170, 700)
    assert (f.assembly.n, f.assembly.p50, f.assembly.p90, f.assembly.p95) == (2, 170, 700, 700)
    assert (f.assembly.met, f.assembly.decided) == (1, 2)
    # acknowledgement: 20, 90, 40
    assert (f.acknowledge.p50, f.acknowledge.p90, f.acknowledge.met, f.acknowledge.decided) == (40, 90, 2, 3)
    # breaches with their reasons
    assert [b.id for b in f.breaches] == ["I2", "I4"]
    assert i2.breaches == (Breach("response_late", 100, 60), Breach("team_not_assembled", None, 600))
    assert i4.breaches == (Breach("response_overdue", 100, 60),)
    # utilisation over 1200 s: R1 370 s, R2 800 s, R3 790 s; R4 is off duty
    use = {u.kind: u for u in f.utilisation}
    assert [u.kind for u in f.utilisation] == ["volunteer", "police", "grid_worker"]
    assert (use["volunteer"].people, use["volunteer"].busy_s) == (1, 800)
    assert use["police"].share == pytest.approx(790 / 1200)
    assert use["grid_worker"].share == pytest.approx(370 / 1200)
    assert (f.alerts, f.tasks, f.closed, f.peak_tasks) == (5, 3, 3, 3)
    # series: 20 one-minute bins; alerts in minutes 0, 1, 8, 18, 19
    assert len(f.t) == 20
    assert [i for i, v in enumerate(f.alerts_per_min) if v] == [0, 1, 8, 18, 19]
    assert [f.open_incidents[i] for i in (0, 1, 6, 8, 19)] == [1, 2, 1, 1, 2]
    assert f.active_tasks[3] == 3  # at 04:00 all three tasks run
    assert f.crowd == {"C1": [(T0 + 100, 4.5)]}


def test_the_figures_equal_those_of_folding_the_events_directly(hand_drill):
    state = State()
    for seq, t, ts, b in _events():
        apply(state, Message(t, b, seq, ts))
    direct = compute(state, T0, END)
    with DrillReader(hand_drill) as r:
        from_file = compute(r.final_state(), T0, END)
    assert direct.incidents == from_file.incidents and direct.response == from_file.response


@pytest.mark.ui
def test_the_report_prints_the_hand_computed_figures(hand_drill, tmp_path, qapp):
    from console.ui.report import write_report

    steps = []
    paths = write_report(hand_drill, out=tmp_path / "r.html", pdf=True, progress=lambda d, w: steps.append(d))
    html = paths[0].read_text(encoding="utf-8")
    assert steps[0] == 0.0 and steps[-1] == 1.0 and steps == sorted(steps)
    assert "<td>响应 ≤ 60 秒（1 分钟）</td><td class=num>3</td><td class=num>0:40</td>" in html
    assert "<td class=num>2/4</td><td class=num>50%</td>" in html
    assert html.count("data:image/png;base64,") >= 4
    assert paths[1].suffix == ".pdf" and paths[1].read_bytes()[:5] == b"%PDF-"
    # the report is in Chinese by default: the domain's words, never its codes
    assert "响应用时 100 秒，超过 60 秒；10 分钟内未全员到场" in html and "（无人在途）" in html
    for word in ("<td>摔倒</td>", "<td>人群密度</td>", "<td>违规停车</td>", "<td>已办结</td>", "<td>误报</td>",
                 "<td>志愿者</td>", "<td>到达现场</td>", "<td>紧急</td>"):
        assert word in html, word
    for code in ("illegal_parking", "crowd_density", "on_scene", "grid_worker", "task_arrived", "false_alarm",
                 "critical"):
        assert f">{code}<" not in html, code


@pytest.mark.ui
def test_the_report_in_english_says_the_same_in_english(hand_drill, tmp_path, qapp):
    from console.ui.report import write_report

    html = write_report(hand_drill, out=tmp_path / "en.html", lang="en")[0].read_text(encoding="utf-8")
    assert "response 100 s &gt; 60 s; full team not on scene within 10 min" in html
    assert "response 100 s &gt; 60 s (nobody on the way)" in html
    for word in ("<td>Fall</td>", "<td>Illegal parking</td>", "<td>Volunteer</td>", "<td>Arrived on scene</td>"):
        assert word in html, word
    assert "<td>摔倒</td>" not in html
