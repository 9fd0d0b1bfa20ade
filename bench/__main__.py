"""`make bench`: run every benchmark several times, print one table, write out/bench.json.

    python -m bench [--only P1,P3] [--runs N] [--quick]

Each run of each benchmark is a fresh worker process (`bench.worker`), which
starts its own hub process and load processes. The table gives the median of
the runs, their spread (min–max), the same-run limit where the issue names
one, the ratio to it, the target and pass/fail.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import subprocess
import sys
import time

from typing import Callable

from bench import p9_video, p9b_site, p9hd_video, p10_city, p11_alarm, p12_suite
from bench.common import OUT, RESULT_TAG, ROOT, Measure, child_env, python
from bench.machine import RunWatch, machine_facts

#: runs per benchmark (the issue asks for the median of several). A new benchmark module
#: registers here, in worker.RUNNERS (and worker.QT when it needs Qt), and in MEASURES.
#: At least MIN_VALID_RUNS each: a row with fewer valid runs is INVALID.
RUNS = {"P1": 3, "P2": 3, "P3": 3, "P4": 3, "P5": 5, "P6": 2, "P7": 3, "P8": 2, "P9": 3, "P9HD": 3, "P10": 2, "P9B": 2,
        "P11": 2, "P12": 2}
#: id → function(results of its runs, every benchmark's results) → its table rows; the ids
#: named in `measures` below need no entry
MEASURES: dict[str, Callable[[list[dict], dict], list[Measure]]] = {
    "P9HD": lambda results, extra: p9hd_video.measures(results),  # four 1080p tiles (bench/p9hd_video.py)
}
#: the keys of `raw` (main) whose runs a benchmark's rows are judged on (validity, trust); default: its
#: own id. P1's console runs are kept under "P1" (they were looked for under "P1-console", so the
#: judgement never saw them and an INVALID console run entered a PASS median).
RUNS_OF = {"P1": ("P1", "P1-bare")}
#: a worker run cut off after this long (seconds); P12 runs the whole suite, twice over
WORKER_TIMEOUT_S = {"P12": 90 * 60.0}


def run_worker(bid: str, quick: bool, timeout: float = 420.0) -> dict:
    """One run of one benchmark in a fresh process; returns its JSON result with the machine's facts.

    `_machine` says what the machine did just before, during and just after the run, and why
    the run is untrusted (if it is); `invalid` (set by the runner) what work did not happen.
    """
    args = [python(), "-m", "bench.worker", bid] + (["--quick"] if quick else [])
    t0 = time.perf_counter()
    watch = RunWatch()
    proc = subprocess.run(args, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=timeout)
    facts = watch.end()
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            res = json.loads(line[len(RESULT_TAG):])
            res["_seconds"] = time.perf_counter() - t0
            res["_machine"] = facts
            res["_worker"] = bid
            return res
    tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
    raise RuntimeError(f"{bid} run failed (exit {proc.returncode}):\n{tail}")


def collect(bid: str, runs: int, quick: bool, log) -> list[dict]:
    out = []
    for i in range(runs):
        try:
            res = run_worker(bid, quick, timeout=WORKER_TIMEOUT_S.get(bid, 420.0))
        except Exception as exc:  # noqa: BLE001 - one failed run is reported, the suite goes on
            log(f"  {bid} run {i + 1}: FAILED {exc}")
            out.append(failed_run(bid, exc))
            continue
        m = res["_machine"]
        log(f"  {bid} run {i + 1}/{runs} ({res['_seconds']:.0f} s, load {_load_str(m)}): "
            + ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in res.items() if not k.startswith("_") and not isinstance(v, (dict, list))))
        for why in res.get("invalid") or []:
            log(f"    INVALID: {why}")
        for why in m["untrusted"]:
            log(f"    UNTRUSTED: {why}")
        out.append(res)
    return out


def failed_run(bid: str, exc: Exception) -> dict:
    """A worker run that ended without a result: an invalid run of its row ("valid 2/3", not "2/2").

    Its reason is the failure's last line (the worker's stderr ends with the exception)."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return {"invalid": [f"the run failed: {lines[-1] if lines else type(exc).__name__}"], "_worker": bid,
            "_machine": {"untrusted": []}, "_seconds": 0.0}


def _load_str(m: dict) -> str:
    def one(s):
        load = (s or {}).get("load") or [None]
        busy = (s or {}).get("busy")
        return (f"{load[0]:.2f}" if load[0] is not None else "?") + (f" {busy * 100:.0f}%" if busy is not None else "")
    return f"{one(m.get('start'))} → {one(m.get('end'))}"


def _vals(results: list[dict], key: str) -> list[float]:
    return [float(r[key]) for r in results if r.get(key) is not None and not
            (isinstance(r[key], float) and math.isnan(r[key]))]


