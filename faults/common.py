"""Pieces the link trials share: a real hub process, a seeded log, a scripted commander, the checks.

Everything talks over 127.0.0.1. The hub is `python -m console hub` on a log
seeded here (the marathon baseline and some open incidents); the console side
is the real Session, Replica, Controller and local file.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

from console.domain.apply import apply
from console.domain.model import Alert
from console.domain.state import State, decode_state, state_hash
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode, decode_batch, encode

ROOT = Path(__file__).resolve().parent.parent
#: what a trial's child process prints before its JSON figures (everything else is log)
RESULT_TAG = "FAULTS_RESULT "


def child_env() -> dict[str, str]:
    """Environment for child processes: no proxies, offscreen Qt, the repo on the path."""
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def free_port() -> int:
    """A port free on 127.0.0.1 now (the hub restarts on it, so it is chosen once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlite_file(url: str) -> str:
    return url.removeprefix("sqlite:///")


def integrity(url: str) -> str:
    """`PRAGMA integrity_check` of a SQLite file ("ok" when sound)."""
    with sqlite3.connect(sqlite_file(url)) as db:
        return ";".join(row[0] for row in db.execute("PRAGMA integrity_check"))


# ---------------------------------------------------------------------- the hub

async def seed_hub_log(url: str, incidents: int = 40) -> None:
    """A hub log with the marathon baseline and `incidents` new incidents, as a live day would have."""
    from console.hub.core import Clock, HubCore
    from console.scenarios import build_marathon_baseline
    from console.store import Store

    store = Store(url)
    core = HubCore(store, clock=Clock())
    await core.start()
    events = [("baseline_loaded", m.BaselineLoaded(baseline=build_marathon_baseline()))]
    rng = random.Random(3)
    for n in range(incidents):
        x, y = rng.uniform(0, 6000), rng.uniform(0, 3000)
        alert = Alert(id=f"F{n:04d}", source="camera", kind="cordon_intrusion", severity="warning",
                      title=f"fault trial alert {n}", at=time.time(), x=x, y=y, grid="T1-C01-G1", town="T1",
                      camera="CAM01")
        events.append(("alert_raised", m.AlertRaised(alert=alert, incident=f"I-{alert.id}")))
    seqs = core.emit(events)
    await core.wait_committed(seqs[-1])
    await core.close()
    store.close()


class HubProcess:
    """`python -m console hub` on a log and a fixed port: started, killed -9, restarted."""

    def __init__(self, db_url: str, port: int, log_path: Path, extra_args: tuple[str, ...] = (),
                 label: str = "hub"):
        self.db_url = db_url
        self.port = port
        self.log_path = log_path
        #: more `duty-console hub` flags (a federated town: --center, --nats), and its name in errors
        self.extra_args = extra_args
        self.label = label
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def start(self, timeout: float = 30.0) -> None:
        """Start the hub and wait until it serves."""
        log = open(self.log_path, "ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", "hub", "--scenario", "none", "--db", self.db_url,
            "--port", str(self.port), *self.extra_args,
            stdout=asyncio.subprocess.PIPE, stderr=log, env=child_env(), cwd=ROOT)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), max(0.1, deadline - time.monotonic()))
            if not line:
                raise RuntimeError(f"{self.label} exited before serving (see {self.log_path})")
            if line.startswith(b"hub serving"):
                break
        asyncio.ensure_future(self._drain(self.proc))

    @staticmethod
    async def _drain(proc) -> None:
        while await proc.stdout.readline():
            pass

    async def kill9(self) -> None:
        """SIGKILL: no flush, no goodbye."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()
            self.kills += 1
        self.proc = None

    async def stop(self) -> None:
        """SIGTERM and wait (the hub closes in order)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.proc = None

    def rss_mb(self) -> float:
        """Resident memory of the hub process (MiB), from /proc."""
        if self.proc is None:
            return float("nan")
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        return float("nan")


# ---------------------------------------------------------------------- folds and checks

def fold_log(url: str) -> State:
    """The state a fault-free client would hold: every logged event applied once, in order, from empty."""
    from console.store import Store

    store = Store(url)
    try:
        state = State()
        after = 0
        while True:
            rows = store.events_after(after, 5000)
            if not rows:
                break
            for seq, _type, _ts, data in rows:
                if seq != after + 1 and after:
                    raise AssertionError(f"the log skips from seq {after} to {seq}")
                apply(state, decode(data))
                after = seq
        return state
    finally:
        store.close()


