"""`duty-console audit verify` on a real hub's audit trail: OK, then an edited entry named."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys

from console.protocol import messages as m
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise


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
        await asyncio.sleep(0.2)  # audit writes are queued on the store's executor
    ok = _verify(tmp_db_url)
    assert ok.returncode == 0 and "3 entries verified" in ok.stdout, ok.stdout + ok.stderr
    db = sqlite3.connect(tmp_path / "t.db")
    db.execute("update audit_log set actor = '某人' where id = 2")
    db.commit()
    db.close()
    broken = _verify(tmp_db_url)
    assert broken.returncode == 1
    assert "BROKEN at entry 2" in broken.stdout, broken.stdout
