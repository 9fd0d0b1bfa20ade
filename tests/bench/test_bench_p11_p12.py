"""P11 and P12 in the table: P12 times each make target in a fresh clone and is INVALID when no test
passed; P11's row comes only from valid runs."""

from __future__ import annotations

import asyncio
import subprocess

from bench.__main__ import rows_for
from bench.p12_suite import counts, run

MAKEFILE = """venv:
\t@echo never remade
test-fast: venv
\t@echo "tests/x.py ...   [100%]"; echo "3 passed, 1 skipped in 0.02s"
test: venv
\t@echo "no tests ran in 0.01s"
"""


def _repo(path):
    path.mkdir()
    (path / "Makefile").write_text(MAKEFILE)
    for cmd in (["git", "init", "-q"], ["git", "add", "Makefile"],
                ["git", "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-qm", "m"]):
        subprocess.run(cmd, cwd=path, check=True, capture_output=True)
    (path / "Makefile").write_text("uncommitted: a fresh clone never sees this\n")
    return path


def test_p12_times_each_target_in_a_fresh_clone_and_a_run_where_no_test_passed_is_invalid(tmp_path):
    src = _repo(tmp_path / "src")
    venv = tmp_path / "venv"
    venv.mkdir()
    res = asyncio.run(run(tmp_path / "work", False, src=src, venv=venv, targets=("test-fast", "test")))
    assert res["test_fast_counts"] == {"passed": 3, "failed": 0, "errors": 0, "skipped": 1}
    assert res["test_fast_s"] > 0 and res["test_s"] > 0
    assert res["invalid"] == ["make test: no test passed ('no tests ran in 0.01s')"]
    assert not (tmp_path / "work" / "clone").exists(), "the clone is removed after the run"
    res["_worker"] = "P12"
    rows = rows_for("P12", {"P12": [res, dict(res)]})
    assert all(r["row_invalid"] for r in rows), "no valid run: no figure"


def test_pytest_s_closing_line_is_read_for_what_ran():
    assert counts("...\n== 2 failed, 700 passed, 3 errors in 540.1s ==\n") == \
        {"passed": 700, "failed": 2, "errors": 3, "skipped": 0}
    assert counts("boom") == {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}


def test_p11_takes_its_figure_from_valid_runs_only():
    good = {"p50_ms": 120.0, "p95_ms": 300.0, "max_ms": 500.0, "alerts_timed": 60, "tile_fps": 14.0, "live_tiles": 16,
            "stall_p99_ms": 40.0, "clock_error_ms": 0.2, "invalid": [], "_worker": "P11"}
    bad = dict(good, p95_ms=90_000.0, invalid=["a live tile painted nothing during the load"])
    row, = rows_for("P11", {"P11": [good, dict(good, p95_ms=400.0), bad]})
    assert row["valid_runs"] == 2 and not row["row_invalid"] and row["result"] == "PASS"
    assert any("painted nothing" in why for why in row["invalid"])
    row, = rows_for("P11", {"P11": [good, bad]})
    assert row["row_invalid"]
