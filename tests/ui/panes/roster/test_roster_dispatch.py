"""The roster as a commander reads and uses it: whole names, an ID column, and "派遣到当前事件" on a
person's right-click menu, which sends them through the window's action flow (the toast, the undo).
While the hub is away the toast says the command waits for the link, not "4 秒后发送".

A console built as the app builds it, on a real hub over 127.0.0.1, in Chinese.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.ui.common.i18n import install_translator
from console.ui.panes.roster.model import COL
from tests.hub.harness import running_hub
from tests.ui.test_live_console import console_on, hub_tasks, raise_alert, until

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]

MEDIC = "R2607"  # 120急救 1组


@pytest.fixture(autouse=True)
def keep_loop_on_close(qapp):
    """As in the app: closing a window must not quit Qt, which would stop the test's loop."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)


def click_queue_row(window, incident: str) -> None:
    """Click the incident's row in the queue, as the commander does."""
    view = window.alerts.view
    index = view.model().index(view.model().row_of(incident), view.model().COL_TITLE)
    view.scrollTo(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def right_click_person(pane, rid: str):
    """Show the person (search box), right-click their row; returns the menu that opened."""
    pane.search.clear()
    QTest.keyClicks(pane.search, rid)
    pane.model.set_filter(pane.model.filter().__class__(text=rid))  # the search box's own debounce, at once
    row = pane.model.row_of(rid)
    assert row is not None, f"{rid} is not in the roster"
    table = pane.table
    rect = table.visualRect(pane.model.index(row, COL["name"]))
    QApplication.sendEvent(table.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, rect.center(),
                                                                table.viewport().mapToGlobal(rect.center())))
    return pane.context_menu


def action_named(menu, prefix: str):
    return next(a for a in menu.actions() if a.text().startswith(prefix))


async def test_a_person_is_dispatched_from_the_roster_by_name_and_offline_the_toast_waits_for_the_link(
        tmp_path, qapp):
    install_translator(qapp, "zh_CN")
    try:
        first = running_hub(f"sqlite:///{tmp_path / 'hub.db'}")
        server = await first.__aenter__()
        try:
            async with console_on(server.url, "demo-commander", tmp_path, "cmd") as con:
                window, pane = con.window, con.window.panes["roster"]
                medic = con.replica.state.resources[MEDIC]
                assert medic.name == "120急救 1组"
                pane.model.set_filter(pane.model.filter().__class__(text=MEDIC))
                await until(lambda: pane.model.row_of(MEDIC) is not None, "the medic's row")
                row = pane.model.row_of(MEDIC)
                # the whole name fits its column (it was cut to "120急救…"), and the ID has a column
                needed = pane.table.fontMetrics().horizontalAdvance(medic.name) + 8
                await until(lambda: pane.table.visualRect(pane.model.index(row, COL["name"])).width() >= needed,
                            "the name column to fit the whole name")
                assert pane.model.headerData(COL["id"], Qt.Orientation.Horizontal) == "编号"
                assert pane.model.data(pane.model.index(row, COL["id"])) == MEDIC

                # nothing selected in the queue: the action says what is missing and does nothing
                menu = right_click_person(pane, MEDIC)
                idle = action_named(menu, "派遣到当前事件")
                assert not idle.isEnabled() and "先在队列中选中" in idle.text()
                menu.close()

                incident = await raise_alert(server, "CAM03", kind="fall")
                await until(lambda: window.alerts.model.row_of(incident) is not None, "the alert in the queue")
                click_queue_row(window, incident)
                await until(lambda: window.selection.incident == incident, "the incident selected")
                title = con.replica.state.incidents[incident].title
                menu = right_click_person(pane, MEDIC)
                send = action_named(menu, "派遣到当前事件")
                assert send.isEnabled() and send.text() == f"派遣到当前事件：{title}"
                menu.close()
                send.trigger()
                await until(lambda: any(t.resource == MEDIC for t in hub_tasks(server, incident)),
                            "the hub to log the medic's task")
                assert [t.resource for t in hub_tasks(server, incident)] == [MEDIC], "that person, once"
                assert "120急救 1组" in window.toast.text()
                if os.environ.get("UI_SHOTS"):
                    window.grab().save(str(Path(os.environ["UI_SHOTS"]) / "loopbits-roster.png"))
        finally:
            await first.__aexit__(None, None, None)  # the hub goes away

        # a second person while the hub is down: the toast says the command waits for the link
        async with console_on(server.url, "demo-commander", tmp_path, "cmd", live=False) as con:
            window, pane = con.window, con.window.panes["roster"]
            await until(lambda: con.replica.state.incidents.get(incident) is not None, "the saved screen")
            await until(lambda: con.replica.link.state != "online", "the console to be offline")
            window.refresh_now()
            click_queue_row(window, incident)
            await until(lambda: window.selection.incident == incident, "the incident selected")
            other = "R2608"  # 120急救 2组
            action_named(right_click_person(pane, other), "派遣到当前事件").trigger()
            pane.context_menu.close()
            await until(lambda: "离线" in window.toast.text(), "the toast to speak of the outage")
            text = window.toast.text()
            assert "120急救 2组" in text and "等待连接恢复" in text and "秒后发送" not in text, text
    finally:
        install_translator(qapp, "en")
