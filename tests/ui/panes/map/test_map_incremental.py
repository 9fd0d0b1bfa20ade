"""The map's refresh is incremental: after ticks that changed a few things, it shows what a fresh map would.

The map keeps the open incidents from each tick's changed ids and redraws the camera and
incident scatters only when what they show changed; these tests hold that shortcut to the
full rebuild (a new pane built from the same state), marker by marker.
"""

from __future__ import annotations

import pytest

from console.protocol import messages as m
from console.ui.panes.map import MapPane
from console.ui.panes.map import widget as map_widget
from tests.ui.panes.test_wall_map_roster import World, _tick

pytestmark = pytest.mark.ui


def _markers(pane: MapPane) -> dict[str, object]:
    """Everything the map draws for people, cameras, cones and incidents, by id (what the user sees)."""
    people = pane.people.data
    cams = pane.cameras.data
    incs = pane.incidents.data
    return {
        "people": {rid: (float(people["x"][i]), float(people["y"][i]), people["brush"][i].color().name())
                   for i, rid in enumerate(pane.people_layer.resource_ids)},
        "cameras": {cid: (float(cams["x"][i]), float(cams["y"][i]), cams["brush"][i].color().name())
                    for i, cid in enumerate(pane._camera_ids)},
        "cone_states": dict(pane.camera_state),
        "cone_ids": list(pane.cones.cones.ids),
        "incidents": {iid: (float(incs["x"][i]), float(incs["y"][i]), incs["brush"][i].color().name())
                      for i, iid in enumerate(pane._incident_ids)},
    }


@pytest.fixture
def world():
    return World()


@pytest.fixture
def live_map(qtbot, world, selection, monkeypatch):
    # markers are throttled to a few redraws a second; here every tick may redraw them
    monkeypatch.setattr(map_widget, "MARKERS_EVERY_S", 0.0)
    pane = MapPane(world.replica, selection)
    qtbot.addWidget(pane)
    pane.resize(900, 600)
    world.replica.take_changes()
    return pane


@pytest.fixture
def selection():
    from console.ui.shell.selection import Selection

    return Selection()


def _fresh(qtbot, world, selection) -> MapPane:
    pane = MapPane(world.replica, selection)
    qtbot.addWidget(pane)
    return pane


def test_ticks_that_change_a_few_things_draw_what_a_full_rebuild_draws(qtbot, world, selection, live_map):
    state = world.replica.state
    rids = sorted(state.resources)
    cams = sorted(state.cameras)
    # tick 1: three people move, two change status, two alerts open incidents (one warning)
    moved = rids[:3]
    world.event("resources_moved", m.ResourcesMoved(
        moves=[(rid, state.resources[rid].x + 50.0, state.resources[rid].y - 20.0) for rid in moved]))
    world.event("resource_status_changed", m.ResourceStatusChanged(resource=rids[5], status="busy"))
    world.event("resource_status_changed", m.ResourceStatusChanged(resource=rids[6], status="off_duty"))
    world.alert(cams[0], "I1")
    world.alert(cams[1], "I2", severity="warning")
    _tick(world, live_map)
    after_one = _markers(live_map)
    assert set(after_one["incidents"]) == {"I1", "I2"}
    assert after_one["cone_states"][cams[0]] == "alert"
    assert after_one == _markers(_fresh(qtbot, world, selection))

    # tick 2: one incident closed, a camera goes offline, a third alert, someone moves again
    world.event("incident_false_alarm", m.IncidentStep(incident="I1", actor="cmdr"))
    world.event("camera_status_changed", m.CameraStatusChanged(camera=cams[2], online=False))
    world.alert(cams[3], "I3")
    world.event("resources_moved", m.ResourcesMoved(moves=[(rids[0], 1.0, 2.0)]))
    _tick(world, live_map)
    after_two = _markers(live_map)
    assert set(after_two["incidents"]) == {"I2", "I3"}
    assert after_two["cone_states"][cams[0]] == "normal"  # its incident is settled: no longer alerting
    assert after_two["cone_states"][cams[2]] == "off"
    assert after_two["people"][rids[0]][:2] == (1.0, 2.0)
    assert after_two == _markers(_fresh(qtbot, world, selection))

    # tick 3: the settled incident is archived (it leaves the state), the open one stays
    world.event("incidents_archived", m.IncidentsArchived(incidents=["I1"]))
    _tick(world, live_map)
    assert _markers(live_map) == _markers(_fresh(qtbot, world, selection))


def test_a_tick_that_only_moves_people_does_not_redraw_the_markers(world, live_map):
    cams = sorted(world.replica.state.cameras)
    world.alert(cams[0], "I1")
    _tick(world, live_map)
    drawn = live_map.marker_updates
    people = live_map.people_layer.updates
    rid = next(iter(world.replica.state.resources))
    world.event("resources_moved", m.ResourcesMoved(moves=[(rid, 5.0, 6.0)]))
    _tick(world, live_map)
    assert live_map.people_layer.updates == people + 1
    assert live_map.point_of(rid) == (5.0, 6.0)
    assert live_map.marker_updates == drawn  # the stars and cameras are the same: no setData
    # an alert on another camera changes both scatters: they are redrawn
    world.alert(cams[1], "I2")
    _tick(world, live_map)
    assert live_map.marker_updates == drawn + 2
    assert set(live_map._incident_ids) == {"I1", "I2"}


def test_the_heat_is_read_when_its_layer_is_switched_back_on(world, live_map, monkeypatch):
    monkeypatch.setattr(map_widget, "HEAT_EVERY_S", 0.0)
    reads: list[int] = []
    original = live_map._load_heat

    def counting():
        reads.append(1)
        original()

    monkeypatch.setattr(live_map, "_load_heat", counting)
    live_map.set_layer("heat", False)
    world.event("resources_moved", m.ResourcesMoved(moves=[(next(iter(world.replica.state.resources)), 5.0, 6.0)]))
    _tick(world, live_map)
    assert reads == []  # hidden: nobody sees it, the alerts are not read
    live_map.set_layer("heat", True)
    assert reads == [1]  # shown again: drawn from the alerts as they are now
