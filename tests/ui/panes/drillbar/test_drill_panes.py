"""Drill bar, KPI pane and the exercise/review marking, on a real review hub over 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from console.client.controller import Controller
from console.client.replica import Replica
from console.recording.drill_file import DrillRecorder
from console.app.exercise import run_offline
from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.session import Session
from console.ui.shell.main_window import MainWindow

pytestmark = [pytest.mark.ui, pytest.mark.integration]


@pytest.fixture(scope="module")
def drill_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("uidrill") / "ten.drill"
    rec = DrillRecorder(path, scenario="marathon", seed=7, mode="exercise", cameras=["CAM02"], fps=1 / 60)
    # run_offline needs its own loop: the module fixture runs before the test's qasync loop exists
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(run_offline("marathon", start="07:25", duration_s=900.0, recorder=rec,
                                            record_cameras=["CAM02"], frame_size=(320, 180, 40)))
    finally:
        loop.close()
    return path


@pytest.fixture(autouse=True)
def _no_quit_on_close(qapp):
    """Closing the test's window must not quit Qt, which would stop the test's loop."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)


async def _until(predicate, timeout: float = 15.0) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), timeout)


def _window(replica, controller, qsettings) -> MainWindow:
    w = MainWindow(replica, controller, settings=qsettings)
    w.resize(1600, 900)
    w.show()
    return w