def measures(bid: str, results: list[dict], extra: dict) -> list[Measure]:
    if bid in MEASURES:
        return MEASURES[bid](results, extra)
    v = lambda key: _vals(results, key)  # noqa: E731
    if bid == "P9":
        return p9_video.measures(results)
    if bid == "P9B":  # the site and its alert gateway (bench/p9b_site.py)
        return p9b_site.measures(results)
    if bid == "P1":
        return [Measure("P1", "events applied/s, UI live", "ev/s", "≥ 0.9× bare",
                        v("events_per_s"), _vals(extra.get("P1-bare", []), "events_per_s"),
                        "bare websockets client", "x", lambda val, r: r >= 0.9,
                        note=f"tiles drawing {statistics_str(v('tiles_fps'))} fps (9 tiles × 5 fps sent); CPU per event "
                        f"(whole process, load-proof): console {statistics_str(v('cpu_us_per_event'))} µs, bare "
                        f"{statistics_str(_vals(extra.get('P1-bare', []), 'cpu_us_per_event'))} µs"),
                Measure("P1", "worst GUI freeze while applying", "ms", "≤ 50 ms", v("worst_stall_ms"), [],
                        check=lambda val, r: val <= 50)]
    if bid == "P2":
        stage = lambda name: statistics_str(v(f"{name}_p50_ms")) + " / " + statistics_str(v(f"{name}_p99_ms"))  # noqa: E731
        return [Measure("P2", "hub send → alert row painted, p50", "ms", "—", v("p50_ms"), []),
                Measure("P2", "hub send → alert row painted, p99", "ms", "≤ 50 ms", v("p99_ms"), [],
                        check=lambda val, r: val <= 50,
                        note=f"5,000 ev/s + 10 alerts/s; GUI stall p99 {statistics_str(v('stall_p99_ms'))} ms; "
                        f"the session on the GUI thread: decode {statistics_str(v('gui_decode_ms_per_s'))} + fold "
                        f"{statistics_str(v('gui_fold_ms_per_s'))} ms per s; the console's own alarm-to-screen "
                        f"p50 / p95 {statistics_str(v('in_service_p50_ms'))} / {statistics_str(v('in_service_p95_ms'))} ms; "
                        f"stages p50 / p99 ms: hub {stage('hub')}, wire {stage('wire')}, "
                        f"decode+apply {stage('decode_apply')}, paint {stage('paint')}")]
    if bid == "P3":
        return [Measure("P3", "64 tiles × 10 fps: frames painted / sent", "%", "≥ 95%",
                        [x * 100 for x in v("painted_ratio")], [], check=lambda val, r: val >= 95),
                Measure("P3", "64 tiles × 10 fps: GUI tick p99 (watchdog)", "ms", "≤ 50 ms",
                        v("tick_p99_ms"), [], check=lambda val, r: val <= 50,
                        note=f"worst {statistics_str(v('tick_max_ms'))} ms"),
                Measure("P3", "CPU per frame painted (whole console)", "ms", "—", v("cpu_per_frame_ms"),
                        v("bare_decode_ms"), "bare simplejpeg decode, 1 thread", "x",
                        note=f"console CPU {statistics_str([x * 100 for x in v('console_cpu_share')])}% of a core")]
    if bid == "P4":
        return [Measure("P4", "map, 20,000 people at 1 Hz: worst GUI stall", "ms", "≤ 16 ms",
                        v("worst_stall_ms"), [], check=lambda val, r: val <= 16,
                        note=f"stall p99 {statistics_str(v('stall_p99_ms'))} ms; map redrew "
                        f"{statistics_str(v('map_redraws'))} times, longest gap {statistics_str(v('redraw_gap_max_s'))} s")]
    if bid == "P5":
        return [Measure("P5", "demo start → first painted frame (main window)", "s", "≤ 1.0 s and ≤ 5× bare",
                        v("demo_first_frame_s"), v("bare_window_s"), "bare PySide6 window start", "x",
                        lambda val, r: val <= 1.0 and r <= 5.0),
                Measure("P5", "demo start → first camera frame painted", "s", "≤ 1.0 s",
                        v("demo_first_camera_frame_s"), v("bare_window_s"), "bare PySide6 window start", "x",
                        lambda val, r: val <= 1.0,
                        note="needs the embedded hub's scenario world and the session's first frames")]
    if bid == "P6":
        return [Measure("P6", "resident memory: 20k people, 100k past incidents, 64 tiles", "MB", "≤ 500 MB",
                        v("rss_mb"), [], check=lambda val, r: val <= 500,
                        note=f"peak {statistics_str(v('peak_rss_mb'))} MB")]
    if bid == "P7":
        return [Measure("P7", "fan-out 50 consoles × 2,000 ev/s: delivery p99", "ms", "≤ 100 ms",
                        v("p99_ms"), [], check=lambda val, r: val <= 100,
                        note=f"p50 {statistics_str(v('p50_ms'))} ms; delivered {statistics_str([x * 100 for x in v('delivered_ratio')])}%; "
                        f"{statistics_str(v('messages_per_s'))} msg/s received; CPU: hub {statistics_str([x * 100 for x in v('hub_cpu_share')])}% "
                        f"+ clients {statistics_str([x * 100 for x in v('clients_cpu_share')])}% of one core (2 cores)")]
    if bid == "P11":  # alarm-to-screen in service under load, 16 live tiles (bench/p11_alarm.py)
        return p11_alarm.measures(results)
    if bid == "P12":  # the suite's own time on a fresh clone (bench/p12_suite.py)
        return p12_suite.measures(results)
    if bid == "P10":  # the city (bench/p10_city.py)
        return p10_city.measures(results)
    if bid == "P8":
        if not results or not results[0].get("available", False):
            why = results[0].get("why", "") if results else "run failed"
            return [Measure("P8", "seek anywhere in a one-hour drill", "s", "≤ 1 s", [], [], available=False,
                            note=f"not available: {why}")]
        return [Measure("P8", "seek anywhere in a one-hour drill (worst)", "s", "≤ 1 s", v("seek_worst_s"),
                        v("replay_s"), "replaying it straight", "x", lambda val, r: val <= 1.0,
                        note=f"median seek {statistics_str(v('seek_median_s'))} s")]
    return []


