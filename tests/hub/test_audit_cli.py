"""`duty-console audit verify` on a real hub's audit trail: OK, then an edited entry named."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from tests.store.dbraw import raw_db
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise
from tests.waiting import until


def _verify(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "console", "audit", "verify", "--db", url],
                          capture_output=True, text=True, timeout=60)


async def test_audit_verify_command_names_the_first_broken_entry(tmp_db_url, tmp_path):
    async with running_hub(tmp_db_url) as server:
        incident = await _raise(server, 1)
        async with Client.connect(server.url, "demo-commander") as c, \
                Client.connect(server.url, "demo-wall") as wall:
            assert (await c.command("cmd.acknowledge", m.CmdIncident(incident=incident))).ok
            assert not (await wall.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0002"))).ok
            assert (await c.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0001"))).ok
    # stopping the hub flushed the batches the audit rows are written with
    ok = _verify(tmp_db_url)
    assert ok.returncode == 0 and "3 entries verified" in ok.stdout, ok.stdout + ok.stderr
    with raw_db(tmp_db_url) as db:
        db.execute("update audit_log set actor = '某人' where id = 2")
    broken = _verify(tmp_db_url)
    assert broken.returncode == 1
    assert "BROKEN at entry 2" in broken.stdout, broken.stdout


def _entries(url) -> list[tuple[str, str, dict]]:
    with raw_db(url) as db:
        return [(action, outcome, json.loads(detail)) for action, outcome, detail in
                db.execute("select action, outcome, detail from audit_log order by id")]


def _log_types(url) -> dict[int, str]:
    with raw_db(url) as db:
        return {seq: t for seq, t in db.execute("select seq, type from events")}


async def test_audit_entry_is_written_with_its_command_or_not_at_all(tmp_db_url, tmp_path):
    """The log cannot be written, the hub dies, it restarts, the command is retried: ONE entry, naming real seqs.

    The old hub wrote the entry before the commit, on its own: after the crash the
    entry named seq N while seq N in the log became another event, and the retry
    got a second entry.
    """
    commander = TokenRegistry.demo().lookup("Bearer demo-commander")
    async with running_hub(tmp_db_url) as server:
        incident = await _raise(server, 1)
        core, store = server.core, server.core.store

        def full(*args, **kw):
            raise OSError("database or disk is full")

        store.commit = full
        answer = core.submit(commander, "ack-1", "cmd.acknowledge", m.CmdIncident(incident=incident))
        await until(lambda: core.storage_fault is not None, "the commit to fail")
        assert not answer.done()  # never answered: its events are not logged
        # A kill: nothing more is written.
        core._committer.cancel()
        core._committer = None
        core._batch.clear()
        core._answers.clear()
    async with running_hub(tmp_db_url) as server:
        server.core.inject(TokenRegistry.demo().lookup("Bearer demo-ingest"), "ingest.positions",
                           m.IngestPositions(moves=[("R0001", 1.0, 2.0)]))
        async with Client.connect(server.url, "demo-commander") as c:
            result = await c.command("cmd.acknowledge", m.CmdIncident(incident=incident), command_id="ack-1")
            assert result.ok
            again = await c.command("cmd.acknowledge", m.CmdIncident(incident=incident), command_id="ack-1")
            assert again == result
    types = _log_types(tmp_db_url)
    acks = [d for action, outcome, d in _entries(tmp_db_url) if action == "cmd.acknowledge"]
    assert len(acks) == 1, acks
    assert acks[0]["command"] == "ack-1" and acks[0]["seqs"] == list(result.seqs)
    assert [types.get(s) for s in acks[0]["seqs"]] == ["incident_acknowledged"]
    assert _verify(tmp_db_url).returncode == 0


async def _hub_process(tmp_path, *extra):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "console", "hub", "--port", "0", "--scenario", "none",
        "--db", f"sqlite:///{tmp_path / 'hub.db'}", *extra,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    assert line.startswith("hub serving "), line + (await proc.stderr.read()).decode()
    return proc, line.split()[2]


@pytest.mark.slow  # waits out the real hub and CLI processes' start (fast lane: tests/conftest.py)
async def test_verify_with_key_and_checkpoints_detects_rehash_and_truncation(tmp_path):
    """A real `duty-console hub --audit-key`: the signed checkpoints catch what the bare chain cannot."""
    from console.store.audit import GENESIS, entry_hash

    key = tmp_path / "keys" / "audit.key"
    key.parent.mkdir()
    assert subprocess.run([sys.executable, "-m", "console", "audit", "keygen", str(key)],
                          capture_output=True, timeout=60).returncode == 0
    proc, url = await _hub_process(tmp_path, "--audit-key", str(key))
    try:
        async with Client.connect(url, "demo-commander") as c:
            for i in range(6):
                assert (await c.command("cmd.report", m.CmdReport(kind="other", text=f"r{i}", x=1.0, y=2.0))).ok
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
    db_url = f"sqlite:///{tmp_path / 'hub.db'}"
    cps = tmp_path / "hub.db.audit-checkpoints"
    assert cps.exists()

    def verify(*extra) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "console", "audit", "verify", "--db", db_url, *extra],
                              capture_output=True, text=True, timeout=60)

    signed = ("--key", str(key), "--checkpoints", str(cps))
    ok = verify(*signed)
    assert ok.returncode == 0 and "6 entries verified" in ok.stdout and "checkpoints match" in ok.stdout, ok.stdout

    # Rehash: entry 3 edited, every hash from it recomputed, the head record rewritten.
    shutil.copy(tmp_path / "hub.db", tmp_path / "clean.db")
    db = sqlite3.connect(tmp_path / "hub.db")
    db.execute("update audit_log set actor = '某人' where id = 3")
    prev = GENESIS
    for row in db.execute("select id, ts, actor, role, action, outcome, detail from audit_log order by id").fetchall():
        h = entry_hash(prev, *row)
        db.execute("update audit_log set prev_hash = ?, hash = ? where id = ?", (prev, h, row[0]))
        prev = h
    db.execute("update settings set value = ? where key = 'audit.head'", (f"6:{prev}".encode(),))
    db.commit()
    db.close()
    assert verify().returncode == 0  # the chain alone cannot tell
    broken = verify(*signed)
    assert broken.returncode == 1 and "rehashed" in broken.stdout, broken.stdout

    # Truncation: the last two entries cut, the head record moved back.
    shutil.copy(tmp_path / "clean.db", tmp_path / "hub.db")
    db = sqlite3.connect(tmp_path / "hub.db")
    (h4,) = db.execute("select hash from audit_log where id = 4").fetchone()
    db.execute("delete from audit_log where id > 4")
    db.execute("update settings set value = ? where key = 'audit.head'", (f"4:{h4}".encode(),))
    db.commit()
    db.close()
    assert verify().returncode == 0
    cut = verify(*signed)
    assert cut.returncode == 1 and "BROKEN at entry 5" in cut.stdout and "missing" in cut.stdout, cut.stdout


def test_hub_refuses_a_key_that_does_not_match_its_checkpoints(tmp_path):
    """An existing checkpoint file signed with another key: one clear line, exit 2, nothing appended."""
    from console.store.audit import AuditCheckpoints, make_key_file

    make_key_file(tmp_path / "a.key")
    AuditCheckpoints(tmp_path / "hub.db.audit-checkpoints", b"k" * 32).write(1, "0" * 64)
    before = (tmp_path / "hub.db.audit-checkpoints").read_bytes()
    run = subprocess.run([sys.executable, "-m", "console", "hub", "--port", "0", "--scenario", "none",
                          "--db", f"sqlite:///{tmp_path / 'hub.db'}", "--audit-key", str(tmp_path / "a.key")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "does not authenticate" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert (tmp_path / "hub.db.audit-checkpoints").read_bytes() == before
