"""A critical alert is painted as soon as it is applied, ahead of the backlog behind it.

The whole console (build_console) against a real hub on 127.0.0.1. The hub emits
one burst: thousands of everyday events, one critical alert, thousands more. The
console applies them in sequence order (the domain state only changes by events,
in order); the alert's row is painted before the events after it are applied.
"""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QEvent, QObject

from console.domain.model import Alert
from console.protocol import messages as m
import console.ui.shell.tick as tick_mod
from console.ui.shell.tick import URGENT_GAP_S
from tests.hub.harness import running_hub
from tests.ui.test_live_console import console_on, until  # noqa: F401 - fixtures and helpers shared
from tests.ui.test_live_console import collect_on_the_gui_thread, english, keep_loop_on_close  # noqa: F401

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]

AHEAD, BEHIND = 5_000, 5_000


class PaintWatch(QObject):
    """Notes the console's applied seq each time the queue is painted with the incident's row in it."""

    def __init__(self, window, incident: str):
        super().__init__()
        self.window, self.incident = window, incident
        self.seq_at_paint: int | None = None

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.Paint and self.seq_at_paint is None
                and self.window.alerts.model.row_of(self.incident) is not None):
            self.seq_at_paint = self.window.replica.state.seq
        return False


def moves(state, n: int) -> list[tuple[str, m.Body]]:
    people = sorted(state.resources)
    return [("resources_moved", m.ResourcesMoved(moves=[(people[i % len(people)], float(i % 400), 60.0)]))
            for i in range(n)]


def critical(server, n: int) -> tuple[str, m.AlertRaised]:
    cam = server.core.state.cameras[sorted(server.core.state.cameras)[0]]
    alert = Alert(id=f"LANE{n}", source="camera", kind="animal", severity="critical", title=f"lane test alert {n}",
                  at=server.core.clock.now(), x=cam.x, y=cam.y, grid=cam.grid, town=cam.town, camera=cam.id)
    return ("alert_raised", m.AlertRaised(alert=alert, incident=f"I-LANE{n}"))


async def test_a_critical_alert_in_a_burst_is_painted_before_the_next_event_is_applied(tmp_path):
    hub_db = f"sqlite:///{tmp_path / 'hub.db'}"
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        window = con.window
        window.tick.stop()  # no regular tick: only the alert's own early tick can show it
        await asyncio.sleep(URGENT_GAP_S + 0.05)  # past the gap after the last regular tick
        watch = PaintWatch(window, "I-LANE1")
        window.alerts.view.viewport().installEventFilter(watch)
        try:
            state = server.core.state
            seqs = server.core.emit(moves(state, AHEAD) + [critical(server, 1)] + moves(state, BEHIND))
            alert_seq, last = seqs[AHEAD], seqs[-1]
            await until(lambda: con.replica.state.seq == last, "the console to apply the whole burst")
            await until(lambda: watch.seq_at_paint is not None, "the alert's row to be painted")
        finally:
            window.alerts.view.viewport().removeEventFilter(watch)
        # in order: the 5,000 ahead of it applied first; and painted before any of the 5,000 behind it
        assert watch.seq_at_paint == alert_seq, (
            f"painted at seq {watch.seq_at_paint}: the alert is {alert_seq}, the burst ends at {last}")
        assert "lane test alert 1" in window.banner_text(), "focused after the paint"
        assert con.replica.state.seq == server.core.committed_seq


async def test_a_critical_alert_right_after_a_tick_is_shown_without_waiting_for_the_next_one(tmp_path):
    hub_db = f"sqlite:///{tmp_path / 'hub.db'}"
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        window = con.window
        window.tick.stop()
        window.refresh_now()  # a tick just ran: an early tick now would come inside the gap
        seqs = server.core.emit([critical(server, 2)])
        await until(lambda: con.replica.state.seq == seqs[-1], "the console to apply the alert")
        await until(lambda: window.alerts.model.row_of("I-LANE2") is not None,
                    "the alert in the queue with no regular tick running")
        assert "lane test alert 2" in window.banner_text()


class Painted(QObject):
    """Notes each paint of a widget (a window paint Qt did, not one put back)."""

    def __init__(self, order: list[str]):
        super().__init__()
        self.order = order

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.order.append("paint")
        return False


