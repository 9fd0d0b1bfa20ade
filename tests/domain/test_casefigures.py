"""Case figures: open cases by stage and overdue, per grid/worker/department/town, and the CSV."""

import csv
import io

import pytest

from console.domain.casefigures import (
    DIMENSIONS, case_rows, cases_csv, figures_by, figures_csv, open_by_stage, overdue,
)
from console.protocol import messages as m
from tests.domain.test_cases import CaseHub, at
from tests.domain.test_domain import T1


@pytest.fixture(scope="module")
def day():
    """Four cases on Tuesday 10 March 2026: on time, late, still open past its limit, returned."""
    hub = CaseHub()
    on_time = hub.report("rockfall", "2026-03-10 09:00")
    task = hub.dispatch(on_time, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:10", "2026-03-10 09:40")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=on_time, photos=["p"]),
           at=at("2026-03-10 10:00"))
    late = hub.report("illegal_parking", "2026-03-10 10:00")  # due 12:00
    task = hub.dispatch(late, hub.worker_id, "2026-03-10 10:30")
    hub.work(task, hub.worker, "2026-03-10 10:40", "2026-03-10 11:00")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=late), at=at("2026-03-10 14:30"))
    stuck = hub.report("debris", "2026-03-10 14:40")  # 5 h: due Wednesday 11:10; dispatch due 15:10
    returned = hub.report("other", "2026-03-10 14:50")
    hub.do(T1, "cmd.return", m.CmdReturn(incident=returned, reason="duplicate"), at=at("2026-03-10 15:00"))
    return hub, {"on_time": on_time, "late": late, "stuck": stuck, "returned": returned}


def test_each_case_has_its_verdict_and_stage_times(day):
    hub, ids = day
    rows = {r.incident: r for r in case_rows(hub.state, at("2026-03-11 12:00"))}
    assert rows[ids["on_time"]].on_time is True
    assert rows[ids["on_time"]].stage_s == {"dispatched": 300, "accepted": 300, "on_site": 1800, "handled": 1200}
    assert rows[ids["late"]].on_time is False
    assert rows[ids["stuck"]].on_time is False and rows[ids["stuck"]].waiting_for == "dispatched"
    assert rows[ids["returned"]].on_time is None and rows[ids["returned"]].returned == "duplicate"
    # the next morning before the debris limit, its verdict is not known yet
    assert {r.incident: r.on_time for r in case_rows(hub.state, at("2026-03-11 09:00"))}[ids["stuck"]] is None


def test_open_cases_by_stage_and_the_overdue_list(day):
    hub, ids = day
    rows = case_rows(hub.state, at("2026-03-10 16:00"))
    stages = {c.stage: (c.open, c.overdue) for c in open_by_stage(rows)}
    assert stages["verified"] == (2, 0)      # both handled cases wait for verification, within 4 h
    assert stages["dispatched"] == (1, 1)    # the debris case: dispatch was due 15:10
    assert stages["handled"] == (0, 0)
    late = overdue(rows)
    assert [r.incident for r in late] == [ids["stuck"]] and late[0].overdue_s == 50 * 60


def test_figures_per_worker_and_town_and_their_csv(day):
    hub, ids = day
    rows = case_rows(hub.state, at("2026-03-11 12:00"))
    by_worker = {g.key: g for g in figures_by(rows, "worker")}
    w = by_worker[hub.worker_id]
    assert (w.count, w.on_time, w.late, w.on_time_share) == (2, 1, 1, 0.5)
    assert w.stage_p["dispatched"] == (300, 1800)
    town = figures_by(rows, "town")
    assert [g.key for g in town] == ["T1"] and town[0].count == 4 and town[0].returned == 1
    for dim in DIMENSIONS:
        table = list(csv.reader(io.StringIO(figures_csv(figures_by(rows, dim), dim))))
        assert table[0][0] == dim and len(table) == 1 + len(figures_by(rows, dim))
    lines = list(csv.DictReader(io.StringIO(cases_csv(rows))))
    assert [line["incident"] for line in lines] == [ids["on_time"], ids["late"], ids["stuck"], ids["returned"]]
    assert lines[0]["on_time"] == "1" and lines[1]["on_time"] == "0" and lines[3]["returned"] == "duplicate"
    with pytest.raises(ValueError):
        figures_by(rows, "weather")
