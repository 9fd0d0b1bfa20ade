"""Drill world: marathon baseline, timeline, field simulator, synthetic frames."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import msgspec
import numpy as np
import pytest
import simplejpeg

from console.domain.model import ALERT_KINDS, RESOURCE_KINDS, SEVERITIES, Incident, Resource
from console.scenarios import build_marathon_baseline, make_scenario, parse_start
from console.scenarios import geography as geo
from console.scenarios.frames import FrameRenderer
from console.scenarios.simulator import SPEEDS, FieldSimulator
from console.protocol.codec import MAX_MESSAGE_BYTES
from console.protocol.messages import (
    CmdReport, CmdTaskUpdate, IngestAlert, IngestCameraStatus, IngestPositions, TaskDispatched,
    TaskStep,
)

TZ = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def baseline():
    return build_marathon_baseline(7)


@pytest.fixture(scope="module")
def scenario():
    return make_scenario("marathon", 7, None)


def _local(t: float) -> datetime:
    return datetime.fromtimestamp(t, TZ)


# ------------------------------------------------------------------ baseline

def test_counts(baseline):
    levels = Counter(u.level for u in baseline.org)
    assert levels == {"district": 1, "town": 7, "community": 38, "grid": 210}
    assert len(baseline.cameras) == 65
    assert [c.id for c in baseline.cameras] == [f"CAM{i:02d}" for i in range(1, 66)]
    kinds = Counter(r.kind for r in baseline.resources)
    assert set(kinds) <= set(RESOURCE_KINDS)
    assert kinds["grid_worker"] == 210
    assert kinds["community_staff"] == 76
    assert kinds["social_worker"] + kinds["volunteer"] >= 2000
    for k in ("police", "traffic_police", "medical", "fire", "forest_fire", "law_enforcement"):
        assert kinds[k] > 0, k
    assert kinds["police"] >= 100 and kinds["traffic_police"] >= 50 and kinds["medical"] >= 25
    assert baseline.name == "2025 重庆马拉松 滨江赛道"
    assert _local(baseline.day_start).strftime("%Y-%m-%d %H:%M") == "2025-11-30 07:00"
    ids = [r.id for r in baseline.resources]
    assert len(set(ids)) == len(ids) and ids[0] == "R0001"


def test_org_tree_and_tags(baseline):
    by_id = {u.id: u for u in baseline.org}
    assert by_id["D"].level == "district"
    for u in baseline.org:
        if u.level == "town":
            assert u.parent == "D"
        elif u.level == "community":
            assert by_id[u.parent].level == "town" and u.id.startswith(u.parent + "-C")
        elif u.level == "grid":
            assert by_id[u.parent].level == "community" and u.id.startswith(u.parent + "-G")
            assert len(u.polygon) == 4
    grids = [u for u in baseline.org if u.level == "grid"]
    assert sum("forest_adjacent" in g.tags for g in grids) >= 20
    assert sum("riverside" in g.tags for g in grids) >= 7
    assert {u.id for u in baseline.org if u.level == "town"} == {f"T{i}" for i in range(1, 8)}
    assert all(u.name for u in baseline.org)


def test_course_is_a_half_marathon(baseline):
    length = sum(math.dist(a, b) for a, b in zip(baseline.course, baseline.course[1:]))
    assert 20_500 < length < 21_500
    xs = [p[0] for p in baseline.course]
    ys = [p[1] for p in baseline.course]
    assert max(xs) - min(xs) <= 14_000 and max(ys) - min(ys) <= 5_000


def _town_of_grid(baseline) -> dict[str, str]:
    by_id = {u.id: u for u in baseline.org}
    out = {}
    for u in baseline.org:
        if u.level == "grid":
            out[u.id] = by_id[u.parent].parent
    return out


def _inside(poly, x, y) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def test_every_grid_reference_exists_with_its_town(baseline):
    towns = _town_of_grid(baseline)
    polys = {u.id: u.polygon for u in baseline.org if u.level == "grid"}
    for r in baseline.resources:
        assert towns[r.grid] == r.town, r
        assert _inside(polys[r.grid], r.x, r.y), r
        assert r.status in ("available", "off_duty")
        assert r.name and r.unit and r.skills
    for c in baseline.cameras:
        assert towns[c.grid] == c.town, c
        assert _inside(polys[c.grid], c.x, c.y), c
    assert "滨江路 K" in baseline.cameras[0].name and "起点区" in baseline.cameras[0].name


def test_grids_tile_the_land(baseline):
    grids = [u for u in baseline.org if u.level == "grid"]
    for x, y in ((100, 100), (7000, 2000), (13_900, geo.bank_y(13_900) - 5), (4321, 1234)):
        hits = [g.id for g in grids if _inside(g.polygon, x, y)]
        assert len(hits) == 1, (x, y, hits)


def test_plans(baseline):
    plans = {k: p for p in baseline.plans for k in p.kinds}
    roles = lambda k: {r.kind: r.count for r in plans[k].roles}  # noqa: E731
    assert roles("crowd_density") == {"volunteer": 4, "police": 2}
    assert plans["crowd_density"].notify == ["medical"]
    assert roles("cordon_intrusion") == {"volunteer": 2, "police": 1}
    assert roles("animal") == {"volunteer": 2, "police": 1}
    assert roles("fall") == {"medical": 1, "volunteer": 1}
    assert roles("smoke") == {"fire": 1, "volunteer": 1}
    assert roles("fire_hazard") == {"forest_fire": 2, "law_enforcement": 1, "community_staff": 1}
    assert roles("rockfall") == {"law_enforcement": 1, "community_staff": 2, "grid_worker": 1}
    assert roles("illegal_parking") == {"traffic_police": 1}


def test_baseline_deterministic_and_fits_a_message():
    a = msgspec.json.encode(build_marathon_baseline(7))
    assert a == msgspec.json.encode(build_marathon_baseline(7))
    assert a != msgspec.json.encode(build_marathon_baseline(8))
    assert len(a) < MAX_MESSAGE_BYTES


# ------------------------------------------------------------------ timeline

def _run(sc, seconds: float, step: float) -> list:
    out = []
    t = sc.start_time
    while t < sc.start_time + seconds:
        t += step
        out.extend(sc.due(t))
    return out


def test_due_is_deterministic_and_seeded():
    enc = msgspec.json.encode
    a = _run(make_scenario("marathon", 7, None), 3600, 7.0)
    b = _run(make_scenario("marathon", 7, None), 3600, 7.0)
    assert a and [(t, enc(x)) for t, x in a] == [(t, enc(x)) for t, x in b]
    c = _run(make_scenario("marathon", 8, None), 3600, 7.0)
    assert [(t, enc(x)) for t, x in a] != [(t, enc(x)) for t, x in c]
    # the step size does not change the output
    d = make_scenario("marathon", 7, None)
    e = d.due(d.start_time + 1800) + d.due(d.start_time + 3600)
    assert [(t, enc(x)) for t, x in a] == [(t, enc(x)) for t, x in e]


def test_timeline_shape(scenario):
    sched = scenario.scheduled()
    times = [t for t, _, _ in sched]
    assert times == sorted(times)
    types = {"ingest.alert": IngestAlert, "cmd.report": CmdReport,
             "ingest.camera_status": IngestCameraStatus}
    assert all(isinstance(body, types[typ]) for _, typ, body in sched)
    alerts = [b.alert for _, typ, b in sched if typ == "ingest.alert"]
    assert 150 <= len(alerts) <= 400
    assert [a.id for a in alerts] == [f"A{i:04d}" for i in range(1, len(alerts) + 1)]
    cams = {c.id: c for c in scenario.baseline.cameras}
    towns = _town_of_grid(scenario.baseline)
    for a in alerts:
        assert a.kind in ALERT_KINDS and a.severity in SEVERITIES and a.source == "camera"
        assert a.camera in cams and towns[a.grid] == a.town
        assert a.snapshot == f"snap://{a.camera}/{int(a.at)}"
        assert a.detections and all(0 <= d.x <= 1 and 0 <= d.y <= 1 and d.w > 0 for d in a.detections)
        assert scenario.start_time < a.at <= scenario.end_time
    morning = [a for a in alerts if 7 <= _local(a.at).hour < 11]
    assert 80 <= len(morning) <= 240  # one every 1–3 minutes
    kinds = Counter(a.kind for a in alerts)
    for k in ("crowd_density", "fall", "smoke", "illegal_parking", "cordon_intrusion"):
        assert kinds[k] > 0, k
    peak = [a for a in alerts if a.kind == "crowd_density" and 9 <= _local(a.at).hour < 11]
    assert peak
    # a density alert carries its measurement (the title only repeats it for people)
    for a in alerts:
        if a.kind == "crowd_density":
            assert a.unit == "people/m2" and 2.0 <= a.value <= 5.6 and f"{a.value:.1f}人/㎡" in a.title
        else:
            assert (a.value, a.unit) == (None, "")
    assert _local(scenario.end_time).strftime("%H:%M") == "21:30"
    assert any(typ == "ingest.camera_status" and not b.online for _, typ, b in sched)


def test_loose_dog_at_0730(scenario):
    dogs = [b.alert for _, typ, b in scenario.scheduled()
            if typ == "ingest.alert" and b.alert.title == "大型犬只闯入警戒线"]
    assert len(dogs) == 1
    dog = dogs[0]
    assert _local(dog.at).strftime("%H:%M") == "07:30"
    assert dog.severity == "critical" and dog.kind in ("animal", "cordon_intrusion")
    assert any(d.label == "dog" for d in dog.detections)
    cam = {c.id: c for c in scenario.baseline.cameras}[dog.camera]
    assert "起点区" in cam.name


def test_grid_worker_reports(scenario):
    reports = [b for _, typ, b in scenario.scheduled() if typ == "cmd.report"]
    grids = {u.id: u for u in scenario.baseline.org if u.level == "grid"}
    texts = {r.kind: r for r in reports}
    fire = texts["fire_hazard"]
    assert fire.text == "废品站外堆放枯木，紧邻林地" and "forest_adjacent" in grids[fire.grid].tags
    rock = texts["rockfall"]
    assert rock.text == "公墓路段落石"
    for r in reports:
        assert r.grid in grids and r.photo.startswith("photo://R") and r.photo.endswith(".jpg")
        assert _inside(grids[r.grid].polygon, r.x, r.y)
    assert fire.severity == rock.severity == "warning"


def test_positions_are_batched_and_partial(scenario):
    sc = make_scenario("marathon", 7, None)
    out = sc.due(sc.start_time + 60)
    pos = [b for typ, b in out if typ == "ingest.positions"]
    assert len(pos) == 6
    ids = {r.id for r in sc.baseline.resources}
    for b in pos:
        assert isinstance(b, IngestPositions)
        assert 100 <= len(b.moves) <= 500
        assert all(m[0] in ids for m in b.moves)
    held = {pos[0].moves[0][0]}
    sc2 = make_scenario("marathon", 7, None)
    out2 = sc2.due(sc2.start_time + 60, hold=held)
    assert all(m[0] not in held for typ, b in out2 if typ == "ingest.positions" for m in b.moves)


def test_start_and_short_scenarios():
    b = build_marathon_baseline(7)
    assert _local(parse_start(b.day_start, "09:15")).strftime("%H:%M:%S") == "09:15:00"
    sc = make_scenario("marathon", 7, "09:00")
    assert _local(sc.start_time).strftime("%H:%M") == "09:00"
    first = sc.due(sc.start_time + 600)
    assert all(b.alert.at > sc.start_time for typ, b in first if typ == "ingest.alert")
    for name, text in (("fire_hazard", "废品站外堆放枯木，紧邻林地"), ("rockfall", "公墓路段落石")):
        s = make_scenario(name, 7, None)
        assert s.due(s.start_time + 9) == [] or all(t == "ingest.positions" for t, _ in s.due(s.start_time + 9))
        later = [x for x in s.due(s.start_time + 11) if x[0] == "cmd.report"]
        assert len(later) == 1 and later[0][1].kind == name and later[0][1].text == text
        assert not [x for x in s.due(s.start_time + 600) if x[0] in ("cmd.report", "ingest.alert")]
    with pytest.raises(ValueError):
        make_scenario("nope", 7, None)


def test_crowd_level(scenario):
    ds = scenario.baseline.day_start
    for c in scenario.baseline.cameras:
        for h in (0, 1, 2, 3, 6, 14):
            assert 0.0 <= scenario.crowd_level(c.id, ds + h * 3600) <= 1.0
    start_cam = scenario.baseline.cameras[1].id
    assert scenario.crowd_level(start_cam, ds + 3300) > scenario.crowd_level(start_cam, ds + 13 * 3600)


# ------------------------------------------------------------------ field simulator

def _state(resource: Resource, incident: Incident):
    return SimpleNamespace(resources={resource.id: resource}, incidents={incident.id: incident},
                           tasks={})


def _incident(x=0.0, y=0.0) -> Incident:
    return Incident(id="I0001", alert="A0001", kind="crowd_density", severity="warning",
                    title="t", town="T1", grid="T1-C01-G1", x=x, y=y, created_at=0.0)


def _volunteer(x=800.0, y=0.0, rid="R0001", kind="volunteer") -> Resource:
    return Resource(id=rid, name="王伟", kind=kind, unit="u", grid="T1-C01-G1", town="T1",
                    x=x, y=y, status="dispatched")


def _step(sim, t0, seconds):
    out = []
    for i in range(1, seconds + 1):
        for typ, body in sim.due(t0 + i):
            out.append((t0 + i, typ, body))
    return out


def _accepting_seed(task="K0001", kind="volunteer") -> int:
    for seed in range(100):
        sim = FieldSimulator(seed)
        sim.on_event("task_dispatched", TaskDispatched(task=task, incident="I0001", resource="R0001",
                                                       actor="cmd"),
                     1000.0, _state(_volunteer(kind=kind), _incident()))
        ups = [b.status for typ, b in sim.due(1e9) if typ == "cmd.task_update"]
        if ups and ups[0] == "accepted":
            return seed
    raise AssertionError("no seed accepts")


def _volunteer_dispatched_800_m_away() -> tuple[FieldSimulator, float]:
    """A simulator that has just seen a volunteer sent to an incident 800 m away (and will accept)."""
    sim = FieldSimulator(_accepting_seed())
    t0 = 1000.0
    sim.on_event("task_dispatched", TaskDispatched(task="K0001", incident="I0001",
                                                   resource="R0001", actor="cmd"),
                 t0, _state(_volunteer(), _incident()))
    return sim, t0


def test_simulator_accept_travel_arrive_done():
    sim, t0 = _volunteer_dispatched_800_m_away()
    out = _step(sim, t0, 2 * 3600)
    ups = [(t, b.status) for t, typ, b in out if typ == "cmd.task_update"]
    assert [s for _, s in ups] == ["accepted", "arrived", "done"]
    assert all(isinstance(b, CmdTaskUpdate) and b.task == "K0001"
               for _, typ, b in out if typ == "cmd.task_update")
    t_acc, t_arr, t_done = (t for t, _ in ups)
    assert 5 <= t_acc - t0 <= 31
    lo, hi = SPEEDS["volunteer"]
    travel = t_arr - t_acc
    assert 800 / hi <= travel <= 800 / lo + 61
    assert 180 <= t_done - t_arr <= 901
    moves = [(t, m) for t, typ, b in out if typ == "ingest.positions" for m in b.moves]
    assert moves and all(m[0] == "R0001" for _, m in moves)
    assert all(t_acc <= t <= t_arr for t, _ in moves)
    xs = [m[1] for _, m in moves]
    assert xs == sorted(xs, reverse=True) and xs[-1] == 0.0  # walking straight to the incident
    gaps = [b - a for (a, _), (b, _) in zip(moves, moves[1:])]
    assert max(gaps) <= 6  # a batch about every 5 s
    assert sim.held == set()


def test_simulator_cancel_stops_everything():
    sim, t0 = _volunteer_dispatched_800_m_away()
    out = _step(sim, t0, 60)
    assert any(typ == "cmd.task_update" and b.status == "accepted" for _, typ, b in out)
    sim.on_event("task_cancelled", TaskStep(task="K0001", actor="cmd"), t0 + 60, None)
    assert _step(sim, t0 + 60, 3600) == []
    assert sim.held == set()


def test_simulator_deterministic_and_some_decline():
    def run(seed):
        sim = FieldSimulator(seed)
        res = {f"R{i:04d}": _volunteer(x=100.0 * i, rid=f"R{i:04d}", kind=RESOURCE_KINDS[i % 10])
               for i in range(1, 201)}
        state = SimpleNamespace(resources=res, incidents={"I0001": _incident()}, tasks={})
        for i in range(1, 201):
            sim.on_event("task_dispatched", TaskDispatched(
                task=f"K{i:04d}", incident="I0001", resource=f"R{i:04d}", actor="cmd"),
                1000.0 + i, state)
        return _step(sim, 1000.0, 6 * 3600)
    enc = msgspec.json.encode
    a, b = run(3), run(3)
    assert [(t, x, enc(y)) for t, x, y in a] == [(t, x, enc(y)) for t, x, y in b]
    statuses = Counter(y.status for _, x, y in a if x == "cmd.task_update")
    assert statuses["declined"] >= 1 and statuses["accepted"] >= 150
    assert statuses["done"] == statuses["arrived"] == statuses["accepted"]
    assert statuses["declined"] + statuses["accepted"] == 200
    c = run(4)
    assert [(t, x, enc(y)) for t, x, y in a] != [(t, x, enc(y)) for t, x, y in c]


# ------------------------------------------------------------------ frames

def test_frames(baseline):
    r = FrameRenderer()
    cam = baseline.cameras[1]
    t = baseline.day_start + 1800
    jpg = r.render(cam, t, 1, 0.8)
    assert jpg[:2] == b"\xff\xd8"
    img = simplejpeg.decode_jpeg(jpg)
    assert img.shape == (360, 640, 3)
    later = simplejpeg.decode_jpeg(r.render(cam, t + 2.0, 2, 0.8))
    assert np.abs(img.astype(int) - later.astype(int)).mean() > 0.1
    # deterministic: a fresh renderer draws the same frame
    assert FrameRenderer().render(cam, t, 1, 0.8) == jpg
    empty = r.render_array(cam, t, 3, 0.0)
    full = r.render_array(cam, t, 3, 1.0)
    assert np.abs(empty.astype(int) - full.astype(int)).sum() > 0
    other = r.render_array(baseline.cameras[40], t, 3, 0.5)
    assert other.shape == (360, 640, 3)


@pytest.mark.bench
def test_frame_speed(baseline):
    import time
    r = FrameRenderer()
    cam = baseline.cameras[0]
    r.render(cam, baseline.day_start, 0, 0.9)
    n = 100
    t0 = time.perf_counter()
    for i in range(n):
        r.render(cam, baseline.day_start + i * 0.2, i, 0.9)
    ms = (time.perf_counter() - t0) * 1000 / n
    print(f"frame render: {ms:.2f} ms")
    assert ms < 20  # generous on a loaded CI box; ~1–2 ms on one core


def test_messages_round_trip_the_codec():
    from console.protocol.codec import decode, encode
    from console.protocol.messages import BaselineLoaded
    sc = make_scenario("marathon", 7, None)
    msgs = [("baseline_loaded", BaselineLoaded(baseline=sc.baseline))]
    msgs += sc.due(sc.start_time + 1900)
    msgs += [(typ, body) for _, typ, body in sc.scheduled()]
    for typ, body in msgs:
        back = decode(encode(typ, body, id="x"))
        assert back.type == typ and back.body == body


@pytest.mark.slow
def test_whole_day_runs_to_the_end():
    sc = make_scenario("marathon", 7, None)
    n = Counter()
    t = sc.start_time
    while t < sc.end_time + 120:
        t += 60
        for typ, _ in sc.due(t):
            n[typ] += 1
    assert sc.finished
    assert n["ingest.alert"] == sum(1 for _, typ, _ in sc.scheduled() if typ == "ingest.alert")
    assert n["ingest.positions"] == int((sc.end_time - sc.start_time) // 10)
    assert sc.due(t + 600) == []
