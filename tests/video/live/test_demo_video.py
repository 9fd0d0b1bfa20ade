"""The demo the way a site runs: the hub's cameras are streams, the console pulls them, tiles play."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings

from console.app.config import HubConfig
from console.app.console import build_console
from console.app.hub import start_hub
from console.video import status as st

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]


async def until(predicate, what: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


#: threads of a console that report into its widgets or pull its video: none may outlive close()
CONSOLE_THREADS = ("stream-", "evidence", "stills", "basemap")


async def test_the_demo_console_pulls_every_visible_camera_as_a_stream_and_the_hub_pushes_none(tmp_path):
    before = set(threading.enumerate())
    hub = await start_hub(HubConfig(port=0, scenario="marathon", start="07:29:40", fps=5.0,
                                    db=f"sqlite:///{tmp_path / 'hub.db'}", simulate_field=False))
    console = None
    try:
        settings = QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat)
        console = await build_console(hub.url, "demo-commander", local_db=f"sqlite:///{tmp_path / 'c.db'}",
                                      settings=settings)
        wall = console.window.panes["cameras"]
        await until(lambda: wall.tiles and all(t.has_picture and not t.stale for t in wall.tiles),
                    "every visible tile to play")
        visible = wall.visible_cameras()
        assert console.streams.pulled() == sorted(visible)
        assert {s.state for s in console.streams.statuses()} == {st.PLAYING}
        assert hub.server.subscribed_cameras() == set()  # no video through the hub
        assert {cam for cam, _ in hub.streams.watched()} == set(visible)
        if os.environ.get("VIDEO_SHOTS"):
            console.window.grab().save(str(Path(os.environ["VIDEO_SHOTS"]) / "demo-wall.png"))
    finally:
        if console is not None:
            await console.close()
        await hub.stop()
    # closed: its threads are gone and its window is deleted (on this thread, not by a later collection)
    def left() -> list[str]:
        return [t.name for t in threading.enumerate() if t not in before and t.name.startswith(CONSOLE_THREADS)]

    await until(lambda: not left(), "the console's threads to end", 5)
    window = console.window
    await until(lambda: not shiboken6.isValid(window), "the window to be deleted", 5)
