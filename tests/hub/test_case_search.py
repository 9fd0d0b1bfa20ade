"""Search of past cases over the wire: the hub answers from its live state and from the store's
archive of incidents that already left it, scoped to what the asker may see.

Real parts: a hub on 127.0.0.1 with a SQLite store and a site folder with a case catalog,
console sessions over websockets.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.controller import Controller
from console.client.replica import Replica
from console.client.session import SearchFailed, Session
from console.domain.archive import archivable
from console.hub import core as core_mod
from console.protocol import messages as m
from tests.gateway.harness import until
from tests.site.sitefolder import write_site

CASES = '''[[case_type]]
code = "debris"
zh = "路面杂物"
en = "Debris on the road"
promise = "working_hours"
limit = 5
responsible = ["grid_worker"]
'''


async def _session(hub, token: str) -> tuple[Session, Replica]:
    replica = Replica()
    session = Session(hub.url, token, replica)
    session.start()
    await asyncio.wait_for(session.live.wait(), 10)
    return session, replica


async def _command(session: Session, replica: Replica, n: int, type_: str, body: m.Body) -> None:
    answers: dict[str, m.Result] = {}
    session.on_result.append(lambda cid, result: answers.__setitem__(cid, result))
    session.send_command(f"c-{n}", type_, body)
    await until(lambda: f"c-{n}" in answers)
    assert answers[f"c-{n}"].ok, answers[f"c-{n}"]


async def test_a_search_finds_archived_and_live_cases_and_a_phone_may_not_search(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site")
    (site / "cases.toml").write_text(CASES, encoding="utf-8")
    tokens = tmp_path / "tokens.json"
    tokens.write_text(json.dumps([
        {"token": "cmd-secret", "role": "commander", "name": "值班长 王敏"},
        {"token": "field-secret", "role": "field", "name": "网格员 张伟", "resource": "P1"},
    ], ensure_ascii=False), encoding="utf-8")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", site=str(site),
                                    site_poll_s=0, tokens=str(tokens)))
    sessions: list[Session] = []
    try:
        cmd, replica = await _session(hub, "cmd-secret")
        sessions.append(cmd)
        for n, text in enumerate(("林边枯枝堆积", "盲道上堆满建筑垃圾", "枯枝又堆起来了"), 1):
            await _command(cmd, replica, n, "cmd.report", m.CmdReport(kind="debris", text=text, x=420.0, y=610.0))
        await _command(cmd, replica, 4, "cmd.report", m.CmdReport(kind="fire", text="枯枝着火", x=420.0, y=610.0))
        for n, inc in enumerate(("I-R00001", "I-R00002"), 5):
            await _command(cmd, replica, n, "cmd.close", m.CmdIncident(incident=inc))
        # every finished incident leaves the live state (as tests/hub/test_log_integrity.py does it)
        monkeypatch.setattr(core_mod, "archivable", lambda state: archivable(state, keep=0, above=0))
        hub.core._archive_scan_at = 0
        await _command(cmd, replica, 7, "cmd.acknowledge", m.CmdIncident(incident="I-R00003"))
        await until(lambda: "I-R00001" not in hub.core.state.incidents and "I-R00001" not in replica.state.incidents)
        monkeypatch.undo()

        found = await asyncio.wait_for(cmd.search_cases(m.CaseQuery(text="枯枝")), 10)
        assert [(h.incident, h.archived) for h in found.hits] == [("I-R00003", False), ("I-R00001", True)]
        assert found.archived == 1 and found.hits[1].status == "closed" and found.hits[1].stage == "closed"
        everything = await asyncio.wait_for(cmd.search_cases(m.CaseQuery(cases_only=False, text="枯枝")), 10)
        assert {h.incident for h in everything.hits} == {"I-R00001", "I-R00003", "I-R00004"}  # the fire too
        by_person = await asyncio.wait_for(cmd.search_cases(m.CaseQuery(person="王敏")), 10)
        assert {h.incident for h in by_person.hits} == {"I-R00001", "I-R00002", "I-R00003"}
        first = found.hits[1].created_at
        window = await asyncio.wait_for(cmd.search_cases(m.CaseQuery(until=first + 0.001, town="T1")), 10)
        assert [h.incident for h in window.hits] == ["I-R00001"]
        assert (await asyncio.wait_for(cmd.search_cases(m.CaseQuery(kind="rockfall")), 10)).hits == []
        # the console's controller asks the same way
        via = await asyncio.wait_for(Controller(replica, cmd).search_cases(m.CaseQuery(text="盲道")), 10)
        assert [h.incident for h in via.hits] == ["I-R00002"] and via.archived == 1

        phone, _ = await _session(hub, "field-secret")
        sessions.append(phone)
        with pytest.raises(SearchFailed) as refused:
            await asyncio.wait_for(phone.search_cases(m.CaseQuery(text="枯枝")), 10)
        assert refused.value.code == "forbidden"
    finally:
        for s in sessions:
            await s.close()
        await hub.stop()
