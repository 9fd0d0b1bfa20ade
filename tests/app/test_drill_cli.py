"""`duty-console drill start|end` against a real hub on loopback: a site's script lands as a marked
drill in the town's queue, ending it closes it, and a wrong script or a refused command say so."""

from __future__ import annotations

import asyncio
from pathlib import Path

from console.cli import main
from console.domain import drills
from tests.hub.harness import running_hub

MARATHON = str(Path(__file__).resolve().parents[2] / "resources" / "sites" / "marathon")


async def test_start_and_end_a_drill_from_the_command_line(tmp_path, capsys):
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as hub:
        args = ["drill", "start", "--url", hub.url, "--token", "demo-t1", "--site", MARATHON, "--script", "DS03"]
        assert await asyncio.to_thread(main, args) == 0
        [inc] = [i for i in hub.core.state.incidents.values() if i.exercise is not None]
        assert (inc.exercise.script, inc.exercise.by, inc.town, inc.title) == ("DS03", "T1", "T1", "烟雾火情")
        assert f"incident {inc.id}" in capsys.readouterr().out
        end = ["drill", "end", "--url", hub.url, "--token", "demo-t1", "--incident", inc.id]
        assert await asyncio.to_thread(main, end) == 0
        assert hub.core.state.incidents[inc.id].timeline[-1].cause == drills.DRILL_ENDED
        # ending it again is refused by the hub, a script the folder lacks never leaves this machine
        assert await asyncio.to_thread(main, end) == 1
        assert "refused (invalid_state)" in capsys.readouterr().err
        assert await asyncio.to_thread(main, args[:-1] + ["DS99"]) == 2
        assert "no drill 'DS99'" in capsys.readouterr().err
