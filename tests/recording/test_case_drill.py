"""The cases exercise recorded as a drill: two cases on the holiday calendar, their report."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from console.domain.cases import on_time
from console.domain.kpi import compute
from console.domain.localtime import local
from console.domain.state import state_hash
from console.recording.drill_file import DrillReader
from console.recording.report import build_html
from console.ui.common.glossary import Glossary

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "resources" / "drills" / "cases-holiday.drill"


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    path = tmp_path_factory.mktemp("drill") / "cases.drill"
    state = runpy.run_path(str(ROOT / "scripts" / "make_case_drill.py"), run_name="not_main")["build"](path)
    return path, state


def shown(t: float) -> str:
    return local(t).strftime("%Y-%m-%d %H:%M")


def test_the_rockfall_before_the_holiday_is_due_after_it_and_handled_on_time(drill):
    path, state = drill
    with DrillReader(path) as r:
        final = r.final_state()
    assert state_hash(final) == state_hash(state)
    deadwood, rock = (state.incidents[i] for i in ("I-R00001", "I-R00002"))
    assert (rock.kind, shown(rock.case.registered_at), shown(rock.case.due["handled"])) == (
        "rockfall", "2026-09-30 16:40", "2026-10-08 09:40")
    assert shown(rock.case.reached["handled"]) == "2026-10-08 09:20" and on_time(rock.case)
    for inc in (deadwood, rock):
        assert inc.case.stage == "closed" and inc.case.verify_photo and inc.case.verified_by
        assert on_time(inc.case) and on_time(inc.case, "verified")


def test_the_follow_up_went_from_the_closed_case_to_every_forest_adjacent_grid_and_was_answered(drill):
    from console.domain.cases import follow_ups

    _path, state = drill
    grids = {u.id for u in state.org.values() if "forest_adjacent" in u.tags and state.town_of(u.id) == "T7"}
    [message] = state.messages.values()
    assert message.incident == "I-R00001" and set(message.grids) == grids and "举一反三" in message.text
    assert message.kind == "follow_up" and message.at > state.incidents["I-R00001"].closed_at
    [p] = follow_ups(state, "I-R00001")
    assert len(p.silent) == 1 and len(p.found) == 1 and set(p.clear) == grids - set(p.silent) - set(p.found)
    assert [n[2] for n in p.notes] == ["护林站旁也有一处枯枝堆，已上报"]


def test_the_report_shows_the_case_figures_and_the_follow_up_answers(drill):
    path, _state = drill
    with DrillReader(path) as r:
        meta, state = r.meta, r.history_state()
    html = build_html(meta, path.name, compute(state, meta.start, meta.end), state, {}, Glossary("zh_CN"))
    assert "案件 2 · 在办 0 · 超期 0 · 按时率 100%" in html
    assert "涂山镇" in html and "举一反三" in html
    grids = len({u.id for u in state.org.values() if "forest_adjacent" in u.tags and state.town_of(u.id) == "T7"})
    assert f"举一反三 {grids - 1}/{grids} 个网格已回复 · 无隐患 {grids - 2} · 发现同类 1" in html
    assert "未回复：" in html and "护林站旁也有一处枯枝堆，已上报" in html
    assert "核查通过" in html and "已处置上报" in html


def test_the_bundled_drill_is_this_exercise(drill):
    _path, state = drill
    with DrillReader(BUNDLED) as r:
        assert state_hash(r.final_state()) == state_hash(state)
