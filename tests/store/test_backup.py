"""`duty-console backup` and `restore` on a real hub's database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from console.protocol import messages as m
from console.store import Store
from console.store.backup import BackupError, backup, restore, summarize
from tests.store.dbraw import is_pg, raw_db
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "console", *args], capture_output=True, text=True, timeout=60)


def _target(url: str, tmp_path, pg_cluster_or_none, name: str) -> str:
    if is_pg(url):
        return pg_cluster_or_none.create_database(name)
    return f"sqlite:///{tmp_path / (name + '.db')}"


async def test_a_backup_taken_while_the_hub_commits_restores_whole_with_a_new_epoch(tmp_db_url, tmp_path, request):
    out = tmp_path / "hub.backup"
    async with running_hub(tmp_db_url) as server:
        incident = await _raise(server, 1)
        async with Client.connect(server.url, "demo-commander") as c:
            assert (await c.command("cmd.acknowledge", m.CmdIncident(incident=incident))).ok
            old_epoch = c.hello.epoch

            async def keep_committing():  # the hub keeps writing while the copy is taken
                for n in range(2, 40):
                    await _raise(server, n)

            writer = asyncio.create_task(keep_committing())
            await asyncio.sleep(0.05)
            taken = await asyncio.get_running_loop().run_in_executor(None, backup, tmp_db_url, out)
            await writer
    assert taken.audit.ok and taken.audit_entries >= 1 and taken.events >= 3, taken
    cluster = request.getfixturevalue("pg_cluster") if is_pg(tmp_db_url) else None
    target = _target(tmp_db_url, tmp_path, cluster, "restored")
    got = restore(out, target)
    assert got.audit.ok, got.audit
    assert got.audit.checked == got.audit_entries >= 1
    assert got.epoch and got.epoch != old_epoch and got.previous_epoch == old_epoch
    if not is_pg(tmp_db_url):  # a SQLite backup is a file: what it holds is exactly what came back
        assert (got.events, got.last_seq) == (taken.events, taken.last_seq)
    with Store(target) as store:  # a hub opens it: every seq from 1 on, the new epoch in hello
        assert store.first_seq() == 1 and store.last_seq() == got.last_seq
        assert store.log_epoch() == got.epoch


def test_the_commands_say_what_they_did_and_a_broken_chain_fails_the_restore(tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    with Store(url) as store:
        for n in range(3):
            store.audit("值班长 王敏", "commander", "cmd.acknowledge", "ok", {"incident": f"I-{n}"})
        store.log_epoch()
    ok = _cli("backup", "--db", url, "--out", str(tmp_path / "b1"))
    assert ok.returncode == 0, ok.stderr
    assert "audit trail OK: 3 entries verified" in ok.stdout
    again = _cli("backup", "--db", url, "--out", str(tmp_path / "b1"))
    assert again.returncode == 2 and "already exists" in again.stderr
    restored = _cli("restore", str(tmp_path / "b1"), "--db", f"sqlite:///{tmp_path / 'r1.db'}")
    assert restored.returncode == 0, restored.stderr
    assert "audit trail OK: 3 entries verified" in restored.stdout and "new log epoch" in restored.stdout
    into_existing = _cli("restore", str(tmp_path / "b1"), "--db", f"sqlite:///{tmp_path / 'r1.db'}")
    assert into_existing.returncode == 2 and "never overwrites" in into_existing.stderr

    with raw_db(f"sqlite:///{tmp_path / 'b1'}") as db:  # a backup edited after it was taken
        db.execute("update audit_log set outcome = 'refused' where id = 2")
    broken = _cli("restore", str(tmp_path / "b1"), "--db", f"sqlite:///{tmp_path / 'r2.db'}")
    assert broken.returncode == 1
    assert "audit trail BROKEN at entry 2" in broken.stdout, broken.stdout


def test_a_file_that_is_no_backup_is_refused_before_anything_is_created(tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a database")
    with pytest.raises(BackupError, match="neither a SQLite backup nor a pg_dump archive"):
        restore(junk, f"sqlite:///{tmp_path / 'r.db'}")
    assert not (tmp_path / "r.db").exists()
    with pytest.raises(BackupError, match="no database at"):
        backup(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "b")
    with pytest.raises(BackupError, match="holds no hub event log"):
        summarize(f"sqlite:///{junk}")
