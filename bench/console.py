"""The console under test: built by `console.app.build_console`, offscreen, in this process.

Only the local database and the window settings live in a temp dir, so a run
never touches the user's files.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QApplication  # noqa: E402 - PySide6 before qasync


def qt_app() -> QApplication:
    app = QApplication.instance() or QApplication(["bench"])
    # as in the app: closing the window must not stop the loop before shutdown is done
    app.setQuitOnLastWindowClosed(False)
    from console.ui.common.theme import apply_theme

    apply_theme(app, wall=False)
    return app


class ConsoleUnderTest:
    """One running console connected to a hub, built by the app's own `build_console`."""

    def __init__(self, console):
        self.console = console
        self.replica = console.replica
        self.session = console.session
        self.controller = console.controller
        self.window = console.window
        self.watchdog = console.watchdog
        self.frames = console.frames
        self.wall = console.window.camera_wall

    @classmethod
    async def create(cls, url: str, tmp: Path, *, token: str = "demo-commander",
                     layout: int | None = None) -> ConsoleUnderTest:
        from PySide6.QtCore import QSettings

        from console.app.console import build_console

        settings = QSettings(str(tmp / "console.ini"), QSettings.Format.IniFormat)
        console = await build_console(url, token, local_db=f"sqlite:///{tmp / 'console.db'}", settings=settings)
        c = cls(console)
        if layout is not None and c.wall is not None:
            c.wall.set_layout(layout)
        return c

    async def wait_live(self, timeout: float = 120.0) -> None:
        await asyncio.wait_for(self.session.live.wait(), timeout)
        # the snapshot or baseline reaches the panes on the next tick; let it settle
        await asyncio.sleep(0.3)

    async def wait_frames(self, timeout: float = 30.0) -> None:
        """Until every visible tile has painted at least one frame."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tiles = [t for t in (self.wall.tiles if self.wall else []) if t.camera_id]
            if tiles and all(t.painted for t in tiles):
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("tiles never painted")

    def painted(self) -> int:
        return sum(t.painted for t in (self.wall.tiles if self.wall else []))

    def stalls_since(self, t0: float) -> list[float]:
        return [s for t, s in self.watchdog.samples if t >= t0]

    async def close(self) -> None:
        await self.console.close()