async def test_a_paint_due_while_the_hubs_frame_waits_gives_way_to_it_and_a_flood_cannot_starve_it(
        tmp_path, monkeypatch):
    hub_db = f"sqlite:///{tmp_path / 'hub.db'}"
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        window = con.window
        window.tick.stop()
        viewport = window.alerts.view.viewport()
        order: list[str] = []
        watch = Painted(order)
        viewport.installEventFilter(watch)
        loop = asyncio.get_running_loop()
        try:
            # A frame waits to be folded; its fold comes 50 ms later, long after the posted paint
            # would have run: the paint waits for it (the cap is set out of the way here).
            monkeypatch.setattr(tick_mod, "GIVE_WAY_MAX_S", 30.0)
            pending = [True]
            con.replica.input_pending = lambda: pending[0]

            def fold():
                order.append("fold")
                pending[0] = False

            viewport.update()
            loop.call_later(0.05, fold)
            await until(lambda: "paint" in order, "the queue to be painted")
            assert order[:2] == ["fold", "paint"], order

            # A tick's pane refreshes wait too, and go once the frame is folded.
            pending[0] = True

            def tick_started() -> bool:
                window.tick.run()  # held back while the last tick's share of the thread is owed
                return window.tick.busy

            await until(tick_started, "a tick whose steps wait while the frame waits")
            await asyncio.sleep(0.05)
            assert window.tick.busy, "the tick's steps still wait while the frame waits"
            pending[0] = False
            await until(lambda: not window.tick.busy, "the tick's steps to run once the frame is folded")

            # Frames always waiting (a flood) do not keep the screen still: the paint goes after the cap.
            monkeypatch.setattr(tick_mod, "GIVE_WAY_MAX_S", 0.015)
            order.clear()
            con.replica.input_pending = lambda: True
            viewport.update()
            await until(lambda: "paint" in order, "the queue to be painted with frames always waiting")
        finally:
            viewport.removeEventFilter(watch)


class PaintsDuringEarlyTick(QObject):
    """Notes each paint of the named widgets, and whether the early tick's paint of the queue was under way."""

    def __init__(self, tick, names: dict):
        super().__init__()
        self.tick, self.names = tick, names
        self.early: list[str] = []
        self.later: list[str] = []

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            (self.early if self.tick._painting_now else self.later).append(self.names[obj])
        return False


async def test_the_map_the_tiles_and_the_roster_changed_before_an_alert_are_painted_after_its_row(tmp_path):
    hub_db = f"sqlite:///{tmp_path / 'hub.db'}"
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        window = con.window
        await until(lambda: window.panes["cameras"].deferrable_paints(), "the camera tiles shown")
        window.tick.stop()
        await asyncio.sleep(URGENT_GAP_S + 0.05)
        map_view = window.panes["map"].plot.viewport()
        tiles = window.panes["cameras"].deferrable_paints()
        people = window.panes["roster"].table.viewport()
        names = {map_view: "map", people: "roster", window.alerts.view.viewport(): "queue", **{t: "tile" for t in tiles}}
        watch = PaintsDuringEarlyTick(window.tick, names)

        def dirty(critical: bool = True) -> None:  # people moved and frames came just before the alert
            map_view.update()
            people.update()
            for t in tiles:
                t.update()

        for w in names:
            w.installEventFilter(watch)
        con.replica.on_new_alert.insert(0, dirty)
        try:
            seqs = server.core.emit([critical(server, 3)])
            await until(lambda: con.replica.state.seq == seqs[-1], "the console to apply the alert")
            await until(lambda: window.alerts.model.row_of("I-LANE3") is not None and watch.early,
                        "the alert's early tick")
            await until(lambda: {"map", "tile", "roster"} <= set(watch.later), "the map, the tiles and the roster painted after it")
        finally:
            con.replica.on_new_alert.remove(dirty)
            for w in names:
                w.removeEventFilter(watch)
        # Qt paints every dirty widget of the window in one sync: without the gate the map (4-8 ms
        # under load), the roster's table (9-10 ms) and the tiles went to the screen in the same paint as the row
        assert watch.early == ["queue"], f"only the queue's rows in the early tick's paint: {watch.early}"
