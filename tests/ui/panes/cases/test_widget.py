"""The cases pane paints the domain's case figures: stages, the overdue list, groups, CSV export."""

import csv
import time

import pytest

from console.client.replica import Replica
from console.domain.state import ChangeSet
from console.protocol import messages as m
from console.ui.panes.cases import CasesPane
from tests.domain.test_cases import CaseHub, at
from tests.domain.test_domain import T1


@pytest.fixture
def pane(qtbot):
    hub = CaseHub()
    done = hub.report("rockfall", "2026-03-10 09:00")
    task = hub.dispatch(done, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:10", "2026-03-10 09:40")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=done, photos=["p"]), at=at("2026-03-10 10:00"))
    stuck = hub.report("debris", "2026-03-10 14:40")
    hub.do(T1, "cmd.suspend", m.CmdSuspend(incident=hub.report("other", "2026-03-10 14:45"), reason="weather"),
           at=at("2026-03-10 14:50"))
    replica = Replica(hub.state)
    link = replica.link
    link.clock, link.clock_wall, link.clock_rate = at("2026-03-10 16:00"), time.time(), 0.0
    w = CasesPane(replica)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    w.refresh(ChangeSet(), force=True)
    return w, done, stuck


def test_the_pane_shows_stages_and_the_overdue_case(pane):
    w, done, stuck = pane
    heads = [w.stages.horizontalHeaderItem(i).text() for i in range(w.stages.columnCount())]
    verify = heads.index("Verification")
    assert w.stages.item(0, verify).text() == "1"
    dispatch = heads.index("Dispatch")
    assert (w.stages.item(0, dispatch).text(), w.stages.item(1, dispatch).text()) == ("2", "1")
    assert w.late.rowCount() == 1 and w.late.item(0, 0).text() == stuck
    assert w.late.item(0, 1).text() == "Debris on the road" and w.late.item(0, 5).text() == "50:00"
    assert "cases 3" in w.summary.text() and "overdue 1" in w.summary.text()


def test_switching_the_dimension_regroups_and_export_writes_csv(pane, qtbot, tmp_path):
    w, done, stuck = pane
    assert w.dimension.currentData() == "town" and w.groups.rowCount() == 1  # one town
    w.dimension.setCurrentIndex(w.dimension.findData("worker"))
    assert w.groups.horizontalHeaderItem(0).text() == "By worker"
    assert w.groups.rowCount() == 2  # the worker who handled one, and "—" for the undispatched
    paths = w.export_csv(tmp_path)
    rows = list(csv.DictReader(open(paths[0], encoding="utf-8-sig")))
    assert [r["incident"] for r in rows] == [done, stuck, rows[2]["incident"]] and rows[2]["suspended"] == "1"
    assert {p.name for p in paths} == {"cases.csv", "cases_by_grid.csv", "cases_by_worker.csv",
                                       "cases_by_department.csv", "cases_by_town.csv"}


def test_the_kpi_pane_carries_the_cases_line(pane, qtbot):
    from console.ui.panes.kpi.widget import KpiPane

    w, done, stuck = pane
    kpi = KpiPane(w.replica)
    qtbot.addWidget(kpi)
    kpi.refresh(ChangeSet(), force=True)
    assert not kpi.cases_line.isHidden()
    assert kpi.cases_line.text() == "cases 3 · open 3 · overdue 1 · on time 100%"


def test_the_case_card_shows_each_stage_its_due_time_and_the_paths(qtbot):
    from console.ui.panes.cases.case_card import CaseCard

    hub = CaseHub()
    inc = hub.report("rockfall", "2026-09-30 16:40")
    hub.dispatch(inc, hub.worker_id, "2026-09-30 16:45")
    hub.do(hub.worker, "cmd.request_extension", m.CmdRequestExtension(incident=inc, hours=4, reason="需吊车"),
           at=at("2026-09-30 16:50"))
    replica = Replica(hub.state)
    link = replica.link
    link.clock, link.clock_wall, link.clock_rate = at("2026-09-30 17:20"), time.time(), 0.0
    card = CaseCard(replica)
    qtbot.addWidget(card)
    card.show_incident(hub.alert("crowd_density", at=at("2026-09-30 16:55")))
    assert card.isHidden()  # an emergency incident has no case file
    card.show_incident(inc)
    assert not card.isHidden()
    text = card.head.text()
    assert text.startswith("Rockfall on a road · 2 working hours · waiting: Acceptance") and "overdue" in text
    rows = {card.stages.item(r, 0).text(): (card.stages.item(r, 1).text(), card.stages.item(r, 2).text())
            for r in range(card.stages.rowCount())}
    assert rows["Handling"] == ("10-08 09:40", "") and rows["Dispatch"] == ("09-30 16:55", "09-30 16:45")
    assert "Extension requested · 4 working h" in card.paths.text()


def test_the_export_button_asks_for_a_folder_and_writes_there(pane, qtbot, tmp_path):
    w, done, stuck = pane
    w.export.click()
    with qtbot.waitSignal(w.sig_exported, timeout=5000) as got:
        w._dialog.fileSelected.emit(str(tmp_path))
    assert sorted(p.rsplit("/", 1)[1] for p in got.args[0])[0] == "cases.csv"
    assert (tmp_path / "cases_by_town.csv").read_text(encoding="utf-8-sig").startswith("town,count")
    w._dialog.reject()


def test_the_case_cards_buttons_are_live_as_the_domain_says_and_a_press_is_a_signal(qtbot):
    from console.ui.panes.cases.case_card import CaseCard
    from tests.domain.test_domain import OPERATOR

    hub = CaseHub()
    inc = hub.report("rockfall", "2026-03-10 09:00")
    hub.dispatch(inc, hub.worker_id, "2026-03-10 09:05")
    hub.do(hub.worker, "cmd.request_extension", m.CmdRequestExtension(incident=inc, hours=4, reason="需吊车"),
           at=at("2026-03-10 09:10"))
    card = CaseCard(Replica(hub.state), T1)
    qtbot.addWidget(card)
    card.show_incident(inc)
    live = {code.removeprefix("cmd."): b.isEnabled() for code, b in card.buttons.items()}
    assert live == {"verify": False, "approve_extension": True, "return": True, "suspend": True, "resume": False,
                    "case_handled": True}
    with qtbot.waitSignal(card.sig_action) as got:
        card.buttons["cmd.approve_extension"].click()
    assert got.args == ["cmd.approve_extension", inc]
    # an operator may send none of them: no buttons at all
    desk = CaseCard(Replica(hub.state), OPERATOR)
    qtbot.addWidget(desk)
    desk.show_incident(inc)
    assert all(b.isHidden() for b in desk.buttons.values())
