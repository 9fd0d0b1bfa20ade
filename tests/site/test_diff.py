"""site_changes + apply: a re-import changes what the folder lists and keeps what is live."""

import msgspec

from console.domain.apply import apply
from console.domain.state import State
from console.protocol.codec import Message
from console.site import load_site, site_changes
from console.site.diff import listed_statuses

from tests.site.sitefolder import write_site


def _fold(state, events):
    for i, (t, body) in enumerate(events, state.seq + 1):
        apply(state, Message(t, body, i, 1000.0 + i))


def test_reimport_keeps_live_status_task_and_position(tmp_path):
    folder = write_site(tmp_path / "s")
    site = load_site(folder)
    listed = listed_statuses(site.baseline)
    state = State()
    events, kept, _ = site_changes(state, site.baseline)
    assert [t for t, _ in events] == ["baseline_loaded"] and kept == []
    _fold(state, events)
    # live: P1 is on a task somewhere else, P2 too, CAM1 offline
    p1 = state.resources["P1"]
    p1.status, p1.task, p1.x, p1.y = "en_route", "I-1-T1", 640.0, 410.0
    state.resources["P2"].status = "on_scene"
    state.cameras["CAM1"].online = False
    folder_now = load_site(folder).baseline  # the folder's own objects (the state's people are live ones)
    new = msgspec.structs.replace(folder_now, resources=[
        msgspec.structs.replace(folder_now.resources[0], unit="新网格站", skills=["应急协助"]),
        folder_now.resources[2]],
        cameras=[msgspec.structs.replace(folder_now.cameras[0], x=210.0), folder_now.cameras[1]])
    events, kept, waiting = site_changes(state, new, listed)
    assert [t for t, _ in events] == ["resource_updated", "camera_updated"]
    assert kept == ["P2"], "a person on a task is not removed under their task"
    assert waiting == {}, "the folder did not change anyone's status"
    _fold(state, events)
    p1 = state.resources["P1"]
    assert (p1.unit, p1.skills, p1.status, p1.task, p1.x, p1.y) == ("新网格站", ["应急协助"], "en_route", "I-1-T1", 640.0, 410.0)
    cam = state.cameras["CAM1"]
    assert (cam.x, cam.online) == (210.0, False)
    assert site_changes(state, new, listed_statuses(new)) == ([], ["P2"], {}), "importing the same folder again changes nothing"


def test_a_camera_turned_or_given_a_new_sub_stream_is_a_camera_updated(tmp_path):
    site = load_site(write_site(tmp_path / "s"))
    state = State()
    _fold(state, site_changes(state, site.baseline).events)
    cam = site.baseline.cameras[0]
    turned = msgspec.structs.replace(site.baseline, cameras=[
        msgspec.structs.replace(cam, heading=270.0, fov=45.0, sub="rtsp://10.0.0.1/sub2"), *site.baseline.cameras[1:]])
    events = site_changes(state, turned, listed_statuses(site.baseline)).events
    assert [(t, b.camera.id) for t, b in events] == [("camera_updated", cam.id)]
    _fold(state, events)
    assert (state.cameras[cam.id].heading, state.cameras[cam.id].fov, state.cameras[cam.id].sub) == (
        270.0, 45.0, "rtsp://10.0.0.1/sub2")


def test_a_status_the_folder_changes_is_set_now_or_when_the_persons_task_ends(tmp_path):
    folder = write_site(tmp_path / "s")
    state = State()
    _fold(state, site_changes(state, load_site(folder).baseline).events)
    previous = load_site(folder).baseline  # objects of its own: the state's are changed below
    state.resources["P1"].status, state.resources["P1"].task = "on_scene", "I-1-T1"
    state.resources["P3"].status = "available"  # the folder says off_duty; the day made them available
    p1, p2, p3 = previous.resources
    new = msgspec.structs.replace(previous, resources=[
        msgspec.structs.replace(p1, status="off_duty"),   # on a task: waits for it to end
        msgspec.structs.replace(p2, status="busy"),       # set now
        p3])                                              # unchanged in the folder: the live status stays
    events, kept, waiting = site_changes(state, new, listed_statuses(previous))
    assert [(t, b.resource, b.status) for t, b in events] == [("resource_status_changed", "P2", "busy")]
    assert kept == [] and waiting == {"P1": "off_duty"}
    _fold(state, events)
    assert state.resources["P2"].status == "busy" and state.resources["P3"].status == "available"
    # after a restart (no previous folder) the folder is compared with the live status instead
    assert [(b.resource, b.status) for _, b in site_changes(state, new).events] == [("P3", "off_duty")]
