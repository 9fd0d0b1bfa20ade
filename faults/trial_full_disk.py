"""Fault trial: the hub's database on a full disk (a small tmpfs, mounted as root).

A real hub (store, core, websocket server on loopback) keeps its SQLite file on
a tmpfs of a few MiB. A commander sends reports at a steady pace; the disk is
filled to the last byte, held full, then freed, one or more times. Checked:

- while full, every client is told (`error storage_full`), a client connecting
  then gets `hello.storage = "storage_full"` and still goes live, and commands
  are refused with `storage_full` instead of vanishing;
- after space returns: every command got exactly one answer; every `ok` one has
  its events in the log and exactly one audit entry naming them; every refused
  one left no trace; the audit chain verifies; `PRAGMA integrity_check` is ok.

`run(short)` returns the figures and `passed`; without root or without
permission to mount it returns `skipped` with the reason (and `passed` True).
"""

from __future__ import annotations

import asyncio
import errno
import itertools
import json
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect

from console.hub.auth import TokenRegistry
from console.hub.core import Clock, HubCore
from console.hub.server import HubServer
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode
from console.scenarios import build_marathon_baseline
from console.store import Store, verify_audit_url

NAME = "full disk"
#: how long one "full" period lasts at most, and how long answers may take once space returns
FULL_FOR_S = 6.0
SETTLE_S = 15.0


def mount_tmpfs(size: str) -> tuple[Path | None, str]:
    """A fresh tmpfs of `size` (e.g. "16m"), or (None, why not)."""
    if os.geteuid() != 0:
        return None, "needs root to mount a tmpfs"
    where = Path(tempfile.mkdtemp(prefix="duty-full-"))
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                         capture_output=True, text=True, timeout=30)
    if run.returncode != 0:
        where.rmdir()
        return None, f"mount not permitted: {run.stderr.strip() or run.returncode}"
    return where, ""


def unmount(where: Path) -> None:
    """Unmount and remove a directory made by `mount_tmpfs`."""
    subprocess.run(["umount", str(where)], capture_output=True, timeout=30)
    try:
        where.rmdir()
    except OSError:
        pass


def fill(where: Path) -> Path:
    """Write a filler file until the filesystem has no byte left; returns it (delete it to free)."""
    filler = where / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    return filler


class Peer:
    """A protocol client written from PROTOCOL.md: keeps hello, notices, results and live."""

    def __init__(self, ws):
        self.ws = ws
        self.hello: m.Hello | None = None
        self.notices: list[m.Error] = []
        self.results: dict[str, m.Result] = {}
        self.live = asyncio.Event()
        self.live_after: float | None = None
        self._t0 = time.monotonic()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            if isinstance(raw, bytes):
                continue
            for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                if isinstance(msg, Exception):
                    continue
                if msg.type == "hello":
                    self.hello = msg.body
                elif msg.type == "live":
                    self.live_after = time.monotonic() - self._t0
                    self.live.set()
                elif msg.type == "result":
                    self.results[msg.id] = msg.body
                elif msg.type == "error":
                    self.notices.append(msg.body)

    async def send(self, type_: str, body, command_id: str) -> None:
        await self.ws.send(encode(type_, body, id=command_id), text=True)

    async def close(self) -> None:
        self._reader.cancel()
        await self.ws.close()


async def _peer(url: str, token: str, stack) -> Peer:
    ws = await stack.enter_async_context(connect(
        url, additional_headers={"Authorization": f"Bearer {token}"}, compression=None, proxy=None,
        max_size=MAX_HUB_MESSAGE_BYTES))
    peer = Peer(ws)
    await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
    return peer


