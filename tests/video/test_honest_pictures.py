"""A picture older than 2 s is never shown as live: a stalled server, a tile back on screen.

Real GStreamer RTSP servers (tests/video/servers.py); a stalled server is the server's
process group stopped with SIGSTOP (it keeps its connections open and says nothing),
continued before it is stopped for good.
"""

from __future__ import annotations

import os
import signal
import time
from functools import partial

import numpy as np
import pytest

from console.ui.panes.cameras.stale import STALE_AFTER_S
from console.video import status as st
from console.video.pool import DecodePool
from console.video.sources import StreamSources, Want
from tests.video.servers import RtspServer, needs_rtsp
from tests.waiting import wait_until

pytestmark = pytest.mark.ui


#: the readers are real threads on a real server: a loaded machine may take its time
wait_for = partial(wait_until, timeout=20.0)


def _grey(image, x: int, y: int) -> bool:
    c = image.pixelColor(x, y)
    return abs(c.red() - c.green()) < 12 and abs(c.green() - c.blue()) < 12


def _colourful(frame) -> tuple[int, int]:
    """A pixel of the test pattern that is strongly coloured (grey would lose it), away from the tile's
    border and bars (the pattern's first row is as colourful as any: the border covers it)."""
    rgb = frame.rgb
    h, w = rgb.shape[:2]
    top, left = h // 4, w // 8
    middle = rgb[top: h - top, left: w - left]
    spread = middle.max(axis=2).astype(int) - middle.min(axis=2).astype(int)
    y, x = np.unravel_index(int(np.argmax(spread)), spread.shape)
    return int(x) + left, int(y) + top


@pytest.fixture
def stalled():
    """Stalls a server (SIGSTOP its process group); every stalled server is continued afterwards."""
    stopped: list[int] = []

    def stall(server: RtspServer) -> None:
        os.killpg(server.proc.pid, signal.SIGSTOP)
        stopped.append(server.proc.pid)

    yield stall
    for pid in stopped:
        try:
            os.killpg(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


@needs_rtsp
def test_a_stalled_server_goes_stale_two_seconds_after_its_last_picture_and_says_no_signal(
        qtbot, servers, stalled, english):
    from console.ui.panes.cameras import CameraTile

    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool, open_timeout=2.0, read_timeout=1.5, backoff_base=0.3, backoff_cap=1.0)
    seen: list = []
    states: set[str] = set()
    try:
        sources.watch({"CAM09": Want(srv.url, 320, 180)})
        wait_for(lambda: pool.stats("CAM09").decoded >= 10, what="playing")
        while pool.take("CAM09") is not None:
            pass
        stopped_at = time.monotonic()
        stalled(srv)

        def watch() -> bool:
            frame = pool.take("CAM09")
            if frame is not None:
                seen.append((frame, time.monotonic()))
            s = sources.status("CAM09")
            states.add(s.state)
            # the read timed out, and a fresh connection to the silent server timed out too
            return s.reconnects >= 2

        wait_for(watch, what="two failed connections to the stalled server")
    finally:
        sources.close(join_timeout=5.0)
        pool.close()
    reasons = states & set(st.REASONS)
    assert reasons == {st.NO_SIGNAL}, f"a silent server is no signal, not {reasons}"
    # FFmpeg lets the last frame go only when its read gives up (seconds later); its age is its stream time's
    for frame, taken in seen:
        assert frame.arrived < stopped_at + 1.0, (
            f"a frame released {taken - stopped_at:.1f} s after the stall counts from "
            f"{frame.arrived - stopped_at:.1f} s")
    # the wall hands the tile the last frame when it takes it; the tile counts from the frame's arrival
    last = seen[-1][0] if seen else None
    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.resize(320, 180)
    tile.set_camera("CAM09", "南滨路")
    if last is not None:
        tile.show_frame(last, arrived=seen[-1][1])
        tile.check_stale(now=last.arrived + STALE_AFTER_S + 0.05)
    tile.set_stream(st.NO_SIGNAL, 2)
    assert tile.stale and tile.status_text() == "No signal"


@needs_rtsp
def test_a_tile_back_on_screen_paints_its_old_picture_grey_before_any_tick(qtbot, servers, english):
    from console.ui.panes.cameras import CameraTile

    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool, read_timeout=1.5)
    try:
        sources.watch({"CAM10": Want(srv.url, 320, 180)})
        young = wait_for(lambda: pool.take("CAM10"), what="a picture")
        tile = CameraTile()
        qtbot.addWidget(tile)
        tile.resize(320, 180)
        tile.show()
        qtbot.waitExposed(tile)
        tile.set_camera("CAM10", "滨江路")
        tile.show_frame(young)
        x, y = _colourful(young)
        assert not tile.stale and not _grey(tile.grab().toImage(), x, y), "a young picture is live colour"
        # the tile leaves the screen; nothing ticks it while it is away
        tile.hide()
        # the reader goes on; the newest frame waits in the pool's slot, untaken, while the tile is away
        left_in_slot = wait_for(lambda: pool.take("CAM10"), what="a frame left in the slot")
        sources.watch({})
        wait_for(lambda: time.monotonic() - left_in_slot.arrived > STALE_AFTER_S + 0.1, what="the picture aged")
        tile.show()
        qtbot.waitExposed(tile)
        back = tile.grab().toImage()
        assert tile.stale and _grey(back, x, y), "back on screen, the old picture is grey at the first paint"
        # the wall takes the frame that waited in the slot and hands it over with its own "now"
        tile.show_frame(left_in_slot, arrived=time.monotonic())
        assert tile.stale, "a frame that waited in the slot is as old as its arrival, not as new as its take"
        assert _grey(tile.grab().toImage(), x, y)
        assert tile.live.last_picture_text().startswith("Last picture ")
    finally:
        sources.close(join_timeout=5.0)
        pool.close()
