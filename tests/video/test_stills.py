"""Idle tiles: over the live budget a tile shows a still refreshed every few seconds, marked as one.

Real GStreamer RTSP server, real CameraWall; the budget is cut to one live tile so
three cameras make one live tile and two idle ones.
"""

from __future__ import annotations


import pytest

from console.video import status as st
from tests.video.servers import RtspServer, needs_rtsp
from tests.video.test_tiles import _cam, _live, _replica, _shot, _wall, video  # noqa: F401 - the fixture

pytestmark = pytest.mark.ui


@needs_rtsp
def test_idle_tiles_show_a_still_refreshed_every_n_s_marked_with_its_time_never_as_live(
        qtbot, servers, video, english):
    pool, streams = video
    srv = servers(RtspServer())
    replica = _replica([_cam(f"CAM0{i}", sub=srv.url) for i in (1, 2, 3)])
    wall, _ = _wall(qtbot, replica, pool)
    wall.configure(live_tiles=1, still_s=1.5)
    live, idle = wall.tile_for("CAM01"), wall.tile_for("CAM02")
    assert wall.idle_cameras() == ["CAM02", "CAM03"]
    qtbot.waitUntil(lambda: _live(live) and idle.has_picture and wall.tile_for("CAM03").has_picture,
                    timeout=15000)
    # the idle tile says what it is: a still of a given time, no frame rate, never the live look
    assert idle.still and not idle.stale and idle.status_text() == ""
    assert idle.still_text().startswith("Still ") and idle.caption()[1] == "Still"
    assert live.still_text() == "" and live.caption()[1].endswith("fps")
    _shot(wall, "still")

    # the still is refreshed: a newer picture within about the interval, and the reader hangs up between
    qtbot.waitUntil(lambda: streams.status("CAM02").state == st.STILL, timeout=5000)
    reconnects = streams.status("CAM02").reconnects
    first_time = idle.live.frame_time
    qtbot.waitUntil(lambda: idle.live.frame_time > first_time, timeout=8000)
    second_time = idle.live.frame_time
    qtbot.waitUntil(lambda: idle.live.frame_time > second_time, timeout=8000)
    assert second_time - first_time > 1.0  # about the interval apart, not a stream of frames
    assert streams.status("CAM02").reconnects == reconnects  # a still taken is not a failure
    decoded_idle, decoded_live = pool.stats("CAM02").decoded, pool.stats("CAM01").decoded
    assert decoded_live > 5 * decoded_idle, (decoded_live, decoded_idle)

    # selecting an idle camera brings it live (the one being looked at is never a still)
    wall.selection.select_camera("CAM02")
    assert not idle.still and idle.still_text() == ""
    painted = idle.painted
    qtbot.waitUntil(lambda: idle.painted > painted + 10 and not idle.stale, timeout=15000)
    assert streams.status("CAM02").state == st.PLAYING
    assert streams.status("CAM02").reconnects == reconnects  # switched in place, not torn down


@needs_rtsp
def test_an_idle_tile_whose_camera_died_goes_stale_and_says_so(qtbot, servers, video, english):
    pool, streams = video
    srv = servers(RtspServer())
    replica = _replica([_cam("CAM01", sub=srv.url), _cam("CAM02", sub=srv.url)])
    wall, _ = _wall(qtbot, replica, pool)
    wall.configure(live_tiles=1, still_s=1.0)
    idle = wall.tile_for("CAM02")
    qtbot.waitUntil(lambda: idle.has_picture and idle.still_text() != "", timeout=15000)
    srv.stop()
    # overdue: twice the interval plus the 2 s rule, then greyed with the last picture's time and the reason
    qtbot.waitUntil(lambda: idle.stale, timeout=int((2 * 1.0 + 2.0 + 3.0) * 1000))
    assert idle.still_text() == "" and idle.live.last_picture_text().startswith("Last picture ")
    qtbot.waitUntil(lambda: idle.status_text() == "No signal" or idle.status_text().startswith("Reconnecting"),
                    timeout=8000)
    _shot(wall, "still-stale")
