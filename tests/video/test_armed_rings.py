"""Armed rings: cameras off the live tiles keep their sub-stream's packets (no decoding) within a stated
budget, so an alert on one of them still has the seconds before it; a real RTSP server feeds them."""

from __future__ import annotations

import time

from console.domain.model import Camera
from console.video.plan import ARMED_RING_BYTES, ARMED_RINGS, AlertingCameras, plan_sources
from console.video.pool import DecodePool
from console.video.ring import MAX_BYTES
from console.video.sources import StreamSources
from tests.video.servers import RtspServer, needs_rtsp
from tests.video.test_streams import wait_for


def cams(urls: dict[str, str]) -> dict[str, Camera]:
    return {cid: Camera(id=cid, name=cid, grid="G", town="T1", x=0.0, y=0.0, sub=url) for cid, url in urls.items()}


def plan(cameras, *, alerting=(), armed=()):
    """The wall's plan with nothing placed: every camera here is off the page."""
    return plan_sources([], 3, (320.0, 180.0), 2, 1.0, cameras, pull=True, live=set(), alerting=set(alerting),
                        still_s=10.0, armed=armed)


def test_the_budget_arms_the_latest_alerting_cameras_first_and_counts_only_extra_rings():
    cameras = cams({f"CAM{i:02d}": f"rtsp://127.0.0.1:1/c{i}" for i in range(12)})
    cameras["SIM"] = Camera(id="SIM", name="SIM", grid="G", town="T1", x=0.0, y=0.0, sub="sim://SIM")
    order = AlertingCameras()
    order.last_alert = {"CAM07": 200.0, "CAM03": 100.0, "SIM": 300.0}
    armed = order.armed(cameras)
    assert armed[:3] == ["SIM", "CAM07", "CAM03"] and len(armed) == len(cameras)
    p = plan(cameras, alerting={"CAM07"}, armed=armed)
    rings = {cid: w for cid, w in p.wants.items() if not w.decode}
    assert "SIM" not in rings, "a camera the hub pushes has no stream to keep"
    assert rings["CAM07"].ring_bytes == 0, "an alerting camera keeps the full ring"
    capped = [cid for cid, w in rings.items() if w.ring_bytes == ARMED_RING_BYTES]
    assert len(capped) == ARMED_RINGS and "CAM03" in capped and "CAM11" not in capped, \
        "SIM (pushed by the hub) and CAM07 (alerting: a ring anyway) take no share of the budget"
    assert sum(rings[c].ring_bytes for c in capped) <= ARMED_RINGS * ARMED_RING_BYTES


@needs_rtsp
def test_an_alert_off_the_screen_has_the_seconds_before_it(servers):
    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool)
    cameras = cams({"CAM09": srv.url})
    try:
        assert "CAM09" not in plan(cameras).wants, "without arming, an off-page camera keeps nothing"
        sources.watch(plan(cameras, armed=["CAM09"]).wants)
        wait_for(lambda: (c := sources.clip("CAM09")) and c.packets and c.end - c.start >= 2.5,
                 what="packets before any alert")
        alert_at = time.time()
        before = sources.clip("CAM09").start
        sources.watch(plan(cameras, alerting={"CAM09"}, armed=["CAM09"]).wants)  # the alert
        wait_for(lambda: sources.clip("CAM09").end >= alert_at + 1.0, what="packets after the alert")
        clip = sources.clip("CAM09").between(alert_at - 10.0, alert_at + 20.0)
        assert clip.packets[0].key and clip.start <= alert_at - 2.0 and clip.start == before
        assert pool.stats("CAM09").decoded == 0, "demuxed, never decoded"
        assert sources.status("CAM09").reconnects == 0, "the same reader, no gap"
        assert sources._rings["CAM09"][1].max_bytes == MAX_BYTES, "alerting: the full cap"
    finally:
        sources.close(join_timeout=5)
        pool.close()


def test_the_wall_arms_cameras_off_its_page_only_when_configured(qtbot):
    from tests.video.test_tiles import _cam, _replica, _wall

    pool = DecodePool(workers=1)
    streams = StreamSources(pool, read_timeout=1.5, backoff_base=0.3, backoff_cap=1.5)
    try:
        cams = [_cam(f"CAM{i:02d}", sub=f"rtsp://127.0.0.1:9/cam{i}") for i in range(1, 5)]
        wall, _ = _wall(qtbot, _replica(cams), pool, layout=1)
        assert streams.pulled() == ["CAM01"], "not configured: off-page cameras cost nothing"
        wall.configure(armed_rings=2)
        assert streams.pulled() == ["CAM01", "CAM02", "CAM03"]
        assert streams._wants["CAM02"].decode is False and streams._wants["CAM02"].ring_bytes == ARMED_RING_BYTES
        wall.configure(armed_rings=0)
        assert streams.pulled() == ["CAM01"]
    finally:
        streams.close(join_timeout=5)
        pool.close()
