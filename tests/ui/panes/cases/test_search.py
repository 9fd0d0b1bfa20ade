"""The cases pane's search tab: it asks the hub's search (live state and archive) and paints the hits;
a refusal or a lost link is said, and an older answer never overwrites a newer question's."""

from __future__ import annotations

import time
from concurrent.futures import Future

import pytest
from PySide6.QtCore import QDate

from console.client.replica import Replica
from console.client.session import SearchFailed
from console.domain.casesearch import CaseHit, CasesFound, merge_hits, search_state
from console.store import Store
from console.ui.panes.cases import CasesPane
from tests.domain.test_cases import CaseHub, at

pytestmark = pytest.mark.ui


def _done(value=None, exc=None) -> Future:
    fut: Future = Future()
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(value)
    return fut


@pytest.fixture
def rig(qtbot, tmp_path):
    hub = CaseHub()
    live = hub.report("debris", "2026-03-10 09:00", "林边枯枝堆积")
    hub.report("rockfall", "2026-03-10 09:30", "公墓路落石")
    store = Store(f"sqlite:///{tmp_path / 'hub.db'}")
    store.keep_archived([CaseHit(incident="I-R09001", kind="debris", title="去年的枯枝", town="T1",
                                 grid=hub.inc(live).grid, status="closed", created_at=at("2026-03-01 10:00"),
                                 closed_at=at("2026-03-01 15:00"), stage="closed", people="R0001 张伟")])
    asked = []

    def search(q):  # what the hub does with the question (console/hub/core.search_cases), minus the wire
        asked.append(q)
        return _done(CasesFound(hits=(h := merge_hits(search_state(hub.state, q), store.search_archive(q), q.limit)),
                                archived=sum(x.archived for x in h)))

    replica = Replica(hub.state)
    link = replica.link
    link.clock, link.clock_wall, link.clock_rate = at("2026-03-10 16:00"), time.time(), 0.0
    opened = []
    pane = CasesPane(replica, search=search, open_incident=opened.append)
    qtbot.addWidget(pane)
    pane.resize(1000, 700)
    pane.show()
    pane.tabs.setCurrentIndex(1)
    box = pane.search
    box.since.setDate(QDate(2026, 2, 1))
    box.until.setDate(QDate(2026, 3, 31))
    yield hub, box, asked, opened, live
    store.close()


def test_the_search_finds_the_archived_case_beside_the_live_one_and_opens_a_live_one(rig, qtbot):
    hub, box, asked, opened, live = rig
    assert box.kind.findData("debris") > 0 and box.town.findData("T1") > 0
    box.text.setText("枯枝")
    with qtbot.waitSignal(box.sig_found) as got:
        box.go.click()
    assert got.args == [2]
    assert [box.table.item(r, 0).text() for r in range(2)] == [live, "I-R09001"]
    assert box.table.item(1, 7).text() == "archive" and box.table.item(0, 7).text() == "live state"
    assert box.status.text() == "2 found (1 from the archive)"
    q = asked[-1]
    assert q.text == "枯枝" and q.since == at("2026-02-01 00:00") and q.until == at("2026-04-01 00:00")
    box.table.cellDoubleClicked.emit(1, 0)  # archived: not in the live state, nothing to open
    box.table.cellDoubleClicked.emit(0, 0)
    assert opened == [live]


def test_a_town_and_type_narrow_the_question_and_the_grids_follow_the_town(rig, qtbot):
    hub, box, asked, opened, live = rig
    assert box.grid.count() == 1  # "any grid" until a town is chosen
    box.town.setCurrentIndex(box.town.findData("T1"))
    assert box.grid.count() > 1
    box.grid.setCurrentIndex(box.grid.findData(hub.inc(live).grid))
    box.kind.setCurrentIndex(box.kind.findData("rockfall"))
    with qtbot.waitSignal(box.sig_found):
        box.go.click()
    q = asked[-1]
    assert (q.town, q.grid, q.kind) == ("T1", hub.inc(live).grid, "rockfall")
    assert box.table.rowCount() == 1 and box.table.item(0, 2).text() == "公墓路落石"


def test_a_refused_or_lost_search_is_said_and_a_stale_answer_is_dropped(rig, qtbot):
    hub, box, asked, opened, live = rig
    box.search = lambda q: _done(exc=SearchFailed("forbidden", "role field may not search cases"))
    box.go.click()
    assert box.status.text() == "Search not done: role field may not search cases" and box.go.isEnabled()
    slow: Future = Future()
    box.search = lambda q: slow
    box.go.click()
    assert box.status.text() == "Searching…" and not box.go.isEnabled()
    box.search = lambda q: _done(CasesFound())
    box.ask()  # a newer question, answered at once
    assert box.status.text() == "0 found (0 from the archive)"
    slow.set_result(CasesFound(hits=[CaseHit(incident="I-OLD", kind="debris", title="旧", town="T1", grid="",
                                             status="closed", created_at=0.0, stage="closed")], archived=1))
    assert box.table.rowCount() == 0 and box.status.text() == "0 found (0 from the archive)"
