"""The bench's own judgement: a run that did not do its work is INVALID, a busy machine makes it UNTRUSTED.

Pure functions over result dicts (no processes started): what `make bench` prints for a row.
"""

from __future__ import annotations

import json

from bench.__main__ import failed_run, judge, rows_for, table
from bench.common import invalid_reasons
from bench.compare import compare
from bench.machine import untrusted

QUIET = {"start": {"load": [0.1, 0.2, 0.3], "busy": 0.02, "steal": 0.0},
         "end": {"load": [0.9, 0.4, 0.3], "busy": 0.05, "steal": 0.0},
         "during": {"busy": 0.7, "steal": 0.0, "foreign": 0.03}}
BUSY = {"start": {"load": [6.0, 5.0, 4.0], "busy": 0.9, "steal": 0.0},
        "end": {"load": [6.0, 5.0, 4.0], "busy": 0.2, "steal": 0.08},
        "during": {"busy": 1.0, "steal": 0.0, "foreign": 0.6}}


def p7_run(p99: float, got: int, sent: int, machine: dict) -> dict:
    return {"p50_ms": p99 / 2, "p99_ms": p99, "max_ms": p99, "delivered_ratio": got / sent,
            "messages_per_s": 1.0, "hub_cpu_share": 0.1, "clients_cpu_share": 0.1, "_worker": "P7",
            "_machine": {**machine, "untrusted": untrusted(machine)},
            "invalid": invalid_reasons((got >= sent, f"a client received {got} of {sent} events"))}


def rows_of(runs: list[dict]) -> list[dict]:
    return rows_for("P7", {"P7": runs})


def test_a_fast_run_that_did_not_deliver_everything_is_invalid_not_pass():
    rows = rows_of([p7_run(5.0, 900, 1000, QUIET), p7_run(6.0, 1000, 1000, QUIET)])
    assert rows[0]["pass"] is True, "the figure alone would pass"
    assert rows[0]["result"] == "INVALID"
    assert any("900 of 1000" in why for why in rows[0]["invalid"])
    assert "INVALID" in table(rows) and "PASS" not in table(rows).split("\n")[2]


def test_a_run_on_a_busy_machine_is_untrusted_with_the_reason_in_the_table():
    assert untrusted(QUIET) == []
    why = untrusted(BUSY)
    assert any("90% busy at the start" in w for w in why)
    assert any("steal 8% at the end" in w for w in why)
    assert any("other processes took 60%" in w for w in why)
    rows = rows_of([p7_run(5.0, 1000, 1000, BUSY), p7_run(5.0, 1000, 1000, QUIET)])
    assert rows[0]["result"] == "PASS" and rows[0]["untrusted_runs"] == 1
    text = table(rows)
    assert "UNTRUSTED (1 runs)" in text and "⚠ UNTRUSTED P7 run 1: machine 90% busy at the start" in text


def test_a_benchmark_whose_runs_all_failed_is_invalid():
    rows = rows_of([])
    assert rows[0]["result"] == "INVALID" and rows[0]["invalid"] == ["no run finished"]


def test_compare_gives_the_change_per_metric_and_flags_untrusted_sides(tmp_path):
    old = {"when": "t0", "machine": {"revision": "a"}, "rows": rows_of([p7_run(40.0, 1000, 1000, BUSY)] * 2)}
    new = {"when": "t1", "machine": {"revision": "b"}, "rows": rows_of([p7_run(10.0, 1000, 1000, QUIET)] * 2)}
    json.dumps(old)  # what bench writes is JSON
    lines = compare(old, new)
    p99 = next(line for line in lines if "delivery p99" in line and "P7 " in line and "|" in line)
    assert "-30 ms (-75%)" in p99 and "better" in p99
    assert "PASS ⚠" in p99, "the old side was measured under load"
    assert any("(old):" in line and "busy at the start" in line for line in lines)


def test_a_module_benchmark_that_says_valid_false_is_invalid_in_the_table():
    from bench.__main__ import judge
    from bench.common import Measure

    run = {"valid": False, "why": "no frame decoded", "_worker": "P9",
           "_machine": {**QUIET, "untrusted": []}}
    row = judge(Measure("P9", "video", "", "valid run", [], [], available=False).summary(), [run])
    assert row["result"] == "INVALID" and "P9 run 1: no frame decoded" in row["invalid"]
    assert "INVALID" in table([row])


