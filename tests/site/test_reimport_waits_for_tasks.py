"""A re-imported roster that removes a person on a task, or changes a status: nothing is lost or ignored.

Over a real hub with `--site`: the removal and the new status of someone on a
task happen when that task ends (not at some later, unrelated edit), and a
status the folder changes for someone free is set at once.
"""

from __future__ import annotations

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.protocol import messages as m

from tests.hub.harness import Client
from tests.site.sitefolder import PEOPLE, csv_text, people_rows, write_site


async def test_a_person_dropped_or_stood_down_while_on_a_task_goes_when_the_task_ends(tmp_path):
    folder = write_site(tmp_path / "site")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}",
                                    site=str(folder), site_poll_s=0))
    try:
        state = hub.core.state
        async with Client.connect(hub.url, "demo-commander") as c:
            async def ok(type_, body):
                r = await c.command(type_, body)
                assert r.ok, (type_, r)
                return r

            await ok("cmd.report", m.CmdReport(kind="debris", text="路面杂物", x=600.0, y=400.0))
            [incident] = state.incidents
            await ok("cmd.dispatch", m.CmdDispatch(incident=incident, resource="P1"))
            await ok("cmd.dispatch", m.CmdDispatch(incident=incident, resource="P2"))
            t1, t2 = state.resources["P1"].task, state.resources["P2"].task
            assert state.resources["P3"].status == "off_duty"
            # the roster now: P1 gone, P2 stood down, P3 back on duty
            people = [list(p) for p in PEOPLE if p[0] != "P1"]
            people[0][6], people[1][6] = "off_duty", "available"
            (folder / "people.csv").write_text(csv_text(people_rows(people=people)), encoding="utf-8")
            types = await hub.site.reload()
            assert types == ["resource_status_changed"]  # P3, at once
            assert state.resources["P3"].status == "available"
            assert "P1" in state.resources and state.resources["P2"].status == "dispatched"
            assert hub.site.kept == {"P1"} and hub.site.waiting_status == {"P2": "off_duty"}
            # P1's task is cancelled: P1 leaves the roster with no further edit of the folder
            await ok("cmd.cancel_task", m.CmdCancelTask(task=t1, reason="改派"))
            await c.wait_for(lambda: any(e.type == "resource_removed" for e in c.events))
            assert "P1" not in state.resources and hub.site.kept == set()
            # P2 finishes: then off duty, as the folder says
            for status in ("accepted", "arrived", "done"):
                await ok("cmd.task_update", m.CmdTaskUpdate(task=t2, status=status))
            await c.wait_for(lambda: any(e.type == "resource_status_changed" and e.body.resource == "P2"
                                         for e in c.events))
            assert state.resources["P2"].status == "off_duty" and hub.site.waiting_status == {}
            # the console saw all of it as events
            seen = [(e.type, e.body.resource) for e in c.events
                    if e.type in ("resource_removed", "resource_status_changed")]
            assert seen == [("resource_status_changed", "P3"), ("resource_removed", "P1"),
                            ("resource_status_changed", "P2")]
    finally:
        await hub.stop()
