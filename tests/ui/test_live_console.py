"""The whole console against a real hub over 127.0.0.1.

Each test builds the console the way the app does (`console.app.build_console`:
local SQLite store, Session, Replica, Controller, MainWindow with its tick
running on the qasync loop) and talks to a real hub (`running_hub`: the
marathon baseline, no world, so nothing happens unless a test makes it happen).
Alerts come in through a raw ingest client, exactly as a camera AI would send them.

These tests run on the qasync loop (tests/ui/conftest.py): they await and poll
with `asyncio.sleep`, never the blocking `qtbot.waitSignal`/`waitUntil`.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
from contextlib import asynccontextmanager

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.app.console import Console, build_console
from console.domain.model import Alert, Detection
from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from console.ui.common.i18n import install_translator, status_label
from console.ui.panes.alerts.model import AlertQueueModel
from tests.hub.harness import Client, running_hub
from tests.ui.keys import press

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]

#: generous: a loaded CI machine may take seconds for what takes milliseconds here
WAIT_S = 30.0
_alert_ids = itertools.count(1)


# ---------------------------------------------------------------- helpers

async def until(predicate, what: str, timeout: float = WAIT_S) -> None:
    """Poll `predicate` on the running loop (Qt timers keep firing) until true, or fail naming `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def console_on(url: str, token: str, tmp_path, name: str, *, live: bool = True, **kw):
    """A console built as the app builds it, with its own local file and layout settings; closed after."""
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    console = await build_console(url, token, local_db=f"sqlite:///{tmp_path / f'{name}.db'}",
                                  settings=settings, backoff=(0.1, 0.5), **kw)
    try:
        if live:
            await until(console.session.live.is_set, f"{name} to go live on {url}")
        yield console
    finally:
        await console.close()


async def raise_alert(server, camera: str, *, severity: str = "critical", kind: str = "animal") -> str:
    """Raise an alert on a baseline camera through a raw ingest client; returns the incident id."""
    cam = server.core.state.cameras[camera]
    aid = f"L{next(_alert_ids):04d}"
    alert = Alert(id=aid, source="camera", kind=kind, severity=severity, title=f"live test alert {aid}",
                  at=server.core.clock.now(), x=cam.x, y=cam.y, grid=cam.grid, town=cam.town, camera=camera,
                  detections=[Detection(label="dog", score=0.93, x=0.4, y=0.4, w=0.2, h=0.2)])
    async with Client.connect(server.url, "demo-ingest", last_seq=None) as ingest:
        result = await ingest.command("ingest.alert", m.IngestAlert(alert=alert))
    assert result.ok, result
    return f"I-{aid}"


async def activated(window) -> None:
    """Make the window the active one: window shortcuts fire only there, as on a desk."""
    window.activateWindow()
    await until(lambda: QApplication.activeWindow() is window, "the window to become active")


async def press_enter(console: Console, incident: str) -> None:
    """Click the incident's row, put the focus in another pane, and press Enter the way a keyboard does.

    The key goes to the focused widget through Qt's shortcut map (QTest), not to the queue's table.
    """
    queue = console.window.alerts
    row = queue.model.row_of(incident)
    assert row is not None, f"{incident} is not in the queue"
    queue.select_row(row)
    assert queue.current_incident() == incident
    await activated(console.window)
    press(console.window, Qt.Key.Key_Return)


def status_cell(console: Console, incident: str) -> str | None:
    """The text of the queue's status cell for an incident."""
    model = console.window.alerts.model
    row = model.row_of(incident)
    return None if row is None else model.data(model.index(row, AlertQueueModel.COL_STATUS))


def hub_tasks(server, incident: str) -> list:
    return [t for t in server.core.state.tasks.values() if t.incident == incident]


def hub_channel(server, token: str):
    """The hub's side of a connected client (the channel that sends to it)."""
    channels = [ch for ch in server.core.channels if ch.principal.token == token and ch.live]
    assert len(channels) == 1, channels
    return channels[0]


@pytest.fixture(autouse=True)
def english(qapp):
    """Assertions read English UI text; the next test gets English too."""
    install_translator(qapp, "en")
    yield
    install_translator(qapp, "en")


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    """Collect the last test's loop and Qt wrappers here, on the GUI thread.

    Left to Python's cyclic GC they may be collected on whichever thread allocates
    next (a database worker), and a QObject destroyed off its thread leaves its
    timers registered: the next timer event then hits freed memory and Qt crashes.
    """
    gc.collect()
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def keep_loop_on_close(qapp):
    """As in the app: closing a console's window must not quit Qt, which would stop the test's loop."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)


@pytest.fixture
def hub_db(tmp_path):
    return f"sqlite:///{tmp_path / 'hub.db'}"


# ---------------------------------------------------------------- 1. a new alert reaches the screen

async def test_new_alert_appears_in_the_queue_and_marks_its_camera(hub_db, tmp_path):
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        window, wall = con.window, con.window.camera_wall
        await until(lambda: wall.visible_cameras(), "the camera wall to show the baseline's cameras")
        on_screen = wall.visible_cameras()[1]
        off_screen = next(c for c in sorted(server.core.state.cameras) if c not in wall.visible_cameras())

        warning = await raise_alert(server, on_screen, severity="warning", kind="crowd_density")
        await until(lambda: window.alerts.model.row_of(warning) is not None, "the warning in the queue")
        await until(lambda: wall.tile_for(on_screen) is not None and wall.tile_for(on_screen).alerting,
                    "the warning's tile to be marked alerting")
        assert on_screen in wall.alerting_cameras()

        # a critical alert on a camera that is not on the page pops it into the focus tile (弹窗预警)
        critical = await raise_alert(server, off_screen)
        await until(lambda: window.alerts.model.row_of(critical) is not None, "the critical alert in the queue")
        await until(lambda: wall.tile_for(off_screen) is not None and wall.tile_for(off_screen).alerting,
                    "the critical camera popped into a tile and marked alerting")
        assert wall.paging.focus == off_screen
        assert wall.tile_for(off_screen).detections, "the AI boxes are drawn"
        assert window.alerts.model.row_of(critical) < window.alerts.model.row_of(warning), "critical first"
        assert "live test alert" in window.banner_text()
        assert con.replica.state.seq == server.core.committed_seq


# ---------------------------------------------------------------- 2. Enter dispatches once

async def test_enter_on_the_queue_sends_one_dispatch_and_the_incident_is_dispatched(hub_db, tmp_path):
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        incident = await raise_alert(server, "CAM05", severity="warning", kind="crowd_density")
        await until(lambda: con.window.alerts.model.row_of(incident) is not None, "the alert in the queue")

        await press_enter(con, incident)
        sent = [p for p in con.replica.pending.values() if p.type == "cmd.dispatch"]
        assert len(sent) == 1 and sent[0].body.incident == incident, con.replica.pending

        await until(lambda: con.replica.state.incidents[incident].status == "dispatched",
                    "the incident to reach dispatched in the console")
        await until(lambda: status_cell(con, incident) == status_label("dispatched"),
                    "the queue's status cell to say dispatched")
        await until(lambda: not con.replica.pending and con.session.outbox_depth == 0,
                    "the hub's answer to confirm the command")
        tasks = hub_tasks(server, incident)
        assert len(tasks) == 1 and tasks[0].resource == sent[0].body.resource
        assert server.core.state.incidents[incident].tasks == [tasks[0].id]
        assert server.core.counters["retries"] == 0
        assert [t.id for t in con.replica.state.tasks.values() if t.incident == incident] == [tasks[0].id]
        assert con.window.banner_text() == "", "a dispatch that went through raises no warning"


# ---------------------------------------------------------------- 2a. the dog alert, keys as a keyboard sends them

async def test_the_dog_alert_reaches_a_dispatched_person_with_enter_sent_to_the_window_not_the_queue(tmp_path):
    """The demo's morning on a real hub (start_hub, the marathon world): the dog alert arrives, the focus
    sits in the camera wall, Enter goes to the focused widget, and a named person is dispatched."""
    from console.app.config import DEMO_START, HubConfig
    from console.app.hub import start_hub

    hub = await start_hub(HubConfig(port=0, db=f"sqlite:///{tmp_path / 'hub.db'}", scenario="marathon",
                                    speed=4.0, start=DEMO_START, fps=0))
    try:
        async with console_on(hub.url, "demo-commander", tmp_path, "dog") as con:
            window = con.window

            def dog():
                return next((i for i in con.replica.state.incidents.values()
                             if i.kind == "animal" and i.severity == "critical"), None)

            await until(lambda: dog() is not None and window.alerts.model.row_of(dog().id) is not None,
                        "the dog alert in the queue")
            incident = dog().id
            await until(lambda: window.selection.incident == incident, "the critical alert selected by itself")
            await activated(window)
            target = press(window, Qt.Key.Key_Return)
            assert window.camera_wall.isAncestorOf(target), f"focus was in {type(target).__name__}"
            await until(lambda: con.replica.state.incidents[incident].tasks, "a task on the dog incident")
            [task_id] = con.replica.state.incidents[incident].tasks
            task = con.replica.state.tasks[task_id]
            await until(lambda: task_id in hub.core.state.tasks, "the hub to hold the task")
            person = con.replica.state.resources[task.resource]
            window.refresh_now()
            line = window.incident_pane.dispatch_line.text()
            assert person.name in line, line
            assert person.name in window.toast.text()
            assert window.incident_pane.dispatch_line.undo_button.isVisible()
    finally:
        await hub.stop()


# ---------------------------------------------------------------- 2b. undo cancels what its command made

async def test_undo_of_a_plan_cancels_exactly_the_tasks_the_plan_made(hub_db, tmp_path, monkeypatch):
    # a loaded machine may take seconds between the click and the undo: the window must not close first
    monkeypatch.setattr("console.ui.shell.desk.UNDO_WINDOW_S", WAIT_S)
    async with running_hub(hub_db) as server, \
            console_on(server.url, "demo-commander", tmp_path, "a") as a, \
            console_on(server.url, "demo-commander", tmp_path, "b") as b:  # the same commander at a second desk
        incident = await raise_alert(server, "CAM05", severity="warning", kind="crowd_density")
        await until(lambda: a.window.alerts.model.row_of(incident) is not None, "the alert in the queue")
        a.window.alerts.select_row(a.window.alerts.model.row_of(incident))
        pane = a.window.incident_pane
        assert pane.incident_id == incident
        made: list = []
        a.controller.on_command.append(made.append)
        QTest.mouseClick(pane.actions.button("cmd.activate_plan"), Qt.MouseButton.LeftButton)
        [plan] = made
        assert plan.type == "cmd.activate_plan" and not plan.refused_here
        result = await asyncio.wait_for(plan.wait(), WAIT_S)
        assert result.ok
        planned = {t.id for t in hub_tasks(server, incident)}
        assert len(planned) == 6, "the crowd plan sends six people"
        assert set(a.controller.tasks_made(plan)) == planned

        # the same user sends one more person from the other desk: not the plan's, so not undone
        await until(lambda: incident in b.replica.state.incidents, "the incident on the second desk")
        extra = await asyncio.wait_for(b.controller.dispatch_recommended(incident).wait(), WAIT_S)
        assert extra.ok
        await until(lambda: len(a.replica.state.incidents[incident].tasks) == 7, "the seventh task on desk a")
        [other] = {t.id for t in hub_tasks(server, incident)} - planned
        assert server.core.state.tasks[other].actor == server.core.state.tasks[min(planned)].actor

        a.window.refresh_now()
        undo = pane.dispatch_line.undo_button
        assert undo.isVisible() and undo.isEnabled(), undo.text()
        QTest.mouseClick(undo, Qt.MouseButton.LeftButton)
        cancels = [h for h in made if h.type == "cmd.cancel_task"]
        assert sorted(h.body.task for h in cancels) == sorted(planned)
        for h in cancels:
            assert (await asyncio.wait_for(h.wait(), WAIT_S)).ok
        hub_state = server.core.state.tasks
        assert {t for t in planned if hub_state[t].status == "cancelled"} == planned
        assert hub_state[other].status == "sent", "the other desk's dispatch stays"
        await until(lambda: all(a.replica.state.tasks[t].status == "cancelled" for t in planned),
                    "desk a to show the plan's tasks cancelled")
        a.window.refresh_now()
        assert not undo.isVisible()


# ---------------------------------------------------------------- 3. a conflict is shown, not swallowed

async def test_a_conflict_from_the_hub_is_shown_naming_the_holder(hub_db, tmp_path):
    async with running_hub(hub_db) as server, \
            console_on(server.url, "demo-commander", tmp_path, "a") as a, \
            console_on(server.url, "demo-commander-2", tmp_path, "b") as b:
        incident = await raise_alert(server, "CAM07", severity="warning", kind="crowd_density")
        for con in (a, b):
            await until(lambda con=con: con.window.alerts.model.row_of(incident) is not None,
                        "the alert in both queues")
        best = {con.controller.recommendations(incident, limit=1)[0].resource for con in (a, b)}
        assert len(best) == 1, f"both consoles recommend the same person: {best}"
        person = best.pop()

        # Both commanders press Enter before either console hears of the other's dispatch.
        await press_enter(a, incident)
        await press_enter(b, incident)
        assert len(a.replica.pending) == len(b.replica.pending) == 1, "neither console could know yet"

        await until(lambda: not a.replica.pending and not b.replica.pending, "both answers from the hub")
        tasks = hub_tasks(server, incident)
        assert len(tasks) == 1 and tasks[0].resource == person, "the hub let exactly one win"
        holder = tasks[0].actor
        name_of = {con: TokenRegistry.demo().lookup(f"Bearer {con.session.token}").name for con in (a, b)}
        winner, loser = (a, b) if holder == name_of[a] else (b, a)
        assert holder == name_of[winner] != name_of[loser]

        window = loser.window
        await until(lambda: "sent by" in window.banner_text(), "the conflict banner on the losing console")
        banner = window.banner_text()
        assert banner.startswith("Conflict:"), banner
        assert holder in banner and server.core.state.resources[person].name in banner
        assert window.banner.isVisible()
        assert holder in window.statusBar().currentMessage()
        window.docks["diagnostics"].toggleViewAction().trigger()  # View → Diagnostics: it catches up
        await until(lambda: window.diagnostics.notices.topLevelItemCount() > 0, "the notices in the opened tab")
        notices = window.diagnostics.notices
        rows = [(notices.topLevelItem(i).text(2), notices.topLevelItem(i).text(3))
                for i in range(notices.topLevelItemCount())]
        assert any(code == "conflict" and holder in text for code, text in rows), rows
        assert loser.replica.counters["notice.conflict"] == 1
        assert loser.session.outbox_depth == 0, "a refused command leaves the outbox too"
        assert winner.window.banner_text() == ""


# ---------------------------------------------------------------- 4. wall mode

async def test_wall_token_gets_a_read_only_wall_and_its_forced_command_is_refused(hub_db, tmp_path):
    from console.ui.common.theme import apply_theme

    try:
        async with running_hub(hub_db) as server, console_on(server.url, "demo-wall", tmp_path, "w") as con:
            # no --wall on the command line: the token's role alone makes it a wall
            await until(lambda: con.controller.read_only and con.window.wall, "the window to follow the wall role")
            incident = await raise_alert(server, "CAM03")
            await until(lambda: con.window.alerts.model.row_of(incident) is not None, "the alert on the wall")
            con.window.selection.select_incident(incident)
            con.window.refresh_now()

            pane = con.window.incident_pane
            assert pane.incident_id == incident
            for key, button in pane.action_buttons().items():
                assert not (button.isVisible() and button.isEnabled()), f"{key} can be clicked on the wall"
            assert not con.controller.can("cmd.dispatch")

            await press_enter(con, incident)
            assert con.replica.pending == {} and con.session.outbox_depth == 0, "Enter sent something"

            async with Client.connect(server.url, "demo-wall") as raw:
                forced = await raw.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0001"))
            assert (forced.ok, forced.code) == (False, "forbidden")
            assert hub_tasks(server, incident) == []
            assert server.core.counters["refused.forbidden"] == 1, "only the forced command reached the hub"
    finally:
        apply_theme(QApplication.instance(), wall=False)


async def test_a_wall_restarted_while_its_hub_is_down_is_still_read_only(hub_db, tmp_path):
    from console.ui.common.theme import apply_theme

    try:
        first = running_hub(hub_db)
        server = await first.__aenter__()
        url = server.url
        try:
            async with console_on(url, "demo-wall", tmp_path, "w") as con:
                incident = await raise_alert(server, "CAM04")
                await until(lambda: con.window.alerts.model.row_of(incident) is not None, "the alert on the wall")
        finally:
            await first.__aexit__(None, None, None)

        async with console_on(url, "demo-wall", tmp_path, "w", live=False) as again:
            # the hub has not said who this token is: the local file remembers it is a wall
            assert again.replica.link.role == "wall" and not again.session.live.is_set()
            await until(lambda: again.controller.read_only and again.window.wall, "wall mode without the hub")
            await press_enter(again, incident)
            assert again.replica.pending == {} and again.session.outbox_depth == 0, "a wall queued a command"
    finally:
        apply_theme(QApplication.instance(), wall=False)


async def test_a_wall_by_token_saves_its_layout_as_the_wall_not_over_the_desk(hub_db, tmp_path):
    from console.ui.common.theme import apply_theme

    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    settings.setValue("layout/desk", b"the desk layout")
    settings.sync()
    try:
        async with running_hub(hub_db) as server, console_on(server.url, "demo-wall", tmp_path, "w") as con:
            # no --wall on the command line: the token's role makes it a wall
            await until(lambda: con.window.wall, "the window to follow the wall role")
        again = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
        assert again.value("layout/desk") == b"the desk layout", "the wall saved over the desk layout"
        assert again.value("layout/wall") is not None
    finally:
        apply_theme(QApplication.instance(), wall=False)


# ---------------------------------------------------------------- 5. bad messages from the hub

async def test_malformed_and_unknown_messages_are_counted_and_shown(hub_db, tmp_path):
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "c") as con:
        reconnects = con.replica.link.reconnects
        channel = hub_channel(server, "demo-commander")
        assert channel.push(b'{"v":2,"type":"no_such_type","body":{}}')
        assert channel.push(b'{oops')
        assert channel.push(b'{"v":2,"type":"resume","body":{"last_seq":0}}')  # a client's message
        counters = con.replica.counters
        await until(lambda: counters["unknown_type"] == 1 and counters["malformed"] == 1
                    and counters["unexpected"] == 1, "the console to count the three bad messages")

        diagnostics = con.window.diagnostics
        con.window.docks["diagnostics"].toggleViewAction().trigger()  # View → Diagnostics (closed, it waits)
        await until(lambda: any("no_such_type" in t for t in diagnostics.notice_texts()),
                    "the unknown type in the diagnostics list")
        texts = diagnostics.notice_texts()
        assert any("bad message from hub" in t and "envelope" in t for t in texts), texts
        assert any("resume" in t for t in texts), texts
        shown = {diagnostics.counters.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole):
                 diagnostics.counters.topLevelItem(i).text(1)
                 for i in range(diagnostics.counters.topLevelItemCount())}
        assert shown.get("unknown_type") == "1" and shown.get("malformed") == "1", shown

        # the console stayed up on the same connection, and later events still apply
        incident = await raise_alert(server, "CAM09", severity="warning", kind="crowd_density")
        await until(lambda: con.window.alerts.model.row_of(incident) is not None, "a later alert in the queue")
        assert con.replica.link.state == "online" and con.replica.link.reconnects == reconnects
        assert con.replica.state.seq == server.core.committed_seq
        assert counters["apply_errors"] == 0


# ---------------------------------------------------------------- 6. commands made while the hub is down

async def test_a_dispatch_made_while_the_hub_is_down_is_sent_once_when_it_returns(hub_db, tmp_path):
    first = running_hub(hub_db)
    server = await first.__aenter__()
    url, port = server.url, server.port
    async with console_on(url, "demo-commander", tmp_path, "c") as con:
        try:
            incident = await raise_alert(server, "CAM11", severity="warning", kind="crowd_density")
            await until(lambda: con.window.alerts.model.row_of(incident) is not None, "the alert in the queue")
        finally:
            await first.__aexit__(None, None, None)  # the hub goes away; its event log stays on disk
        await until(lambda: not con.session.live.is_set() and con.replica.link.state != "online",
                    "the console to notice the outage")
        con.window.refresh_now()
        assert con.window.offline_bar.text().startswith("OFFLINE"), "the outage is said across the top"

        await press_enter(con, incident)
        [pending] = con.replica.pending.values()
        assert pending.type == "cmd.dispatch" and pending.queued, "kept for later, not lost"
        person = pending.body.resource
        assert con.session.outbox_depth == 1
        loop = asyncio.get_running_loop()
        # the session writes the outbox on its one database thread: this read runs after that write
        assert await loop.run_in_executor(con.session._db, con.store.outbox_depth) == 1
        con.window.refresh_now()
        assert con.window.status.outbox_label.text() == "outbox 1"
        roster = con.window.panes["roster"].model
        assert roster.display_status(con.replica.state.resources[person]) == "pending"
        assert con.replica.state.incidents[incident].status == "new", "not dispatched until the hub says so"

        async with running_hub(hub_db, port=port) as again:
            assert again.core.state.incidents[incident].tasks == [], "the hub came back without it"
            await until(lambda: not con.replica.pending and con.session.outbox_depth == 0,
                        "the queued command to be sent and confirmed")
            await until(lambda: status_cell(con, incident) == status_label("dispatched"),
                        "the queue to show the incident dispatched")
            tasks = hub_tasks(again, incident)
            assert len(tasks) == 1 and tasks[0].resource == person, "applied exactly once"
            assert again.core.counters["retries"] == 0, "sent once, not resent"
            assert again.core.counters["resumes"] == 1 and again.core.counters["snapshots"] == 0
            assert con.replica.link.state == "online" and con.replica.link.reconnects >= 1
            depth = await loop.run_in_executor(con.session._db, con.store.outbox_depth)
            assert depth == 0
            con.window.refresh_now()
            assert con.window.status.outbox_label.text() == "outbox 0"
            assert con.replica.counters["apply_errors"] == 0


# ---------------------------------------------------------------- 7. a restart restores the screen

async def test_a_restarted_console_shows_the_last_screen_before_the_hub_answers(hub_db, tmp_path):
    first = running_hub(hub_db)
    server = await first.__aenter__()
    url, port = server.url, server.port
    try:
        async with console_on(url, "demo-commander", tmp_path, "c") as con:
            incidents = [await raise_alert(server, cam, severity=sev, kind=kind)
                         for cam, sev, kind in (("CAM13", "critical", "animal"), ("CAM14", "warning", "crowd_density"))]
            await until(lambda: all(con.window.alerts.model.row_of(i) is not None for i in incidents),
                        "both alerts in the queue")
            shown = con.window.alerts.model.incident_ids()
            seq = con.replica.state.seq
    finally:
        await first.__aexit__(None, None, None)  # closing the console saved it; now the hub is gone too

    async with console_on(url, "demo-commander", tmp_path, "c", live=False) as again:
        # straight from the local file: no connection has been made (nothing listens on the port)
        assert again.restored
        assert again.replica.link.state != "online" and not again.session.live.is_set()
        assert again.window.alerts.model.incident_ids() == shown
        assert again.replica.state.seq == seq
        assert status_cell(again, incidents[0]) == status_label("new")

        # ... then brought up to date when the hub is back: a resume from the saved seq, not a snapshot
        async with running_hub(hub_db, port=port) as back:
            await until(again.session.live.is_set, "the restarted console to reach the hub")
            later = await raise_alert(back, "CAM15", severity="warning", kind="crowd_density")
            await until(lambda: again.window.alerts.model.row_of(later) is not None, "a new alert after restart")
            assert back.core.counters["resumes"] == 1 and back.core.counters["snapshots"] == 0
            assert again.replica.state.seq == back.core.committed_seq


# ---------------------------------------------------------------- 8. languages

@pytest.mark.parametrize("lang, queue_title, ack, dispatched", [
    ("zh", "预警队列", "确认", "已派遣"),
    ("en", "Alert queue", "Acknowledge", "Dispatched"),
])
async def test_english_and_chinese_both_load(qapp, tmp_path, lang, queue_title, ack, dispatched):
    assert install_translator(qapp, lang) == ("zh_CN" if lang == "zh" else "en")
    # a real console window; nobody listens on this url, it never connects
    async with console_on("ws://127.0.0.1:9", "demo-commander", tmp_path, f"c-{lang}", live=False) as con:
        window = con.window
        assert window.docks["alerts"].windowTitle() == queue_title
        assert window.incident_pane.actions.button("cmd.acknowledge").text() == ack
        assert status_label("dispatched") == dispatched
        header = window.alerts.model.headerData(AlertQueueModel.COL_STATUS, Qt.Orientation.Horizontal)
        assert header == ("状态" if lang == "zh" else "Status")


# ---------------------------------------------------------------- live language switch

async def test_the_language_menu_switches_without_a_restart_and_keeps_the_session(hub_db, tmp_path, qapp):
    async with running_hub(hub_db) as server, console_on(server.url, "demo-commander", tmp_path, "lang") as con:
        incident = await raise_alert(server, "CAM05", severity="warning", kind="crowd_density")
        await until(lambda: con.window.alerts.model.row_of(incident) is not None, "the alert in the queue")
        session, old = con.session, con.window
        assert old.docks["alerts"].windowTitle() == "Alert queue"
        old.selection.select_incident(incident)
        old.language_actions["zh_CN"].trigger()
        assert con.window is not old, "the window was rebuilt in the new language"
        new = con.window
        assert new.docks["alerts"].windowTitle() == "预警队列"
        assert new.incident_pane.actions.button("cmd.acknowledge").text() == "确认"
        assert new.alerts.model.row_of(incident) is not None, "the same replica, nothing lost"
        assert new.selection.incident == incident, "the commander still looks at the same incident"
        assert new.incident_pane.incident_id == incident
        assert con.session is session and session.live.is_set(), "no reconnect"
        new.language_actions["en"].trigger()
        assert con.window.docks["alerts"].windowTitle() == "Alert queue"
