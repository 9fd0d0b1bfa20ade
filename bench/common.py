"""Shared pieces of the suite: statistics, child processes, the synthetic world the loads use.

Every figure is taken from real processes talking over 127.0.0.1: the hub
runs in its own process (`bench.hubproc`), loads that a user's machine would
receive from elsewhere come from another process, and the console under test
is the real composition (`bench.console`).
"""

from __future__ import annotations

import json
import math
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out"
#: what a worker prints before its JSON result (everything else on stdout is log)
RESULT_TAG = "BENCH_RESULT "


# ---------------------------------------------------------------------- statistics

def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; nan for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * q / 100.0
    lo = math.floor(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return percentile(values, 50.0)


def spread(values: list[float]) -> tuple[float, float]:
    vals = [v for v in values if not math.isnan(v)]
    return (min(vals), max(vals)) if vals else (math.nan, math.nan)


# ---------------------------------------------------------------------- environment

def child_env(**extra: str) -> dict[str, str]:
    """Environment for child processes: offscreen Qt, no proxies, quiet logging, repo on the path."""
    env = dict(os.environ)
    for k in list(env):
        if k.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            env.pop(k)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QT_API"] = "pyside6"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def python() -> str:
    return sys.executable


class Child:
    """A child process speaking JSON lines: we write commands to its stdin, it prints replies.

    Lines that are not JSON objects are kept as log (shown when something fails).
    """

    def __init__(self, args: list[str], *, env: dict[str, str] | None = None, name: str = ""):
        self.name = name or args[-1]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env or child_env(), cwd=ROOT,
                                     text=True, bufsize=1)
        self.lines: queue.Queue[dict] = queue.Queue()
        self.log: list[str] = []
        self._threads = [threading.Thread(target=self._read, args=(self.proc.stdout, True), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, False), daemon=True)]
        for t in self._threads:
            t.start()

    def _read(self, stream, parse: bool) -> None:
        for line in stream:
            line = line.rstrip("\n")
            if parse and line.startswith("{"):
                try:
                    self.lines.put(json.loads(line))
                    continue
                except ValueError:
                    pass
            self.log.append(line)
            if len(self.log) > 400:
                del self.log[:200]

    def send(self, **cmd) -> None:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def expect(self, key: str, timeout: float = 60.0) -> dict:
        """Wait for the next reply that has `key` (blocking; call from a thread in async code)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None and self.lines.empty():
                raise RuntimeError(f"{self.name}: no {key!r} reply (exit {self.proc.poll()}); log:\n"
                                   + "\n".join(self.log[-30:]))
            try:
                msg = self.lines.get(timeout=min(left, 0.2))
            except queue.Empty:
                continue
            if key in msg:
                return msg

    def stop(self, timeout: float = 10.0) -> None:
        """Ask it to quit, then terminate it (this process only, by its own handle)."""
        if self.proc.poll() is None:
            try:
                self.send(op="quit")
            except (BrokenPipeError, OSError, ValueError):
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()


async def expect_async(child: Child, key: str, timeout: float = 60.0) -> dict:
    """`Child.expect` without blocking the event loop (works on qasync and plain asyncio)."""
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(None, child.expect, key, timeout)


def start_hub(spec: dict, tmp: Path) -> tuple[Child, str]:
    """Start `bench.hubproc` with `spec`; returns (child, ws url) once it serves."""
    spec = dict(spec)
    spec.setdefault("db", f"sqlite:///{tmp / 'hub.db'}")
    child = Child([python(), "-m", "bench.hubproc", json.dumps(spec)], name="hub")
    ready = child.expect("ready", timeout=180)
    return child, ready["ready"]


@dataclass(slots=True)
class Measure:
    """One row of the table, for one benchmark metric."""

    id: str
    metric: str
    unit: str
    target: str
    #: one value per run
    values: list[float]
    #: the same-run limit (one per run, or empty) and what it is
    limit_values: list[float]
    limit_label: str = ""
    #: ratio is value/limit ("x") or none
    ratio_kind: str = ""
    #: pass test on (median value, median ratio); None: no target
    check: object = None
    note: str = ""
    available: bool = True

    def summary(self) -> dict:
        v = median(self.values) if self.values else math.nan
        lo, hi = spread(self.values) if self.values else (math.nan, math.nan)
        lim = median(self.limit_values) if self.limit_values else math.nan
        ratio = v / lim if self.ratio_kind and lim and not math.isnan(lim) else math.nan
        ok = None
        if self.available and self.check is not None and not math.isnan(v):
            ok = bool(self.check(v, ratio))
        return {"id": self.id, "metric": self.metric, "unit": self.unit, "value": v,
                "min": lo, "max": hi, "runs": len(self.values), "values": self.values,
                "limit": lim, "limit_label": self.limit_label, "limit_values": self.limit_values,
                "ratio": ratio, "target": self.target, "pass": ok, "note": self.note,
                "available": self.available}


def invalid_reasons(*checks: tuple[bool, str]) -> list[str]:
    """What a run failed to do: each (done, why) pair whose work did not happen gives its `why`.

    A run whose list is not empty is INVALID in the table, whatever its figures say.
    """
    return [why for ok, why in checks if not ok]
