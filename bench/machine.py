"""What the machine was doing around a run: facts kept in the JSON, and whether a run is trustworthy.

A figure taken while other work shares the two cores says little about the
console (P7 passed quiet and failed by 40× busy). So every run records the
load average and a short CPU sample (busy and steal) just before it starts and
just after it ends, and how much CPU processes outside the bench took while it
ran; a run started or ended under load, or crowded during, is UNTRUSTED and the
table says so.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

#: machine busy (all processes, share of every core) above this just before or after a run: under load
BUSY_LIMIT = 0.25
#: CPU steal (a hypervisor took the cores) above this share: the figures are not the machine's
STEAL_LIMIT = 0.05
#: CPU outside the bench's own processes during a run, as a share of every core
FOREIGN_LIMIT = 0.25
#: how long the before/after CPU sample lasts (s)
SAMPLE_S = 0.5


@dataclass(slots=True)
class CpuTimes:
    """The first line of /proc/stat, in seconds: busy, idle (+ iowait), steal, and when read."""

    busy: float
    idle: float
    steal: float
    at: float

    @classmethod
    def read(cls) -> CpuTimes | None:
        try:
            with open("/proc/stat", encoding="ascii") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        hz = os.sysconf("SC_CLK_TCK")
        fields += [0] * (8 - len(fields))
        user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
        return cls(busy=(user + nice + system + irq + softirq) / hz, idle=(idle + iowait) / hz,
                   steal=steal / hz, at=time.monotonic())


def shares(a: CpuTimes | None, b: CpuTimes | None) -> dict:
    """Busy and steal shares of every core between two readings (None when /proc/stat is not there)."""
    if a is None or b is None:
        return {"busy": None, "steal": None}
    total = (b.busy - a.busy) + (b.idle - a.idle) + (b.steal - a.steal)
    if total <= 0:
        return {"busy": 0.0, "steal": 0.0}
    return {"busy": (b.busy - a.busy) / total, "steal": (b.steal - a.steal) / total}


def _children_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def sample() -> dict:
    """Load average now, and busy/steal over a short sample (this process sleeps meanwhile)."""
    a = CpuTimes.read()
    time.sleep(SAMPLE_S)
    b = CpuTimes.read()
    try:
        load = list(os.getloadavg())
    except OSError:
        load = [None, None, None]
    return {"load": load, **shares(a, b)}


class RunWatch:
    """Around one run: `start()` before the worker starts, `end()` after it was waited for.

    The bench's own CPU is the children's rusage (the worker waits for its hub and load
    processes, so theirs is included); whatever else the machine did meanwhile is foreign.
    """

    def __init__(self):
        self.before = sample()
        self._cpu0 = CpuTimes.read()
        self._children0 = _children_cpu_s()
        self._t0 = time.monotonic()

    def end(self) -> dict:
        cpu1 = CpuTimes.read()
        own = _children_cpu_s() - self._children0
        wall = time.monotonic() - self._t0
        during = shares(self._cpu0, cpu1)
        cores = cores_online()
        foreign = None
        if self._cpu0 is not None and cpu1 is not None and wall > 0:
            foreign = max(0.0, (cpu1.busy - self._cpu0.busy) - own) / (wall * cores)
        after = sample()
        facts = {"start": self.before, "end": after, "during": {**during, "foreign": foreign,
                                                                  "bench_cpu_s": own, "wall_s": wall}}
        facts["untrusted"] = untrusted(facts)
        return facts


def untrusted(facts: dict) -> list[str]:
    """Why a run's figures cannot be trusted (empty: they can)."""
    why = []
    for when in ("start", "end"):
        s = facts.get(when) or {}
        if s.get("busy") is not None and s["busy"] > BUSY_LIMIT:
            why.append(f"machine {s['busy'] * 100:.0f}% busy at the {when} (load {_load(s)})")
        if s.get("steal") is not None and s["steal"] > STEAL_LIMIT:
            why.append(f"CPU steal {s['steal'] * 100:.0f}% at the {when}")
    d = facts.get("during") or {}
    if d.get("foreign") is not None and d["foreign"] > FOREIGN_LIMIT:
        why.append(f"other processes took {d['foreign'] * 100:.0f}% of the cores during the run")
    if d.get("steal") is not None and d["steal"] > STEAL_LIMIT:
        why.append(f"CPU steal {d['steal'] * 100:.0f}% during the run")
    return why


def _load(s: dict) -> str:
    load = s.get("load") or []
    return "/".join(f"{x:.2f}" for x in load if x is not None) or "?"


def cores_online() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict:
    """Versions of what the figures depend on (installed distributions; None when absent)."""
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in ("PySide6-Essentials", "PySide6", "qasync", "websockets", "msgspec", "numpy", "pyqtgraph",
                 "SQLAlchemy", "av", "simplejpeg"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def git_revision(root: Path) -> str:
    """The checkout's commit, with `+dirty` when files differ from it."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return rev + ("+dirty" if dirty else "")


def machine_facts(root: Path) -> dict:
    """Once per suite: what machine, how many cores, which versions, which commit."""
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = None
    return {"host": platform.node(), "cpu_model": cpu_model(), "cores": cores_online(),
            "cpu_count": os.cpu_count(), "memory_gib": mem, "kernel": platform.release(),
            "versions": versions(), "revision": git_revision(root)}
