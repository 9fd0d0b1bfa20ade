"""A console with no local file yet connects before its store is loaded, and loses nothing for it.

The composition root (console/app/console.py) starts such a console's session with no store and
attaches the store once the first camera picture is on screen (P5 in bench/PERF.md). What was
made or learnt meanwhile must reach the file: the commands not yet answered, and who the hub said
this token is. Real hubs on 127.0.0.1, real SQLite files.
"""

from __future__ import annotations

import pytest

from console.client.replica import Replica
from console.client.session import Session
from console.protocol import messages as m
from console.store import Store
from faults.common import free_port
from tests.client.test_link import until
from tests.hub.harness import running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


def _report(n: int) -> m.CmdReport:
    return m.CmdReport(kind="crowd", text=f"fresh-{n}", x=100.0 + n, y=50.0)


async def test_commands_made_before_the_store_is_attached_get_their_rows_and_are_confirmed(tmp_path):
    port = free_port()
    replica = Replica()
    session = Session(f"ws://127.0.0.1:{port}", "demo-commander", replica, backoff=(0.05, 0.2))
    store = Store(f"sqlite:///{tmp_path / 'console.db'}")
    try:
        session.start()  # no hub yet, no store yet: the commands stay in memory
        for i in range(3):
            session.send_command(f"early-{i}", "cmd.report", _report(i))
        assert store.outbox_pending() == []
        session.attach_store(store)
        await until(lambda: [cid for cid, _ in store.outbox_pending()] == ["early-0", "early-1", "early-2"],
                    "the early commands' outbox rows, in the order made")
        session.send_command("late-0", "cmd.report", _report(9))  # after the attach: its own row, as always
        await until(lambda: len(store.outbox_pending()) == 4, "the later command's row")
        async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}", port=port) as hub:
            await until(lambda: store.outbox_pending() == [], "every row confirmed by the hub's answers")
            texts = sorted(a.text for a in hub.core.state.alerts.values() if a.text.startswith("fresh-"))
        assert texts == ["fresh-0", "fresh-1", "fresh-2", "fresh-9"]  # each once
    finally:
        await session.close()
        store.close()


async def test_the_identity_heard_before_the_store_is_attached_is_kept_for_the_next_start(tmp_path):
    db = f"sqlite:///{tmp_path / 'console.db'}"
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as hub:
        replica = Replica()
        session = Session(hub.url, "demo-commander", replica)
        try:
            session.start()
            await until(lambda: session.live.is_set(), "the session to go live")
            assert replica.link.role
            heard = (replica.link.user, replica.link.role)
            store = Store(db)
            session.attach_store(store)
        finally:
            await session.close()  # saves the replica into the attached store
        store.close()
    # The next start, with the hub down: the screen and the role come back from the file.
    again, replica2 = Store(db), Replica()
    try:
        restarted = Session("ws://127.0.0.1:9", "demo-commander", replica2, store=again)
        assert await restarted.restore()
        assert (replica2.link.user, replica2.link.role) == heard
        assert replica2.state.seq == replica.state.seq > 0
        await restarted.close()
    finally:
        again.close()
