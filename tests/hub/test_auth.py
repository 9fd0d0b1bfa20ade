"""Tokens: hashed at rest, re-read on change or SIGHUP, revoked sessions closed (4401), expiry,
field tokens bound to one person, and a bad tokens file named in one line (issue 9, items 11, 12, 18)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from console.domain.model import Alert
from console.hub import server as server_mod
from console.hub.auth import TokenError, TokenRegistry, hash_token
from console.protocol import messages as m
from tests.hub.harness import Client, running_hub
from tests.waiting import until

BASE = {"role": "commander", "name": "值班长 甲"}


def _write(path, entries) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)  # what an editor or a deploy does: a new file in place


async def _closed_with(client: Client, timeout: float = 10) -> int | None:
    try:
        await asyncio.wait_for(client.ws.wait_closed(), timeout)
    except asyncio.TimeoutError:
        return None
    return client.ws.close_code


def test_a_tokens_file_may_hold_only_the_hash_of_a_token(tmp_path):
    f = tmp_path / "tokens.json"
    _write(f, [{"token_sha256": hash_token("s3cret-A").removeprefix("sha256:"), **BASE},
               {"token": "plain-B", "role": "wall", "name": "大屏"}])
    reg = TokenRegistry.from_file(f)
    assert "s3cret-A" not in f.read_text()
    assert reg.lookup("Bearer s3cret-A").name == BASE["name"]
    assert reg.lookup("Bearer plain-B").role == "wall"
    assert reg.lookup("Bearer " + hash_token("s3cret-A")) is None  # the stored form is no login
    assert reg.lookup("Bearer nope") is None
    # the demo tokens stay usable as they are
    assert TokenRegistry.demo().lookup("Bearer demo-commander").role == "commander"


@pytest.mark.parametrize("entries, words", [
    ([{"token": "a", "role": "field", "name": "n"}], "needs resource"),
    ([{"token": "a", "token_sha256": "00" * 32, **BASE}], "exactly one of"),
    ([{"token_sha256": "xyz", **BASE}], "64 hex digits"),
    ([{"token": "a", **BASE}, {"token": "b", **BASE}], "used twice"),
    ([{"token": "a", **BASE, "expires": "2026-01-01T00:00"}], "time zone"),
    ([{"token": "a", **BASE, "colour": "red"}], "unknown field"),
])
def test_bad_entries_are_named(tmp_path, entries, words):
    f = tmp_path / "tokens.json"
    _write(f, entries)
    with pytest.raises(TokenError, match=words):
        TokenRegistry.from_file(f)


async def test_a_token_removed_from_the_file_closes_its_sessions_with_4401(tmp_db_url, tmp_path, monkeypatch,
                                                                         caplog):
    monkeypatch.setattr(server_mod, "TOKEN_CHECK_INTERVAL", 0.05)
    f = tmp_path / "tokens.json"
    _write(f, [{"token": "tok-A", **BASE}, {"token": "tok-B", "role": "wall", "name": "大屏"}])
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(f)) as server:
        async with Client.connect(server.url, "tok-A") as a1, Client.connect(server.url, "tok-A") as a2, \
                Client.connect(server.url, "tok-B") as b:
            _write(f, [{"token": "tok-B", "role": "wall", "name": "大屏"}])
            assert await _closed_with(a1) == server_mod.CLOSE_TOKEN_REVOKED == 4401
            assert await _closed_with(a2) == 4401
            assert a1.ws.close_reason == "token revoked or expired"
            # the other token's session goes on
            await b.round_trip()
            assert b.ws.close_code is None
        with pytest.raises(InvalidStatus) as exc:
            async with connect(server.url, additional_headers={"Authorization": "Bearer tok-A"}, proxy=None):
                pass
        assert exc.value.response.status_code == 401
        # a broken edit keeps the tokens in force (and says why in the log)
        f.write_text("[{broken", encoding="utf-8")
        await until(lambda: "tokens file not reloaded" in caplog.text, "the broken file to be read")
        async with Client.connect(server.url, "tok-B"):
            pass


async def test_an_expired_token_is_refused_and_its_open_session_closed(tmp_db_url, tmp_path, monkeypatch):
    monkeypatch.setattr(server_mod, "TOKEN_CHECK_INTERVAL", 0.05)
    f = tmp_path / "tokens.json"
    _write(f, [{"token": "old", **BASE, "expires": "2020-01-01T00:00:00+08:00"},
               {"token": "soon", "role": "wall", "name": "大屏", "expires": time.time() + 1.0}])
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(f)) as server:
        with pytest.raises(InvalidStatus):
            async with connect(server.url, additional_headers={"Authorization": "Bearer old"}, proxy=None):
                pass
        async with Client.connect(server.url, "soon") as c:
            assert await _closed_with(c) == 4401


async def test_sighup_reloads_the_tokens_file(tmp_path):
    f = tmp_path / "tokens.json"
    _write(f, [{"token": "tok-A", **BASE}])
    before = os.stat(f)
    proc = subprocess.Popen([sys.executable, "-m", "console", "hub", "--scenario", "none", "--port", "0",
                             "--db", f"sqlite:///{tmp_path / 'hub.db'}", "--tokens", str(f)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()})
    try:
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), 30)
        url = line.split()[2]
        async with Client.connect(url, "tok-A") as c:
            # same size, same inode, same mtime: only SIGHUP can tell the file changed
            with open(f, "r+", encoding="utf-8") as fh:
                text = fh.read().replace("tok-A", "tok-Z")
                fh.seek(0)
                fh.write(text)
            os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))
            await asyncio.sleep(2.5)  # the file watcher looked at least once and saw nothing
            assert c.ws.close_code is None
            proc.send_signal(signal.SIGHUP)
            assert await _closed_with(c) == 4401
        async with Client.connect(url, "tok-Z"):
            pass
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_malformed_tokens_file_is_one_clear_line(tmp_path):
    f = tmp_path / "tokens.json"
    f.write_text('[{"token": "a", "role": "boss", "name": "x"}]', encoding="utf-8")
    for command in ("hub", "demo"):
        r = subprocess.run([sys.executable, "-m", "console", command, "--tokens", str(f), "--port", "0"],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert r.returncode == 2
        assert r.stderr.strip().splitlines() == [
            f"duty-console {command}: tokens file {f}: entry 0 has unknown role 'boss' "
            "(one of commander, operator, wall, field, ingest)"]


async def test_a_field_token_updates_only_the_tasks_of_its_own_person(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        async with Client.connect(server.url, "demo-ingest", last_seq=None) as ingest:
            for n in (1, 2):
                alert = Alert(id=f"F{n}", source="camera", kind="cordon_intrusion", severity="critical",
                              title="t", at=0.0, x=1.0, y=2.0, grid="T1-C01-G1", town="T1")
                assert (await ingest.command("ingest.alert", m.IngestAlert(alert=alert))).ok
        async with Client.connect(server.url, "demo-commander") as c, \
                Client.connect(server.url, "demo-field", last_seq=None) as field:
            mine = await c.command("cmd.dispatch", m.CmdDispatch(incident="I-F1", resource="R0001"))
            other = await c.command("cmd.dispatch", m.CmdDispatch(incident="I-F2", resource="R0002"))
            assert mine.ok and other.ok
            tasks = server.core.state.tasks
            [my_task] = [t for t in tasks.values() if t.resource == "R0001"]
            [their_task] = [t for t in tasks.values() if t.resource == "R0002"]
            refused = await field.command("cmd.task_update", m.CmdTaskUpdate(task=their_task.id, status="accepted"))
            assert (refused.ok, refused.code) == (False, "forbidden") and "R0001" in refused.message
            ok = await field.command("cmd.task_update", m.CmdTaskUpdate(task=my_task.id, status="accepted"))
            assert ok.ok
        assert tasks[their_task.id].status == "sent" and tasks[my_task.id].status == "accepted"
