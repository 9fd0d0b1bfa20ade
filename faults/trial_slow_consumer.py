"""Slow consumers under a heavy stream from a real hub process.

A console that applies events slower than the hub makes them falls behind, is dropped by
the hub (queue bound or send deadline) and resumes; a client that stops reading altogether,
while it still sends, is cut off by the hub's send deadline. The stream comes from an
ingest process.

Checks: the stalled reader is cut within 10 s; the slow console ends equal to a fault-free
fold of the hub's log once the stream stops; the hub's memory stays bounded; the log is sound.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from faults.common import (
    ROOT, HubProcess, child_env, fold_log, free_port, hub_state, integrity, same_state, seed_hub_log, until,
)

#: the slow console spends this long on every event it applies (s): slower than the stream
APPLY_COST_S = 0.0008
#: stream rate (messages a second) from the ingest process
STREAM_RATE = 2000.0


def run(short: bool) -> dict:
    """The trial: figures and `passed`."""
    return asyncio.run(_run(short))


async def _stalled_reader(url: str, started: asyncio.Event) -> float | None:
    """Connects, resumes, stops reading but keeps sending pings; seconds until the hub cut it off."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    from console.protocol import messages as m
    from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, encode

    async with connect(url, additional_headers={"Authorization": "Bearer demo-commander-2"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES, ping_interval=None) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
        await started.wait()
        ws.transport.pause_reading()
        t0 = time.monotonic()
        try:
            while time.monotonic() - t0 < 60:
                await asyncio.wait_for(ws.send(encode("ping", m.Ping(t=time.time())), text=True), 2)
                await asyncio.sleep(0.2)
        except (ConnectionClosed, OSError, asyncio.TimeoutError):
            return time.monotonic() - t0
    return None


async def _run(short: bool) -> dict:
    from console.client.replica import Replica
    from console.client.session import Session

    seconds = 5.0 if short else 40.0
    tmp = Path(tempfile.mkdtemp(prefix="faults-slow-"))
    hub_url = f"sqlite:///{tmp / 'hub.db'}"
    await seed_hub_log(hub_url)
    hub = HubProcess(hub_url, free_port(), tmp / "hub.log")
    await hub.start()
    replica = Replica()
    real_apply = replica.apply_event

    def slow_apply(msg):
        end = time.perf_counter() + APPLY_COST_S
        real_apply(msg)
        while time.perf_counter() < end:
            pass

    replica.apply_event = slow_apply
    session = Session(hub.url, "demo-operator", replica, backoff=(0.1, 0.5))
    session.start()
    try:
        if not await until(session.live.is_set, 20):
            return {"passed": False, "error": "the console never went live"}
        rss_before = hub.rss_mb()
        streaming = asyncio.Event()
        stalled = asyncio.ensure_future(_stalled_reader(hub.url, streaming))
        load = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "faults.load", hub.url, str(seconds), str(STREAM_RATE),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=child_env(), cwd=ROOT)
        await asyncio.sleep(1.0)
        streaming.set()
        rss_peak = rss_before
        while load.returncode is None:
            rss_peak = max(rss_peak, hub.rss_mb())
            try:
                await asyncio.wait_for(load.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
        out = (await load.stdout.read()).decode().split()
        sent = int(out[-1]) if out else None  # None: the load process failed
        cut_after = await stalled
        stream_end = time.monotonic()
        fold = fold_log(hub_url)
        caught_up = await until(lambda: session.live.is_set() and replica.state.seq >= fold.seq, 90)
        catch_up_s = time.monotonic() - stream_end
        hub_now = await hub_state(hub.url)
        drops = Path(tmp / "hub.log").read_text(errors="replace")
        figures = {
            "stream_s": seconds, "sent": sent, "events": fold.seq,
            "stalled_cut_after_s": round(cut_after, 2) if cut_after is not None else None,
            "slow_console_drops": drops.count("dropping client 坐席员 赵丽"),
            "send_deadline_drops": drops.count("took no data"),
            "queue_full_drops": drops.count("send queue full"),
            "reconnects": replica.link.reconnects, "catch_up_s": round(catch_up_s, 1),
            "same_state": caught_up and same_state(replica.state, fold, hub_now),
            "hub_rss_mb": f"{rss_before:.0f}->{rss_peak:.0f}",
        }
        rss_growth = rss_peak - rss_before
    finally:
        await session.close()
        await hub.stop()
    figures["integrity"] = "ok" if integrity(hub_url) == "ok" else "BROKEN"
    figures["passed"] = (figures["same_state"] and figures["sent"] and cut_after is not None and cut_after < 10.0
                         and rss_growth < 400 and figures["integrity"] == "ok")
    return figures
