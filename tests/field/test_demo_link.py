"""`demo` prints a field page link (and a QR code) for one volunteer, whose tasks the simulator leaves alone."""

from __future__ import annotations

import asyncio

from console.app.config import DEMO_FIELD_TOKEN, HubConfig, demo_hub_config
from console.app.hub import field_link, reachable_host, start_hub
from tests.field.test_static import get


async def test_the_demo_hub_prints_a_volunteer_link_that_serves_the_page(tmp_path, capsys):
    cfg = demo_hub_config(HubConfig(db=f"sqlite:///{tmp_path / 'hub.db'}", fps=0, streams=False, speed=1.0))
    assert cfg.field_link == DEMO_FIELD_TOKEN
    hub = await start_hub(cfg)
    try:
        out = capsys.readouterr().out
        url = f"http://127.0.0.1:{hub.server.port}/field/#token=demo-volunteer"
        assert f"field page: {url}" in out
        assert "█" in out or "▀" in out  # the QR code, drawn in block characters
        assert hub.world.simulator.humans == {"R0287"}
        status, _, body = await get(hub.server.port, "/field/")
        assert status == 200 and b"field.js" in body
        await asyncio.sleep(0)
    finally:
        await hub.stop()


def test_a_wildcard_bind_address_is_printed_as_an_address_a_phone_can_open():
    assert reachable_host("192.168.1.20") == "192.168.1.20"
    host = reachable_host("0.0.0.0")
    assert host != "0.0.0.0" and host.count(".") == 3


def test_the_link_keeps_the_token_in_the_fragment():
    class _Server:
        ssl_context, host, port = object(), "10.0.0.5", 8765

    assert field_link(_Server(), "a b/c") == "https://10.0.0.5:8765/field/#token=a%20b%2Fc"


def test_the_simulator_does_not_answer_for_a_person_a_browser_plays():
    from console.domain.apply import apply
    from console.domain.model import Alert
    from console.domain.state import State
    from console.protocol import messages as m
    from console.protocol.codec import decode, encode
    from console.scenarios import build_marathon_baseline
    from console.scenarios.simulator import FieldSimulator

    state = State()
    alert = Alert(id="A1", source="camera", kind="fall", severity="major", title="t", at=0.0, x=0.0, y=0.0,
                  grid="T4-C02-G1", town="T4")
    for seq, (t, body) in enumerate([("baseline_loaded", m.BaselineLoaded(baseline=build_marathon_baseline())),
                                     ("alert_raised", m.AlertRaised(alert=alert, incident="I-A1"))], 1):
        apply(state, decode(encode(t, body, seq=seq, ts=1.0)))
    sim = FieldSimulator(7)
    sim.humans.add("R0287")
    for task, person in (("I-A1-T1", "R0287"), ("I-A1-T2", "R0288")):
        sim.on_event("task_dispatched", m.TaskDispatched(task=task, incident="I-A1", resource=person, actor="x"),
                     2.0, state)
    assert {task for _t, _o, _n, task, _s in sim._heap} == {"I-A1-T2"}
