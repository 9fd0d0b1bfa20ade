"""The camera wall's plan without a screen: where each camera sits, which decode live, what each pulls."""

from __future__ import annotations

import subprocess
import sys

from console.domain.model import Alert, Camera, Incident
from console.domain.state import State
from console.video.tour import Tour
from console.video.plan import (
    AlertingCameras, Paging, live_set, nearby_cameras, plan_sources,
)


def _cam(cid: str, x: float = 0.0, **urls) -> Camera:
    return Camera(id=cid, name=cid, grid="G", town="T", x=x, y=0.0, **urls)


def _pulled(n: int) -> dict[str, Camera]:
    return {f"C{i:02d}": _cam(f"C{i:02d}", sub=f"rtsp://cam/{i}/sub", main=f"rtsp://cam/{i}/main")
            for i in range(1, n + 1)}


def test_pages_hold_their_layout_and_a_new_layout_keeps_the_first_camera_in_sight():
    p = Paging(n=4)
    p.reload([f"C{i:02d}" for i in range(9, 0, -1)])
    assert p.cameras[:2] == ["C01", "C02"] and p.page_count() == 3
    assert p.set_page(7) and p.page == 2  # clamped to the last page
    assert not p.set_page(2)  # nothing changed
    side, placed = p.grid()
    assert side == 2 and placed == [("C09", 0, 0, 1)]
    p.page = 1
    p.set_layout(9)  # C05 was first on screen: its page at 9 tiles is the first
    assert (p.n, p.page) == (9, 0)
    p.reload(["C01", "C02"], order=("C02", "C99", "C01"))  # a view: its order, missing cameras left out
    assert p.cameras == ["C02", "C01"] and p.page_of("C01") == 0 and p.page_of("C99") is None


def test_the_focus_tile_takes_the_corner_with_its_nearby_cameras_beside_it_and_a_gone_focus_is_let_go():
    p = Paging(n=9, focus="C07")
    p.reload([f"C{i:02d}" for i in range(1, 13)])
    side, placed = p.grid(nearby=[("C07", 0.0), ("C11", 80.0)])
    assert side == 3 and placed[0] == ("C07", 0, 0, 2)
    assert [c for c, *_ in placed[1:]] == ["C11", "C01", "C02", "C03", "C04"]  # the 5 cells around it
    p.solo = "C03"
    assert p.grid() == (1, [("C03", 0, 0, 1)])
    p.reload(["C01", "C03"])
    assert p.focus is None and p.solo == "C03"


def test_nearby_cameras_are_the_nearest_within_the_radius():
    cams = [_cam("A", x=100), _cam("B", x=2000), _cam("C", x=-40), _cam("D", x=900)]
    assert nearby_cameras(cams, 0, 0, radius=1000, limit=2) == [("C", 40.0), ("A", 100.0)]


def test_the_live_budget_goes_to_the_focus_then_alerting_then_the_selected_camera_then_page_order():
    cams = _pulled(6)
    placed = [("C06", 0, 0, 2)] + [(f"C{i:02d}", 2, i, 1) for i in range(1, 6)]
    assert live_set(placed, cams, alerting={"C04"}, selected="C05", solo=False, budget=3) == {"C06", "C04", "C05"}
    assert live_set(placed, cams, alerting=set(), selected=None, solo=False, budget=2) == {"C06", "C01"}
    hub_only = {"C01": _cam("C01", stream="sim://C01")}
    assert live_set([("C01", 0, 0, 1)], hub_only, set(), None, False, 16) == set()


def test_each_camera_pulls_its_stream_at_its_tile_size_or_is_subscribed_at_the_hub():
    cams = _pulled(3) | {"H1": _cam("H1", stream="sim://H1")}
    placed = [("C01", 0, 0, 2), ("C02", 0, 2, 1), ("H1", 1, 2, 1)]
    plan = plan_sources(placed, 3, (200.0, 100.0), 2, 1.0, cams, pull=True, live={"C01"},
                        alerting={"C03"}, still_s=10.0)
    focus, idle = plan.wants["C01"], plan.wants["C02"]
    assert (focus.url, focus.width, focus.height, focus.still_s) == ("rtsp://cam/1/main", 402, 202, 0.0)
    assert focus.ring_url == "rtsp://cam/1/sub"  # the ring keeps the sub-stream while focus shows the main
    assert (idle.url, idle.width, idle.still_s, idle.ring_url) == ("rtsp://cam/2/sub", 200, 10.0, "")
    assert plan.still == {"C01": None, "C02": 10.0, "H1": None}
    assert plan.hub == {"H1"} and plan.min_size == {"H1": (200, 100)}
    # an alerting camera off the page keeps its packets for replay and evidence, undecoded
    assert not plan.wants["C03"].decode and plan.wants["C03"].ring_url == "rtsp://cam/3/sub"
    # reviewing a recording: every picture comes from the hub
    review = plan_sources(placed, 3, (200.0, 100.0), 2, 2.0, cams, pull=False, live=set(), alerting=set(),
                          still_s=10.0)
    assert review.wants == {} and review.hub == {"C01", "C02", "H1"} and review.min_size["C01"] == (804, 404)


def test_a_camera_alerts_while_an_incident_of_its_alert_is_open_and_shows_the_newest_alert():
    state = State(cameras=_pulled(2))
    for n, at in ((1, 10.0), (2, 20.0)):
        state.alerts[f"A{n}"] = Alert(id=f"A{n}", source="ai", kind="crowd", severity="warning", title=f"t{n}",
                                      at=at, x=0, y=0, grid="G", town="T", camera="C01")
        state.incidents[f"I{n}"] = Incident(id=f"I{n}", alert=f"A{n}", kind="crowd", severity="warning",
                                            title=f"t{n}", town="T", grid="G", x=0, y=0, created_at=at)
    alerting = AlertingCameras()
    alerting.rebuild(state)
    assert alerting.cameras() == {"C01"} and alerting.latest(state, "C01").id == "A2"
    state.incidents["I2"].status = "closed"
    assert alerting.update(state, {"I2"}) == {"C01"}
    assert alerting.cameras() == {"C01"} and alerting.latest(state, "C01").id == "A1"
    state.incidents["I1"].status = "false_alarm"
    alerting.update(state, {"I1"})
    assert alerting.cameras() == set() and alerting.latest(state, "C01") is None


def test_a_tour_turns_when_due_and_waits_while_an_alert_is_looked_at():
    tour = Tour()
    assert not tour.due(held=False, now=100.0)  # off
    tour.set(10.0, now=100.0)
    assert not tour.due(held=False, now=105.0)
    assert tour.due(held=False, now=110.0) and tour.due_at == 120.0
    assert not tour.due(held=True, now=125.0) and tour.due_at == 135.0  # a focus tile: the wait starts again
    tour.set(None, now=125.0)
    assert tour.seconds is None and not tour.due(held=False, now=1e9)


def test_the_plan_and_the_tour_load_no_qt():
    code = ("import sys, console.video.plan, console.video.tour\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
