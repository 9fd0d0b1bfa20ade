"""A command made offline survives a local file that cannot be written (full disk)."""

from __future__ import annotations

import asyncio

from console.client.controller import Controller
from console.client.replica import Replica
from console.client.session import Session
from console.store import Store
from tests.hub.harness import running_hub
from tests.hub.test_hub import _raise


async def _until(predicate, timeout: float = 15.0) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), timeout)


async def test_offline_command_is_sent_once_even_when_the_outbox_write_fails(tmp_db_url, tmp_path):
    async with running_hub(tmp_db_url) as server:
        incident = await _raise(server, 1)
        store = Store(f"sqlite:///{tmp_path/'console.db'}")
        replica = Replica()
        session = Session(server.url, "demo-commander", replica, store=store, backoff=(0.05, 0.2))
        controller = Controller(replica, session)
        session.start()
        try:
            await _until(lambda: session.live.is_set() and incident in replica.state.incidents)
            await server.stop()  # the hub goes away
            await _until(lambda: not session.live.is_set())

            def disk_full(*_args):
                raise OSError(28, "No space left on device")

            store.outbox_add = disk_full
            command_id = controller.acknowledge(incident).id
            assert replica.pending[command_id].queued
            await _until(lambda: replica.counters["outbox_errors"] == 1)
            assert any(n.code == "local_store" for n in replica.notices)

            await server.start()  # same port: the hub is back
            await _until(lambda: command_id not in replica.pending)
            inc = server.core.state.incidents[incident]
            assert [s.what for s in inc.timeline].count("acknowledged") == 1
            assert replica.state.incidents[incident].status == "acknowledged"
        finally:
            await session.close()
            store.close()
