"""The whole drill chain in one test: a district hub and a town hub on NATS and PostgreSQL, the
district injects a drill (演练), the town's commander dispatches through keys on the real console,
two phones in chromium accept and arrive, the district's drill table equals a recomputation from the
town's log, the live KPI does not move, and ending it from the district clears the console and both
phones."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from console.domain import drills
from console.domain.model import PlanRole
from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from console.scenarios import build_marathon_baseline
from console.site.drill_scripts import DrillScript, drill_alert
from tests.federation.conftest import nats  # noqa: F401 - the nats-server fixture
from tests.federation.test_drills import live_figures, score_times, drill_tokens, log_events
from tests.federation.test_federation import federated_hub
from tests.field.conftest import browser  # noqa: F401 - the system chromium fixture
from tests.hub.harness import Client
from tests.hub.test_hub import _raise
from tests.ui.test_live_console import (  # noqa: F401 - autouse fixtures of the live console tests
    activated, collect_on_the_gui_thread, console_on, english, keep_loop_on_close, press_enter, until,
)

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]

TIMEOUT_MS = 10_000
#: DRILL_SHOTS=DIR: the phone's screenshots for the closing note
SHOTS = os.environ.get("DRILL_SHOTS")
SCRIPT = DrillScript(id="DS01", title="起点区人员倒地", kind="fall", grid="T1-C01-G2", camera="CAM02",
                     kinds=[PlanRole(kind="medical", count=1)], phone_only=True)


async def test_a_district_drill_answered_through_keys_and_phones_is_scored_and_ended_everywhere(
        tmp_path, monkeypatch, nats, pg_cluster, browser):  # noqa: F811 - the imported fixtures
    monkeypatch.setattr("console.ui.shell.desk.UNDO_WINDOW_S", 0.6)
    run = uuid.uuid4().hex[:6]
    town_db, district_db = (pg_cluster.create_database(f"drill_e2e_{n}_{run}") for n in ("t1", "d"))
    tokens: TokenRegistry = drill_tokens(tmp_path / "tokens.json")
    async with federated_hub(town_db, "T1", nats.url, tokens=tokens) as (t1, _f1), \
            federated_hub(district_db, "D", nats.url, follow=["T1"]) as (d, fed_d), \
            console_on(t1.url, "demo-t1", tmp_path, "t1") as con:
        window = con.window
        real = await _raise(t1, 1)
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.dispatch", m.CmdDispatch(incident=real, resource="R0003"))).ok
        start, end = t1.core.state.day_start, t1.core.state.now + 3600
        live_before = live_figures(t1.core.state, start, end)

        alert = drill_alert(SCRIPT, build_marathon_baseline(), "DR-9", by="D")
        alert.id = "T1/DR-9"
        async with Client.connect(d.url, "demo-commander") as district:
            assert (await district.command("cmd.start_drill", m.CmdStartDrill(alert=alert))).ok
        drill = drills.drill_incident_id("DR-9")
        await until(lambda: window.alerts.model.row_of(drill) is not None, "the drill in the town's queue")

        # the town's commander: Enter on the drill's row, twice (two people)
        for n in (1, 2):
            await press_enter(con, drill)
            await until(lambda: len(t1.core.state.incidents[drill].tasks) == n, f"dispatch {n} on the drill")
        tasks = list(t1.core.state.incidents[drill].tasks)
        chief = "南坪街道 值班长 陈静"
        assert all(t1.core.state.tasks[t].actor == chief for t in tasks)

        # both people's phones: enrolled from the desk's role, then they answer on the page
        contexts, pages = [], []
        try:
            async with Client.connect(t1.url, "demo-t1") as town:
                for t in tasks:
                    enrol = await town.command("field.enrol", m.FieldEnrol(resource=t1.core.state.tasks[t].resource))
                    assert enrol.ok, enrol
                    context = await browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                                        has_touch=True, locale="zh-CN")
                    contexts.append(context)
                    page = await context.new_page()
                    await page.goto(enrol.url)
                    await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
                    pages.append(page)
            for page in pages:
                card = page.locator("article.task.drill")
                await card.wait_for(timeout=TIMEOUT_MS)
                assert "演练：仅在手机上应答，请勿前往" in await card.inner_text()
                if SHOTS and page is pages[0]:
                    await page.screenshot(path=str(Path(SHOTS) / "drills-phone.png"))
                await card.get_by_role("button", name="接受").click()
                await card.locator(".status", has_text="已接受").wait_for(timeout=TIMEOUT_MS)
                await card.get_by_role("button", name="已到达").click()
                await card.locator(".status", has_text="已到达").wait_for(timeout=TIMEOUT_MS)
            qid = f"T1/{drill}"
            await until(lambda: qid in d.core.state.incidents
                        and all(d.core.state.tasks.get(f"T1/{t}") is not None
                                and d.core.state.tasks[f"T1/{t}"].arrived_at is not None for t in tasks),
                        "the district to see both arrive", timeout=20)

            # the district's drill table is the recomputation from the town's log
            table = drills.scores(d.core.state)
            assert [score_times(s) for s in table] == [score_times(s) for s in drills.score_log(log_events(t1.core.store))]
            assert table[0].dispatch_s is not None and len(table[0].people) == 2
            # the town's console scores the same, and its live KPI did not move
            await until(lambda: all(con.replica.state.tasks[t].arrived_at is not None for t in tasks), "the console")
            window.refresh_now()
            assert f"<td>{table[0].drill}</td>" in window.panes["drills"].html
            assert live_figures(t1.core.state, start, end) == live_before
            assert not window.mode_strip.isHidden()

            # the district ends it: the console and both phones are told
            async with Client.connect(d.url, "demo-commander") as district:
                assert (await district.command("cmd.end_drill", m.CmdIncident(incident=qid))).ok
            for page in pages:
                await page.locator("article.task.drill p.drill.ended").wait_for(timeout=TIMEOUT_MS)
            if SHOTS:
                await pages[0].screenshot(path=str(Path(SHOTS) / "drills-phone-ended.png"))
            await until(lambda: window.mode_strip.isHidden(), "the console's drill strip to go")
            await until(lambda: window.alerts.model.row_of(drill) is None, "the drill to leave the queue")
            assert con.replica.state.incidents[drill].timeline[-1].cause == drills.DRILL_ENDED
        finally:
            for context in contexts:
                await context.close()