def p1_run(worker: str, rate: float, *, invalid: str = "") -> dict:
    res = {"events_per_s": rate, "worst_stall_ms": 40.0, "tiles_fps": 30.0, "cpu_us_per_event": 30.0,
           "_worker": worker, "_machine": {**QUIET, "untrusted": []},
           "invalid": [invalid] if invalid else []}
    return res


def test_an_invalid_run_never_enters_the_median():
    rows = rows_of([p7_run(10.0, 1000, 1000, QUIET), p7_run(20.0, 1000, 1000, QUIET),
                    p7_run(900.0, 10, 1000, QUIET)])
    p99 = next(r for r in rows if "p99" in r["metric"])
    assert p99["values"] == [10.0, 20.0] and p99["value"] == 15.0, "the invalid run's 900 ms is left out"
    assert p99["max"] == 20.0
    assert (p99["valid_runs"], p99["total_runs"]) == (2, 3)
    assert p99["result"] == "PASS", "two valid runs are enough for a figure"
    assert any("10 of 1000" in why for why in p99["invalid"]), "the invalid run is still named"
    line = table([p99]).split("\n")[2]
    assert "valid 2/3" in line and "PASS" in line


def test_a_run_that_failed_counts_as_a_run_that_was_not_valid():
    failed = failed_run("P7", RuntimeError("P7 run failed (exit 1):\nTraceback ...\nTimeoutError: rings did not fill\n"))
    rows = rows_of([p7_run(10.0, 1000, 1000, QUIET), failed, p7_run(20.0, 1000, 1000, QUIET)])
    p99 = next(r for r in rows if "p99" in r["metric"])
    assert (p99["valid_runs"], p99["total_runs"]) == (2, 3) and p99["values"] == [10.0, 20.0]
    assert "P7 run 2: the run failed: TimeoutError: rings did not fill" in p99["invalid"]
    assert "valid 2/3" in table([p99])


def test_a_row_with_fewer_than_two_valid_runs_is_invalid():
    rows = rows_of([p7_run(10.0, 1000, 1000, QUIET), p7_run(900.0, 10, 1000, QUIET),
                    p7_run(800.0, 20, 1000, QUIET)])
    p99 = next(r for r in rows if "p99" in r["metric"])
    assert p99["values"] == [10.0] and p99["pass"] is True, "the one valid figure alone would pass"
    assert p99["result"] == "INVALID" and p99["valid_runs"] == 1
    assert any("1 valid run of 3" in why for why in p99["invalid"])
    one = rows_of([p7_run(10.0, 1000, 1000, QUIET)])
    assert one[0]["result"] == "INVALID", "a single run, valid or not, is not a figure"
    assert "valid 1/1" in table(one)


def test_p1_counts_the_console_and_the_bare_runs_and_takes_the_ratio_from_valid_runs_only():
    raw = {"P1": [p1_run("P1-console", 27000.0), p1_run("P1-console", 28000.0),
                  p1_run("P1-console", 30000.0, invalid="no tile painted")],
           "P1-bare": [p1_run("P1-bare", 30000.0), p1_run("P1-bare", 30000.0), p1_run("P1-bare", 30000.0)]}
    rate = rows_for("P1", raw)[0]
    assert rate["values"] == [27000.0, 28000.0], "the run with no tile painted is left out"
    assert abs(rate["ratio"] - 27500.0 / 30000.0) < 1e-9
    assert rate["result"] == "PASS" and (rate["valid_runs"], rate["total_runs"]) == (2, 3)
    raw["P1-bare"][0]["invalid"] = ["decoded 10 of 40000 events"]
    raw["P1-bare"][1]["invalid"] = ["decoded 10 of 40000 events"]
    rate = rows_for("P1", raw)[0]
    assert rate["limit_values"] == [30000.0] and rate["result"] == "INVALID", "one valid bare run is too few"
    assert any(why.startswith("P1-bare: 1 valid run of 3") for why in rate["invalid"])
    assert "P1-bare run 2: decoded 10 of 40000 events" in rate["invalid"], "runs are numbered per worker"
