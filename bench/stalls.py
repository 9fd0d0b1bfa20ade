"""What the GUI thread was doing when it stalled: a sampling probe for the benchmarks.

`python -m bench.worker P2 --stalls out/p2-stalls.txt` starts a thread that reads the main
thread's stack every `every_s` (sys._current_frames) and keeps the samples with their time.
At the end, every stretch of consecutive samples in which the main thread was not asleep in
the event loop for longer than `min_ms` is a stall; the report lists the stalls, longest first,
with the functions seen in them (inclusive share of the samples), and the functions summed
over all stalls. Cost: one GIL hand-over per sample (~1-2 % at 2 ms); diagnosis, not a figure.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

#: frames whose function is one of these are the event loop waiting: the thread is idle there
IDLE = {("select", "selectors.py"), ("exec", "qasync"), ("processEvents", "qasync")}


def _where(frame) -> tuple[str, ...]:
    out = []
    while frame is not None:
        code = frame.f_code
        out.append(f"{Path(code.co_filename).name}:{code.co_name}")
        frame = frame.f_back
    return tuple(reversed(out))


#: functions of a benchmark's set-up and tear-down: a stretch that starts in one is left out
SETUP = ("common.py:start_hub", "console.py:build_console", "common.py:stop", "console.py:close",
         "common.py:expect")


class StallProbe:
    """Samples the main thread's stack from a daemon thread."""

    def __init__(self, every_s: float = 0.002):
        self.every_s = every_s
        self.main = threading.main_thread().ident
        self.samples: list[tuple[float, tuple[str, ...]]] = []
        #: the main thread's CPU time at each sample (s): busy in C++ (a paint) and asleep look alike in a stack
        self.cpu: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-probe", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def _run(self) -> None:
        clock = time.pthread_getcpuclockid(self.main)
        while not self._stop.wait(self.every_s):
            frame = sys._current_frames().get(self.main)
            self.samples.append((time.perf_counter(), _where(frame) if frame is not None else ()))
            self.cpu.append(time.clock_gettime(clock))

    def dump(self, path: str) -> None:
        """Every sample as JSON lines (wall-clock time, stack): to lay beside a run's own trace."""
        offset = time.time() - time.perf_counter()
        with open(path, "w") as f:
            for (t, stack), cpu in zip(self.samples, self.cpu):
                f.write(json.dumps([t + offset, stack[-12:], cpu]) + "\n")

    @staticmethod
    def idle(stack: tuple[str, ...]) -> bool:
        # Outside Python (Qt's own loop waiting, or a C call from the top frame): the top frame
        # is the loop's run_forever when Qt waits in its dispatcher with nothing to do.
        return not stack or stack[-1].endswith(":run_forever") or stack[-1].endswith(":exec")

    def stalls(self, min_ms: float = 30.0) -> list[tuple[float, float, list[tuple[float, tuple[str, ...]]]]]:
        """(start, length ms, [(weight ms, stack)]) of each busy stretch longer than min_ms.

        A sample's weight is the time since the one before: a thread holding the GIL in C code
        (a Qt paint) starves the sampler, and the gap belongs to what the next sample finds."""
        out, run, prev = [], [], None
        for t, stack in self.samples:
            gap = 0.0 if prev is None else (t - prev) * 1000.0
            prev = t
            if self.idle(stack):
                if run and sum(w for w, _ in run) >= min_ms:
                    out.append((run[0][0], sum(w for w, _ in run), [(w, s) for w, s in run]))
                run = []
            else:
                run.append((gap, stack))
        return out

    def report(self, path: str, min_ms: float = 30.0, top: int = 25) -> None:
        # the run's set-up and tear-down (building the console, starting and stopping the hub) are not stalls
        stalls = sorted((s for s in self.stalls(min_ms) if not any(
            fn in st for _, st in s[2][:1] for fn in SETUP)), key=lambda s: -s[1])
        total: Counter = Counter()
        noise = ("frozen", "runpy", "worker.py", "runners.py", "__init__.py:run", "events.py:_run",
                 "__init__.py:timerEvent")
        lines = [f"{len(self.samples)} samples every {self.every_s * 1000:.1f} ms; "
                 f"{len(stalls)} busy stretches ≥ {min_ms:.0f} ms", ""]
        for _start, ms, stacks in stalls[:top]:
            seen: Counter = Counter()
            for w, st in stacks:
                for fn in set(st):
                    seen[fn] += w
            lines.append(f"== {ms:.1f} ms ({len(stacks)} samples)")
            for fn, n in [(f, k) for f, k in seen.most_common() if not f.startswith(noise)][:14]:
                lines.append(f"   {n:6.1f} ms  {fn}")
        for _, _, stacks in stalls:
            for w, st in stacks:
                for fn in set(st):
                    total[fn] += w
        n_all = sum(s[1] for s in stalls) or 1
        lines += ["", "== all stretches: functions by share of their samples"]
        leaves: Counter = Counter()
        for _, _, stacks in stalls:
            for w, st in stacks:
                leaves[" < ".join(reversed(st[-4:]))] += w
        lines.append(f"   ({n_all:.0f} ms in all)")
        lines += [f"   {n:6.1f} ms  {fn}" for fn, n in leaves.most_common(40)] + [""]
        for fn, n in [(f, k) for f, k in total.most_common() if not f.startswith(noise)][:50]:
            lines.append(f"   {100 * n / n_all:5.1f}%  {fn}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("\n".join(lines) + "\n")
