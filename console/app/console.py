"""The console's composition root: store, session, replica, controller, window, under one qasync loop.

`demo` also starts a hub, in a child process (console/app/hub_process.py), on a loopback port
and connects to it over a real websocket, exactly as the console would connect to a remote hub.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from console.app.config import ConsoleConfig, HubConfig
from console.app.startup import mark

log = logging.getLogger(__name__)


def data_dir() -> Path:
    """The console's data dir (its SQLite files, saved views), created if missing."""
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "duty-console"
    base.mkdir(parents=True, exist_ok=True)
    return base


def _safe(token: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in token)


def default_local_db(token: str) -> str:
    """The console's own SQLite file (outbox, cached replica), one per token."""
    return f"sqlite:///{data_dir() / f'console-{_safe(token)}.db'}"


def sqlite_file(url: str) -> Path | None:
    """The file a `sqlite:///` URL names (None: another database, or one in memory).

    Read here, not with SQLAlchemy's URL parser: the window paints before SQLAlchemy is loaded.
    """
    prefix = "sqlite:///"
    path = url[len(prefix):].split("?", 1)[0] if url.startswith(prefix) else ""
    return None if path in ("", ":memory:") else Path(path)


def pictures_dir(local_db: str) -> Path | None:
    """Where a console keeps its cameras' last pictures: beside its SQLite file (None for another database)."""
    db = sqlite_file(local_db)
    return None if db is None else db.with_name(db.stem + "-pictures")


def run_app(a: ConsoleConfig, hub_cfg: HubConfig | None = None) -> int:
    """Run the console until the window closes; with `hub_cfg`, an embedded hub first (`demo`)."""
    hub = None
    if hub_cfg is not None:
        from console.app.hub_process import HubProcess

        # Before Qt is imported: the hub's imports and scenario world are made on the other core
        # while this process paints the window (P5 in bench/PERF.md).
        hub = HubProcess(hub_cfg)
        hub.start()
    try:
        return _run_qt(a, hub_cfg, hub)
    finally:
        if hub is not None:
            hub.stop_now()  # already stopped when the console closed in order; this is for an error


