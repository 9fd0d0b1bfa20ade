"""Screenshot of the district's drill comparison (演练) for the closing note.

A month's no-notice drills in four towns, decided and folded by the domain exactly as a hub does
(tests/domain/test_domain.py's Hub), then shown on an unscoped (district) console in Chinese with
the Drills pane raised. Run under X (Xvfb + a window manager).
Usage: python scripts/drill_shots.py OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

DAY = 86400.0


def _month_of_drills():
    """The hub log of twelve drills over a month: T1 quick and right, T2 slow to dispatch, T3 sending the
    wrong kinds, T5 never assembling in time."""
    from console.domain.model import PlanRole
    from console.protocol import messages as m
    from console.site.drill_scripts import DrillScript, drill_alert
    from tests.domain.test_domain import CMDR, FIELD, T0, Hub

    hub = Hub()
    s = hub.state
    from console.domain.model import Baseline

    base = Baseline(name=s.name, day_start=s.day_start, org=list(s.org.values()), resources=[],
                    cameras=list(s.cameras.values()), plans=list(s.plans.values()))
    towns = {"T1": (8, 20, 35, 240, "medical"), "T2": (25, 95, 120, 480, "medical"),
             "T3": (12, 40, 55, 300, "police"), "T5": (30, 55, 90, 700, "medical")}
    n = 0
    for week in range(3):
        for town, (ack, send, accept, arrive, kind) in towns.items():
            n += 1
            cam = next(c for c in sorted(s.cameras.values(), key=lambda c: c.id) if c.town == town)
            script = DrillScript(id=f"DS0{1 + n % 3}", title="人员倒地", kind="fall", grid=cam.grid,
                                 camera=cam.id, kinds=[PlanRole(kind="medical", count=1),
                                                       PlanRole(kind="volunteer", count=1)], phone_only=True)
            t0 = T0 + week * 7 * DAY + n * 3600
            drill = f"DR-{n:02d}"
            hub.do(CMDR, "cmd.start_drill", m.CmdStartDrill(alert=drill_alert(script, base, drill, "D")), at=t0)
            inc = f"I-{drill}"
            hub.do(CMDR, "cmd.acknowledge", m.CmdIncident(incident=inc), at=t0 + ack + week * 3)
            people = [hub.nearest(inc, kind), hub.nearest(inc, "volunteer")]
            for i, res in enumerate(people):
                hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=res), at=t0 + send + i * 5 + week)
            for i, tid in enumerate(list(hub.inc(inc).tasks)):
                hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=tid, status="accepted"),
                       at=t0 + accept + i * 7 + week)
            for i, tid in enumerate(list(hub.inc(inc).tasks)):
                hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=tid, status="arrived"),
                       at=t0 + arrive + i * 30 + week * 10)
            hub.do(CMDR, "cmd.end_drill", m.CmdIncident(incident=inc), at=t0 + arrive + 200)
    return hub


def _today(hub) -> None:
    """Today: a drill running in T1 (one person on the way) while a real critical comes in."""
    from console.domain.model import Baseline, PlanRole
    from console.protocol import messages as m
    from console.site.drill_scripts import DrillScript, drill_alert
    from tests.domain.test_domain import CMDR, FIELD, T0

    s = hub.state
    base = Baseline(name=s.name, day_start=s.day_start, org=list(s.org.values()), resources=[],
                    cameras=list(s.cameras.values()), plans=list(s.plans.values()))
    cam = s.cameras["CAM02"]
    script = DrillScript(id="DS01", title="起点区人员倒地", kind="fall", grid=cam.grid, camera=cam.id,
                         kinds=[PlanRole(kind="medical", count=1)], phone_only=True)
    t0 = T0 + 28 * DAY
    hub.do(CMDR, "cmd.start_drill", m.CmdStartDrill(alert=drill_alert(script, base, "DR-13", "D")), at=t0)
    hub.do(CMDR, "cmd.dispatch", m.CmdDispatch(incident="I-DR-13", resource=hub.nearest("I-DR-13", "medical")),
           at=t0 + 18)
    hub.do(FIELD, "cmd.task_update", m.CmdTaskUpdate(task=hub.inc("I-DR-13").tasks[0], status="accepted"), at=t0 + 30)
    hub.now = t0 + 40
    hub.alert("animal", "CAM05", at=t0 + 40)


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    from console.client.controller import Controller
    from console.client.replica import Replica
    from console.protocol.codec import decode
    from console.ui.common.i18n import install_translator
    from console.ui.common.theme import apply_theme
    from console.ui.shell.main_window import MainWindow
    from tests.ui.world import RecordingSink

    apply_theme(app)
    install_translator(app, "zh")
    out.mkdir(parents=True, exist_ok=True)
    hub = _month_of_drills()
    replica = Replica()
    for data in hub.log:
        replica.apply_event(decode(data))
    controller = Controller(replica, RecordingSink())
    settings = QSettings(str(out / "drill-shots.ini"), QSettings.Format.IniFormat)
    win = MainWindow(replica, controller, settings=settings)
    win.showMaximized()

    def pump(ms: int = 600) -> None:
        end = QTimer()
        end.setSingleShot(True)
        end.start(ms)
        while end.isActive():
            app.processEvents()

    pump()
    win.refresh_now()
    dock = win.docks["drills"]
    dock.show()
    dock.raise_()
    win.resizeDocks([dock], [620], __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.Orientation.Vertical)
    pump()
    win.refresh_now()
    pump()
    app.primaryScreen().grabWindow(0).save(str(out / "drills-district.png"))
    (out / "drills-district.html").write_text(win.panes["drills"].html, encoding="utf-8")
    win.close()

    # the wall: the drill is marked on every title, the real critical leads the strip
    wall = MainWindow(replica, controller, wall=True,
                      settings=QSettings(str(out / "drill-shots-wall.ini"), QSettings.Format.IniFormat))
    wall.showMaximized()
    pump(600)
    seen = len(hub.log)
    _today(hub)
    for data in hub.log[seen:]:
        replica.apply_event(decode(data))
    link = replica.link
    link.clock, link.clock_wall, link.clock_rate = hub.now + 5, __import__("time").time(), 0.0
    pump(1200)
    wall.refresh_now()
    pump(800)
    app.primaryScreen().grabWindow(0).save(str(out / "drills-wall.png"))
    wall.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/screenshots")))
