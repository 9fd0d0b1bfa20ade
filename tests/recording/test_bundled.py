"""The bundled drill: a marathon morning with the dog at the cordon, small, and it opens in review."""

from pathlib import Path

import pytest

from console.scenarios.marathon import DOG_TITLE
from console.domain.kpi import compute
from console.recording.drill_file import FORMAT_VERSION, DrillReader
from console.app.config import HubConfig
from console.app.hub import start_hub
from tests.hub.harness import Client

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "drills" / "marathon-morning.drill"


def test_the_bundled_drill_is_a_small_marathon_morning_with_the_dog():
    assert BUNDLED.stat().st_size < 12_000_000
    with DrillReader(BUNDLED) as r:
        meta = r.meta
        assert (meta.scenario, meta.seed) == ("marathon", 7)
        assert meta.duration == pytest.approx(3600.0)
        assert set(meta.cameras) >= {"CAM02"} and meta.frames > 50
        state = r.final_state()
        dog = [a for a in state.alerts.values() if a.title == DOG_TITLE]
        assert len(dog) == 1 and dog[0].camera == "CAM02"
        inc = next(i for i in state.incidents.values() if i.alert == dog[0].id)
        assert inc.tasks, "the scripted commander sent someone to the dog"
        assert r.frame_at("CAM02", dog[0].at) is not None
        # today's format: the crowd chart reads each density alert's measurement
        assert meta.version == FORMAT_VERSION
        crowd = compute(state, meta.start, meta.end).crowd
        density = [a for a in state.alerts.values() if a.kind == "crowd_density"]
        assert density and sum(map(len, crowd.values())) == len(density)
        assert all(f"{a.value:.1f}人/㎡" in a.title for a in density)


@pytest.mark.integration
async def test_the_bundled_drill_opens_in_review_at_the_dog():
    hub = await start_hub(HubConfig(port=0, drill=str(BUNDLED), start="07:29:40", speed=1.0, scenario=None))
    try:
        async with Client.connect(hub.url, "demo-commander") as c:
            assert c.hello.mode == "review"
            assert c.snapshot is not None  # a fresh console gets the state at 07:29:40 at once
            assert not any(a.title == DOG_TITLE for a in hub.core.state.alerts.values())
            await c.command("drill.control", m_seek(hub.player.meta.start + 10 * 60 + 30))
            assert any(a.title == DOG_TITLE for a in hub.core.state.alerts.values())
    finally:
        await hub.stop()


def m_seek(t: float):
    from console.protocol import messages as m

    return m.DrillControl(action="seek", value=t)