def _run_qt(a: ConsoleConfig, hub_cfg: HubConfig | None, hub) -> int:
    if a.smoke is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # PySide6 before qasync

    from console.app import import_hook

    import_hook.lighten()
    mark("qt_imported")

    from console.app import gui_loop
    from console.ui.common.i18n import install_translator
    from console.ui.common.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("duty-console")
    app.setApplicationName("Duty Console")
    install_translator(app, a.lang)
    apply_theme(app, wall=a.wall)
    from console.app.hub_process import HubStartError

    try:
        code = gui_loop.run(_main(app, a, hub_cfg, hub))
    except asyncio.CancelledError:
        code = 0
    except HubStartError:
        code = 2  # the hub process has said why on stderr
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
    order (stop the role watcher and the tick, close the window and stop the threads that
    report into it, close the session, which saves the replica, stop the stream readers and
    decoding, close the store, delete the window's Qt objects) and is safe to call twice.
    """

    def __init__(self, *, store, replica, session, controller, window, frames, watchdog, restored: bool,
                 streams=None):
        self.store = store
        self.replica = replica
        self.session = session
        self.controller = controller
        self.window = window
        self.frames = frames
        #: the camera stream readers (PyAV threads) decoding into `frames`
        self.streams = streams
        self.watchdog = watchdog
        #: the screen came back from the local file before the hub answered
        self.restored = restored
        self.follow_task: asyncio.Task | None = None
        #: the wall's screen (from the command line), for a rebuilt window
        self.screen: int | None = None
        #: the map's base map file (--basemap), attached again to a rebuilt window
        self.basemap = None
        #: the camera wall's settings (--live-tiles, --still-s, --shared-views) and whose views it keeps
        self.token = ""
        self.live_tiles, self.still_s, self.shared_views = 16, 10.0, None  # ConsoleConfig's defaults
        #: cameras off the live tiles keeping a packet-only ring (--armed-rings; 0 in demo, whose hub renders
        #: and encodes every stream it serves)
        self.armed_rings = 0
        #: where the evidence panels keep alert snapshots and clips (None: the data dir's `evidence`)
        self.evidence_dir: Path | None = None
        self._closed = False

    def switch_language(self, lang: str) -> None:
        """Say everything in another language without a restart: same session, same replica, a new window.

        Qt's translator changes at once; the window is rebuilt in the new language (its
        panes set their words as they are made), shown where the old one was, and the
        old one closed (which saves the layout and sends any held action).
        """
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from console.ui.common.i18n import install_translator

        old = self.window
        old.save_layout()
        install_translator(QApplication.instance(), lang)
        new = make_window(self.replica, self.controller, self.session, self.frames, self.watchdog,
                          wall=old.wall, settings=old.settings, screen=self.screen, geometry=old.saveGeometry(),
                          maximised=old.isMaximized())
        new.sig_language.connect(self.switch_language)
        self.window = new
        self.attach_basemap()
        self.attach_wall_settings()
        self.attach_evidence_dir()
        new.redraw_all()
        new.carry_over(old)  # the same selection, the same closing rules
        old.tick.stop()
        old.close_without_asking()
        stop_window_workers(old)
        old.deleteLater()
        from console.app import gui_gc

        gui_gc.thaw()  # the old window's cycles go to the collector; the new window is frozen once it is gone
        QTimer.singleShot(gui_gc.REFREEZE_AFTER_MS, gui_gc.collect_and_freeze)

    def attach_wall_settings(self) -> None:
        """The camera wall's live budget, still interval and saved-view shelves (again, after a rebuild)."""
        wall = self.window.camera_wall
        if wall is None:
            return
        from console.video.views import ViewStore

        wall.configure(live_tiles=self.live_tiles, still_s=self.still_s, armed_rings=self.armed_rings)
        shared = self.shared_views or str(data_dir() / "shared-views.json")
        wall.views.set_stores(ViewStore(data_dir() / f"views-{_safe(self.token)}.json"), ViewStore(shared))

    def attach_evidence_dir(self) -> None:
        """Keep alert evidence in `evidence_dir` (again, after a rebuild): a demo keeps it beside its own
        fresh log, since every demo's alerts have the same ids (A0010 is the dog in every run)."""
        if self.evidence_dir is None:
            return
        from console.ui.panes.incident.evidence import EvidencePanel

        for panel in self.window.findChildren(EvidencePanel):
            if panel.keeper is not None:
                panel.keeper.root = self.evidence_dir

    def attach_basemap(self) -> None:
        """Put the --basemap image under the window's map (again, after a rebuild)."""
        map_pane = self.window.panes.get("map")
        if self.basemap and map_pane is not None:
            from console.ui.panes.map.basemap import attach_basemap

            attach_basemap(map_pane, self.basemap)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.follow_task is not None:
            self.follow_task.cancel()
        self.watchdog.stop()
        self.window.tick.stop()
        self.window.close_without_asking()
        stop_window_workers(self.window)
        await self.session.close()
        if self.streams is not None:
            # the readers leave within a read timeout; wait that long at most, off the GUI thread
            await asyncio.get_running_loop().run_in_executor(None, self.streams.close, READERS_JOIN_S)
        self.frames.close()
        self.store.close()
        # The window's Qt objects die here, on the GUI thread, not whenever their Python wrappers
        # are collected (gui_gc.py: what is left for the collector is collected on this thread too).
        self.window.deleteLater()
        self.watchdog.deleteLater()
        from console.app import gui_gc

        gui_gc.thaw()  # what this console leaves in cycles goes to the collector (on this thread)


#: how long closing waits for the stream readers to leave (s; a read times out in 2)
READERS_JOIN_S = 3.0


def stop_window_workers(window) -> None:
    """Stop the worker threads that report into this window's widgets (the evidence panels'
    loaders, keepers and exporters, the base map's loaders) before the window is deleted, so
    none of them touches a widget that is gone."""
    from console.ui.panes.incident.evidence import EvidencePanel
    from console.ui.panes.map.basemap import BaseMapLayer

    for panel in window.findChildren(EvidencePanel):
        panel.close_workers()
    for layer in window.findChildren(BaseMapLayer):
        layer.close()


#: how long the start waits for the window's first frame before it goes on without it (s)
FIRST_PAINT_WAIT_S = 3.0


def _no_file_yet(local_db: str) -> bool:
    """Whether `local_db` is a SQLite file that does not exist yet (then there is nothing to restore)."""
    db = sqlite_file(local_db)
    return db is not None and not db.exists()