async def hub_state(url: str, token: str = "demo-commander") -> State:
    """The hub's own state now, as a fresh client's snapshot shows it."""
    from websockets.asyncio.client import connect

    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES, open_timeout=10) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
        while True:
            for msg in decode_batch(await asyncio.wait_for(ws.recv(), 20)):
                if msg.type == "snapshot":
                    return decode_state(msg.body.state)


class ScriptedCommander:
    """A busy commander on a console: mostly reports, and acknowledges and dispatches on open incidents.

    Commands go through the console's Controller (checked locally, then to the session's
    outbox). Every command made is remembered with what it should do, so the checks can say
    which took effect, which were refused, which were lost and which were applied twice.
    """

    def __init__(self, controller, session, rng: random.Random, tag: str):
        self.controller = controller
        self.session = session
        self.replica = controller.replica
        self.rng = rng
        self.tag = tag
        #: command id -> (type, report text or incident id)
        self.made: dict[str, tuple[str, str]] = {}
        self.results: dict[str, m.Result] = {}
        self.refused_here = 0
        self._n = 0
        session.on_result.append(self._on_result)

    def _on_result(self, command_id: str, result: m.Result) -> None:
        if command_id in self.made:
            self.results.setdefault(command_id, result)

    def step(self) -> str | None:
        """Make one command; returns its id (None when the console refused it itself)."""
        state = self.replica.state
        roll = self.rng.random()
        if roll < 0.08:
            new = [i for i, inc in state.incidents.items() if inc.status == "new"]
            if new:
                incident = self.rng.choice(new)
                return self._made(self.controller.acknowledge(incident), "cmd.acknowledge", incident)
        elif roll < 0.16:
            open_ = [i for i, inc in state.incidents.items() if inc.status in ("new", "acknowledged", "dispatched")]
            free = [r.id for r in state.resources.values() if r.status == "available" and r.task is None]
            if open_ and free:
                incident, person = self.rng.choice(open_), self.rng.choice(free[:200])
                return self._made(self.controller.dispatch(incident, person), "cmd.dispatch", f"{incident}/{person}")
        self._n += 1
        text = f"{self.tag}-{self._n}"
        body = m.CmdReport(kind="crowd", text=text, x=self.rng.uniform(0, 6000), y=self.rng.uniform(0, 3000))
        return self._made(self.controller.send("cmd.report", body), "cmd.report", text)

    def _made(self, handle, kind: str, key: str) -> str | None:
        """Remember a command the controller made (its CommandHandle); None when refused here."""
        if handle is None or handle.refused_here:
            self.refused_here += 1
            return None
        self.made[handle.id] = (kind, key)
        return handle.id

    def check(self, state: State) -> dict:
        """Figures against the hub's final state: applied, refused, lost, doubled."""
        reports = Counter(a.text for a in state.alerts.values() if a.text.startswith(f"{self.tag}-"))
        unanswered = [cid for cid in self.made if cid not in self.results]
        ok = [cid for cid, r in self.results.items() if r.ok]
        refused = Counter(r.code for r in self.results.values() if not r.ok)
        lost = doubled = 0
        for cid, (kind, key) in self.made.items():
            if kind != "cmd.report":
                continue
            seen = reports.get(key, 0)
            result = self.results.get(cid)
            if result is not None and result.ok and seen == 0:
                lost += 1  # answered ok, yet not in the hub's state
            if seen > 1:
                doubled += seen - 1
            if result is not None and not result.ok and seen:
                doubled += seen  # refused, yet applied
        kinds = Counter(kind.removeprefix("cmd.") for kind, _ in self.made.values())
        return {"commands": len(self.made), "kinds": dict(kinds), "applied": len(ok), "refused": sum(refused.values()),
                "refused_codes": dict(refused), "unanswered": len(unanswered), "lost": lost + len(unanswered),
                "doubled": doubled}


def same_state(*states: State) -> bool:
    """Whether the states are one (their fingerprints agree)."""
    return len({state_hash(s) for s in states}) == 1


async def until(predicate, timeout: float) -> bool:
    """Poll until `predicate()` holds; False when `timeout` passed first."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def start_console(url: str, db_url: str, backoff: tuple[float, float]):
    """A headless console on its own file, restored and connecting: (store, replica, session, controller)."""
    from console.client.controller import Controller
    from console.client.replica import Replica
    from console.client.session import Session
    from console.store import Store

    store = Store(db_url)
    replica = Replica()
    session = Session(url, "demo-commander", replica, store=store, backoff=backoff)
    controller = Controller(replica, session)
    await session.restore()
    session.start()
    return store, replica, session, controller
