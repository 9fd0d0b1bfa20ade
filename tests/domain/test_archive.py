"""A long shift does not grow the live state without bound: finished incidents are archived."""

from __future__ import annotations

import asyncio

from console.domain.archive import ARCHIVE_ABOVE, KEEP_FINISHED, archivable
from console.domain.model import Alert
from console.protocol import messages as m
from tests.hub.harness import Client, running_hub


def _alert(n: int) -> tuple[str, m.Body]:
    return ("alert_raised", m.AlertRaised(
        alert=Alert(id=f"H{n:06d}", source="camera", kind="crowd_density", severity="info", title="history",
                    at=float(n), x=0.0, y=0.0, grid="T1-C01-G1", town="T1", camera="CAM01"),
        incident=f"I-H{n:06d}"))


async def test_the_oldest_finished_incidents_are_archived_everywhere_and_open_ones_stay(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        core = server.core
        async with Client.connect(server.url, "demo-commander") as c:
            n_finished = ARCHIVE_ABOVE + 300
            core.emit([("alert_raised", _alert(0)[1])])  # stays open
            for start in range(1, n_finished + 1, 500):
                events = []
                for n in range(start, min(start + 500, n_finished + 1)):
                    events += [_alert(n), ("incident_closed", m.IncidentStep(incident=f"I-H{n:06d}", actor="t"))]
                core.emit(events)
                await core.wait_committed(core.state.seq)
            await c.wait_for(lambda: any(e.type == "incidents_archived" for e in c.events))
            archived = [i for e in c.events if e.type == "incidents_archived" for i in e.body.incidents]
            assert archived == [f"I-H{n:06d}" for n in range(1, n_finished - KEEP_FINISHED + 1)]
            assert len(core.state.incidents) == KEEP_FINISHED + 1
            assert "I-H000000" in core.state.incidents  # the open one
            assert f"I-H{n_finished:06d}" in core.state.incidents  # the newest finished ones
            assert "H000001" not in core.state.alerts
            assert archivable(core.state) == []
            await asyncio.sleep(0)
