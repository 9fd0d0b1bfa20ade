"""Commands the hub refused because it could not write its log go again by themselves when it can.

The hub's SQLite file is really full (PRAGMA max_page_count: SQLite itself answers
"database or disk is full", as on a full disk) while a real console keeps making
reports; then space returns. Every report made meanwhile is applied exactly once,
without anyone making it again.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from console.client.controller import Controller
from console.client.replica import Replica
from console.client.session import Session
from console.protocol import messages as m
from console.store import Store
from tests.hub.harness import running_hub


async def _until(predicate, timeout: float = 20.0) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), timeout)


def _disk(store: Store) -> list[int]:
    """A switch for the hub's database size: [pages allowed] (1 = full: no page may be added)."""
    limit = [1 << 30]

    @event.listens_for(store.engine, "begin")
    def _limit(conn) -> None:
        conn.exec_driver_sql(f"PRAGMA max_page_count={limit[0]}")

    return limit


def _report(n: int) -> m.CmdReport:
    return m.CmdReport(kind="other", text=f"report {n} " + "x" * 400, x=float(n), y=0.0)


async def test_reports_made_while_the_hub_disk_is_full_are_applied_once_after_it_is_freed(tmp_path):
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as server:
        core = server.core
        disk = _disk(core.store)
        console_store = Store(f"sqlite:///{tmp_path / 'console.db'}")
        replica = Replica()
        session = Session(server.url, "demo-commander", replica, store=console_store)
        controller = Controller(replica, session)
        session.start()
        try:
            await _until(session.live.is_set)
            first = controller.send("cmd.report", _report(0))
            await _until(lambda: first.result is not None)
            assert first.result.ok
            disk[0] = 1  # the disk is full from now on
            handles = []
            while core.counters["refused.storage_full"] < 5:  # until the hub has refused some
                handles.append(controller.send("cmd.report", _report(len(handles) + 1)))
                await asyncio.sleep(0.02)
                assert len(handles) < 500, "the hub never said its storage was full"
            # and some more while the console knows the hub is full
            for _ in range(5):
                handles.append(controller.send("cmd.report", _report(len(handles) + 1)))
            await _until(lambda: session._hub_storage == "storage_full")
            refused = core.counters["refused.storage_full"]
            assert refused >= 5
            # Nothing of it is final: the console shows them pending, none is answered.
            waiting = [h for h in handles if h.result is None]
            assert len(waiting) >= 5 and all(h.id in replica.pending for h in waiting)
            assert not any(h.result is not None and h.result.code == "storage_full" for h in handles)
            disk[0] = 1 << 30  # space returns
            await _until(lambda: all(h.result is not None for h in handles))
        finally:
            await session.close()
            console_store.close()
        assert all(h.result.ok for h in handles), [h.result for h in handles if not h.result.ok]
        texts = sorted(a.text for a in core.state.alerts.values() if a.source == "report")
        made = sorted(_report(n).text for n in range(len(handles) + 1))
        assert texts == made, (len(texts), len(made), sorted(set(made) - set(texts))[:3], len(set(texts)))  # each once
        assert not replica.pending and session.outbox_depth == 0
        assert replica.counters["held.storage_full"] >= refused
