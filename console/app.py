"""The composition root: store, session, replica, controller, window, under one qasync loop.

`demo` also starts a hub in this process on a loopback port and connects to it
over a real websocket, exactly as the console would connect to a remote hub.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)


def default_local_db(token: str) -> str:
    """The console's own SQLite file (outbox, cached replica), one per token."""
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "duty-console"
    base.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in token)
    return f"sqlite:///{base / f'console-{safe}.db'}"


def run_app(a: argparse.Namespace) -> int:
    """Run the console (and, for `demo`, the embedded hub) until the window closes."""
    if a.smoke is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # PySide6 before qasync

    import qasync

    from console.ui.i18n import install_translator
    from console.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("duty-console")
    app.setApplicationName("Duty Console")
    install_translator(app, a.lang)
    apply_theme(app, wall=a.wall)
    try:
        code = qasync.run(_main(app, a))
    except asyncio.CancelledError:
        code = 0
    return code


class _ExceptionCounter:
    """sys.excepthook that logs and counts: exceptions in Qt slots are not lost."""

    def __init__(self):
        self.count = 0

    def __call__(self, exc_type, exc, tb) -> None:
        self.count += 1
        log.error("unhandled exception", exc_info=(exc_type, exc, tb))


class Console:
    """One built console: its local store, replica, session, controller and window.

    `build_console` makes it the way the app does; `close()` shuts it down in
    order (stop the role watcher and the tick, close the window, close the session,
    which saves the replica, stop decoding, close the store) and is safe to call twice.
    """

    def __init__(self, *, store, replica, session, controller, window, frames, watchdog, restored: bool):
        self.store = store
        self.replica = replica
        self.session = session
        self.controller = controller
        self.window = window
        self.frames = frames
        self.watchdog = watchdog
        #: the screen came back from the local file before the hub answered
        self.restored = restored
        self.follow_task: asyncio.Task | None = None
        self._closed = False

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.follow_task is not None:
            self.follow_task.cancel()
        self.watchdog.stop()
        self.window.tick.stop()
        self.window.close()
        await self.session.close()
        self.frames.close()
        self.store.close()


async def build_console(url: str, token: str, *, local_db: str | None = None, wall: bool = False,
                        screen: int | None = None, settings=None, **session_kw) -> Console:
    """Store, replica, session, controller and main window, wired and shown; the session is started.

    The last state is restored from the local file and on screen before this returns
    (before the hub answers). A wall-role token turns the window into wall mode once
    the hub names the role, whatever `wall` said.
    """
    from console.client.controller import Controller
    from console.client.replica import Replica
    from console.net.session import Session
    from console.store import Store
    from console.ui.main_window import MainWindow
    from console.ui.wall import apply_wall_mode
    from console.ui.watchdog import GuiWatchdog
    from console.video.pool import DecodePool

    loop = asyncio.get_running_loop()
    store = await loop.run_in_executor(None, Store, local_db or default_local_db(token))
    replica = Replica()
    frames = DecodePool()
    session = Session(url, token, replica, store=store, frames=frames, **session_kw)
    controller = Controller(replica, session, read_only=wall)
    restored = await session.restore()
    session.start()

    watchdog = GuiWatchdog()
    window = MainWindow(replica, controller, wall=wall, frames=frames,
                        outbox_depth=lambda: session.outbox_depth, stall_ms=watchdog.recent_worst_ms,
                        role_key="wall" if wall else "desk", settings=settings)
    if wall:
        apply_wall_mode(window, screen)
    else:
        window.resize(1920, 1080)
        window.show()
    if restored:
        window.refresh_now()
    console = Console(store=store, replica=replica, session=session, controller=controller, window=window,
                      frames=frames, watchdog=watchdog, restored=restored)
    console.follow_task = asyncio.create_task(_follow_role(replica, controller, window, screen))
    return console


