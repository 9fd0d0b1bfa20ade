"""Camera tiles playing real streams: live, stale within 2 s, reasons on the tile, back again.

The wall is the real CameraWall on a replica fed real events; streams come from
GStreamer's RTSP server started by the test. Set VIDEO_SHOTS=/some/dir to keep
PNGs of the tiles (live, stale, reconnecting, auth failed) for a look.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from console.client.controller import Controller
from console.client.replica import Replica
from console.domain.model import Alert, Baseline, Camera, OrgUnit
from console.protocol import messages as m
from console.protocol.codec import Message
from console.ui.panes.cameras import CameraWall
from console.ui.panes.cameras.stale import STALE_AFTER_S
from console.ui.panes.diagnostics.widget import DiagnosticsPane
from console.ui.shell.selection import Selection
from console.video import status as st
from console.video.pool import DecodedFrame, DecodePool
from console.video.sources import StreamSources
from tests.video.servers import RtspServer, needs_rtsp

pytestmark = pytest.mark.ui

SHOTS = os.environ.get("VIDEO_SHOTS")


class Sink:
    """The controller's link: records hub subscriptions."""

    def __init__(self):
        self.subscriptions: list[list[str]] = []

    def send_command(self, command_id, type_, body) -> None:
        pass

    def subscribe(self, cameras: list[str]) -> None:
        self.subscriptions.append(list(cameras))


def _replica(cameras: list[Camera]) -> Replica:
    org = [OrgUnit(id="D", name="区", level="district"), OrgUnit(id="T1", name="街道", level="town", parent="D")]
    baseline = Baseline(name="video", day_start=1_764_457_200.0, org=org, resources=[], cameras=cameras,
                        plans=[], course=[])
    replica = Replica()
    replica.apply_event(Message("baseline_loaded", m.BaselineLoaded(baseline=baseline), 1, 1_764_457_200.0))
    return replica


def _cam(cid: str, **urls) -> Camera:
    return Camera(id=cid, name=f"滨江路 {cid}", grid="T1", town="T1", x=0, y=0, **urls)


@pytest.fixture
def video():
    pool = DecodePool(workers=1)
    streams = StreamSources(pool, read_timeout=1.5, backoff_base=0.3, backoff_cap=1.5)
    yield pool, streams
    streams.close(join_timeout=5.0)
    pool.close()


def _wall(qtbot, replica: Replica, pool: DecodePool, layout: int = 4):
    sink = Sink()
    wall = CameraWall(replica, Controller(replica, sink), Selection(), pool, layout=layout)
    qtbot.addWidget(wall)
    wall.resize(960, 560)
    wall.show()
    qtbot.waitExposed(wall)
    tick = QTimer(wall)  # what the main window's UI tick does
    tick.setInterval(50)
    tick.timeout.connect(lambda: wall.refresh(replica.take_changes()))
    tick.start()
    return wall, sink


