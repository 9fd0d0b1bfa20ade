"""`make faults`: run every fault trial, one figure line each.

    python -m faults [--short] [--only link_relay,hub_kill]

Trials are found by module name (`faults/trial_*.py`); each exposes
`run(short: bool) -> dict` (figures, and `passed`). Each trial runs in a fresh
process with a time bound, so a trial that hangs or crashes is a failed line,
not a stuck suite. The exit status is 0 only when every trial passed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import subprocess
import sys
import time

from faults.common import RESULT_TAG, ROOT, child_env

#: the most a trial may take (s), short and long
TIME_BOUND = {True: 150.0, False: 900.0}


def trial_names() -> list[str]:
    """Every `faults/trial_*.py`, by its name without the prefix, sorted."""
    import faults

    return sorted(info.name.removeprefix("trial_") for info in pkgutil.iter_modules(faults.__path__)
                  if info.name.startswith("trial_"))


def run_one(name: str, short: bool) -> dict:
    """Run one trial in this process (the child side)."""
    module = importlib.import_module(f"faults.trial_{name}")
    return module.run(short)


def run_child(name: str, short: bool) -> dict:
    """Run one trial in a fresh process within its time bound; its figures, or why it failed."""
    args = [sys.executable, "-m", "faults", "--one", name] + (["--short"] if short else [])
    started = time.monotonic()
    try:
        proc = subprocess.run(args, cwd=ROOT, env=child_env(), capture_output=True, text=True,
                              timeout=TIME_BOUND[short])
    except subprocess.TimeoutExpired:
        return {"passed": False, "error": f"no result within {TIME_BOUND[short]:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            figures = json.loads(line[len(RESULT_TAG):])
            figures["seconds"] = round(time.monotonic() - started, 1)
            return figures
    tail = " | ".join((proc.stdout + proc.stderr).strip().splitlines()[-6:])
    return {"passed": False, "error": f"exit {proc.returncode}: {tail[-600:]}"}


def figure_line(name: str, figures: dict) -> str:
    """`name: PASS key=value ...` on one line."""
    verdict = "PASS" if figures.get("passed") else "FAIL"
    rest = " ".join(f"{k}={_fmt(v)}" for k, v in figures.items() if k != "passed")
    return f"{name}: {verdict} {rest}"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return ",".join(f"{k}:{_fmt(v)}" for k, v in value.items()) or "-"
    if isinstance(value, (list, tuple)):
        return ",".join(_fmt(v) for v in value) or "-"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m faults", description=__doc__.splitlines()[0])
    p.add_argument("--short", action="store_true", help="the short version (what `make test` runs)")
    p.add_argument("--only", default="", help="comma-separated trial names (default: all)")
    p.add_argument("--one", default=None, help=argparse.SUPPRESS)  # the child side of one trial
    a = p.parse_args(argv)
    if a.one:
        figures = run_one(a.one, a.short)
        print(RESULT_TAG + json.dumps(figures, default=str), flush=True)
        return 0
    names = trial_names()
    if a.only:
        wanted = {n.strip() for n in a.only.split(",") if n.strip()}
        unknown = wanted - set(names)
        if unknown:
            print(f"no such trial: {', '.join(sorted(unknown))} (have: {', '.join(names)})", file=sys.stderr)
            return 2
        names = [n for n in names if n in wanted]
    failed = 0
    for name in names:
        figures = run_child(name, a.short)
        failed += not figures.get("passed")
        print(figure_line(name, figures), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
