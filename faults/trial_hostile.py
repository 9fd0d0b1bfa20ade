"""Hostile frames against a real hub process while a watcher measures its own event latency.

Several connections (different principals) send a mix of hostile frames: nesting 1,000 and
20,000 deep (in known and unknown fields), 200 KiB strings and ids, messages over 1 MiB,
unknown types, broken JSON, invalid UTF-8 in a text frame, binary garbage and floods of
valid commands. Meanwhile a watcher (a principal of its own) sends a report every 50 ms and
times how long its `alert_raised` takes to come back.

Checks: the hub process stays up and serves a new client; no hostile connection was closed
1011 (an internal error: the session died); the hub's RSS and database grew within bounds;
the watcher was never cut off and its latency stayed low.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

#: bounds the hub must stay within (RSS growth is resident memory after the attack minus before)
MAX_RSS_GROWTH_MIB = 64
MAX_DB_GROWTH_MIB = 8
#: the watcher's event latency under attack (s): 99th percentile and worst
MAX_WATCHER_P99_S = 1.0
MAX_WATCHER_WORST_S = 3.0

#: valid commands sent back to back in one flood
FLOOD_BURST = 12

_ROOT = Path(__file__).resolve().parent.parent
_HOSTILE_TOKENS = ("demo-commander", "demo-operator", "demo-ingest", "demo-wall", "demo-t1", "demo-field")
_WATCHER_TOKEN = "demo-commander-2"


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _hostile_frames() -> list[tuple[str, str | bytes, bool]]:
    """(kind, data, send as text) in the order the mix cycles through."""
    big = "x" * (200 << 10)
    frames = [
        ("deep_known", '{"v":2,"type":"cmd.acknowledge","id":"d","body":{"incident":%s}}' % _deep(1000), True),
        ("deep_unknown", '{"v":2,"type":"cmd.acknowledge","id":"d","body":{"incident":"x","zz":%s}}'
         % _deep(1000), True),
        ("deep_objects", '{"v":2,"type":"ping","body":' + '{"a":' * 3000 + "1" + "}" * 3000 + "}", True),
        ("deep_20000", '{"v":2,"type":"ping","body":{"t":%s}}' % _deep(20000), True),
        ("huge_field", '{"v":2,"type":"cmd.report","id":"h","body":{"kind":"k","text":"%s","x":0,"y":0}}' % big, True),
        ("huge_id", '{"v":2,"type":"cmd.acknowledge","id":"%s","body":{"incident":"I-x"}}' % big, True),
        ("unknown_type", '{"v":2,"type":"cmd.format_disk","id":"u","body":{}}', True),
        ("bad_json", '{"v":2,"type":"ping","body":{"t":', True),
        ("wrong_shape", '{"v":2,"type":"cmd.dispatch","id":"w","body":{"incident":1,"resource":[]}}', True),
        ("binary", bytes(random.Random(3).randbytes(64)), False),
        ("flood", None, True),  # valid commands, made per send (fresh ids)
    ]
    return frames


_RARE = [
    ("too_large", '{"v":2,"type":"ping","body":{"t":1,"pad":"%s"}}' % ("p" * (1100 << 10)), True),
    ("bad_utf8", b'{"v":2,"type":"ping","body":{"t":"\xff\xfe"}}', True),
]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def _headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def _drain(ws) -> Counter:
    """Read (and count the error codes of) whatever the hub answers, so its send queue never fills."""
    codes: Counter = Counter()
    try:
        async for raw in ws:
            if isinstance(raw, str):
                for code in re.findall(r'"type":"error",(?:"id":"[^"]*",)?"body":\{"code":"(\w+)"', raw):
                    codes[code] += 1
    except ConnectionClosed:
        pass
    return codes


async def _attacker(url: str, token: str, count: int, seed: int, out: dict) -> None:
    rng = random.Random(seed)
    mix = _hostile_frames()
    ids = itertools.count()
    sent = slot = 0
    while sent < count:
        try:
            async with connect(url, additional_headers=_headers(token), proxy=None, max_size=None,
                               open_timeout=10, compression=None) as ws:
                drain = asyncio.create_task(_drain(ws))
                try:
                    while sent < count:
                        kind, data, text = rng.choice(_RARE) if rng.random() < 0.01 else mix[slot % len(mix)]
                        slot += 1
                        # a flood is a burst of valid commands, more than the principal's burst allows
                        for _ in range(FLOOD_BURST if kind == "flood" else 1):
                            if kind == "flood":
                                data = ('{"v":2,"type":"cmd.acknowledge","id":"f%d","body":{"incident":"I-none"}}'
                                        % next(ids))
                            sent += 1
                            out["sent"][kind] += 1
                            await ws.send(data, text=text)
                except (ConnectionClosed, AttributeError):
                    # closed by the hub (the code is counted below; websockets may trip over its own
                    # aborted transport while sending then); go on from a new connection
                    pass
                finally:
                    await asyncio.sleep(0.2)  # the answers to the last frames
                    await ws.close()
                    out["errors"].update(await drain)
                    out["closes"][ws.close_code] += 1
        except OSError as exc:
            out["failures"].append(f"{token}: {exc}")
            return


async def _watcher(url: str, stop: asyncio.Event, out: dict) -> None:
    """A report every 50 ms; the time until its alert_raised comes back, per report."""
    pending: dict[str, float] = {}
    async with connect(url, additional_headers=_headers(_WATCHER_TOKEN), proxy=None, max_size=None,
                       compression=None) as ws:
        await ws.send('{"v":2,"type":"resume","body":{"last_seq":0}}')

        async def read() -> None:
            async for raw in ws:
                if isinstance(raw, bytes):
                    continue
                now = time.perf_counter()
                for text in re.findall(r'"text":"(watch-\d+)"', raw):
                    sent = pending.pop(text, None)
                    if sent is not None:
                        out[out["phase"]].append(now - sent)

        reader = asyncio.create_task(read())
        n = 0
        try:
            while not stop.is_set() and ws.close_code is None:
                n += 1
                text = f"watch-{n}"
                pending[text] = time.perf_counter()
                try:
                    await ws.send('{"v":2,"type":"cmd.report","id":"w%d","body":{"kind":"watch","text":"%s",'
                                  '"x":0,"y":0}}' % (n, text))
                except ConnectionClosed:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
        finally:
            out["unanswered"] = len(pending)
            out["watcher_closed"] = ws.close_code
            reader.cancel()


def _percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


async def _trial(url: str, pid: int, db: Path, frames: int, connections: int) -> dict:
    watch: dict = {"phase": "calm", "calm": [], "attack": []}
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watcher(url, stop, watch))
    await asyncio.sleep(1.5)  # the calm baseline
    rss_before, db_before = _rss_kib(pid), _db_bytes(db)
    out = {"sent": Counter(), "errors": Counter(), "closes": Counter(), "failures": []}
    watch["phase"] = "attack"
    t0 = time.perf_counter()
    per = frames // connections
    await asyncio.gather(*(_attacker(url, _HOSTILE_TOKENS[i % len(_HOSTILE_TOKENS)], per, i, out)
                           for i in range(connections)))
    attack_s = time.perf_counter() - t0
    rss_after = _rss_kib(pid)
    await asyncio.sleep(1.0)
    stop.set()
    await watcher
    # a new client still gets its hello
    async with connect(url, additional_headers=_headers(_WATCHER_TOKEN), proxy=None, max_size=None) as ws:
        fresh = '"type":"hello"' in await asyncio.wait_for(ws.recv(), 10)
    await asyncio.sleep(0.5)
    rss_end, db_end = _rss_kib(pid), _db_bytes(db)
    return {
        "frames": sum(out["sent"].values()), "connections": connections, "attack_s": round(attack_s, 1),
        "sent": dict(out["sent"]), "errors": dict(out["errors"]),
        "closes": {str(k): v for k, v in out["closes"].items()}, "failures": out["failures"],
        "rss_before_mib": round(rss_before / 1024, 1), "rss_after_mib": round(rss_after / 1024, 1),
        "rss_end_mib": round(rss_end / 1024, 1),
        "rss_growth_mib": round((max(rss_after, rss_end) - rss_before) / 1024, 1),
        "db_growth_mib": round((db_end - db_before) / (1 << 20), 2),
        "watcher_calm_p99_ms": round(_percentile(watch["calm"], 0.99) * 1000, 1),
        "watcher_p50_ms": round(_percentile(watch["attack"], 0.5) * 1000, 1),
        "watcher_p99_ms": round(_percentile(watch["attack"], 0.99) * 1000, 1),
        "watcher_worst_ms": round(max(watch["attack"], default=float("nan")) * 1000, 1),
        "watcher_events": len(watch["attack"]), "watcher_unanswered": watch["unanswered"],
        "watcher_closed": watch["watcher_closed"], "fresh_client_hello": fresh,
    }


def run(short: bool) -> dict:
    """Run the trial (short: 2,000 frames from 4 connections; long: 10,000 from 6); figures and `passed`."""
    frames, connections = (2_000, 4) if short else (10_000, 6)
    tmp = Path(tempfile.mkdtemp(prefix="trial-hostile-"))
    db = tmp / "hub.db"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen([sys.executable, "-m", "console", "hub", "--scenario", "none", "--port", "0",
                             "--db", f"sqlite:///{db}"], cwd=_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"(ws://\S+)", line)
        if not m:
            return {"passed": False, "why": f"hub did not start: {line!r}"}
        figures = asyncio.run(_trial(m.group(1), proc.pid, db, frames, connections))
        figures["hub_up"] = proc.poll() is None
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    problems = []
    if not figures["hub_up"] or not figures["fresh_client_hello"]:
        problems.append("hub not serving after the attack")
    if figures["closes"].get("1011"):
        problems.append(f"{figures['closes']['1011']} sessions closed 1011")
    if figures["failures"]:
        problems.append("connections failed: " + "; ".join(figures["failures"][:3]))
    if figures["rss_growth_mib"] > MAX_RSS_GROWTH_MIB:
        problems.append(f"RSS grew {figures['rss_growth_mib']} MiB > {MAX_RSS_GROWTH_MIB}")
    if figures["db_growth_mib"] > MAX_DB_GROWTH_MIB:
        problems.append(f"database grew {figures['db_growth_mib']} MiB > {MAX_DB_GROWTH_MIB}")
    if figures["watcher_closed"] is not None or figures["watcher_unanswered"] > 0:
        problems.append("the watcher was cut off or lost events")
    if not figures["watcher_events"] or figures["watcher_p99_ms"] > MAX_WATCHER_P99_S * 1000 \
            or figures["watcher_worst_ms"] > MAX_WATCHER_WORST_S * 1000:
        problems.append(f"watcher latency p99 {figures['watcher_p99_ms']} ms, worst {figures['watcher_worst_ms']} ms")
    figures["problems"] = problems
    figures["passed"] = not problems
    figures["summary"] = (f"hostile: {figures['frames']} frames / {connections} connections in {figures['attack_s']} s, "
                          f"closes {figures['closes']}, RSS +{figures['rss_growth_mib']} MiB, "
                          f"db +{figures['db_growth_mib']} MiB, watcher p99 {figures['watcher_p99_ms']} ms "
                          f"(calm {figures['watcher_calm_p99_ms']} ms), {'OK' if not problems else 'FAILED'}")
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(short="--long" not in sys.argv), ensure_ascii=False, indent=1))
