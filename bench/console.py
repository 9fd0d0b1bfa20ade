"""The console under test: the same composition as `console.app._main`, offscreen, in this process.

Store, Replica, DecodePool, Session, Controller, GuiWatchdog and MainWindow
are the product's own classes, wired as the app wires them; only the local
database and the window settings live in a temp dir so a run never touches
the user's files.
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
    from console.ui.theme import apply_theme

    apply_theme(app, wall=False)
    return app


class ConsoleUnderTest:
    """One running console connected to a hub; `close()` shuts it down like the app does."""

    def __init__(self, url: str, tmp: Path, *, token: str = "demo-commander", layout: int | None = None):
        from PySide6.QtCore import QSettings

        from console.client.controller import Controller
        from console.client.replica import Replica
        from console.net.session import Session
        from console.store import Store
        from console.ui.main_window import MainWindow
        from console.ui.watchdog import GuiWatchdog
        from console.video.pool import DecodePool

        self.store = Store(f"sqlite:///{tmp / 'console.db'}")
        self.replica = Replica()
        self.frames = DecodePool()
        self.session = Session(url, token, self.replica, store=self.store, frames=self.frames)
        self.controller = Controller(self.replica, self.session)
        self.watchdog = GuiWatchdog()
        settings = QSettings(str(tmp / "console.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(self.replica, self.controller, frames=self.frames,
                                 outbox_depth=lambda: self.session.outbox_depth,
                                 stall_ms=self.watchdog.recent_worst_ms, role_key="desk",
                                 settings=settings)
        self.window.resize(1920, 1080)
        self.window.show()
        self.wall = self.window.camera_wall
        if layout is not None and self.wall is not None:
            self.wall.set_layout(layout)
        self.session.start()

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
        self.watchdog.stop()
        self.window.tick.stop()
        self.window.close()
        await self.session.close()
        self.frames.close()
        self.store.close()
