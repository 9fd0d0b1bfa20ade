"""A console that becomes a wall because of its token keeps the desk's layout untouched."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tests.hub.harness import running_hub
from tests.ui.test_live_console import (  # noqa: F401 - fixtures the console tests share
    collect_on_the_gui_thread, console_on, english, hub_db, keep_loop_on_close, until,
)

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]


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