def _open_store(local_db: str):
    """The console's local store (imported here: on a worker, SQLAlchemy's import is off the GUI thread)."""
    from console.store import Store

    return Store(local_db)


async def build_console(url: str, token: str, *, local_db: str | None = None, wall: bool = False,
                        screen: int | None = None, settings=None, paint_first: bool = False,
                        start: bool = True, after_restore=None, **session_kw) -> Console:
    """Store, replica, session, controller and main window, wired and shown; the session is started
    (with `start`; else the caller sets `session.url` and starts it).

    The last state is restored from the local file and on screen before this returns
    (before the hub answers). A wall-role token turns the window into wall mode once
    the hub names the role, whatever `wall` said. With `paint_first` the window's shell
    (header, queue, status bar, empty docks) is shown and painted before the local store
    (SQLAlchemy), the video pool (PyAV, numpy) and the heavy panes (pyqtgraph) are loaded.
    Without `start`, `after_restore(session)` is called once the session could start (before the
    heavy panes are built).
    """
    from console.app import gui_gc
    from console.client.controller import Controller
    from console.client.replica import Replica
    from console.client.session import Session
    from console.ui.shell.watchdog import GuiWatchdog

    gui_gc.collect_on_gui_thread()  # from here on, worker threads allocate but never collect Qt objects
    loop = asyncio.get_running_loop()
    replica = Replica()
    # the store and the frame pool are attached below, before the session starts
    session = Session(url, token, replica, **session_kw)
    controller = Controller(replica, session, read_only=wall)
    watchdog = GuiWatchdog()
    local_db = local_db or default_local_db(token)
    # A console with no local file yet has nothing to restore: it connects without its store, which
    # is opened once the first camera picture is on screen (SQLAlchemy's import is 0.2 s of CPU under
    # the one GIL the first picture needs; P5 in bench/PERF.md) and then keeps the commands made
    # meanwhile. With a file, the store is opened on a worker while the window is made and painted.
    fresh = _no_file_yet(local_db)
    store_job = None if fresh else loop.run_in_executor(None, _open_store, local_db)
    window = None
    if paint_first:
        try:
            window = make_window(replica, controller, session, None, watchdog, wall=wall, settings=settings,
                                 screen=screen, defer_panes=True)
            await _first_paint(window)
        except BaseException:
            if store_job is not None:
                store_job.add_done_callback(lambda job: job.cancelled() or job.exception() or job.result().close())
            raise

    from console.video.pool import DecodePool
    from console.video.sources import StreamSources

    from console.video.last_pictures import LastPictures

    store = None if store_job is None else await store_job
    if store is not None:
        mark("store_loaded")
    # each camera's last picture beside the console's own file: shown greyed at the next start
    frames = DecodePool(last_pictures=LastPictures(pictures_dir(local_db)) if pictures_dir(local_db) else None)
    # cameras whose records name rtsp/http/file URLs are pulled here, straight from the camera or relay
    streams = StreamSources(frames)
    session.store, session.frames = store, frames
    from console.video.urls import set_credentials

    session.on_credentials.append(set_credentials)  # joined to URLs in memory only, when a stream opens
    restored = await session.restore()  # nothing without a store: a fresh console
    if start:
        session.start()
    elif after_restore is not None:
        after_restore(session)

    if window is None:
        window = make_window(replica, controller, session, frames, watchdog, wall=wall, settings=settings,
                             screen=screen)
    else:
        window.set_frames(frames)
        # The camera wall first and a moment for its first picture (the session and the stream readers
        # run meanwhile), then the other panes: built in one call they held the loop 0.4-0.6 s, and the
        # first picture waited for all of them (P5 in bench/PERF.md).
        window.build_deferred_panes(FIRST_PANES)
        await _first_live_picture(window, FIRST_PICTURE_WAIT_S)
        window.build_deferred_panes()
    mark("panes_built")
    if store is None:
        try:
            store = await loop.run_in_executor(None, _open_store, local_db)
        except BaseException:  # the file cannot be made: nothing is left running behind the error
            await session.close()
            streams.close()
            frames.close()
            raise
        session.attach_store(store)
        mark("store_loaded")
    if restored:
        window.refresh_now()
    console = Console(store=store, replica=replica, session=session, controller=controller, window=window,
                      frames=frames, watchdog=watchdog, restored=restored, streams=streams)
    console.screen = screen
    console.token = token
    window.sig_language.connect(console.switch_language)
    console.follow_task = asyncio.create_task(_follow_role(replica, controller, console, screen))
    gui_gc.freeze()  # the program and the built window: no later collection walks them again
    return console


