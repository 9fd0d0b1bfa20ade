"""A drill (演练) on a town's live console: marked on every title, a real critical takes the keys first,
the commander answers the drill through keys, the drills pane scores it as the log does, and the
town's chief ends it with one button: the strip and the queue let it go.

DRILL_SHOTS=DIR grabs the Chinese console (run under Xvfb) for the closing note.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.domain import drills
from console.domain.model import PlanRole
from console.protocol import messages as m
from console.protocol.codec import decode
from console.scenarios import build_marathon_baseline
from console.site.drill_scripts import DrillScript, drill_alert
from console.ui.common import glossary
from console.ui.common.i18n import current_lang
from console.ui.panes.alerts.model import AlertQueueModel
from tests.hub.harness import Client, running_hub
from tests.ui.keys import press, type_into_dialog
from tests.ui.shots import grab_screen
from tests.ui.test_live_console import (  # noqa: F401 - autouse fixtures of the live console tests
    activated, collect_on_the_gui_thread, console_on, english, keep_loop_on_close, raise_alert, until,
)

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]

SHOTS = os.environ.get("DRILL_SHOTS")
SCRIPT = DrillScript(id="DS01", title="起点区人员倒地", kind="fall", grid="T1-C01-G2", camera="CAM02",
                     kinds=[PlanRole(kind="medical", count=1)], phone_only=True)
TOWN_CHIEF = "南坪街道 值班长 陈静"


def shot(window, name: str) -> None:
    """Save the screen (only with DRILL_SHOTS set)."""
    grab_screen(window, SHOTS, f"{name}")


def _title_cell(window, incident: str) -> str:
    model = window.alerts.model
    return model.data(model.index(model.row_of(incident), AlertQueueModel.COL_TITLE))


async def test_a_drill_on_the_towns_console_through_keys(tmp_path, monkeypatch):
    monkeypatch.setattr("console.ui.shell.desk.UNDO_WINDOW_S", 0.6)  # the 5 s window, shortened for the run
    if SHOTS:
        from PySide6.QtWidgets import QApplication

        from console.ui.common.i18n import install_translator

        install_translator(QApplication.instance(), "zh")
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as server, \
            console_on(server.url, "demo-t1", tmp_path, "t1") as con:
        window = con.window
        if SHOTS:
            window.showMaximized()
        await activated(window)
        # a real critical first, then the district's drill: the drill is newer, the real one keeps the keys
        real = await raise_alert(server, "CAM03", kind="fall")
        alert = drill_alert(SCRIPT, build_marathon_baseline(), "DR-7", by="D")
        async with Client.connect(server.url, "demo-commander") as district:
            assert (await district.command("cmd.start_drill", m.CmdStartDrill(alert=alert))).ok
        drill = drills.drill_incident_id("DR-7")
        await until(lambda: window.alerts.model.row_of(drill) is not None, "the drill in the queue")
        window.refresh_now()
        lang = current_lang()
        marked = glossary.word(glossary.DRILL_WORDS, "mark", lang) + "起点区人员倒地"  # "[DRILL] " in English
        assert _title_cell(window, drill) == marked
        assert _title_cell(window, real) == server.core.state.incidents[real].title
        real_title = server.core.state.incidents[real].title
        # both ring; the strip names the real one (the one A acts on), never the drill
        await until(lambda: len(window.alarm.waiting()) == 2 and real_title in window.alarm_strip.text(),
                    "the alarm strip to name the real critical")
        assert marked not in window.alarm_strip.text()
        assert not window.mode_strip.isHidden() and window.mode_strip.text() == glossary.drill_strip(1, lang)

        # A: the real one is acknowledged first; then Enter sends the recommended person to the drill
        press(window, Qt.Key.Key_A)
        if window.flow.dialog is not None and window.flow.dialog.isVisible():
            type_into_dialog(window.flow, "")
        await until(lambda: server.core.state.incidents[real].acknowledged_at is not None, "the real one acknowledged")
        await until(lambda: not window.desk.answering(), "the acknowledgement's undo window to pass")
        window.refresh_now()
        assert marked in window.alerts.hint.text()
        await activated(window)
        press(window, Qt.Key.Key_Return)
        await until(lambda: server.core.state.incidents[drill].tasks, "a task on the drill")
        [task] = server.core.state.incidents[drill].tasks
        assert server.core.state.tasks[task].actor == TOWN_CHIEF
        assert not server.core.state.incidents[real].tasks
        async with Client.connect(server.url, "demo-commander") as phone:
            for status in ("accepted", "arrived"):
                assert (await phone.command("cmd.task_update", m.CmdTaskUpdate(task=task, status=status))).ok
        await until(lambda: con.replica.state.incidents[drill].full_on_scene_at is not None, "the drill assembled")

        # the drills pane scores it exactly as a recomputation from the hub's log does
        pane = window.panes["drills"]
        window.selection.select_incident(drill)
        window.refresh_now()
        [score] = drills.score_log(decode(data) for _s, _t, _ts, data in server.core.store.events_after(0))
        assert score.assembly_s is not None and score.kinds_met
        assert f"<td>{score.drill}</td>" in pane.html
        assert window.incident_pane.header.title_label.text() == marked
        await until(lambda: window.alarm_strip.isHidden(), "the alarm strip to go: nothing waits unacknowledged")
        shot(window, "drills-console")

        # the town's chief ends it with the incident's End drill button
        button = window.incident_pane.actions.button("cmd.end_drill")
        await until(lambda: button.isVisible() and button.isEnabled(), "the End drill button")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        if window.flow.dialog is not None and window.flow.dialog.isVisible():
            type_into_dialog(window.flow, "")
        await until(lambda: server.core.state.incidents[drill].status == "closed", "the drill closed")
        assert server.core.state.incidents[drill].timeline[-1].cause == drills.DRILL_ENDED
        await until(lambda: window.mode_strip.isHidden(), "the drill strip to go")
        window.refresh_now()
        assert server.core.state.tasks[task].cause == drills.DRILL_ENDED
