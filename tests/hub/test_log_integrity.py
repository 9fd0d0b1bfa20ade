"""What the hub's log holds after a crash, and ids that must never repeat.

Issue 9 items 4 (a snapshot ahead of the log), 5 (report ids reused after
archiving) and 19 (`ingest.alert` values checked).
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import console.hub.core as core_mod
from console.domain.archive import archivable
from console.domain.model import Alert
from console.domain.state import decode_state
from console.hub.auth import Principal
from console.hub.core import Clock, HubCore
from console.protocol import messages as m
from console.store import Store
from tests.hub.harness import Client, running_hub
from tests.waiting import until


async def _crash(core: HubCore) -> None:
    """Stop a core the way a kill does: no flush, nothing more reaches the store."""
    core._committer.cancel()
    try:
        await core._committer
    except asyncio.CancelledError:
        pass
    core._committer = None
    core._db.shutdown(wait=True)


def _moves(i: int):
    return ("resources_moved", m.ResourcesMoved(moves=[("R0001", float(i), 0.0)]))


async def test_a_snapshot_never_runs_ahead_of_the_log(tmp_db_url, monkeypatch):
    """Events emitted while a commit is on disk must not be in the snapshot stored for that commit.

    The old committer encoded `self.state` after the awaited write, when it already
    held the next batch, and saved it under that later seq: a crash before the next
    commit left a snapshot past the log, and a restart resumed from events that were
    never logged.
    """
    monkeypatch.setattr(core_mod, "SNAPSHOT_EVERY", 3)
    store = Store(tmp_db_url)
    real_commit = store.commit
    gate = threading.Event()
    calls = []

    def commit(*args):
        calls.append(args)
        if len(calls) == 1:
            gate.wait(5)  # the first batch is "on disk" while more events come in
            return real_commit(*args)
        raise OSError("database or disk is full")  # then the disk goes: nothing more is logged

    store.commit = commit
    core = HubCore(store, clock=Clock())
    await core.start()
    core.emit([_moves(i) for i in range(5)])
    while not calls:
        await asyncio.sleep(0.01)
    core.emit([_moves(i) for i in range(5, 10)])  # applied in memory, not yet logged
    gate.set()
    while len(calls) < 2:
        await asyncio.sleep(0.01)
    await until(lambda: core.storage_fault is not None, "the second commit to fail and be handled")
    await _crash(core)
    store.close()

    store = Store(tmp_db_url)
    try:
        last = store.last_seq()
        snap = store.latest_snapshot()
        assert last == 5
        assert snap is not None and snap[0] <= last, f"snapshot at {snap and snap[0]}, log ends at {last}"
        assert decode_state(snap[1]).seq == snap[0]
        again = HubCore(store, clock=Clock())
        await again.start()
        assert again.state.seq == again.committed_seq == 5
        assert again.state.resources == {}  # no world: the moves changed nothing but seq
        await again.close()
    finally:
        store.close()


def _archive_every_finished(monkeypatch, core: HubCore) -> None:
    monkeypatch.setattr(core_mod, "archivable", lambda state: archivable(state, keep=0, above=0))
    core._archive_scan_at = 0


async def test_report_ids_are_not_reused_after_archiving(tmp_db_url, monkeypatch):
    """Three reports, the first archived: the next report is R00004, and R00003 stays as it was.

    The old rule numbered reports len(alerts)+1, so after an archive the next report
    reused R00003 and overwrote that live incident's title and timeline.
    """
    body = dict(kind="other", x=100.0, y=100.0)
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-commander") as c:
            for i in range(1, 4):
                assert (await c.command("cmd.report", m.CmdReport(text=f"report {i}", **body))).ok
            assert set(server.core.state.alerts) >= {"R00001", "R00002", "R00003"}
            _archive_every_finished(monkeypatch, server.core)
            assert (await c.command("cmd.false_alarm", m.CmdIncident(incident="I-R00001"))).ok
            await c.wait_for(lambda: any(e.type == "incidents_archived" for e in c.events))
            assert "I-R00001" not in server.core.state.incidents
            monkeypatch.undo()
            assert (await c.command("cmd.report", m.CmdReport(text="report 4", **body))).ok
            state = server.core.state
            assert "I-R00004" in state.incidents
            assert state.incidents["I-R00003"].title == "report 3"
            assert [t.what for t in state.incidents["I-R00003"].timeline] == ["raised"]
    # A hub restarted on the same log (replayed from the events) goes on counting.
    async with running_hub(tmp_db_url) as server:
        assert server.core.state.reports == 4
        async with Client.connect(server.url, "demo-commander") as c:
            assert (await c.command("cmd.report", m.CmdReport(text="report 5", **body))).ok
            assert "I-R00005" in server.core.state.incidents
            assert c.snapshot is not None and decode_state(c.snapshot.body.state).reports == 4


def _alert(**kw) -> Alert:
    base = dict(id="A90001", source="camera", kind="smoke", severity="warning", title="t", at=1.0,
                x=10.0, y=20.0, grid="", town="")
    return Alert(**{**base, **kw})


@pytest.mark.parametrize("bad, words", [
    (dict(source="satellite"), "source"),
    (dict(kind="alien"), "kind"),
    (dict(severity="apocalyptic"), "severity"),
])
async def test_ingest_alert_values_are_checked(tmp_db_url, bad, words):
    """An `ingest.alert` with a value PROTOCOL.md does not allow is refused with bad_request; nothing is raised."""
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-ingest") as ingest:
            before = server.core.state.seq
            result = await ingest.command("ingest.alert", m.IngestAlert(alert=_alert(**bad)))
            assert not result.ok and result.code == "bad_request" and words in result.message, result
            assert server.core.state.seq == before and "A90001" not in server.core.state.alerts
            assert (await ingest.command("ingest.alert", m.IngestAlert(alert=_alert()))).ok


async def test_ingest_alert_positions_must_be_finite(tmp_db_url):
    """JSON has no NaN and the decoder refuses 1e999 (`malformed`); an in-process source is refused by the rules."""
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-ingest") as ingest:
            raw = ('{"v":2,"type":"ingest.alert","id":"big-x","body":{"alert":{"id":"A90002","source":"camera",'
                   '"kind":"smoke","severity":"warning","title":"t","at":1.0,"x":1e999,"y":0.0,"grid":"","town":""}}}')
            await ingest.ws.send(raw, text=True)
            await ingest.wait_for(lambda: ingest.errors)
            assert ingest.errors[0].code == "malformed"
        core = server.core
        for bad in (dict(x=float("nan")), dict(y=float("inf")), dict(at=float("-inf"))):
            assert core.inject(Principal("-", "ingest", "sensor"), "ingest.alert",
                               m.IngestAlert(alert=_alert(**bad))) == []
        assert core.counters["source_refused.bad_request"] == 3
        assert "A90001" not in core.state.alerts


async def test_stopping_a_hub_while_its_last_commit_waits_for_the_store_loses_nothing(tmp_db_url):
    """close() waits for a batch the committer has taken, not only for batches still queued."""
    store = Store(tmp_db_url)
    core = HubCore(store, clock=Clock())
    await core.start()
    slow = threading.Event()
    core._db.submit(slow.wait, 2.0)  # the store's thread is busy: the next commit queues behind it
    core.emit([_moves(i) for i in range(3)])
    await until(lambda: core._committing, "the committer to take the batch and wait for the store")
    assert not core._batch
    closing = asyncio.ensure_future(core.close())
    await until(core._batch_ready.is_set, "close() to wait for the commit")
    slow.set()
    await closing
    store.close()
    reopened = Store(tmp_db_url)
    try:
        assert [seq for seq, *_ in reopened.events_after(0, 10)] == [1, 2, 3]
    finally:
        reopened.close()