def _shot(widget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _live(tile) -> bool:
    return tile.has_picture and not tile.stale and tile.painted > 3


@needs_rtsp
def test_a_tile_goes_stale_within_2_s_of_its_server_stopping_says_so_and_plays_again(qtbot, servers, video,
                                                                                       english):
    pool, streams = video
    a, b = servers(RtspServer()), servers(RtspServer())
    replica = _replica([_cam("CAM01", sub=a.url), _cam("CAM02", sub=b.url)])
    wall, _ = _wall(qtbot, replica, pool)
    one, two = wall.tile_for("CAM01"), wall.tile_for("CAM02")
    qtbot.waitUntil(lambda: _live(one) and _live(two), timeout=15000)
    assert one.status_text() == ""
    _shot(wall, "live")

    a.stop()
    # the tile's last frame came at most one frame period before the stop
    qtbot.waitUntil(lambda: one.stale, timeout=int((STALE_AFTER_S + 0.5) * 1000))
    assert one.status_text() in ("No signal", "Connecting…") or one.status_text().startswith("Reconnecting")
    assert one.live.last_picture_text().startswith("Last picture ")
    _shot(wall, "stale")
    qtbot.waitUntil(lambda: one.stream_state == st.NO_SIGNAL and one.stream_attempts > 1, timeout=10000)
    assert one.status_text() == "No signal"
    assert one.retry_text().startswith("Reconnecting (attempt ")
    _shot(wall, "reconnecting")
    assert _live(two) and not two.stale  # the other server's tile never stopped

    painted = one.painted
    a.start()  # same port: the reader's backoff finds it again
    qtbot.waitUntil(lambda: not one.stale and one.painted > painted + 5, timeout=15000)
    assert one.status_text() == ""


@needs_rtsp
def test_wrong_password_missing_stream_and_dead_server_say_so_others_play(qtbot, servers, video, english):
    pool, streams = video
    srv = servers(RtspServer(credentials="admin:s3cret"))
    dead = RtspServer()  # never started: its port refuses
    replica = _replica([
        _cam("CAM01", sub=srv.url_with("admin", "s3cret")),
        _cam("CAM02", sub=srv.url_with("admin", "wrong-pw")),
        _cam("CAM03", sub=srv.url_with("admin", "s3cret").replace("/cam", "/nothing")),
        _cam("CAM04", sub=dead.url),
    ])
    wall, _ = _wall(qtbot, replica, pool)
    tiles = {c: wall.tile_for(c) for c in ("CAM01", "CAM02", "CAM03", "CAM04")}
    qtbot.waitUntil(lambda: _live(tiles["CAM01"]), timeout=15000)
    qtbot.waitUntil(lambda: tiles["CAM02"].status_text() == "Authentication failed", timeout=10000)
    qtbot.waitUntil(lambda: tiles["CAM03"].status_text() == "Stream not found", timeout=10000)
    qtbot.waitUntil(lambda: tiles["CAM04"].status_text() == "No signal"
                    or tiles["CAM04"].status_text().startswith("Reconnecting"), timeout=10000)
    assert not any(t.has_picture for c, t in tiles.items() if c != "CAM01")
    _shot(wall, "failures")

    # diagnostics: per-camera state, URL without the password
    diag = DiagnosticsPane(replica, pool)
    qtbot.addWidget(diag)
    diag.refresh(replica.take_changes())
    rows = diag.video_rows()
    assert rows["CAM01"][2] == "Playing" and rows["CAM02"][2] == "Authentication failed"
    assert all("s3cret" not in c and "wrong-pw" not in c for row in rows.values() for c in row)
    assert rows["CAM02"][1].startswith("rtsp://***@127.0.0.1:")
    diag.resize(1400, 500)
    _shot(diag, "diagnostics")
    assert all("s3cret" not in t.toolTip() for t in tiles.values())


@needs_rtsp
def test_grid_tiles_pull_the_sub_stream_the_focus_tile_the_main_and_the_hub_only_pushes_the_rest(
        qtbot, servers, video):
    pool, streams = video
    main, sub = servers(RtspServer(size="1280x720")), servers(RtspServer(size="320x180"))
    replica = _replica([_cam("CAM01", main=main.url, sub=sub.url), _cam("CAM02", stream="sim://CAM02"),
                        _cam("CAM03", sub=sub.url)])
    wall, sink = _wall(qtbot, replica, pool)
    assert sink.subscriptions[-1] == ["CAM02"]  # only the hub-pushed camera is subscribed at the hub
    assert streams.status("CAM01").url == sub.url
    wall.focus_camera("CAM01")
    assert streams.status("CAM01").url == main.url
    qtbot.waitUntil(lambda: (s := streams.status("CAM01")) and s.width == 1280, timeout=15000)
    wall.clear_focus()
    assert streams.status("CAM01").url == sub.url
    wall.set_layout(1)  # CAM02 and CAM03 leave the page: their readers stop
    assert streams.pulled() == ["CAM01"]


def test_review_mode_takes_the_hubs_recorded_frames_not_the_streams(qtbot, video):
    pool, streams = video
    replica = _replica([_cam("CAM01", sub="rtsp://127.0.0.1:9/cam")])
    replica.link.mode = "review"
    wall, sink = _wall(qtbot, replica, pool)
    qtbot.waitUntil(lambda: sink.subscriptions and sink.subscriptions[-1] == ["CAM01"], timeout=2000)
    assert streams.pulled() == []


def test_a_frozen_hub_picture_is_greyed_with_its_time_never_shown_as_live(qtbot, english):
    from console.ui.panes.cameras import CameraTile

    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.resize(320, 180)
    tile.show()
    tile.set_camera("CAM07", "南滨路")
    rgb = np.zeros((90, 160, 3), np.uint8)
    rgb[..., 0] = 220  # red
    frame_time = 1_764_459_079.0  # 07:31:19 in the center's time zone
    tile.show_frame(DecodedFrame("CAM07", frame_time, 1, 160, 90, rgb), arrived=100.0)
    tile.check_stale(now=100.0 + STALE_AFTER_S - 0.1)
    assert not tile.stale
    live = tile.grab().toImage()
    tile.check_stale(now=100.0 + STALE_AFTER_S + 0.1)
    assert tile.stale and tile.status_text() == "No signal"
    assert tile.live.last_picture_text() == "Last picture 07:31:19"
    stale = tile.grab().toImage()
    # the centre of the picture was red while live; stale, it is grey (no colour left)
    px_live, px_stale = live.pixelColor(40, 40), stale.pixelColor(40, 40)
    assert px_live.red() > 150 and px_live.green() < 60
    assert abs(px_stale.red() - px_stale.green()) < 12 and abs(px_stale.green() - px_stale.blue()) < 12
    _shot(tile, "hub-stale")


@needs_rtsp
def test_any_tile_plays_its_last_seconds_marked_as_a_replay_then_goes_live_again(qtbot, servers, english):
    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    streams = StreamSources(pool, ring_window_s=2.0)
    try:
        replica = _replica([_cam("CAM01", sub=srv.url), _cam("CAM02", sub=srv.url)])
        wall, _ = _wall(qtbot, replica, pool, layout=1)
        tile = wall.tile_for("CAM01")
        qtbot.waitUntil(lambda: (c := streams.clip("CAM01")) is not None and len(c.packets) > 20, timeout=15000)
        assert wall.replay_last("CAM01")
        assert tile.replaying
        qtbot.waitUntil(lambda: tile.replay_text().startswith("Replay ") and tile.painted > 0, timeout=5000)
        _shot(wall, "replay")
        qtbot.waitUntil(lambda: not tile.replaying, timeout=10000)  # the clip ran out: live again
        qtbot.waitUntil(lambda: _live(tile), timeout=5000)
        assert wall.replay_last("CAM02") is False  # not on screen: nothing to play it on

        # an alert on CAM02 (off the page): its packets are kept, nothing is decoded
        alert = Alert(id="A1", source="camera", kind="animal", severity="critical", title="犬只闯入",
                      at=1_764_457_300.0, x=0, y=0, grid="T1", town="T1", camera="CAM02")
        replica.apply_event(Message("alert_raised", m.AlertRaised(alert=alert, incident="I-A1"), 2, 1_764_457_300.0))
        qtbot.waitUntil(lambda: (c := streams.clip("CAM02")) is not None and len(c.packets) > 5, timeout=15000)
        assert pool.stats("CAM02").decoded == 0
    finally:
        streams.close(join_timeout=5)
        pool.close()


def test_a_camera_tour_turns_the_pages_and_only_the_visible_page_is_pulled(qtbot, video):
    pool, streams = video
    cams = [_cam(f"CAM{i:02d}", sub=f"rtsp://127.0.0.1:9/cam{i}") for i in range(1, 10)]
    wall, _ = _wall(qtbot, _replica(cams), pool, layout=4)
    assert wall.paging.page_count() == 3 and streams.pulled() == ["CAM01", "CAM02", "CAM03", "CAM04"]
    wall.set_tour(0.2)
    qtbot.waitUntil(lambda: wall.paging.page == 1, timeout=3000)
    assert streams.pulled() == ["CAM05", "CAM06", "CAM07", "CAM08"]
    qtbot.waitUntil(lambda: wall.paging.page == 2, timeout=3000)
    qtbot.waitUntil(lambda: wall.paging.page == 0, timeout=3000)  # round again
    wall.focus_camera("CAM09")  # an alert is being looked at: the tour waits
    page = wall.paging.page
    wall.tour.due_at = 0.0  # overdue
    wall.refresh(wall.replica.take_changes())
    assert wall.paging.page == page
    wall.set_tour(None)
    assert wall.tour.seconds is None


@needs_rtsp
def test_an_alert_focus_plays_the_main_stream_and_the_ring_keeps_the_sub_streams_past(qtbot, servers, english):
    sub, main = servers(RtspServer(size="640x360")), servers(RtspServer(size="1280x720"))
    pool = DecodePool(workers=1)
    streams = StreamSources(pool)
    try:
        replica = _replica([_cam("CAM01", sub=sub.url, main=main.url), _cam("CAM02", sub=sub.url)])
        wall, _ = _wall(qtbot, replica, pool, layout=4)
        qtbot.waitUntil(lambda: (c := streams.clip("CAM01")) is not None and bool(c.packets)
                        and c.end - c.start >= 3.0, timeout=20000)
        before = streams.clip("CAM01")
        wall.focus_camera("CAM01")  # what an alert's pop-up does
        qtbot.waitUntil(lambda: (s := streams.status("CAM01")) is not None and s.width == 1280
                        and s.state == st.PLAYING, timeout=20000)
        qtbot.waitUntil(lambda: streams.clip("CAM01").end >= before.end + 2.0, timeout=10000)
        after = streams.clip("CAM01")
        assert after.start == before.start, "the ring kept its past through the focus"
        assert [p.at for p in after.packets[:len(before.packets)]] == [p.at for p in before.packets]
        assert pool.stats("CAM01").decoded > 0 and wall.tile_for("CAM01") is not None
    finally:
        streams.close(join_timeout=5)
        pool.close()
