"""The glossary: every domain code has its words in both languages, and the sentences built from codes read right."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from console.domain import model
from console.domain.localtime import duration
from console.domain.recommend import REASONS, Recommendation
from console.domain.sla import BREACHES, Breach
from console.scenarios import SCENARIOS
from console.ui.common import glossary as g

DOMAIN = Path(__file__).resolve().parents[3] / "console" / "domain"


@pytest.mark.parametrize("codes, table", [
    (model.ALERT_KINDS, g.INCIDENT_KINDS), (model.RESOURCE_KINDS, g.RESOURCE_KINDS),
    (model.INCIDENT_STATUSES, g.STATUSES), (model.RESOURCE_STATUSES, g.STATUSES),
    (model.TASK_STATUSES, g.STATUSES), (model.SEVERITIES, g.SEVERITIES), (model.ALERT_SOURCES, g.ALERT_SOURCES),
    (tuple(model.TIMELINE_STEPS), g.TIMELINE_STEPS), (REASONS, g.REASONS), (BREACHES, g.BREACHES),
    ((model.FIELD_SOURCE, model.SCENARIO_SOURCE), g.ACTORS), (SCENARIOS, g.SCENARIO_NAMES),
])
def test_every_domain_code_has_a_chinese_and_an_english_word(codes, table):
    for code in codes:
        zh, en = table[code]
        assert zh and en and zh != en, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), (code, zh)


def test_law_enforcement_reads_the_same_in_a_reason_and_in_the_who_column():
    rec = Recommendation("L1", "综合执法一队", "law_enforcement", 320.0, 90.0)
    assert g.resource_kind("law_enforcement", "zh_CN") == "综合执法"
    assert g.describe_reason(rec, "zh_CN") == "最近的综合执法：320 米，约 1.5 分钟"
    assert g.describe_reason(rec, "en") == "nearest law enforcement: 320 m, ≈ 1.5 min"
    second = Recommendation("L2", "执法二队", "law_enforcement", 480.0, 110.0, "next_of_role", 2)
    assert g.describe_reason(second, "zh_CN") == "第 2 近的综合执法：480 米，约 1.8 分钟"


def test_breaches_read_as_sentences_with_their_figures():
    late = (Breach("response_late", 61.0, 60.0), Breach("first_arrival_late", 601.0, 600.0))
    assert g.describe_breaches(late, "en") == "response 61 s > 60 s; first arrival 10:01 > 10 min"
    assert g.describe_breaches(late, "zh_CN") == "响应用时 61 秒，超过 60 秒；首人到场 10:01，超过 10 分钟"
    assert g.describe_breaches((), "zh_CN") == ""


def test_one_duration_rule_and_an_overdue_clock_reads_overdue():
    assert [duration(s) for s in (0, 59.9, 60, 61.5, 3599.99, 3600, None)] == [
        "0:00", "0:59", "1:00", "1:01", "59:59", "1:00:00", "—"]
    assert duration(-20.7) == "-0:20" and duration(-0.4) == "0:00"
    assert (g.countdown(20.7, "en"), g.countdown(-20.7, "en"), g.countdown(-20.7, "zh_CN")) == (
        "0:20", "overdue 0:20", "超时 0:20")


def test_a_step_of_a_source_names_the_source_in_words_and_a_person_by_name():
    assert g.actor(model.FIELD_SOURCE, "zh_CN") == "现场（模拟）"
    assert g.actor(model.SCENARIO_SOURCE, "en") == "Sensor feed (exercise)"
    assert g.actor("值班长 王敏", "en") == "值班长 王敏"


def test_an_unknown_code_reads_as_itself():
    assert g.kind("volcano", "zh_CN") == "volcano" and g.step("teleported", "en") == "teleported"


def _strings(path: Path) -> tuple[list[str], list[str]]:
    """(plain string constants that are not docstrings, the literal parts of each f-string joined)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    in_f = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    plain = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and id(n) not in docs and id(n) not in in_f]
    fstrings = ["".join(v.value for v in n.values if isinstance(v, ast.Constant))
                for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    return plain, fstrings


def test_the_domain_writes_no_chinese_and_composes_no_sentences():
    """The domain's strings are codes and data: no Chinese, no f-string prose (refusal messages aside)."""
    for path in sorted(DOMAIN.glob("*.py")):
        plain, fstrings = _strings(path)
        for s in plain + fstrings:
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in s), (path.name, s)
        # CommandRefused messages (rules, commands, cases, drills) and CalendarUnknown's: diagnostics text beside a code
        if path.name not in ("rules.py", "commands.py", "cases.py", "drills.py", "worktime.py"):
            for literal in fstrings:
                assert " " not in literal, (path.name, literal)


def test_the_ts_filler_takes_the_domain_words_from_the_glossary():
    import importlib.util

    fill = Path(__file__).resolve().parents[3] / "resources" / "i18n" / "fill_zh_CN.py"
    spec = importlib.util.spec_from_file_location("fill_zh_CN", fill)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for en, zh in g.pairs():
        assert mod.ZH[en] == zh, en


def test_a_health_alarm_title_names_its_source_and_says_when_it_was_quieted():
    from console.domain.model import QUIETED_UNIT

    assert g.alarm_title("滨江路 K0+100", "", None, "zh_CN") == "滨江路 K0+100"
    assert g.alarm_title("滨江路 K0+100", QUIETED_UNIT, 3.0, "zh_CN") == "滨江路 K0+100（频繁掉线：第 3 次告警，此后暂不告警）"
    assert g.alarm_title("site-watcher", "", None, "en") == "this hub's site folder watcher"
    assert g.alarm_title("box-7", QUIETED_UNIT, 2.0, "en") == "box-7 (chattering: alarm 2, quieted for now)"
