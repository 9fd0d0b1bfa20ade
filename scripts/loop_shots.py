"""Screenshots of the commander's loop for the closing note: the broadcast preview and the closure prompt.

Run under X (scripts/screenshots.sh's way, or Xvfb + a window manager): it builds the main window over
a replica fed by hand (the tests' World), in Chinese, and grabs the screen at each moment.
Usage: python scripts/loop_shots.py OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    from console.protocol import messages as m
    from console.ui.common.i18n import install_translator
    from console.ui.shell.main_window import MainWindow
    from tests.ui.world import World

    from console.ui.common.theme import apply_theme

    apply_theme(app)
    install_translator(app, "zh")
    out.mkdir(parents=True, exist_ok=True)
    world = World()
    settings = QSettings(str(out / "loop-shots.ini"), QSettings.Format.IniFormat)
    win = MainWindow(world.replica, world.controller, settings=settings)
    win.showMaximized()

    def pump(ms: int = 400) -> None:
        end = QTimer()
        end.setSingleShot(True)
        end.start(ms)
        while end.isActive():
            app.processEvents()

    def grab(name: str) -> None:
        win.refresh_now()
        pump()
        app.primaryScreen().grabWindow(0).save(str(out / f"loop-{name}.png"))

    iid = world.raise_alert(1, severity="warning", kind="crowd_density")
    t0 = world.replica.state.incidents[iid].created_at
    world.freeze_clock(t0 + 20)
    win.refresh_now()
    win.selection.select_incident(iid)
    pump()
    win.incident_pane.actions.button("cmd.broadcast").click()
    pump()
    grab("2-broadcast-preview")
    win.incident_pane.actions.broadcast_dialog.reject()
    # the work is done: the row and the pane ask for the close
    person = world.controller.recommendations(iid, limit=1)[0].resource
    world.event("task_dispatched", m.TaskDispatched(task=f"{iid}-T1", incident=iid, resource=person,
                                                    actor="值班长 王敏"), t0 + 25)
    world.event("task_accepted", m.TaskStep(task=f"{iid}-T1", actor="现场"), t0 + 40)
    world.event("task_arrived", m.TaskStep(task=f"{iid}-T1", actor="现场"), t0 + 200)
    world.event("task_done", m.TaskStep(task=f"{iid}-T1", actor="现场", note="人群已疏导"), t0 + 400)
    world.freeze_clock(t0 + 410)
    grab("7-done-please-close")
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/screenshots")))
