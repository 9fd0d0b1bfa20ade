"""The roster shows each person's field page online or not, and enrols / revokes a phone (issue 13).

A console built as the app builds it, on a real hub over 127.0.0.1; the phone is a protocol
client holding the token the roster's QR dialog got (the browser side is tests/field).
"""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from websockets.asyncio.client import connect

from console.ui.common.i18n import install_translator
from console.ui.panes.roster.enrol_dialog import EnrolDialog
from console.ui.panes.roster.model import COL
from tests.field.conftest import shot_path
from tests.hub.harness import running_hub
from tests.ui.test_live_console import console_on, raise_alert, until

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]


@pytest.fixture(autouse=True)
def keep_loop_on_close(qapp):
    """As in the app: closing the dialog must not quit Qt, which would stop the test's loop."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)


def page_cell(pane, rid: str) -> str:
    """What the roster's field-page column shows for one person."""
    model = pane.model
    return model.data(model.index(model.row_of(rid), COL["page"]))


async def test_the_roster_enrols_a_phone_shows_it_online_and_revoking_closes_it(tmp_db_url, tmp_path, qapp):
    install_translator(qapp, "zh_CN")
    try:
        async with running_hub(tmp_db_url) as server:
            server.presence.grace_s = 0.3
            async with console_on(server.url, "demo-commander", tmp_path, "cmd") as con:
                pane = con.window.panes["roster"]
                rid = "R0005"
                pane.model.set_filter(pane.model.filter().__class__(text=rid))
                await until(lambda: pane.model.row_of(rid) is not None, "the person's row")
                assert page_cell(pane, rid) == ""  # never enrolled: nothing to say
                assert pane.model.headerData(COL["page"], Qt.Orientation.Horizontal) == "现场终端"

                # right-click the person: the menu offers the QR code
                table = pane.table
                rect = table.visualRect(table.model().index(pane.model.row_of(rid), 0))
                event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, rect.center(),
                                          table.viewport().mapToGlobal(rect.center()))
                QApplication.sendEvent(table.viewport(), event)
                # (beside "派遣到当前事件", tests/ui/panes/roster/test_roster_dispatch.py)
                action = next(a for a in pane.context_menu.actions() if a.text() == "现场终端二维码…")
                pane.context_menu.close()
                action.trigger()
                dialog = next(w for w in pane.findChildren(EnrolDialog))
                await until(lambda: dialog.url, "the hub's enrolment URL")
                assert dialog.url.startswith(f"http://127.0.0.1:{server.port}/field/#token=")
                assert not dialog.qr.pixmap().isNull() and dialog.qr.pixmap().width() >= 200
                assert dialog.link.text() == dialog.url
                dialog.grab().save(str(shot_path("console-qr")))  # for the closing note
                token = unquote(dialog.url.split("#token=")[1])

                # the phone opens the page (its websocket, as field.js does it)
                async with connect(f"{server.url}/?token={token}") as phone:
                    await phone.send('{"v":2,"type":"resume","body":{"last_seq":0}}')

                    async def keep_talking():  # the page pings every second, until its session is closed
                        try:
                            while True:
                                await phone.send('{"v":2,"type":"ping","body":{"t":0}}')
                                await asyncio.sleep(0.5)
                        except Exception:
                            pass
                    talker = asyncio.ensure_future(keep_talking())
                    try:
                        await until(lambda: page_cell(pane, rid).startswith("● 在线 · 自 "), "the page online")
                        # the incident's task list marks the person sent with their page's ●/○
                        incident = await raise_alert(server, "CAM01")
                        await until(lambda: incident in con.replica.state.incidents, "the incident")
                        con.controller.dispatch(incident, rid)
                        con.window.selection.select_incident(incident)
                        tasks = con.window.incident_pane.task_list.tasks
                        await until(lambda: tasks.topLevelItemCount() == 1, "the task row")
                        assert tasks.topLevelItem(0).text(1).endswith(" ●")
                        QTest.mouseClick(dialog.revoke, Qt.MouseButton.LeftButton)
                        await until(lambda: dialog.status.text() == "已吊销：该终端的连接已断开", "revoked")
                        await asyncio.wait_for(phone.wait_closed(), 10)
                        assert phone.close_code == 4401
                    finally:
                        talker.cancel()
                await until(lambda: page_cell(pane, rid).startswith("○ 离线 · 最后应答 "), "the page offline")
                await until(lambda: tasks.topLevelItem(0).text(1).endswith(" ○"), "the task row's ○")
                assert dialog.url == "" and dialog.qr.pixmap().isNull()
                dialog.close()
                await asyncio.sleep(0.05)
    finally:
        install_translator(qapp, "en")