async def test_the_drill_bar_plays_pauses_changes_speed_and_seeks(drill_file, qsettings):
    hub = await start_hub(HubConfig(port=0, drill=str(drill_file), speed=5.0, scenario=None))
    replica = Replica()
    session = Session(hub.url, "demo-commander", replica)
    controller = Controller(replica, session)
    session.start()
    window = _window(replica, controller, qsettings)
    try:
        await _until(lambda: replica.drill is not None and replica.drill_markers)
        window.refresh_now()
        bar = window.panes["drillbar"]
        assert window.docks["drillbar"].isVisible() and bar.play_button.isEnabled()
        assert "REVIEW" in window.windowTitle() and "REVIEW" in window.mode_strip.text()
        assert window.mode_strip.isVisible()
        assert len(bar.timeline.markers) == len(hub.player.markers) > 0

        QTest.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)  # playing → pause
        await _until(lambda: not hub.player.playing)
        await _until(lambda: replica.drill.playing is False)

        bar.speed.setCurrentIndex(bar.speed.findData(10.0))
        bar.speed.activated.emit(bar.speed.currentIndex())
        await _until(lambda: hub.player.speed == 10.0)

        # click at 75 % of the track: the hub jumps there and the console gets the snapshot
        track = bar.timeline._track()
        x = int(track.left() + 0.75 * track.width())
        target = bar.timeline.time_at(x)
        QTest.mouseClick(bar.timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, bar.timeline.height() // 2))
        await _until(lambda: abs(hub.player.position - target) < 1.0)
        await hub.core.wait_committed(hub.core.state.seq)
        await _until(lambda: replica.state.seq == hub.core.state.seq)
        await _until(lambda: replica.drill.seek_ms is not None)
        width = bar.position_label.width()
        window.refresh_now()
        info = bar.info_label.text()
        assert "ms" not in info and "seek" not in info, "no developer figures in the bar"
        assert info in ("Marathon race day", "马拉松赛事保障"), "the scenario in words, not its code"
        assert "ms" in bar.info_label.toolTip(), "the seek time is still there for who wants it"
        assert bar.position_label.width() == width, "the time label keeps its width"
        assert window.alerts.hint.isHidden(), "no dispatch key hint while commands are off"

        QTest.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
        await _until(lambda: hub.player.playing and hub.core.clock.rate == 10.0)

        kpi = window.panes["kpi"]
        kpi.refresh(None, force=True)
        assert kpi.figures is not None and kpi.figures.alerts == len(
            [a for a in replica.state.alerts.values() if a.at <= replica.hub_now()])
        assert "response" in kpi.summary.text().lower() or "响应" in kpi.summary.text()
    finally:
        window.tick.stop()
        window.close()
        await session.close()
        await hub.stop()


async def test_exercise_is_marked_and_review_controls_stay_off_outside_review(qsettings):
    class NoHub:
        """A console with no hub behind it: commands and camera subscriptions go nowhere."""

        def send_command(self, *a):
            pass

        def subscribe(self, cameras):
            pass

    replica = Replica()
    controller = Controller(replica, NoHub())
    window = _window(replica, controller, qsettings)
    try:
        window.refresh_now()
        assert not window.mode_strip.isVisible() and "EXERCISE" not in window.windowTitle()
        bar = window.panes["drillbar"]
        assert not bar.play_button.isEnabled() and not window.docks["drillbar"].isVisible()
        replica.link.mode = "exercise"
        window.refresh_now()
        assert window.mode_strip.isVisible() and "EXERCISE" in window.mode_strip.text()
        assert window.windowTitle().startswith("[EXERCISE")
        assert controller.drill_control("play").refused_here  # refused here: not a review
        assert replica.notices[-1].code == "not_review"
    finally:
        window.tick.stop()
        window.close()


def test_kpi_pane_draws_the_hand_drill_figures(qapp, qsettings):
    from console.domain.apply import apply
    from console.protocol.codec import Message
    from console.ui.panes.kpi.widget import KpiPane
    from tests.domain.test_kpi import END, _events

    replica = Replica()
    for seq, t, ts, b in _events():
        apply(replica.state, Message(t, b, seq, ts))
    replica.link.clock, replica.link.clock_rate = END, 0.0
    replica.link.clock_wall = 1.0  # hub_now() = END whatever the wall clock says
    pane = KpiPane(replica)
    pane.refresh(None, force=True)
    f = pane.figures
    assert f.response.share_met == 0.5 and len(f.breaches) == 2
    xs, ys = pane.open_curve.getData()
    assert len(xs) == len(f.t) and ys[-1] == 2
    assert "50%" in pane.summary.text()
    xs, ys = pane.crowd_curves[0].getData()
    assert list(ys) == [4.5]


def test_in_review_the_console_sends_no_commands(qapp):
    replica = Replica()
    sent = []

    class Sink:
        def send_command(self, *a):
            sent.append(a)

    controller = Controller(replica, Sink())
    assert controller.can("cmd.dispatch")
    replica.link.mode = "review"
    assert not controller.can("cmd.dispatch") and not controller.can("cmd.acknowledge")
    handle = controller.acknowledge("I-A0001")
    assert handle.refused_here and handle.result.code == "review_only" and not sent
    assert replica.notices[-1].code == "review_only"


async def test_the_review_says_what_was_recorded_names_its_alerts_and_jumps_between_them(drill_file, qsettings):
    from console.ui.panes.drillbar.widget import LEAD_S
    from tests.ui.keys import press

    hub = await start_hub(HubConfig(port=0, drill=str(drill_file), speed=5.0, scenario=None))
    replica = Replica()
    session = Session(hub.url, "demo-commander", replica)
    controller = Controller(replica, session)
    session.start()
    window = _window(replica, controller, qsettings)
    try:
        await _until(lambda: replica.drill is not None and replica.drill_markers)
        window.refresh_now()
        bar = window.panes["drillbar"]
        QTest.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)  # pause: the jumps are what moves
        await _until(lambda: replica.drill.playing is False)

        # next alert: LEAD_S before the first alert still ahead, by the button and by Ctrl+Right
        times = sorted(t for t, _s, _a in replica.drill_markers)
        ahead = [t for t in times if t - LEAD_S > replica.hub_now() + 0.5]
        target = bar.step_alert(1)
        assert target == max(replica.drill.start, ahead[0] - LEAD_S)
        await _until(lambda: abs(hub.player.position - target) < 1.0)
        await _until(lambda: abs(replica.hub_now() - target) < 1.0)
        window.activateWindow()
        await _until(lambda: window.isActiveWindow())
        press(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        later = [t for t in times if t - LEAD_S > target + 0.5]
        if later:
            await _until(lambda: abs(hub.player.position - (later[0] - LEAD_S)) < 1.0)
            await _until(lambda: abs(replica.hub_now() - (later[0] - LEAD_S)) < 1.0)
            press(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
            await _until(lambda: abs(hub.player.position - target) < 1.0)

        # a tick names its alert on hover: when, how severe, what (once the state has seen it)
        t, severity, aid = replica.drill_markers[0]
        bar.step_alert(1)
        await _until(lambda: aid in replica.state.alerts or replica.hub_now() > t)
        words = bar.describe_alert(t, severity, aid)
        assert aid in words and ("Critical" in words or "Warning" in words or "Info" in words or "紧急" in words
                                 or "警告" in words or "提示" in words)
        if aid in replica.state.alerts:
            assert replica.state.alerts[aid].title in words
        x = bar.timeline.x_of(t)
        assert bar.timeline.marker_near(x)[2] in {m[2] for m in replica.drill_markers if abs(m[0] - t) < 60}

        # no call to act where nothing can be acknowledged; a camera never recorded says so
        # (a recorded picture shown clean with its time: tests/ui/panes/cameras/test_review_tiles.py)
        window.refresh_now()
        window.alarm.tick()
        assert window.alarm_strip.isHidden(), "no red 'not acknowledged … (A)' strip in a review"
        wall = window.camera_wall
        others = [tile for tile in wall.tiles if tile.camera_id and tile.camera_id != "CAM02"]
        assert others and all(tile.status_text() in ("not recorded", "未录制") for tile in others
                              if tile.image is None), [tile.status_text() for tile in others]
    finally:
        window.tick.stop()
        window.close()
        await session.close()
        await hub.stop()
