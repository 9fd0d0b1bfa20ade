"""The synthetic world goes through the real video path: its cameras are MJPEG streams the console pulls."""

from __future__ import annotations

import asyncio
import time

import pytest

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.domain.bodies import IngestCameraStatus
from console.scenarios.world import SCENARIO_SOURCE as _SOURCE
from console.video import status as st
from console.video.pool import DecodePool
from console.video.sources import StreamSources, Want

pytestmark = pytest.mark.integration


async def until(pred, timeout: float = 15.0, what: str = "condition"):
    """Await a condition the reader threads make true, without blocking the hub's loop."""
    end = time.monotonic() + timeout
    while not (value := pred()):
        if time.monotonic() > end:
            raise AssertionError(f"{what} not reached within {timeout} s")
        await asyncio.sleep(0.02)
    return value


@pytest.fixture
async def hub(tmp_path):
    running = await start_hub(HubConfig(port=0, scenario="marathon", start="07:29:40", fps=8.0,
                                        db=f"sqlite:///{tmp_path / 'hub.db'}", simulate_field=False))
    yield running
    await running.stop()


@pytest.fixture
def video():
    pool = DecodePool(workers=1)
    sources = StreamSources(pool, read_timeout=1.5, backoff_base=0.3, backoff_cap=1.5)
    yield pool, sources
    sources.close(join_timeout=5.0)
    pool.close()


async def test_marathon_cameras_name_loopback_streams_that_play_sub_and_main(hub, video):
    pool, sources = video
    cams = hub.core.state.cameras
    cam = cams["CAM01"]
    assert cam.sub.startswith("http://127.0.0.1:") and cam.sub.endswith("/cam/CAM01/sub.mjpg")
    assert cam.main.endswith("/cam/CAM01/main.mjpg") and cam.stream == "sim://CAM01"
    sources.watch({"CAM01": Want(cam.url_for(large=False), 0, 0), "CAM02": Want(cams["CAM02"].url_for(True), 0, 0)})
    sub = await until(lambda: pool.take("CAM01"), what="a sub-stream frame")
    main = await until(lambda: pool.take("CAM02"), what="a main-stream frame")
    assert (sub.width, sub.height) == (640, 360) and (main.width, main.height) == (1280, 720)
    assert sources.status("CAM01").codec == "mjpeg"
    # the pictures move: people walk along the road between frames
    await until(lambda: pool.stats("CAM01").decoded >= 4, what="more frames")
    later = await until(lambda: pool.take("CAM01"))
    assert (later.rgb != sub.rgb).any()
    assert hub.streams.watched() == {("CAM01", "sub"): 1, ("CAM02", "main"): 1}


async def test_a_camera_the_scenario_takes_offline_stops_sending_and_comes_back(hub, video):
    pool, sources = video
    sources.watch({"CAM05": Want(hub.core.state.cameras["CAM05"].sub, 160, 90)})
    await until(lambda: pool.stats("CAM05").decoded >= 2, what="playing")
    hub.core.inject(_SOURCE, "ingest.camera_status", IngestCameraStatus(camera="CAM05", online=False))
    await until(lambda: sources.status("CAM05").state == st.NO_SIGNAL, what="no signal while offline")
    before = pool.stats("CAM05").decoded
    hub.core.inject(_SOURCE, "ingest.camera_status", IngestCameraStatus(camera="CAM05", online=True))
    await until(lambda: pool.stats("CAM05").decoded > before + 2, what="frames again")


async def test_unknown_paths_are_404(hub, video):
    pool, sources = video
    base = hub.streams.base_url
    sources.watch({"X": Want(f"{base}/cam/CAM01/huge.mjpg"), "Y": Want(f"{base}/elsewhere")})
    await until(lambda: sources.status("X").state == st.NOT_FOUND and sources.status("Y").state == st.NOT_FOUND,
                what="404s")

