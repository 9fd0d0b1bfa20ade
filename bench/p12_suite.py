"""P12: the suite's own time, `make test` and `make test-fast`, on a fresh clone of this tree.

A fresh clone (`git clone` of the committed HEAD: uncommitted changes are not in it) in a temp dir,
its `.venv` a link to the venv the bench runs in (installing one is bootstrap's time, not the
suite's), its own sources first on the path. Each target runs as a developer runs it
(`make -o venv <target>`, so `venv` is not remade); the wall time is the figure, pytest's closing
line gives what ran. `make test` runs on two pytest-xdist workers (`-n 2 --dist loadfile`).

INVALID when no work happened: no test passed, or the run was cut off by the timeout. Failures
are counted and shown, not hidden: a slow suite that also fails is still a slow suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, Measure, invalid_reasons

#: what HELPERS.md holds the whole suite to on this 2-core machine (seconds)
TEST_GOAL_S = 12 * 60
#: a target cut off after this long (seconds) is INVALID
TIMEOUT_S = {"test": 40 * 60, "test-fast": 15 * 60}
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")


def fresh_clone(src: Path, dest: Path, venv: Path) -> Path:
    """`src`'s committed HEAD cloned into `dest`, its `.venv` a link to `venv`."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(src), str(dest)], check=True,
                   capture_output=True, text=True, timeout=300)
    (dest / ".venv").symlink_to(venv, target_is_directory=True)
    return dest


def counts(output: str) -> dict[str, int]:
    """pytest's closing line as numbers: passed, failed, errors, skipped (0 when absent)."""
    out = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    for line in reversed(output.strip().splitlines()):
        found = _COUNT.findall(line)
        if found:
            for n, what in found:
                key = "errors" if what.startswith("error") else what
                if key in out:
                    out[key] = int(n)
            break
    return out


def run_target(clone: Path, target: str, tmp: Path, timeout_s: float) -> dict:
    """One `make <target>` in the clone: wall seconds, pytest's counts, whether it was cut off."""
    # a fresh make, not a sub-make of whatever runs this (make's own variables would make it say
    # "make[1]: Leaving directory …" and share the caller's job server)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_ADDOPTS", "PYTHONPATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    env.update(PYTHONPATH=str(clone), DUTY_CONSOLE_DATA=str(tmp / f"data-{target}"), QT_QPA_PLATFORM="offscreen")
    t = time.perf_counter()
    try:
        proc = subprocess.run(["make", "-o", "venv", target], cwd=clone, env=env, capture_output=True, text=True,
                              timeout=timeout_s)
        output, rc, cut = proc.stdout + proc.stderr, proc.returncode, False
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        rc, cut = -1, True
    return {"seconds": time.perf_counter() - t, "rc": rc, "cut": cut, **counts(output), "tail": summary_line(output)}


def summary_line(output: str) -> str:
    """pytest's closing line ("3 passed in 1.2s", "no tests ran in 0.01s"), else the output's last line."""
    lines = output.strip().splitlines()
    found = next((ln for ln in reversed(lines) if _COUNT.search(ln) or "no tests ran" in ln), None)
    return (found if found is not None else lines[-1] if lines else "")[-300:]


async def run(tmp: Path, quick: bool, *, src: Path = ROOT, venv: Path | None = None,
              targets: tuple[str, ...] | None = None) -> dict:
    """One P12 run; `quick`: `make test-fast` only (the whole suite is not a quick thing)."""
    targets = targets or (("test-fast",) if quick else ("test-fast", "test"))
    clone = fresh_clone(src, tmp / "clone", venv or Path(sys.prefix))
    out: dict = {"targets": list(targets)}
    reasons: list[tuple[bool, str]] = []
    try:
        for target in targets:
            r = run_target(clone, target, tmp, TIMEOUT_S.get(target, 15 * 60))
            key = target.replace("-", "_")
            out[f"{key}_s"] = r["seconds"]
            out[f"{key}_counts"] = {k: r[k] for k in ("passed", "failed", "errors", "skipped")}
            out[f"{key}_rc"] = r["rc"]
            reasons += [(not r["cut"], f"make {target} cut off after {r['seconds']:.0f} s"),
                        (r["passed"] > 0, f"make {target}: no test passed ({r['tail']!r})")]
    finally:
        shutil.rmtree(clone, ignore_errors=True)
    out["load_1m"] = os.getloadavg()[0]
    out["invalid"] = invalid_reasons(*reasons)
    return out


def measures(results: list[dict]) -> list[Measure]:
    """P12's rows: make test (against the 12-minute rule) and make test-fast (no goal set)."""
    def v(key: str) -> list[float]:
        return [r[key] for r in results if isinstance(r.get(key), (int, float))]

    def said(key: str) -> str:
        seen = [r.get(f"{key}_counts") for r in results if r.get(f"{key}_counts")]
        return "; ".join(f"{c['passed']} passed, {c['failed']} failed, {c['errors']} errors" for c in seen) or "—"

    rows = [Measure("P12", "make test-fast, fresh clone", "s", "—", v("test_fast_s"), [],
                    note=said("test_fast"))]
    if v("test_s"):
        rows.append(Measure("P12", "make test (-n 2 --dist loadfile), fresh clone", "s", "≤ 720 s",
                            v("test_s"), [], check=lambda val, r: val <= TEST_GOAL_S, note=said("test")))
    else:
        rows.append(Measure("P12", "make test, fresh clone", "s", "≤ 720 s", [], [], available=False,
                            note="not run (--quick runs make test-fast only)"))
    return rows