async def _main(app, a: argparse.Namespace) -> int:
    errors = _ExceptionCounter()
    sys.excepthook = errors
    closing = asyncio.Event()
    # Closing the window ends _main, which shuts down in order; Qt must not stop the loop first.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(closing.set)
    app.aboutToQuit.connect(closing.set)

    hub = None
    if a.command == "demo":
        from console.cli import _hub_config
        from console.hub.runner import start_hub

        cfg = _hub_config(a)
        cfg.port = 0 if a.port == 8765 else a.port
        if cfg.db is None:
            import tempfile

            cfg.db = f"sqlite:///{tempfile.mkdtemp(prefix='duty-demo-')}/hub.db"
        if a.start is None:
            cfg.start = "07:29:40"  # the demo opens 20 s before the dog reaches the cordon
        hub = await start_hub(cfg)
        url, token = hub.url, ("demo-wall" if a.wall else "demo-commander")
        print(f"embedded hub on {url} (scenario {cfg.scenario}, {cfg.speed}×)", flush=True)
    else:
        url, token = a.url, a.token

    console = await build_console(url, token, local_db=a.local_db, wall=a.wall, screen=a.screen)
    code = 0
    try:
        if a.smoke is not None:
            code = await _smoke(a.smoke, console.replica, console.controller, console.window,
                                console.session, errors, a.shot)
        else:
            await closing.wait()
    finally:
        await console.close()
        if hub is not None:
            await hub.stop()
    return code


async def _follow_role(replica, controller, window, screen: int | None) -> None:
    """A wall-role token gets wall mode, whatever the command line said."""
    from console.ui.wall import apply_wall_mode

    while replica.link.role == "":
        await asyncio.sleep(0.1)
    if replica.link.role == "wall" and not controller.read_only:
        controller.read_only = True
        window.wall = True
        if window.incident_pane is not None:
            window.incident_pane.set_actions_visible(False)
        apply_wall_mode(window, screen)


async def _smoke(seconds: float, replica, controller, window, session, errors, shot: str | None = None) -> int:
    """Run N seconds, press Enter on the queue once, print one summary line.

    On a desk the key must dispatch and the hub confirm it. On a read-only
    console (wall token, --wall, a drill under review) the same key must send
    nothing at all: that is what "all went through" means there.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    pressed = False
    sent: str | None = None
    incident: str | None = None
    while loop.time() < deadline:
        await asyncio.sleep(0.2)
        if not pressed and session.live.is_set() and window.alerts is not None:
            window.refresh_now()
            queue = window.alerts
            if queue.model.rowCount() > 0:
                queue.select_row(0)
                incident = queue.current_incident()
                before = set(replica.pending)
                key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
                QApplication.sendEvent(queue.view, key)
                pressed = True
                sent = next(iter(set(replica.pending) - before), None)
    # give the last command its answer
    settle = loop.time() + 5
    while replica.pending and loop.time() < settle:
        await asyncio.sleep(0.1)
    window.refresh_now()
    if shot:
        Path(shot).parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(shot)
    state = replica.state
    read_only = not controller.can("cmd.dispatch")
    tasks = [t for t in state.tasks.values() if t.incident == incident and t.actor == replica.link.user]
    problems = sum(v for k, v in replica.counters.items()
                   if k in ("malformed", "unknown_type", "apply_errors", "bad_frames")) + errors.count
    if read_only:
        went_through = pressed and sent is None
        dispatch = "blocked (read-only)" if went_through else ("sent!" if sent else "no alert")
    else:
        went_through = pressed and sent is not None and not replica.pending and bool(tasks)
        dispatch = tasks[0].status if tasks else ("refused" if pressed else "no alert")
    ok = went_through and problems == 0 and replica.counters["events"] > 0
    print(f"smoke: {'OK' if ok else 'FAILED'} mode={replica.link.mode} role={replica.link.role} "
          f"events={replica.counters['events']} alerts={len(state.alerts)} dispatches={len(state.tasks)} "
          f"incident={incident} dispatch={dispatch} errors={problems} "
          f"link={replica.link.state} at={time.strftime('%H:%M:%S')}", flush=True)
    return 0 if ok else 1
