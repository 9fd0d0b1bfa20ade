"""The wall follows the duty commander through a real hub: the desk selects, the wall shows it.

A real hub on 127.0.0.1, a commander's console and a wall's console built as the app builds
them (tests/ui/test_live_console.py's helpers), on the qasync loop. And the pure rule
(`follow.pick`) on a replica: the commander's selection, else the most urgent, else a rotation.
"""

from __future__ import annotations

import pytest

from console.ui.wall.follow import Pick, pick
from tests.hub.harness import running_hub
from tests.ui.test_live_console import (  # noqa: F401 - fixtures used by name
    collect_on_the_gui_thread, console_on, english, keep_loop_on_close, raise_alert, until,
)
from tests.ui.world import World

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]


async def test_the_wall_shows_what_the_commander_selects_else_the_most_urgent(tmp_path):
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as server:
        cameras = sorted(server.core.state.cameras)
        warning = await raise_alert(server, cameras[0], severity="warning", kind="crowd_density")
        critical = await raise_alert(server, cameras[1], severity="critical", kind="animal")
        async with (console_on(server.url, "demo-commander", tmp_path, "desk") as desk,
                    console_on(server.url, "demo-wall", tmp_path, "wall") as wall):
            await until(lambda: getattr(wall.window, "wall_follow", None) is not None, "the wall to be in wall mode")
            follow = wall.window.wall_follow
            # the commander selects nothing yet: the wall shows the most urgent open one (the critical)
            await until(lambda: follow.current.incident == critical, "the wall to show the most urgent alert")
            assert follow.current.why == "urgent"
            # the desk is on line: the wall names the duty commander, not its own account
            await until(lambda: "王敏" in wall.window.header.duty_label.text(), "the header to name the commander")

            # the commander selects the warning on the desk: the wall follows, through the hub
            await until(lambda: warning in desk.replica.state.incidents, "the desk to hold the warning")
            desk.window.selection.select_incident(warning)
            await until(lambda: follow.current.incident == warning, "the wall to follow the commander's selection")
            assert follow.current.why == "commander"
            assert wall.window.selection.incident == warning
            assert "王敏" in wall.window.panes["board"].why.text()
            assert "王敏" in wall.window.header.duty_label.text()

            # the commander's desk closes: the wall picks its own again
            await desk.close()
            await until(lambda: follow.current.incident == critical, "the wall to fall back to the most urgent")


def test_pick_prefers_the_commander_then_the_most_urgent_then_turns():
    world = World()
    state = world.replica.state
    info = world.raise_alert(1, severity="info")
    later_info = world.raise_alert(2, severity="info")
    now = state.now + 10
    # no urgent alert: the open incidents in turn, and the day's figures take a turn of their own
    turns = [pick(state, None, None, now, turn) for turn in range(3)]
    assert [(p.incident, p.why) for p in turns] == [(info, "rotation"), (later_info, "rotation"), (None, "figures")]
    warning = world.raise_alert(3, severity="warning")
    critical = world.raise_alert(4, severity="critical")
    assert pick(state, None, None, now, 0).incident == critical, "the unacknowledged critical first"
    assert pick(state, None, warning, now, 0) == Pick(warning, "commander")
    assert pick(state, None, "I-GONE", now, 0).incident == critical, "an unknown selection is nothing to follow"
