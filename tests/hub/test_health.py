"""The hub's camera and source alarms (console/hub/health.py).

Step by step on a real hub core with a scripted camera feed (the feed's real counterpart, which
pulls RTSP, is tested in tests/video/test_liveness.py): a gap shorter than the threshold raises
nothing, a longer one one alarm closed by the hub when the camera is back, a chattering camera is
quieted and its last alarm says so, an alarm left open is taken up after a restart. Then a real
gateway and a real AI box heartbeat over the wire: silent past their interval, `source_silent`
names them, closed when they speak again.
"""

from __future__ import annotations

import json
import time

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.domain.model import FINAL_STATUSES, QUIETED_UNIT
from console.gateway.run import GatewayConfig, start_gateway
from console.hub.health import HEALTH_ALERT_PREFIX, MAX_SOURCES, HealthAlarms
from tests.gateway.harness import post, until
from tests.hub.harness import Client, running_hub
from tests.hub.test_metrics import get, value
from tests.site.sitefolder import write_site


class ScriptedFeed:
    """A camera feed whose silences the test sets (seconds without a frame per camera)."""

    def __init__(self):
        self.silent: dict[str, float] = {}
        self.watching: list[str] = []

    def watch(self, cameras) -> None:
        self.watching = [c.id for c in cameras]

    def silent_for(self, camera: str) -> float | None:
        return self.silent.get(camera)

    def sent_any(self, camera: str) -> bool:
        return self.silent.get(camera, 1e9) < 1e9

    def close(self) -> None:
        pass


def alarms(core, kind: str) -> list:
    """The hub's health alarms of one kind, oldest first."""
    return sorted((i for i in core.state.incidents.values()
                   if i.alert.startswith(HEALTH_ALERT_PREFIX) and i.kind == kind), key=lambda i: i.created_at)


def is_open(inc) -> bool:
    return inc.status not in FINAL_STATUSES


async def test_a_blip_raises_nothing_an_outage_one_alarm_closed_by_the_hub_when_back(tmp_path):
    async with running_hub(f"sqlite:///{tmp_path / 'h.db'}") as server:
        core = server.core
        cam = sorted(core.state.cameras)[0]
        feed = ScriptedFeed()
        health = HealthAlarms(core, camera_offline_s=30, feed=feed)
        t = time.monotonic()
        feed.silent[cam] = 0.0
        health.step(t)
        assert cam in feed.watching and alarms(core, "camera_offline") == []
        feed.silent[cam] = 29.5  # a blip: back before the threshold
        health.step(t + 29.5)
        feed.silent[cam] = 0.0
        health.step(t + 30)
        assert alarms(core, "camera_offline") == []
        feed.silent[cam] = 30.0
        health.step(t + 60)
        feed.silent[cam] = 45.0
        health.step(t + 75)
        [alarm] = alarms(core, "camera_offline")
        assert is_open(alarm) and alarm.severity == "warning" and alarm.title == core.state.cameras[cam].name
        assert core.state.cameras[cam].online is False
        assert core.state.alerts[alarm.alert].camera == cam and core.state.alerts[alarm.alert].unit == ""
        feed.silent[cam] = 0.5
        health.step(t + 76)
        [alarm] = alarms(core, "camera_offline")
        assert alarm.status == "closed" and alarm.timeline[-1].actor == "source:health"
        assert core.state.cameras[cam].online is True
        assert health.counts == {"raised": 1, "closed": 1, "quieted": 0, "sources_refused": 0}


async def test_a_chattering_camera_is_quieted_and_its_last_alarm_says_so(tmp_path):
    async with running_hub(f"sqlite:///{tmp_path / 'h.db'}") as server:
        core = server.core
        cam = sorted(core.state.cameras)[0]
        feed = ScriptedFeed()
        health = HealthAlarms(core, camera_offline_s=5, quiet_limit=2, quiet_period_s=100, feed=feed)
        t = time.monotonic()
        for n in range(4):  # four outages within the period: two alarms, the second says it is the last
            feed.silent[cam] = 6.0
            health.step(t + 10 * n)
            feed.silent[cam] = 0.0
            health.step(t + 10 * n + 1)
        raised = alarms(core, "camera_offline")
        assert len(raised) == 2 and not any(map(is_open, raised))
        first, last = (core.state.alerts[i.alert] for i in raised)
        assert first.unit == "" and (last.unit, last.value) == (QUIETED_UNIT, 2.0)
        assert health.counts["quieted"] == 2
        # once the period has passed, an outage raises an alarm again
        feed.silent[cam] = 6.0
        health.step(t + 200)
        assert len(alarms(core, "camera_offline")) == 3


