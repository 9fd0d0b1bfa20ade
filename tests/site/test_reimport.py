"""`hub --site`: the world comes from the folder; a changed folder reaches a console as changes."""

import asyncio
import json

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.replica import Replica
from console.client.session import Session
from console.domain.state import state_hash

from tests.site.sitefolder import PEOPLE, csv_text, lonlat, people_rows, write_site


async def _until(cond, timeout=10.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.02)


async def test_site_is_served_and_a_changed_folder_is_reimported_as_changes(tmp_path):
    folder = write_site(tmp_path / "site")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}",
                                    site=str(folder), site_poll_s=0))
    replica = Replica()
    session = Session(hub.url, "demo-commander", replica)
    session.start()
    try:
        await asyncio.wait_for(session.live.wait(), 10)
        s = replica.state
        assert s.name == "测试街道" and sorted(s.resources) == ["P1", "P2", "P3"]
        assert s.resources["P1"].town == "T1" and s.cameras["CAM2"].stream == "rtsp://10.0.0.2/main"
        # the day goes on: P1 walks somewhere, CAM1 goes offline, an alert opens an incident
        from console.protocol import messages as m

        session.send_command("c-1", "cmd.report", m.CmdReport(kind="debris", text="路面杂物", x=600.0, y=400.0))
        await _until(lambda: replica.state.incidents)
        seq_before = replica.state.seq
        incidents_before = dict(replica.state.incidents)
        # the roster changes: P3 leaves, P4 joins; CAM1 moves 100 m east; G2 is renamed
        people = [p for p in PEOPLE if p[0] != "P3"] + [
            ["P4", "刘洋", "medical", "急救中心", "G2", "院前急救", "available", (1200, 200)]]
        (folder / "people.csv").write_text(csv_text(people_rows(people=people)), encoding="utf-8")
        cams = (folder / "cameras.csv").read_text(encoding="utf-8")
        old = lonlat(200, 800)
        new = lonlat(300, 800)
        cams = cams.replace(f"{old[0]:.9f},{old[1]:.9f}", f"{new[0]:.9f},{new[1]:.9f}")
        (folder / "cameras.csv").write_text(cams, encoding="utf-8")
        org = (folder / "org.geojson").read_text(encoding="utf-8").replace("江滨社区G2网格", "江滨社区第二网格")
        (folder / "org.geojson").write_text(org, encoding="utf-8")
        types = await hub.site.reload()
        assert sorted(types) == ["camera_updated", "org_unit_updated", "resource_added", "resource_removed"]
        await _until(lambda: replica.state.seq >= hub.core.state.seq)
        s = replica.state
        assert sorted(s.resources) == ["P1", "P2", "P4"] and s.resources["P4"].kind == "medical"
        assert (s.cameras["CAM1"].x, s.cameras["CAM1"].y) == (300.0, 800.0)
        assert s.org["G2"].name == "江滨社区第二网格"
        assert s.seq == seq_before + 4, "four changes, no new baseline"
        assert s.incidents.keys() == incidents_before.keys(), "the day's incidents stay"
        assert state_hash(replica.state) == state_hash(hub.core.state)
        # a broken folder changes nothing and says why
        (folder / "people.csv").write_text("id,name\nP9,x\n", encoding="utf-8")
        assert await hub.site.reload() is None
        assert str(hub.site.errors[0]).startswith("people.csv:1:3: missing column 'kind'")
        assert sorted(hub.core.state.resources) == ["P1", "P2", "P4"]
    finally:
        await session.close()
        await hub.stop()


async def test_the_folder_is_watched(tmp_path):
    folder = write_site(tmp_path / "site")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}",
                                    site=str(folder), site_poll_s=0.05))
    try:
        people = PEOPLE + [["P5", "周杰", "volunteer", "志愿者服务队", "G1", "", "available", (100, 100)]]
        (folder / "people.csv").write_text(csv_text(people_rows(people=people)), encoding="utf-8")
        # the import counts once its events are committed, a moment after they are applied
        await _until(lambda: hub.site.imports >= 2)
        assert "P5" in hub.core.state.resources
        assert hub.site.imports == 2
    finally:
        await hub.stop()


async def test_a_restarted_hub_reimports_changes_not_a_new_world(tmp_path):
    folder = write_site(tmp_path / "site")
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    hub = await start_hub(HubConfig(port=0, scenario=None, db=db, site=str(folder), site_poll_s=0))
    seq = hub.core.state.seq
    await hub.stop()
    plans = (folder / "plans.toml").read_text(encoding="utf-8").replace('["police", 1]', '["police", 2]')
    (folder / "plans.toml").write_text(plans, encoding="utf-8")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=db, site=str(folder), site_poll_s=0))
    try:
        assert hub.core.state.seq == seq + 1
        assert hub.core.state.plans["P01"].roles[1].count == 2
        await hub.core.wait_committed(seq + 1)
        assert [row[1] for row in hub.store.events_after(seq, 10)] == ["plan_updated"]
    finally:
        await hub.stop()


async def test_marathon_scenario_runs_on_the_shipped_site(tmp_path):
    from console.app.config import marathon_site_dir
    from console.scenarios import make_scenario

    hub = await start_hub(HubConfig(port=0, scenario="marathon", speed=1.0, db=f"sqlite:///{tmp_path / 'hub.db'}",
                                    fps=0, simulate_field=False, site=str(marathon_site_dir()), site_poll_s=0))
    try:
        assert hub.core.state.seq == 1
        assert json.dumps(sorted(hub.core.state.cameras)) == json.dumps(sorted(c.id for c in make_scenario().baseline.cameras))
        assert hub.core.state.org.keys() == {u.id for u in make_scenario().baseline.org}
    finally:
        await hub.stop()
