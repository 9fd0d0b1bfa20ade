"""The wall on its own monitor: the second screen by default, `--screen N`, remembered per workstation.

Qt's offscreen platform with two screens (a desk 1920×1080 and a wall 3840×2160 to its right,
ENVIRONMENT.md): the platform is chosen when the QApplication is made, so the windows are made
in a child process that prints where each wall went; a "restart" is a new window on the same
settings file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.ui, pytest.mark.timeout(60)]

ROOT = Path(__file__).resolve().parents[3]

_SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from console.ui.shell.main_window import MainWindow
    from console.ui.shell.wall import apply_wall_mode
    from tests.ui.world import World

    settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)

    def wall(screen):
        world = World(read_only=True)
        win = MainWindow(world.replica, world.controller, wall=True, role_key="wall", settings=settings)
        win.tick.stop()
        apply_wall_mode(win, screen)
        app.processEvents()
        print(win.screen().name(), win.geometry().x(), win.width(), flush=True)
        win.close_without_asking()
        win.deleteLater()
        app.processEvents()

    wall(None)   # nothing remembered: the screen that is not the primary (the desk's)
    wall(0)      # --screen 0: the desk's screen, remembered
    wall(None)   # restarted without --screen: where it was last time
    wall(1)      # --screen 1
    wall(None)

    # its monitor unplugged (Qt moved it to the desk's) and plugged back: the wall goes back to it
    from console.ui.wall.screens import place
    world = World(read_only=True)
    win = MainWindow(world.replica, world.controller, wall=True, role_key="wall", settings=settings)
    win.tick.stop()
    apply_wall_mode(win, None)
    desk, wall_screen = app.screens()
    place(win, desk)
    app.processEvents()
    print(win.screen().name(), win.geometry().x(), win.width(), flush=True)
    win.screen_keeper.on_screen_added(wall_screen)
    app.processEvents()
    print(win.screen().name(), win.geometry().x(), win.width(), flush=True)
    win.close_without_asking()
""")


def test_the_wall_takes_the_second_screen_and_remembers_the_one_it_was_put_on(tmp_path):
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [
        {"name": "desk", "x": 0, "y": 0, "width": 1920, "height": 1080},
        {"name": "wall", "x": 1920, "y": 0, "width": 3840, "height": 2160}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}", "PYTHONPATH": str(ROOT),
           "DUTY_CONSOLE_DATA": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / "console.ini")], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=50)
    assert out.returncode == 0, out.stderr[-2000:]
    placed = [line.split() for line in out.stdout.splitlines() if line.strip()]
    assert placed == [["wall", "1920", "3840"], ["desk", "0", "1920"], ["desk", "0", "1920"],
                      ["wall", "1920", "3840"], ["wall", "1920", "3840"],
                      ["desk", "0", "1920"], ["wall", "1920", "3840"]], out.stdout
    assert "[wall]\nscreen=wall\n" in (tmp_path / "console.ini").read_text()
