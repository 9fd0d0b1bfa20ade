"""The after-action report's cases section: stages, overdue list and per-town/worker figures in words."""

from console.protocol import messages as m
from console.recording.report_cases import cases_section
from console.ui.common.glossary import Glossary
from tests.domain.test_cases import CaseHub, at


def test_the_cases_section_lists_the_overdue_case_and_the_towns_figures():
    hub = CaseHub()
    done = hub.report("rockfall", "2026-03-10 09:00")
    task = hub.dispatch(done, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:10", "2026-03-10 09:40")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=done, photos=["p"]), at=at("2026-03-10 10:00"))
    stuck = hub.report("debris", "2026-03-10 14:40")
    zh = cases_section(hub.state, at("2026-03-10 16:00"), Glossary("zh_CN"))
    assert "超期案件" in zh and f"<td class=breach>{stuck}</td>" in zh and "路面杂物" in zh and "待派遣" in zh
    assert hub.state.org["T1"].name in zh and "按时率" in zh
    en = cases_section(hub.state, at("2026-03-10 16:00"), Glossary("en"))
    assert "Overdue cases" in en and "Debris on the road" in en and "50:00" in en
    assert "cases 2 · open 2 · overdue 1 · on time 100%" in en


def test_a_period_without_cases_has_no_section():
    hub = CaseHub()
    hub.alert("crowd_density", at=at("2026-03-10 09:00"))
    assert cases_section(hub.state, at("2026-03-10 10:00"), Glossary("en")) == ""