async def test_alarms_left_open_stay_open_after_a_restart_until_their_input_is_back(tmp_path):
    db = f"sqlite:///{tmp_path / 'h.db'}"
    async with running_hub(db) as server:
        core = server.core
        cam = sorted(core.state.cameras)[0]
        feed = ScriptedFeed()
        health = HealthAlarms(core, camera_offline_s=5, feed=feed)
        health.heard("box-7", 1.0)
        feed.silent[cam] = 6.0
        health.step(time.monotonic() + 10)
        [box] = alarms(core, "source_silent")
        [camera] = alarms(core, "camera_offline")
        assert box.title == "box-7" and is_open(box) and is_open(camera)
        await core.wait_committed(core.state.seq)
    async with running_hub(db) as server:
        core = server.core
        feed = ScriptedFeed()
        health = HealthAlarms(core, camera_offline_s=5, feed=feed)
        health.start()
        try:
            assert health.open == {"silent-box-7": box.id, f"camera-{cam}": camera.id}
            feed.silent[cam] = 1e9  # watched again, no frame yet: a restart is no recovery
            for _ in range(3):
                health.step(time.monotonic())
            assert is_open(core.state.incidents[box.id]) and is_open(core.state.incidents[camera.id])
            health.heard("box-7", 1.0)
            feed.silent[cam] = 0.2
            await until(lambda: not is_open(core.state.incidents[box.id])
                        and not is_open(core.state.incidents[camera.id]))
            assert core.state.cameras[cam].online is True
        finally:
            await health.stop()


async def test_a_silent_gateway_and_a_silent_ai_box_raise_source_silent_closed_when_they_speak(tmp_path):
    site = write_site(tmp_path / "site")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", site=str(site),
                                    site_poll_s=0, mode="live", camera_offline_s=0))
    hub.health.check_s = 0.1
    gw_cfg = GatewayConfig(site=str(site), hub=hub.url, port=0, photos=str(tmp_path / "photos"), db=None,
                           heartbeat_s=0.3)
    gw = await start_gateway(gw_cfg, wait_live=10)
    try:
        core = hub.core
        name = next(iter(hub.health.sources))  # the gateway speaks by its token's name
        # an AI box says it is alive through the gateway, every 0.3 s, and then says nothing
        beat = json.dumps({"box": "box-7", "every_s": 0.3}).encode()
        status, _, body = await post(f"{gw.url}/heartbeat", beat, "demo-camera", "application/json")
        assert (status, body["ok"]) == (201, True), body
        await until(lambda: len(alarms(core, "source_silent")) == 1)
        [box] = alarms(core, "source_silent")
        assert box.title == "box-7" and is_open(box)
        _, text = await get(hub.server, "/metrics")
        assert value(text, "duty_hub_health_alarms_open", kind="source_silent") == 1.0
        status, _, _ = await post(f"{gw.url}/heartbeat", beat, "demo-camera", "application/json")
        await until(lambda: core.state.incidents[box.id].status == "closed")
        # the gateway stops: silent for three of its beats, one alarm naming it
        await gw.stop()
        await until(lambda: any(i.title == name for i in alarms(core, "source_silent")))
        [silent] = [i for i in alarms(core, "source_silent") if i.title == name]
        assert is_open(silent) and silent.severity == "warning"
        gw = await start_gateway(gw_cfg, wait_live=10)
        await until(lambda: core.state.incidents[silent.id].status == "closed")
        assert len([i for i in alarms(core, "source_silent") if i.title == name]) == 1
        # a heartbeat must name its box
        status, _, body = await post(f"{gw.url}/heartbeat", b'{"box": ""}', "demo-camera", "application/json")
        assert status == 422 and body["code"] == "missing_field"
    finally:
        await gw.stop()
        await hub.stop()


async def test_a_site_watcher_that_cannot_look_at_its_folder_is_silent_until_it_can(tmp_path):
    site = write_site(tmp_path / "site")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", site=str(site),
                                    site_poll_s=0.2, mode="live", camera_offline_s=0))
    hub.health.check_s = 0.1
    try:
        core = hub.core
        await until(lambda: hub.site.imports == 1 and "site-watcher" in hub.health.sources)
        assert alarms(core, "source_silent") == []
        site.rename(tmp_path / "away")  # the folder is gone (an unmounted share): every look fails
        await until(lambda: len(alarms(core, "source_silent")) == 1)
        [silent] = alarms(core, "source_silent")
        assert silent.title == "site-watcher" and is_open(silent)
        (tmp_path / "away").rename(site)
        await until(lambda: core.state.incidents[silent.id].status == "closed")
    finally:
        await hub.stop()


async def test_only_an_ingest_source_says_it_is_alive_and_a_heartbeat_is_not_answered(tmp_path):
    from console.protocol import messages as m
    from console.protocol.codec import encode

    async with running_hub(f"sqlite:///{tmp_path / 'h.db'}") as server:
        health = server.core.health = HealthAlarms(server.core)
        beat = encode("heartbeat", m.Heartbeat(source="box-9", every_s=5))
        async with Client.connect(server.url, "demo-commander") as commander:
            await commander.ws.send(beat, text=True)
            await commander.round_trip()
            assert [e.code for e in commander.errors] == ["forbidden"] and health.sources == {}
        async with Client.connect(server.url, "demo-ingest") as source:
            await source.ws.send(beat, text=True)
            await source.round_trip()
            assert source.errors == [] and health.sources["box-9"].every_s == 5.0


def test_the_sources_a_hub_expects_are_capped():
    health = HealthAlarms(core=None)
    for n in range(MAX_SOURCES + 5):
        health.heard(f"box-{n}", 30)
    health.heard("box-0", 30)  # one it knows is still heard
    assert len(health.sources) == MAX_SOURCES and health.counts["sources_refused"] == 5
