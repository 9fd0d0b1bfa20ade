"""The bench's own judgement: a run that did not do its work is INVALID, a busy machine makes it UNTRUSTED.

Pure functions over result dicts (no processes started): what `make bench` prints for a row.
"""

from __future__ import annotations

import json

from bench.__main__ import judge, measures, table
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
    return [judge(m.summary(), runs) for m in measures("P7", runs, {"P7": runs})]


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
    rows = rows_of([p7_run(5.0, 1000, 1000, BUSY)])
    assert rows[0]["result"] == "PASS" and rows[0]["untrusted_runs"] == 1
    text = table(rows)
    assert "UNTRUSTED (1 runs)" in text and "⚠ UNTRUSTED P7 run 1: machine 90% busy at the start" in text


def test_a_benchmark_whose_runs_all_failed_is_invalid():
    rows = rows_of([])
    assert rows[0]["result"] == "INVALID" and rows[0]["invalid"] == ["no run finished"]


def test_compare_gives_the_change_per_metric_and_flags_untrusted_sides(tmp_path):
    old = {"when": "t0", "machine": {"revision": "a"}, "rows": rows_of([p7_run(40.0, 1000, 1000, BUSY)])}
    new = {"when": "t1", "machine": {"revision": "b"}, "rows": rows_of([p7_run(10.0, 1000, 1000, QUIET)])}
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
