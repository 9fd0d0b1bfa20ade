"""Camera wall, map and roster on a real replica (real events applied), offscreen."""

from __future__ import annotations

import numpy as np
import pytest
import simplejpeg
from PySide6.QtCore import QPointF, Qt

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.model import (
    Alert, Baseline, Camera, Detection, OrgUnit, Plan, PlanRole, Resource,
)
from console.domain.state import ChangeSet
from console.protocol import messages as m
from console.protocol.codec import JPEG, Frame, Message
from console.ui.panes.cameras import CameraWall
from console.ui.panes.map import MapPane
from console.ui.panes.roster import RosterPane
from console.ui.panes.roster.model import PENDING, status_label
from console.ui.shell.selection import Selection
from console.video import DecodePool

pytestmark = pytest.mark.ui


# ------------------------------------------------------------------ fixtures

def _small_baseline() -> Baseline:
    """A stand-in world when the marathon scenario is not importable."""
    org = [OrgUnit(id="D", name="区", level="district"),
           OrgUnit(id="T1", name="一街道", level="town", parent="D", center_x=500, center_y=500),
           OrgUnit(id="T1-C1", name="一社区", level="community", parent="T1")]
    for g in range(4):
        x0 = g * 250.0
        org.append(OrgUnit(id=f"T1-C1-G{g}", name=f"第{g}网格", level="grid", parent="T1-C1",
                           polygon=[(x0, 0), (x0 + 250, 0), (x0 + 250, 1000), (x0, 1000)],
                           center_x=x0 + 125, center_y=500))
    resources = [Resource(id=f"R{i:04d}", name=f"人员{i}", kind="volunteer" if i % 3 else "police",
                          unit="志愿者服务队", grid=f"T1-C1-G{i % 4}", town="T1", skills=["急救"],
                          x=10.0 + i * 9, y=100.0 + i) for i in range(100)]
    cameras = [Camera(id=f"CAM{i:02d}", name=f"摄像头{i}", grid="T1-C1-G0", town="T1",
                      x=i * 15.0, y=900.0) for i in range(1, 66)]
    plans = [Plan(id="P1", name="动物", kinds=["animal"], roles=[PlanRole(kind="volunteer", count=2)])]
    return Baseline(name="test", day_start=1_700_000_000.0, org=org, resources=resources,
                    cameras=cameras, plans=plans, course=[(0, 950), (1000, 950)])


def _baseline() -> Baseline:
    try:
        from console.scenarios.marathon import build_marathon_baseline
    except ImportError:
        return _small_baseline()
    return build_marathon_baseline()


class World:
    """A replica fed with real events, and the seq/clock to feed it more."""

    def __init__(self):
        self.baseline = _baseline()
        self.replica = Replica()
        self.seq = 0
        self.t = self.baseline.day_start
        self.event("baseline_loaded", m.BaselineLoaded(baseline=self.baseline))

    def event(self, type_: str, body) -> None:
        self.seq += 1
        self.t += 1.0
        self.replica.apply_event(Message(type_, body, self.seq, self.t))

    def alert(self, camera: str, incident: str, severity: str = "critical") -> Alert:
        cam = self.replica.state.cameras[camera]
        alert = Alert(id=f"A-{incident}", source="camera", kind="animal", severity=severity,
                      title="大型犬只闯入警戒线", at=self.t + 1, x=cam.x, y=cam.y, grid=cam.grid,
                      town=cam.town, camera=camera,
                      detections=[Detection(label="dog", score=0.94, x=0.46, y=0.55, w=0.09, h=0.1)])
        self.event("alert_raised", m.AlertRaised(alert=alert, incident=incident))
        return alert


class RecordingSink:
    """The controller's sink: records subscriptions and commands instead of sending."""

    def __init__(self):
        self.subscriptions: list[list[str]] = []
        self.commands: list[tuple[str, str, object]] = []

    def send_command(self, command_id, type_, body) -> None:
        self.commands.append((command_id, type_, body))

    def subscribe(self, cameras: list[str]) -> None:
        self.subscriptions.append(list(cameras))


@pytest.fixture
def world():
    return World()


@pytest.fixture
def sink():
    return RecordingSink()


@pytest.fixture
def controller(world, sink):
    return Controller(world.replica, sink)