#: the panes built before the others: the camera wall, whose first picture waits on the most
FIRST_PANES = ("cameras",)
#: how long the other panes wait for the camera wall's first live picture (s)
FIRST_PICTURE_WAIT_S = 1.0


async def _first_live_picture(window, limit: float) -> None:
    """Until a camera tile has painted a live picture, at most `limit` seconds."""
    from console.ui.panes.cameras.tile import CameraTile

    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while loop.time() < end and not any(t.painted and not t.stale for t in window.findChildren(CameraTile)):
        await asyncio.sleep(0.02)


async def _first_paint(window) -> None:
    """Until the window's first frame is on screen (or FIRST_PAINT_WAIT_S: a hidden window never paints)."""
    painted = asyncio.get_running_loop().create_future()
    window.sig_first_paint.connect(lambda: painted.done() or painted.set_result(None))
    try:
        await asyncio.wait_for(painted, FIRST_PAINT_WAIT_S)
    except asyncio.TimeoutError:
        log.info("the window was not painted within %.0f s; building the rest anyway", FIRST_PAINT_WAIT_S)


def make_window(replica, controller, session, frames, watchdog, *, wall: bool, settings=None,
                screen: int | None = None, geometry=None, maximised: bool = False, defer_panes: bool = False):
    """The main window over a running session, shown (wall: full screen on its screen)."""
    from console.ui.shell.main_window import MainWindow
    from console.ui.shell.wall import apply_wall_mode

    window = MainWindow(replica, controller, wall=wall, frames=frames,
                        outbox_depth=lambda: session.outbox_depth, stall_ms=watchdog.recent_worst_ms,
                        role_key="wall" if wall else "desk", settings=settings, defer_panes=defer_panes)
    if wall:
        apply_wall_mode(window, screen)
    elif geometry is not None:
        window.restoreGeometry(geometry)
        window.showMaximized() if maximised else window.show()
    else:
        window.show_on_screen()  # the saved geometry, or maximised on the current screen
    map_pane, camera_wall = window.panes.get("map"), window.panes.get("cameras")
    if map_pane is not None and camera_wall is not None:
        from console.ui.panes.map.snapshots import wall_snapshots

        map_pane.snapshot_of = wall_snapshots(camera_wall)  # a cone's hover shows the camera's picture
    return window


async def _main(app, a: ConsoleConfig, hub_cfg: HubConfig | None, hub=None) -> int:
    errors = _ExceptionCounter()
    sys.excepthook = errors
    closing = asyncio.Event()
    # Closing the window ends _main, which shuts down in order; Qt must not stop the loop first.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(closing.set)
    app.aboutToQuit.connect(closing.set)
    # A TERM (a service stop, a benchmark ending its run) closes like the window: the state saved,
    # a held action sent, the demo's hub stopped and waited for; it used to kill the console outright.
    loop = asyncio.get_running_loop()
    signal.signal(signal.SIGTERM, lambda *_: loop.call_soon_threadsafe(closing.set))

    console, hub = await open_app(a, hub_cfg, hub=hub)
    wall = None
    if a.with_wall and not a.wall and a.smoke is None:
        from console.app.pair import WallProcess

        wall = WallProcess(a.wall_token, lang=a.lang, screen=a.wall_screen, ca=a.ca, pin=a.pin)
        wall.start(hub.url if hub is not None else a.url)
    code = 0
    try:
        if a.smoke is not None:
            from console.app.smoke import run_smoke

            code = await run_smoke(a.smoke, console.replica, console.controller, console.window,
                                console.session, errors, a.shot)
        else:
            await closing.wait()
    finally:
        if wall is not None:
            wall.stop()
        await console.close()
        if hub is not None:
            await hub.stop()
    return code


