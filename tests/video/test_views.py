"""Saved named views: kept by name in a file (private per user, shared per site), saved and recalled on the wall.

The wall is driven the way an operator does it: keys to the focused window
(Ctrl+Shift+S to save, Ctrl+Shift+V for the Views menu), a name typed into the dialog,
a menu entry chosen. Two walls on one shared file are two consoles of one site.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QToolButton

from console.client.controller import Controller
from console.ui.panes.cameras import CameraWall
from console.video.views import View, ViewError, ViewStore
from console.ui.shell.selection import Selection
from tests.video.test_tiles import Sink, _cam, _replica

pytestmark = pytest.mark.ui

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_two_consoles_saving_at_once_keep_both_views_and_bad_views_are_refused(tmp_path):
    path = tmp_path / "shared-views.json"
    a, b = ViewStore(path), ViewStore(path)
    a.save(View("东门", 4, ("CAM01", "CAM02")))
    b.save(View("Finish line", 9, ("CAM07",)))
    a.save(View("东门", 1, ("CAM03",)))  # same name: replaced, not doubled
    assert [(v.name, v.layout, v.cameras) for v in ViewStore(path).load()] == [
        ("Finish line", 9, ("CAM07",)), ("东门", 1, ("CAM03",))]
    for bad in (View("", 4, ("CAM01",)), View("x", 5, ("CAM01",)), View("x", 64, ()),
                View("x", 64, tuple(f"C{i}" for i in range(65))), View("x", 4, ("CAM01", "CAM01"))):
        with pytest.raises(ViewError):
            a.save(bad)
    assert len(a.load()) == 2


def test_a_damaged_views_file_is_set_aside_never_written_over(tmp_path):
    path = tmp_path / "views.json"
    path.write_text("{not json", encoding="utf-8")
    store = ViewStore(path)
    assert store.load() == [] and "views.json" in store.problem
    store.save(View("Gate", 4, ("CAM01",)))
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("views.json.bad-")]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "{not json"
    assert json.loads(path.read_text(encoding="utf-8"))["views"] == [
        {"name": "Gate", "layout": 4, "cameras": ["CAM01"]}]


def _wall(qtbot, replica, private: ViewStore, shared: ViewStore) -> CameraWall:
    wall = CameraWall(replica, Controller(replica, Sink()), Selection(), None, layout=4)
    wall.views.set_stores(private, shared)
    qtbot.addWidget(wall)
    wall.resize(900, 520)
    wall.show()
    qtbot.waitExposed(wall)
    wall.activateWindow()
    wall.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is not None, timeout=3000)
    return wall


def _keys(qtbot, wall, key, modifier=CTRL_SHIFT) -> None:
    """A key press to the focused window, as a keyboard sends it (the wall's window gets focus back first)."""
    wall.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is wall.windowHandle(), timeout=3000)
    QTest.keyClick(QApplication.focusWindow(), key, modifier)


def _menu_entry(menu: QMenu, name: str):
    return next(a for a in menu.actions() if a.objectName() == name)


def test_save_a_view_with_the_keyboard_and_recall_it_from_the_views_menu_on_another_console(
        qtbot, tmp_path, english):
    cams = [_cam(f"CAM{i:02d}", stream=f"sim://CAM{i:02d}") for i in range(1, 10)]
    shared = tmp_path / "site" / "shared-views.json"
    wall = _wall(qtbot, _replica(cams), ViewStore(tmp_path / "views-alice.json"), ViewStore(shared))
    assert wall.findChild(QToolButton, "views_button").isVisible()
    wall.next_page()
    assert wall.visible_cameras() == ["CAM05", "CAM06", "CAM07", "CAM08"]

    _keys(qtbot, wall, Qt.Key.Key_S)  # Ctrl+Shift+S: save as my view
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QInputDialog), timeout=3000)
    dialog = QApplication.activeModalWidget()
    QTest.keyClicks(QApplication.focusWidget(), "North gate")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wall.views.name() == "North gate", timeout=3000)
    saved = json.loads((tmp_path / "views-alice.json").read_text(encoding="utf-8"))
    assert saved["views"] == [{"name": "North gate", "layout": 4, "cameras": ["CAM05", "CAM06", "CAM07", "CAM08"]}]

    # a shared view from the other console of the site: it shows in this one's menu
    other = CameraWall(_replica(cams), Controller(_replica(cams), Sink()), Selection(), None, layout=1)
    qtbot.addWidget(other)
    other.views.set_stores(ViewStore(tmp_path / "views-bob.json"), ViewStore(shared))
    other.focus_camera("CAM09")
    other.views.save("Finish", shared=True)

    wall.views.show_all()
    assert wall.visible_cameras() == ["CAM01", "CAM02", "CAM03", "CAM04"] or wall.paging.page == 1
    wall.set_page(0)
    _keys(qtbot, wall, Qt.Key.Key_V)  # Ctrl+Shift+V: the Views menu
    menu = wall.findChild(QMenu, "views_menu")
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    texts = [a.text() for a in menu.actions()]
    assert "My views" in texts and "Shared views" in texts and "Save as shared view…" in texts
    _menu_entry(menu, "view:shared:Finish").trigger()
    menu.close()
    assert wall.views.name() == "Finish" and wall.paging.n == 1 and wall.visible_cameras() == ["CAM09"]
    assert wall.findChild(QToolButton, "views_button").text() == "View: Finish ▾"

    _keys(qtbot, wall, Qt.Key.Key_V)
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    _menu_entry(menu, "view:mine:North gate").trigger()
    menu.close()
    assert wall.paging.n == 4 and wall.visible_cameras() == ["CAM05", "CAM06", "CAM07", "CAM08"]


def test_a_view_whose_camera_is_gone_shows_the_rest_and_says_so(qtbot, tmp_path, english):
    cams = [_cam(f"CAM{i:02d}", stream=f"sim://CAM{i:02d}") for i in range(1, 4)]
    wall = _wall(qtbot, _replica(cams), ViewStore(tmp_path / "mine.json"), ViewStore(tmp_path / "shared.json"))
    wall.views.show(View("Old", 9, ("CAM03", "CAM99", "CAM01")))
    assert wall.visible_cameras() == ["CAM03", "CAM01"]
    assert wall.views.message == "1 cameras no longer exist"