@pytest.fixture
def selection():
    return Selection()


@pytest.fixture
def pool():
    p = DecodePool(workers=2)
    yield p
    p.close()


def _tick(world: World, *panes) -> ChangeSet:
    """What the main window's UI timer does: take the changes once, give them to every pane."""
    changes = world.replica.take_changes()
    for pane in panes:
        pane.refresh(changes)
    return changes


def _jpeg(w: int = 320, h: int = 180) -> bytes:
    img = np.zeros((h, w, 3), np.uint8)
    img[..., 0] = 200
    img[: h // 2, :, 1] = 180
    return simplejpeg.encode_jpeg(img, quality=85, colorspace="RGB")


@pytest.fixture
def wall(qtbot, world, controller, selection, pool):
    w = CameraWall(world.replica, controller, selection, pool, layout=4)
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    world.replica.take_changes()
    return w


# ------------------------------------------------------------------ camera wall

def test_layout_4_to_9_subscribes_exactly_the_visible_cameras(wall, sink, world):
    first = sorted(world.replica.state.cameras)
    assert sink.subscriptions[-1] == first[:4]
    assert len(wall.tiles) == 4
    wall.toolbar.layout_buttons[9].click()  # the toolbar button, as the user clicks it
    assert wall.paging.n == 9
    assert sink.subscriptions[-1] == first[:9]
    assert sorted(wall.visible_cameras()) == sink.subscriptions[-1]
    n = len(sink.subscriptions)
    wall.refresh(ChangeSet())  # a tick with nothing new does not resubscribe
    assert len(sink.subscriptions) == n
    wall.next_page()
    assert sink.subscriptions[-1] == first[9:18]
    wall.set_layout(64)
    assert len(sink.subscriptions[-1]) == 64 and wall.paging.page_count() == 2


def test_a_real_jpeg_frame_is_painted_by_its_tile(qtbot, wall, pool, world):
    cam = wall.visible_cameras()[0]
    tile = wall.tile_for(cam)
    before = tile.painted
    pool.submit(Frame(cam, world.t, 1, JPEG, 320, 180, _jpeg()))
    qtbot.waitUntil(lambda: pool.stats(cam).decoded == 1, timeout=3000)
    wall.refresh(ChangeSet())
    assert tile.pending and tile.frame_number == 1
    qtbot.waitUntil(lambda: tile.painted == before + 1, timeout=3000)
    assert not tile.pending
    # the picture really is on the tile: sample the middle of the top half (red + green)
    img = tile.grab().toImage()
    c = img.pixelColor(tile.width() // 2, tile.height() // 3)
    assert c.red() > 150 and c.green() > 120 and c.blue() < 90


def test_a_camera_moved_into_the_focus_tile_keeps_its_picture_without_a_new_frame(qtbot, wall, pool, world):
    cam = wall.visible_cameras()[1]
    pool.submit(Frame(cam, world.t, 1, JPEG, 320, 180, _jpeg()))
    qtbot.waitUntil(lambda: pool.stats(cam).decoded == 1, timeout=3000)
    wall.refresh(ChangeSet())
    assert wall.tile_for(cam).has_picture
    wall.focus_camera(cam)  # a different, bigger tile now shows this camera
    focus = wall.tile_for(cam)
    assert focus.focused
    wall.refresh(ChangeSet())  # no new frame has come (a drill sends one every 40 s)
    assert focus.has_picture and focus.frame_number == 1


def test_a_tile_that_has_not_painted_drops_the_next_frame(wall, pool, world, qtbot):
    cam = wall.visible_cameras()[1]
    tile = wall.tile_for(cam)
    wall.hide()  # nothing paints while hidden
    for n in (1, 2):
        pool.submit(Frame(cam, world.t, n, JPEG, 320, 180, _jpeg()))
        qtbot.waitUntil(lambda n=n: pool.stats(cam).decoded == n, timeout=3000)
        wall.refresh(ChangeSet())
    assert tile.dropped == 1 and tile.frame_number == 1


def test_alert_raised_marks_the_tile_and_draws_boxes(wall, world):
    cam = wall.visible_cameras()[2]
    alert = world.alert(cam, "I1")
    _tick(world, wall)
    tile = wall.tile_for(cam)
    assert tile.alerting
    assert [d.label for d in tile.detections] == ["dog"]
    assert tile.detections == alert.detections
    assert cam in wall.alerting_cameras()
    others = [t for t in wall.tiles if t.camera_id != cam]
    assert not any(t.alerting for t in others)
    # closing the loop stops the flashing
    world.event("incident_false_alarm", m.IncidentStep(incident="I1", actor="cmdr"))
    _tick(world, wall)
    assert not tile.alerting and cam not in wall.alerting_cameras()


def test_focus_camera_pops_an_invisible_camera_into_the_focus_tile(qtbot, wall, world, sink):
    cams = sorted(world.replica.state.cameras)
    target = cams[40]
    assert target not in wall.visible_cameras()
    world.alert(target, "I2")
    _tick(world, wall)
    wall.focus_camera(target)
    assert wall.visible_cameras()[0] == target
    tile = wall.tile_for(target)
    assert tile.focused and tile.alerting
    assert target in sink.subscriptions[-1]
    assert sorted(wall.visible_cameras()) == sink.subscriptions[-1]
    # the focus tile is the big one (laid out once the event loop runs)
    qtbot.waitUntil(lambda: tile.width() > 1.5 * wall.tiles[1].width(), timeout=2000)
    wall.clear_focus()
    assert target not in wall.visible_cameras()


def test_double_click_toggles_single_view_and_click_selects(qtbot, wall, selection):
    cam = wall.visible_cameras()[3]
    tile = wall.tile_for(cam)
    with qtbot.waitSignal(selection.sig_camera, timeout=1000) as blocker:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert blocker.args == [cam] and tile.selected
    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    assert wall.visible_cameras() == [cam] and wall.paging.solo == cam
    qtbot.mouseDClick(wall.tiles[0], Qt.MouseButton.LeftButton)
    assert len(wall.visible_cameras()) == 4


def test_wall_follows_a_camera_selected_elsewhere(wall, selection, world):
    target = sorted(world.replica.state.cameras)[20]
    selection.select_camera(target)
    assert target in wall.visible_cameras() and wall.tile_for(target).selected


# ------------------------------------------------------------------ map

@pytest.fixture
def map_pane(qtbot, world, selection):
    w = MapPane(world.replica, selection)
    qtbot.addWidget(w)
    w.resize(1000, 600)
    w.show()
    qtbot.waitExposed(w)
    world.replica.take_changes()
    return w


def test_map_has_one_point_per_person_and_moves_them(map_pane, world):
    state = world.replica.state
    assert len(map_pane.people.data) == len(state.resources)
    rid = next(iter(state.resources))
    r = state.resources[rid]
    assert map_pane.point_of(rid) == (r.x, r.y)
    updates = map_pane.people_layer.updates
    world.event("resources_moved", m.ResourcesMoved(moves=[(rid, r.x + 123.0, r.y - 45.0)]))
    _tick(world, map_pane)
    assert map_pane.point_of(rid) == pytest.approx((r.x, r.y))
    assert map_pane.point_of(rid) == pytest.approx((state.resources[rid].x, state.resources[rid].y))
    assert map_pane.people_layer.updates == updates + 1  # one setData for the tick
    _tick(world, map_pane)
    assert map_pane.people_layer.updates == updates + 1  # nothing moved: no setData


def test_map_shows_open_incidents_and_colours_by_status(map_pane, world):
    cam = sorted(world.replica.state.cameras)[0]
    world.alert(cam, "I3")
    rid = next(r.id for r in world.replica.state.resources.values() if r.status == "available")
    world.event("task_dispatched", m.TaskDispatched(task="T1", incident="I3", resource=rid, actor="c"))
    _tick(world, map_pane)
    assert len(map_pane.incidents.data) == 1
    i = map_pane.people_layer.resource_ids.index(rid)
    colour = map_pane.people.data["brush"][i].color().name()
    from console.ui.common.theme import RESOURCE_STATUS_COLORS
    assert colour == RESOURCE_STATUS_COLORS["dispatched"]


def test_clicking_a_person_on_the_map_selects_it(qtbot, map_pane, world, selection):
    rid = map_pane.people_layer.resource_ids[0]
    x, y = map_pane.point_of(rid)
    vb = map_pane.plot.getViewBox()
    pos = map_pane.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    with qtbot.waitSignal(selection.sig_resource, timeout=2000) as blocker:
        qtbot.mouseClick(map_pane.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    clicked = blocker.args[0]
    # people can share a pixel at this zoom; whoever was hit sits under the mouse
    cx, cy = map_pane.point_of(clicked)
    px = vb.viewPixelSize()
    assert abs(cx - x) <= 6 * px[0] and abs(cy - y) <= 6 * px[1]
    assert selection.resource == clicked
    assert map_pane.ring.data["x"][0] == cx  # ringed where it was clicked, map not panned


# ------------------------------------------------------------------ roster

@pytest.fixture
def roster(qtbot, world, controller, selection):
    w = RosterPane(world.replica, controller, selection)
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.show()
    qtbot.waitExposed(w)
    world.replica.take_changes()
    return w


def test_roster_click_selects_and_the_map_follows(qtbot, roster, map_pane, selection, world):
    view = roster.table
    row = 5
    rid = roster.model.resource_at(row)
    rect = view.visualRect(roster.model.index(row, 0))
    with qtbot.waitSignal(selection.sig_resource, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [rid] and selection.resource == rid
    r = world.replica.state.resources[rid]
    ring = map_pane.ring.data
    assert len(ring) == 1 and (ring["x"][0], ring["y"][0]) == (r.x, r.y)
    centre = map_pane.plot.getViewBox().viewRect().center()
    assert centre.x() == pytest.approx(r.x, abs=1.0) and centre.y() == pytest.approx(r.y, abs=1.0)


def test_roster_follows_a_selection_made_elsewhere(roster, selection):
    rid = roster.model.resource_at(40)
    selection.select_resource(rid)
    assert roster.table.currentIndex().row() == roster.model.row_of(rid)


def test_roster_search_filters_rows(qtbot, roster, world):
    state = world.replica.state
    total = len(state.resources)
    assert len(roster.visible_resources()) == total
    target = state.resources[roster.model.resource_at(0)]
    # typed, as the user does (QTest can only type Latin keys: the id)
    qtbot.keyClicks(roster.search, target.id)
    assert roster.visible_resources() == [target.id]
    roster.set_search(target.name)  # a Chinese name, as an input method would commit it
    rows = roster.visible_resources()
    assert target.id in rows and 0 < len(rows) < total
    assert all(target.name in state.resources[r].name for r in rows)
    roster.set_search("")
    assert len(roster.visible_resources()) == total
    # a kind's word in either language finds the same people (the glossary's words)
    enforcers = sorted(r.id for r in state.resources.values() if r.kind == "law_enforcement")
    assert enforcers
    for word in ("综合执法", "law enforcement"):
        roster.set_search(word)
        assert sorted(roster.visible_resources()) == enforcers, word
    roster.set_search("")
    # kind filter and tree node filter, in Python
    roster.kind_box.setCurrentIndex(roster.kind_box.findData("police"))
    assert roster.visible_resources() and all(
        state.resources[r].kind == "police" for r in roster.visible_resources())
    roster.kind_box.setCurrentIndex(0)
    town = next(u.id for u in state.org.values() if u.level == "town")
    roster.select_node(town)
    assert all(state.resources[r].town == town for r in roster.visible_resources())


def test_roster_updates_changed_rows_counts_and_pending(qtbot, roster, world, controller, sink):
    cam = sorted(world.replica.state.cameras)[0]
    world.alert(cam, "I4")
    _tick(world, roster)
    before = roster.counts()
    resets: list[int] = []
    changed: list[int] = []
    roster.model.modelReset.connect(lambda: resets.append(1))
    roster.model.dataChanged.connect(lambda a, b, roles=None: changed.append(a.row()))
    rid = next(r.id for r in world.replica.state.resources.values() if r.status == "available")
    assert not controller.dispatch("I4", rid).refused_here  # pending until the hub confirms
    _tick(world, roster)
    row = roster.model.row_of(rid)
    assert roster.model.display_status(world.replica.state.resources[rid]) == PENDING
    assert roster.model.data(roster.model.index(row, 5)) == status_label(PENDING)
    assert row in changed  # repainted in place
    world.replica.pending.clear()
    world.event("task_dispatched", m.TaskDispatched(task="T9", incident="I4", resource=rid, actor="c"))
    _tick(world, roster)
    row = roster.model.row_of(rid)
    assert roster.model.data(roster.model.index(row, 6)) == "大型犬只闯入警戒线"
    left = roster.model.data(roster.model.index(row, 7))
    assert left.count(":") == 1
    after = roster.counts()
    assert after["dispatched"] == before["dispatched"] + 1
    assert after["available"] == before["available"] - 1
    assert not resets  # no full reset outside a baseline
    assert "可用" in roster.header.text() or "Available" in roster.header.text()


def test_roster_status_filter_settles_rows_that_changed_status(roster, world):
    cam = sorted(world.replica.state.cameras)[0]
    world.alert(cam, "I5")
    _tick(world, roster)
    roster.status_box.setCurrentIndex(roster.status_box.findData("available"))
    rows = roster.visible_resources()
    rid = rows[0]
    world.event("task_dispatched", m.TaskDispatched(task="T5", incident="I5", resource=rid, actor="c"))
    _tick(world, roster)
    assert roster.model.settle()  # what the once-a-second tick does
    assert rid not in roster.visible_resources()
    assert len(roster.visible_resources()) == len(rows) - 1
    town = world.replica.state.resources[rid].town
    assert roster.counts(town)["dispatched"] >= 1


# ------------------------------------------------------------------ map: cones, heat, layers

def _screen_pos(map_pane, x: float, y: float):
    vb = map_pane.plot.getViewBox()
    return map_pane.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def _clear_cone_point(map_pane, world, reach: float = 40.0):
    """(camera id, a point inside its cone) with no person or camera marker near it."""
    import math

    state = world.replica.state
    for cam in sorted(state.cameras.values(), key=lambda c: c.id):
        if cam.heading is None:
            continue
        a = math.radians(cam.heading)
        px, py = cam.x + reach * math.sin(a), cam.y + reach * math.cos(a)
        crowded = any(math.hypot(r.x - px, r.y - py) < 20 for r in state.resources.values())
        near_cam = any(math.hypot(c.x - px, c.y - py) < 20 for c in state.cameras.values())
        if not crowded and not near_cam and map_pane.cones.cones.camera_at(px, py) == cam.id:
            return cam.id, (px, py)
    pytest.skip("no camera cone free of markers in this world")


def test_a_camera_record_without_heading_still_loads_and_gets_no_cone():
    import msgspec

    old = b'{"id":"C1","name":"n","grid":"G","town":"T","x":1.0,"y":2.0,"stream":"rtsp://h/x"}'
    cam = msgspec.json.decode(old, type=Camera)
    assert (cam.heading, cam.fov) == (None, None)
    from console.ui.panes.map.cones import ConeSet

    assert ConeSet([cam]).ids == []
    cam.heading, cam.fov = 90.0, 60.0  # looking east, 60° wide
    cones = ConeSet([cam])
    assert cones.camera_at(31.0, 2.0) == "C1" and cones.camera_at(31.0, 30.0) is None  # 43° off: outside
    assert cones.camera_at(-29.0, 2.0) is None and cones.camera_at(100.0, 2.0) is None  # behind; too far


def test_clicking_a_camera_cone_selects_that_camera(qtbot, map_pane, world, selection):
    cams = [c for c in world.replica.state.cameras.values() if c.heading is not None]
    assert cams and len(map_pane.cones.cones.ids) == len(cams)
    some = cams[0]
    map_pane.zoom_to(some.x, some.y, span=300.0)
    cid, (px, py) = _clear_cone_point(map_pane, world)
    cam = world.replica.state.cameras[cid]
    map_pane.zoom_to(cam.x, cam.y, span=300.0)
    with qtbot.waitSignal(selection.sig_camera, timeout=2000) as blocker:
        qtbot.mouseClick(map_pane.plot.viewport(), Qt.MouseButton.LeftButton, pos=_screen_pos(map_pane, px, py))
    assert blocker.args == [cid] and selection.camera == cid


def test_hovering_a_cone_shows_the_camera_picture_or_its_name_and_state(qtbot, map_pane, world):
    from PySide6.QtGui import QColor, QImage

    cid, (px, py) = _clear_cone_point(map_pane, world)
    cam = world.replica.state.cameras[cid]
    map_pane.zoom_to(cam.x, cam.y, span=300.0)
    text, image = map_pane.hover.camera_peek(cid)
    assert image is None and cam.name in text and ("在线" in text or "online" in text)
    picture = QImage(320, 180, QImage.Format.Format_RGB888)
    picture.fill(QColor("#336699"))
    map_pane.snapshot_of = lambda camera: picture if camera == cid else None
    qtbot.mouseMove(map_pane.plot.viewport(), _screen_pos(map_pane, px, py))
    qtbot.waitUntil(map_pane.hover.peek.isVisible, timeout=2000)
    assert "<img" in map_pane.hover.peek.text() and cam.name in map_pane.hover.text
    world.event("camera_status_changed", m.CameraStatusChanged(camera=cid, online=False))
    _tick(world, map_pane)
    map_pane._load_cameras()
    assert "离线" in map_pane.hover.camera_peek(cid)[0] or "offline" in map_pane.hover.camera_peek(cid)[0]


def test_crowd_density_readings_draw_heat_for_a_window_and_can_be_switched_off(qtbot, map_pane, world):
    from console.domain.model import CROWD_UNIT
    from console.ui.panes.map.heat import HEAT_WINDOW_S

    state = world.replica.state
    a_id, b_id = sorted(state.cameras)[:2]
    a, b = state.cameras[a_id], state.cameras[b_id]

    def reading(n: int, cam, value: float, at: float) -> None:
        alert = Alert(id=f"D{n}", source="camera", kind="crowd_density", severity="warning", title="密度",
                      at=at, x=cam.x, y=cam.y, grid=cam.grid, town=cam.town, camera=cam.id,
                      value=value, unit=CROWD_UNIT)
        world.event("alert_raised", m.AlertRaised(alert=alert, incident=f"ID{n}"))

    reading(1, a, 2.0, world.t - 60)
    reading(2, a, 4.6, world.t)          # the newest reading of a camera wins
    reading(3, b, 4.0, world.t - 2 * HEAT_WINDOW_S)  # too old to show
    _tick(world, map_pane)
    assert [(p.x, p.y) for p in map_pane.heat.points] == [(a.x, a.y)]
    assert map_pane.heat.value_at(a.x, a.y) == pytest.approx(4.6, rel=0.05)
    assert map_pane.heat.image is not None and map_pane.heat.isVisible()
    assert map_pane.heat.value_at(a.x + 500, a.y + 500) < 0.1
    button = map_pane.layer_buttons["heat"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not map_pane.heat.isVisible() and not map_pane.heat_legend.isVisible()
    assert not map_pane.layer_on("heat")


def test_every_layer_has_a_switch_in_glossary_words(qtbot, map_pane):
    from console.ui.common import glossary
    from console.ui.common.i18n import current_lang
    from console.ui.panes.map.widget import LAYERS

    lang = current_lang()
    assert [map_pane.layer_buttons[n].text() for n in LAYERS] == [
        glossary.map_word(f"layer_{n}", lang) for n in LAYERS]
    assert not map_pane.layer_buttons["base"].isEnabled()  # no base map attached
    for name, items in (("people", [map_pane.people]), ("cameras", [map_pane.cameras, map_pane.cones]),
                        ("incidents", [map_pane.incidents]), ("grids", [map_pane.grids, map_pane.towns])):
        qtbot.mouseClick(map_pane.layer_buttons[name], Qt.MouseButton.LeftButton)
        assert all(not i.isVisible() for i in items), name
        qtbot.mouseClick(map_pane.layer_buttons[name], Qt.MouseButton.LeftButton)
        assert all(i.isVisible() for i in items), name


def test_the_cone_hover_picture_is_the_camera_walls_newest_frame(qtbot, wall, pool, world):
    from console.ui.panes.map.snapshots import wall_snapshots

    cam = wall.visible_cameras()[0]
    snapshot_of = wall_snapshots(wall)
    assert snapshot_of(cam) is None
    pool.submit(Frame(cam, world.t, 1, JPEG, 320, 180, _jpeg()))
    qtbot.waitUntil(lambda: pool.stats(cam).decoded == 1, timeout=3000)
    wall.refresh(ChangeSet())  # the UI tick: the wall takes the decoded frame
    img = snapshot_of(cam)
    assert (img.width(), img.height()) == (320, 180)
    assert img.pixelColor(10, 10).red() > 150  # the frame's own colour, not a blank