async def open_app(a: ConsoleConfig, hub_cfg: HubConfig | None = None, *, settings=None, hub=None):
    """The console `run_app` shows, connected; with `hub_cfg` (`demo`) the hub's child process too
    (`hub`: one already started, a `HubProcess`). Returns (console, hub or None); the caller closes both.

    A demo's console keeps its local file (outbox, saved screen) beside the demo's fresh log, so a
    second demo starts clean rather than from the first one's screen and camera URLs.
    """
    url, token, local_db = a.url, a.token, a.local_db
    if hub_cfg is not None and hub is None:
        from console.app.hub_process import HubProcess

        hub = HubProcess(hub_cfg)
        hub.start()
    if hub_cfg is not None:
        # the embedded hub's address is known once it listens: the session starts after it
        url, token = "ws://127.0.0.1", ("demo-wall" if a.wall else "demo-commander")
        local_db = local_db or demo_local_db(hub_cfg, token)

    from console.protocol.tls import client_context

    def connect(session) -> None:
        """The session to the demo hub, started (once it listens: its URL is known)."""
        session.url = hub.url
        session.ssl = client_context(hub.url, ca=a.ca, pin=a.pin, insecure=a.insecure)
        session.replica.set_link("offline", url=hub.url)
        session.start()
        mark("session_started")
        print(f"embedded hub on {hub.url} (scenario {hub_cfg.scenario}, {hub_cfg.speed}×)", flush=True)

    restored: asyncio.Future = asyncio.get_running_loop().create_future()

    async def connect_once_listening() -> None:
        # as soon as both the hub listens and the session may start: while the panes are still
        # being made when the hub is quick, its first pictures come meanwhile
        await hub.ready()
        connect(await restored)

    linking = asyncio.create_task(connect_once_listening(), name="demo-hub-link") if hub is not None else None
    # The window comes first: its shell paints before the store, the video and the heavy panes
    # are loaded (P5 in bench/PERF.md); the demo hub starts meanwhile in its own process.
    try:
        console = await build_console(url, token, local_db=local_db, wall=a.wall, screen=a.screen,
                                      paint_first=True, start=hub_cfg is None, settings=settings,
                                      after_restore=restored.set_result if hub is not None else None,
                                      ssl=None if hub_cfg is not None else
                                      client_context(url, ca=a.ca, pin=a.pin, insecure=a.insecure))
    except BaseException:
        if hub is not None:
            linking.cancel()
            await hub.stop()
        raise
    if hub is not None:
        demo_dir = demo_local_dir(hub_cfg)
        if demo_dir is not None:
            console.evidence_dir = demo_dir / "evidence"
            console.attach_evidence_dir()
        try:
            await linking
        except BaseException:
            await console.close()
            await hub.stop()
            raise
    console.window.closing.ask = a.smoke is None
    console.window.closing.embedded_hub = hub is not None
    console.basemap = a.basemap
    console.attach_basemap()
    console.live_tiles, console.still_s, console.shared_views = a.live_tiles, a.still_s, a.shared_views
    console.armed_rings = getattr(a, "armed_rings", 0)
    console.attach_wall_settings()
    return console, hub


def demo_local_db(hub_cfg: HubConfig, token: str) -> str | None:
    """The demo console's own SQLite file: beside the demo hub's SQLite log (None: not a SQLite file,
    the per-token file in the data dir then)."""
    folder = demo_local_dir(hub_cfg)
    return None if folder is None else f"sqlite:///{folder / f'console-{_safe(token)}.db'}"


def demo_local_dir(hub_cfg: HubConfig) -> Path | None:
    """The folder of the demo hub's SQLite log (None: not a SQLite file)."""
    db = sqlite_file(hub_cfg.db or "")
    return None if db is None else db.parent


async def _follow_role(replica, controller, console: Console, screen: int | None) -> None:
    """A wall-role token gets wall mode, whatever the command line said."""
    from console.ui.shell.wall import apply_wall_mode

    while replica.link.role == "":
        await asyncio.sleep(0.1)
    window = console.window
    if replica.link.role == "wall" and not controller.read_only:
        controller.read_only = True
        window.wall = True
        # Its layout is the wall's from now on: saved under the wall's key, never over the desk's.
        window.role_key = "wall"
        window.restore_layout()
        if window.incident_pane is not None:
            window.incident_pane.set_actions_visible(False)
        apply_wall_mode(window, screen)
