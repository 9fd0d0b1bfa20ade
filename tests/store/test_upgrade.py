"""A hub database written by the previous release (schema version 1) opens, upgrades and goes on.

tests/store/data/hub-schema-v1.db was written by the release before schema version 2
(tests/store/data/make_previous_release_db.py says how): its events, snapshot, command
results and audit chain must all still serve after the upgrade, and the hub must write on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from console.hub.auth import TokenRegistry
from console.hub.core import Clock, HubCore
from console.protocol import messages as m
from console.store import Store
from console.store.backup import backup, restore
from console.store.migrations import CURRENT, read_version

PREVIOUS = Path(__file__).parent / "data" / "hub-schema-v1.db"


def _copy(tmp_path) -> str:
    path = tmp_path / "hub.db"
    shutil.copyfile(PREVIOUS, path)
    return f"sqlite:///{path}"


async def test_the_previous_release_s_database_opens_upgraded_and_the_hub_goes_on(tmp_path):
    url = _copy(tmp_path)
    store = Store(url)
    assert read_version(store.engine) == CURRENT == 3  # v1 -> v2: the hand-off outbox; v3: the incident archive
    assert store.verify_audit().ok and store.verify_audit().checked == 2
    epoch = store.log_epoch()
    core = HubCore(store, clock=Clock())
    await core.start()
    try:
        assert core.state.seq == 6 and core.epoch == epoch  # the log and its epoch are kept as they were
        inc = core.state.incidents["I-X0001"]
        assert inc.status != "new" and "R0001" in {t.resource for t in core.state.tasks.values()}
        commander = TokenRegistry.demo().lookup("Bearer demo-commander")
        again = await core.command(commander, "c2", "cmd.dispatch",
                                   m.CmdDispatch(incident="I-X0001", resource="R0001"))
        assert again.ok and core.state.seq == 6, "a retry of a stored command id gets its stored result"
        assert (await core.command(commander, "c9", "cmd.acknowledge", m.CmdIncident(incident="I-X0002"))).ok
        assert core.state.seq > 6
    finally:
        await core.close()
    assert store.handoff_add("T1:x:1", "D", {}, b"{}") and store.handoff_depth() == 1  # the v2 table works
    verdict = store.verify_audit()
    assert verdict.ok and verdict.checked == 3, verdict
    store.close()


def test_a_backup_of_the_previous_release_restores_as_this_release_s_schema(tmp_path):
    out = tmp_path / "old.backup"
    taken = backup(_copy(tmp_path), out)
    assert taken.schema_version == 1  # a backup is the database as it was: nothing upgraded on the way
    restored = restore(out, f"sqlite:///{tmp_path / 'restored.db'}")
    assert restored.schema_version == CURRENT and restored.audit.ok and restored.events == 6