async def _until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def _trial(where: Path, cycles: int, pace_s: float) -> dict:
    from contextlib import AsyncExitStack

    db = where / "hub.db"
    store = Store(f"sqlite:///{db}")
    core = HubCore(store, clock=Clock())
    await core.start()
    await core.wait_committed(core.emit([("baseline_loaded", m.BaselineLoaded(
        baseline=build_marathon_baseline()))])[-1])
    server = HubServer(core, TokenRegistry.demo(), port=0)
    await server.start()
    ids = (f"r{i}" for i in itertools.count(1))
    sent: list[str] = []
    figures = {"cycles": cycles, "sent": 0, "ok": 0, "refused_storage_full": 0, "refused_other": 0,
               "unanswered": 0, "told_full": 0, "told_restored": 0, "late_hello_storage": [],
               "late_client_live": 0, "late_client_live_s": [], "ok_not_audited": 0, "audited_twice": 0,
               "audit_seq_wrong": 0, "refused_left_trace": 0, "integrity": "", "audit_verify": ""}
    async with AsyncExitStack() as stack:
        commander = await _peer(server.url, "demo-commander", stack)
        await asyncio.wait_for(commander.live.wait(), 10)

        async def report(text: str) -> str:
            cid = next(ids)
            sent.append(cid)
            await commander.send("cmd.report", m.CmdReport(kind="other", text=f"{cid} {text}", x=0.0, y=0.0), cid)
            await asyncio.sleep(pace_s)
            return cid

        for _ in range(5):
            await report("before")
        for _cycle in range(cycles):
            filler = fill(where)
            deadline = time.monotonic() + FULL_FOR_S
            # Keep sending until the hub has noticed (a write that fits in pages SQLite already
            # holds still succeeds) and refused a few, bounded in time.
            while time.monotonic() < deadline:
                cid = await report("during")
                if commander.results.get(cid) and commander.results[cid].code == "storage_full":
                    break
            for _ in range(5):
                await report("full")
            # A console that starts now must be told and must still go live.
            late = await _peer(server.url, "demo-operator", stack)
            went_live = await _until(late.live.is_set, 10)
            figures["late_client_live"] += went_live
            if late.live_after is not None:
                figures["late_client_live_s"].append(round(late.live_after, 2))
            figures["late_hello_storage"].append(getattr(late.hello, "storage", None))
            figures["told_full"] += any(n.code == "storage_full" for n in late.notices)
            await late.close()
            filler.unlink()
            await _until(lambda: getattr(core, "storage_fault", None) is None, SETTLE_S)
            for _ in range(5):
                await report("after")
        await _until(lambda: all(c in commander.results for c in sent), SETTLE_S)
        figures["told_full"] += sum(n.code == "storage_full" for n in commander.notices)
        figures["told_restored"] = sum(n.code == "storage_restored" for n in commander.notices)
        results = dict(commander.results)
        await commander.close()
    await server.stop()
    await core.close()
    store.close()

    con = sqlite3.connect(db)
    try:
        figures["integrity"] = con.execute("PRAGMA integrity_check").fetchone()[0]
        types = dict(con.execute("select seq, type from events"))
        texts = {json.loads(d)["body"]["alert"]["text"] for (d,) in
                 con.execute("select data from events where type = 'alert_raised'")}
        audit: dict[str, list[dict]] = {}
        for (detail,) in con.execute("select detail from audit_log where action = 'cmd.report'"):
            d = json.loads(detail)
            audit.setdefault(d.get("command"), []).append(d)
    finally:
        con.close()
    figures["sent"] = len(sent)
    for cid in sent:
        r = results.get(cid)
        entries = audit.get(cid, [])
        if r is None:
            figures["unanswered"] += 1
        elif r.ok:
            figures["ok"] += 1
            figures["ok_not_audited"] += not entries
            figures["audited_twice"] += len(entries) > 1
            if entries and [types.get(s) for s in entries[0]["seqs"]] != ["alert_raised"]:
                figures["audit_seq_wrong"] += 1
        elif r.code == "storage_full":
            figures["refused_storage_full"] += 1
            figures["refused_left_trace"] += bool(entries) or any(t.startswith(cid + " ") for t in texts)
        else:
            figures["refused_other"] += 1
    verdict = verify_audit_url(f"sqlite:///{db}")
    figures["audit_verify"] = verdict.reason
    figures["passed"] = (
        figures["unanswered"] == 0 and figures["refused_storage_full"] >= cycles
        and figures["refused_other"] == 0 and figures["ok_not_audited"] == 0 and figures["audited_twice"] == 0
        and figures["audit_seq_wrong"] == 0 and figures["refused_left_trace"] == 0
        and figures["late_client_live"] == cycles and figures["told_full"] >= 2 * cycles
        and figures["late_hello_storage"] == ["storage_full"] * cycles and figures["told_restored"] >= cycles
        and figures["integrity"] == "ok" and verdict.ok)
    return figures


def run(short: bool) -> dict:
    """One fill/free cycle (short) or three with a faster command pace (long); figures and `passed`."""
    where, why = mount_tmpfs("16m")
    if where is None:
        return {"name": NAME, "passed": True, "skipped": why}
    try:
        figures = asyncio.run(_trial(where, cycles=1 if short else 3, pace_s=0.02 if short else 0.005))
    finally:
        unmount(where)
    figures["name"] = NAME
    figures["summary"] = (
        f"{figures['cycles']} full periods: {figures['sent']} commands, {figures['ok']} ok, "
        f"{figures['refused_storage_full']} refused storage_full, {figures['unanswered']} unanswered, "
        f"{figures['ok_not_audited']} ok un-audited, {figures['refused_left_trace']} refused with a trace; "
        f"late clients live {figures['late_client_live']}/{figures['cycles']}; integrity {figures['integrity']}")
    return figures


if __name__ == "__main__":
    print(json.dumps(run(short=True), ensure_ascii=False, indent=1))