def statistics_str(vals: list[float]) -> str:
    if not vals:
        return "n/a"
    s = sorted(vals)
    mid = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    return f"{mid:.3g}" if len(s) == 1 else f"{mid:.3g} ({s[0]:.3g}–{s[-1]:.3g})"


def fmt(x: float, unit: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


#: a row's figures need this many valid runs of each of its workers; fewer, and the row is INVALID
MIN_VALID_RUNS = 2


def run_is_valid(res: dict) -> bool:
    """A run did its work: no `invalid` reason from its runner and not `valid: False` (P9/P10 modules)."""
    return not res.get("invalid") and res.get("valid") is not False


def rows_for(bid: str, raw: dict[str, list[dict]]) -> list[dict]:
    """The judged table rows of one benchmark from every worker's runs (`raw`: worker id → runs).

    Only valid runs reach the measures (an INVALID run never enters a median or a same-run limit);
    the judgement sees every run, so the row still names what each invalid run failed to do.
    """
    valid = {key: [res for res in runs if run_is_valid(res)] for key, runs in raw.items()}
    runs_of = [res for key in RUNS_OF.get(bid, (bid,)) for res in raw.get(key, [])]
    return [judge(m.summary(), runs_of) for m in measures(bid, valid.get(bid, []), valid)]


def judge(row: dict, runs: list[dict]) -> dict:
    """Count a row's valid runs, mark it INVALID when it has too few, UNTRUSTED when the machine was busy.

    `runs` are every run of the row's workers, valid or not (the figures were taken from the valid
    ones only). Each worker (P1: the console and the bare client) needs MIN_VALID_RUNS valid runs.
    """
    invalid, untrusted = [], []
    numbered: dict[str, int] = {}
    for res in runs:
        worker = res.get("_worker", row["id"])
        numbered[worker] = numbered.get(worker, 0) + 1  # "P1-bare run 2", counted per worker
        who = f"{worker} run {numbered[worker]}"
        invalid += [f"{who}: {why}" for why in res.get("invalid") or []]
        if res.get("valid") is False:  # the P9/P10 modules' way of saying it
            invalid.append(f"{who}: {res.get('why') or 'not valid'}")
        untrusted += [f"{who}: {why}" for why in (res.get("_machine") or {}).get("untrusted", [])]
    workers = list(dict.fromkeys(res.get("_worker", row["id"]) for res in runs)) or [row["id"]]
    counts = {w: sum(1 for res in runs if res.get("_worker", row["id"]) == w and run_is_valid(res))
              for w in workers}
    row["valid_runs"] = min(counts.values())
    row["total_runs"] = max(sum(1 for res in runs if res.get("_worker", row["id"]) == w) for w in workers)
    if row["available"]:
        if not runs:
            invalid.append("no run finished")
        for w, n in counts.items() if runs else ():
            if n < MIN_VALID_RUNS:
                invalid.append(f"{w}: {n} valid run{'s' if n != 1 else ''} of "
                               f"{sum(1 for res in runs if res.get('_worker', row['id']) == w)}, "
                               f"a figure needs {MIN_VALID_RUNS}")
    # an unavailable row (P8 without its drill) is n/a, unless it is unavailable because its runs failed
    row["row_invalid"] = bool((row["available"] or invalid) and (not runs or min(counts.values()) < MIN_VALID_RUNS))
    row["invalid"], row["untrusted"] = invalid, untrusted
    row["untrusted_runs"] = sum(1 for res in runs if (res.get("_machine") or {}).get("untrusted"))
    row["result"] = result_word(row)
    return row


def result_word(row: dict) -> str:
    """PASS/FAIL on the valid runs' median; INVALID when too few runs were valid (their reasons in the notes)."""
    if row.get("row_invalid", bool(row.get("invalid"))):
        return "INVALID"
    if not row["available"]:
        return "n/a"
    return {True: "PASS", False: "FAIL", None: "—"}[row["pass"]]


def table(rows: list[dict]) -> str:
    head = ["id", "metric", "value (median)", "spread min–max", "same-run limit", "ratio", "target", "result",
            "trust"]
    lines = []
    for r in rows:
        if not r["available"]:
            lines.append([r["id"], r["metric"], "not available", "", "", "", r["target"], result_word(r), ""])
            continue
        unit = r["unit"]
        val = f"{fmt(r['value'])} {unit}"
        spread = f"{fmt(r['min'])}–{fmt(r['max'])} (valid {r.get('valid_runs', r['runs'])}/{r.get('total_runs', r['runs'])})"
        lim = f"{fmt(r['limit'])} {unit}" if not math.isnan(r["limit"]) else "—"
        ratio = f"{r['ratio']:.2f}×" if not math.isnan(r["ratio"]) else "—"
        res = r.get("result") or result_word(r)
        trust = f"UNTRUSTED ({r['untrusted_runs']} runs)" if r.get("untrusted") else "ok"
        lines.append([r["id"], r["metric"], val, spread, lim, ratio, r["target"], res, trust])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    out = [" | ".join(h.ljust(w) for h, w in zip(head, widths)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(line, widths)) for line in lines]
    notes = [f"  {r['id']}: {r['note']}" for r in rows if r.get("note")]
    seen: set[str] = set()
    for r in rows:
        for why in r.get("invalid") or []:
            if why not in seen:
                seen.add(why)
                notes.append(f"  INVALID {why}")
        for why in r.get("untrusted") or []:
            if why not in seen:
                seen.add(why)
                notes.append(f"  ⚠ UNTRUSTED {why}")
    return "\n".join(out + ([""] + notes if notes else []))


def _no_nan(x):
    """Strict JSON: NaN (no value) becomes null."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dict):
        return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_no_nan(v) for v in x]
    return x


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--only", default="", help="comma-separated ids, e.g. P1,P3")
    ap.add_argument("--runs", type=int, default=0, help="runs per benchmark (default: per benchmark)")
    ap.add_argument("--quick", action="store_true", help="shorter loads (a smoke run of the suite)")
    ap.add_argument("--out", default=str(OUT / "bench.json"))
    a = ap.parse_args()
    only = [x.strip().upper() for x in a.only.split(",") if x.strip()] or list(RUNS)
    t_suite = time.perf_counter()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    machine = machine_facts(ROOT)
    log(f"bench: {platform.node()} · {machine['cpu_model']} · {machine['cores']} cores · "
        f"{platform.python_version()} · {machine['revision']} · runs {a.runs or 'default'}"
        f"{' · quick' if a.quick else ''}")
    raw: dict[str, list[dict]] = {}
    rows: list[dict] = []
    for bid in only:
        n = a.runs or RUNS.get(bid, 3)
        log(f"{bid}:")
        if bid == "P1":
            # alternate bare and console runs so drift in the machine hits both alike
            raw["P1-bare"], raw["P1"] = [], []
            for _ in range(n):
                raw["P1-bare"] += collect("P1-bare", 1, a.quick, log)
                raw["P1"] += collect("P1-console", 1, a.quick, log)
        else:
            raw[bid] = collect(bid, n, a.quick, log)
        rows += rows_for(bid, raw)
    elapsed = time.perf_counter() - t_suite
    text = table(rows)
    print(text)
    untrusted = sum(1 for runs in raw.values() for res in runs if res["_machine"]["untrusted"])
    total = sum(len(runs) for runs in raw.values())
    print(f"\nsuite time {elapsed / 60:.1f} min · {machine['cores']} cores ({machine['cpu_model']}) · "
          f"same-run limits measured in the same run · {untrusted} of {total} runs untrusted"
          + (" (other work on the machine: compare figures only within this run)" if untrusted else ""))
    OUT.mkdir(parents=True, exist_ok=True)
    doc = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "host": platform.node(),
           "python": platform.python_version(), "quick": a.quick, "suite_seconds": elapsed,
           "machine": machine, "untrusted_runs": untrusted, "rows": rows, "runs": raw}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(_no_nan(doc), f, indent=1, ensure_ascii=False, default=str)
    (OUT / "bench.txt").write_text(text + "\n", encoding="utf-8")
    print(f"written {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
