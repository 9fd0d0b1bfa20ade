"""The hub watches its cameras (console/video/liveness.py) and raises camera_offline (console/hub/health.py).

A real hub serving a site whose camera is a real RTSP server (GStreamer), killed and restarted
on the same port: a blip shorter than the threshold raises nothing; an outage longer than it
raises exactly one alarm, which the hub closes when the camera sends again. The threshold is
small here (the product's default is 30 s) so the test costs seconds.
"""

from __future__ import annotations

import csv

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.domain.model import FINAL_STATUSES
from console.hub.health import HEALTH_ALERT_PREFIX
from tests.gateway.harness import until
from tests.site.sitefolder import write_site
from tests.video.servers import RtspServer, needs_rtsp

#: the test's offline threshold (seconds): above a restart's gap (measured 1.9-3.0 s), well below 30
OFFLINE_S = 6.0


def camera_site(root, url: str):
    """The test site with CAM1 on `url` and CAM2 pushed by the hub (not pulled: not watched)."""
    site = write_site(root)
    path = site / "cameras.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    head = rows[0]
    for row in rows[1:]:
        row[head.index("main_url")] = url if row[0] == "CAM1" else f"sim://{row[0]}"
        row[head.index("sub_url")] = ""
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return site


def offline_alarms(core) -> list:
    return sorted((i for i in core.state.incidents.values()
                   if i.alert.startswith(HEALTH_ALERT_PREFIX) and i.kind == "camera_offline"),
                  key=lambda i: i.created_at)


@needs_rtsp
async def test_a_blip_raises_nothing_an_outage_one_alarm_cleared_when_the_camera_is_back(tmp_path, servers):
    srv = servers(RtspServer(size="320x180", fps=10))
    site = camera_site(tmp_path / "site", srv.url)
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", site=str(site),
                                    site_poll_s=0, mode="live", camera_offline_s=OFFLINE_S))
    try:
        health, core = hub.health, hub.core
        health.check_s = 0.1
        feed = health.feed
        await until(lambda: feed.watched() == ["CAM1"] and feed.silent_for("CAM1") < 0.5, timeout=15)
        # a blip: the server dies and comes back before the threshold
        srv.stop()
        await until(lambda: feed.silent_for("CAM1") >= 1.0, timeout=10)
        srv.start()
        longest = 0.0

        def back() -> bool:
            nonlocal longest
            silent = feed.silent_for("CAM1")
            longest = max(longest, silent)
            return silent < 0.5
        await until(back, timeout=15)
        assert 1.0 <= longest < OFFLINE_S, longest
        assert offline_alarms(core) == []
        # an outage: one alarm, however long it lasts
        srv.stop()
        await until(lambda: len(offline_alarms(core)) == 1, timeout=OFFLINE_S + 10)
        await until(lambda: feed.silent_for("CAM1") >= OFFLINE_S + 1.0, timeout=10)
        [alarm] = offline_alarms(core)
        assert alarm.status not in FINAL_STATUSES and alarm.grid == "G1"
        assert core.state.cameras["CAM1"].online is False  # every console's tile says so
        assert core.state.alerts[alarm.alert].camera == "CAM1"
        srv.start()
        await until(lambda: core.state.incidents[alarm.id].status == "closed", timeout=20)
        assert len(offline_alarms(core)) == 1 and health.counts["raised"] == 1
        await until(lambda: core.state.cameras["CAM1"].online)
    finally:
        await hub.stop()
