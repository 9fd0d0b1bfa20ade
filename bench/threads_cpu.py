"""CPU time per thread of this process, grouped by what the thread does (Linux /proc).

P9 says where a painted frame's time goes: the GUI thread, the live stream readers,
the still readers and everything else (Qt's and FFmpeg's own threads, the loop's
helpers). Python threads are named by `threading`; /proc gives every thread's CPU,
Python's or not, so the groups add up to the whole process.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

_TICK = os.sysconf("SC_CLK_TCK")


def _task_cpu() -> dict[int, float]:
    """Thread id → user + system CPU seconds, for every thread alive now."""
    out: dict[int, float] = {}
    base = "/proc/self/task"
    for tid in os.listdir(base):
        try:
            with open(f"{base}/{tid}/stat") as f:
                stat = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / _TICK
    return out


class ThreadCpu:
    """Start with `mark()`, end with `groups()`: CPU seconds per group over that span.

    `group(name)` maps a Python thread's name to its group ("" or None: "other"); the main
    thread is "gui". A thread that ended in between is lost to its group (its time shows in
    the process total, not here), so the span should not see readers come and go.
    """

    def __init__(self, group: Callable[[str], str | None]):
        self._group = group
        self._start: dict[int, float] = {}

    def mark(self) -> None:
        self._start = _task_cpu()

    def groups(self) -> dict[str, float]:
        names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
        main = threading.main_thread().native_id
        out: dict[str, float] = {}
        for tid, cpu in _task_cpu().items():
            if tid == main:
                g = "gui"
            else:
                g = (self._group(names[tid]) if tid in names else None) or "other"
            out[g] = out.get(g, 0.0) + cpu - self._start.get(tid, 0.0)
        return out
