"""A live console measures each alert from the hub's commit to its row painted, shows the hour's p95, tells the hub."""

from __future__ import annotations

import os
import time

from tests.hub.harness import running_hub
from tests.ui.test_live_console import (  # noqa: F401 - the fixtures are used by name
    collect_on_the_gui_thread, console_on, english, hub_channel, hub_db, keep_loop_on_close, raise_alert, until,
)


async def test_an_alert_is_timed_from_the_hub_commit_to_its_painted_row_and_the_status_bar_shows_the_p95(
        hub_db, tmp_path):  # noqa: F811
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        alarm, bar = con.replica.alarm, con.window.statusBar()
        await until(lambda: alarm.clock.known, "a pong to set the hub clock's offset")
        assert "alarm→screen p95 —" in bar.alarm_label.text()
        before = time.time()
        incident = await raise_alert(server, sorted(server.core.state.cameras)[0])
        await until(lambda: alarm.total == 1, "the alert's row painted and timed")
        after = time.time()
        assert con.window.alerts.model.row_of(incident) is not None
        [seconds] = alarm.seconds(after)
        # the hub committed it after `before` and the row was painted before `after` (both on this machine's
        # clock, the hub's offset known to ± its error)
        assert 0.0 <= seconds <= after - before + alarm.clock.error
        bar.update_figures()
        assert bar.alarm_label.text() == f"alarm→screen p95 {seconds:.2f} s"
        assert "1 alerts" in bar.alarm_label.toolTip()
        if os.environ.get("UI_SHOTS"):  # the figure as the operator sees it
            bar.grab().save(os.path.join(os.environ["UI_SHOTS"], "status-bar-alarm-to-screen.png"))
        # the next pings carry the figure to the hub, which keeps it per session
        channel = hub_channel(server, "demo-commander")
        await until(lambda: channel.alarm[1] == 1, "the hub to hear the console's figure")
        assert channel.alarm[0] == alarm.p95(time.time())
