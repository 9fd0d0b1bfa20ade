"""The synthetic cameras as real streams: MJPEG over HTTP on loopback, pulled like a site's cameras.

`GET /cam/<id>/sub.mjpg` (640×360) and `/cam/<id>/main.mjpg` (1280×720) answer
`multipart/x-mixed-replace` with one JPEG part per frame, the way IP cameras
and relays (go2rtc, MediaMTX, ZLMediaKit's HTTP-MJPEG) serve it. The console's
stream readers open these URLs exactly as they open an `rtsp://` camera, so the
demo exercises the same path a real site does. A camera the scenario has taken
offline sends nothing: its tile goes stale and says "no signal".

Frames are rendered only for streams someone watches, once per frame period
however many clients watch it, in one render thread; a slow client gets the
newest frame, never a backlog.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from console.scenarios.frames import FrameRenderer

# numpy, PIL and simplejpeg (0.1 s of imports) are loaded by the first picture drawn, not by the
# server's start: `demo`'s hub listens without them and loads them while its console connects (P5)

log = logging.getLogger(__name__)

#: stream variant → frame size (main: the focus tile; sub: grid tiles)
SIZES = {"sub": (640, 360), "main": (1280, 720)}
BOUNDARY = "duty-console-frame"
_PATH = re.compile(r"^/cam/(?P<cam>[A-Za-z0-9_-]{1,64})/(?P<variant>main|sub)\.mjpg$")

#: (camera id, variant, hub time) → RGB frame, or None when the camera sends nothing (offline)
Render = Callable[[str, str, float], object]


class _Feed:
    """One camera variant being watched: the newest JPEG and a condition its clients wait on."""

    def __init__(self):
        self.clients = 0
        self.jpeg: bytes | None = None
        self.number = 0
        self.changed = asyncio.Condition()
        self.task: asyncio.Task | None = None


class StreamServer:
    """An asyncio HTTP server for MJPEG streams of rendered frames.

    `render(camera, variant, t)` returns an RGB array (or None); `now()` is the hub clock.
    """

    def __init__(self, render: Render, now: Callable[[], float], *, host: str = "127.0.0.1",
                 port: int = 0, fps: float = 5.0, quality: int = 70):
        self._render = render
        self._now = now
        self.host, self.port, self.fps, self.quality = host, port, fps, quality
        self._server: asyncio.base_events.Server | None = None
        self._feeds: dict[tuple[str, str], _Feed] = {}
        # one render thread per variant: a main stream's first frame (its background, ~0.4 s at 720p)
        # never holds up a sub-stream's, which fills the rings that alert pictures are kept from
        self._pools = {v: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"stream-render-{v}") for v in SIZES}
        self._warm_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stream-warm")
        self._writers: set[asyncio.StreamWriter] = set()
        #: set once a frame went out to a client (a hub builds its scenario's world after it, see hub.py)
        self.first_sent = asyncio.Event()

    # ------------------------------------------------------------------ API

    async def start(self) -> None:
        """Listen; with port 0 a free one is picked (and kept in `port`)."""
        self._server = await asyncio.start_server(self._client, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("camera streams on http://%s:%d/cam/<id>/{main,sub}.mjpg", self.host, self.port)

    @property
    def base_url(self) -> str:
        # a hub listening on every interface names itself by host name in the URLs it hands out
        host = socket.gethostname() if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    def url_for(self, camera: str, variant: str) -> str:
        """The stream URL of one camera variant ("main" or "sub")."""
        return f"{self.base_url}/cam/{camera}/{variant}.mjpg"

    def watched(self) -> dict[tuple[str, str], int]:
        """(camera, variant) → clients now."""
        return {k: f.clients for k, f in self._feeds.items() if f.clients}

    async def stop(self) -> None:
        """Close the listener, every client and every render loop; safe to call twice."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for w in list(self._writers):
            w.close()
        for feed in self._feeds.values():
            if feed.task is not None:
                feed.task.cancel()
        for feed in self._feeds.values():
            if feed.task is not None:
                try:
                    await feed.task
                except (asyncio.CancelledError, Exception):
                    pass
        self._feeds.clear()
        for pool in (*self._pools.values(), self._warm_pool):
            pool.shutdown(wait=False, cancel_futures=True)

    def warm(self, cameras: list[str], variant: str = "sub") -> None:
        """Prepare these cameras' first frames on an idle-priority thread (`render.warm(camera, variant)`).

        A camera first watched when its alert arrives (off the wall's page) then starts within a
        frame period instead of after its background is drawn (~0.1 s each, queued behind every
        other camera the alert brought onto the page).
        """
        prepare = getattr(self._render, "warm", None)
        if prepare is None:
            return
        self._warm_pool.submit(_idle_priority)
        for cam in cameras:
            self._warm_pool.submit(prepare, cam, variant)

    # ------------------------------------------------------------------ HTTP

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5.0)
            except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                return
            parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
            match = _PATH.match(parts[1]) if len(parts) == 3 and parts[0] in ("GET", "HEAD") else None
            if match is None:
                writer.write(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                return
            await self._serve(writer, match["cam"], match["variant"], parts[0] == "HEAD")
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _serve(self, writer: asyncio.StreamWriter, cam: str, variant: str, head_only: bool) -> None:
        writer.write((f"HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary={BOUNDARY}\r\n"
                      "Cache-Control: no-cache\r\nConnection: close\r\n\r\n").encode())
        await writer.drain()
        if head_only:
            return
        feed = self._feed(cam, variant)
        feed.clients += 1
        try:
            sent = 0
            while True:
                async with feed.changed:
                    await feed.changed.wait_for(lambda: feed.number != sent)
                sent, jpeg = feed.number, feed.jpeg
                if jpeg is None:
                    continue
                writer.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
                             .encode() + jpeg + b"\r\n")
                await writer.drain()  # a slow client blocks here and skips to the newest frame after
                self.first_sent.set()
        finally:
            feed.clients -= 1

    # ------------------------------------------------------------------ rendering

    def _feed(self, cam: str, variant: str) -> _Feed:
        feed = self._feeds.get((cam, variant))
        if feed is None:
            feed = self._feeds[(cam, variant)] = _Feed()
        if feed.task is None or feed.task.done():
            feed.task = asyncio.create_task(self._render_loop(cam, variant, feed), name=f"stream-{cam}-{variant}")
        return feed

    async def _render_loop(self, cam: str, variant: str, feed: _Feed) -> None:
        loop = asyncio.get_running_loop()
        period = 1.0 / max(0.5, self.fps)
        idle = 0
        while True:
            started = loop.time()
            if feed.clients == 0:
                idle += 1
                if idle > 3:  # nobody has watched for a few periods: stop rendering
                    feed.task = None
                    return
            else:
                idle = 0
                try:
                    jpeg = await loop.run_in_executor(self._pools[variant], self._encode, cam, variant, self._now())
                except Exception:  # noqa: BLE001 - one bad frame must not end the stream
                    log.exception("rendering %s/%s failed", cam, variant)
                    jpeg = None
                if jpeg is not None:
                    async with feed.changed:
                        feed.jpeg = jpeg
                        feed.number += 1
                        feed.changed.notify_all()
            await asyncio.sleep(max(0.0, period - (loop.time() - started)))

    def _encode(self, cam: str, variant: str, t: float) -> bytes | None:
        import simplejpeg

        rgb = self._render(cam, variant, t)
        if rgb is None:
            return None
        return simplejpeg.encode_jpeg(rgb, quality=self.quality, colorspace="RGB", colorsubsampling="420",
                                      fastdct=True)


class ScenarioCameras:
    """Renders the scenario's cameras for the stream server: crowd from the scenario, offline → nothing.

    `scenario` may come later (`attach`): a hub on a site serves its cameras before the scenario's world
    is built (the demo's first picture), and a camera shows its street with nobody on it until then.
    """

    def __init__(self, core, scenario=None):
        self.core = core
        self.scenario = scenario
        self._renderers: dict[str, FrameRenderer] = {}  # by variant, made by the first picture drawn
        self._made = threading.Lock()  # the warm thread and the render threads may ask at once
        self._numbers: dict[tuple[str, str], int] = {}

    def _renderer(self, variant: str) -> FrameRenderer:
        renderer = self._renderers.get(variant)
        if renderer is None:
            with self._made:
                renderer = self._renderers.get(variant)
                if renderer is None:
                    from console.scenarios.frames import FrameRenderer

                    renderer = self._renderers[variant] = FrameRenderer(*SIZES[variant])
        return renderer

    def warm(self, cam_id: str, variant: str) -> None:
        """Draw the camera's background now (it is cached), so its first frame costs what any frame does."""
        cam = self.core.state.cameras.get(cam_id) or next(
            (c for c in (self.scenario.baseline.cameras if self.scenario is not None else ())
             if c.id == cam_id), None)  # a fresh log's world is not loaded yet
        if cam is not None:
            self._renderer(variant).warm(cam)

    def __call__(self, cam_id: str, variant: str, t: float):
        cam = self.core.state.cameras.get(cam_id)
        if cam is None or not cam.online:
            return None
        key = (cam_id, variant)
        n = self._numbers[key] = self._numbers.get(key, 0) + 1
        crowd = self.scenario.crowd_level(cam_id, t) if self.scenario is not None else 0.0
        return self._renderer(variant).render_array(cam, t, n, crowd)


def attach_scenario(server: StreamServer, scenario) -> None:
    """The scenario's world is built: its crowds walk into the cameras served since before it."""
    server._render.scenario = scenario  # the ScenarioCameras start_scenario_streams made


def preferred_port(cameras) -> int:
    """The loopback port the camera records already name (a restarted hub keeps its URLs), or 0."""
    for cam in cameras:
        m = re.match(r"^http://[^/@]+:(\d+)/cam/", cam.sub or cam.main or "")
        if m:
            return int(m.group(1))
    return 0


async def start_scenario_streams(core, scenario, *, fps: float, host: str = "127.0.0.1") -> StreamServer:
    """Serve the scenario's cameras and point their records at the streams (before the baseline goes out).

    A hub restarted on its own log already told consoles the old URLs: it tries that port first.
    With `scenario` None (a site's cameras, the world still being built) it serves the cameras the
    log knows; `server.render.scenario` is set once the world is there.
    """
    port = preferred_port(core.state.cameras.values())
    server = StreamServer(ScenarioCameras(core, scenario), core.clock.now, host=host, port=port, fps=fps)
    try:
        await server.start()
    except OSError:
        if port == 0:
            raise
        log.warning("stream port %d is taken; the cameras get new URLs only with a fresh log", port)
        server.port = 0
        await server.start()
    if scenario is not None:
        scenario.serve_streams(server.url_for)
        # the sub-streams first (the rings and the alert pictures come from them), cameras the log knows now
        server.warm(sorted(c.id for c in scenario.baseline.cameras))
    return server


def _idle_priority() -> None:
    """Lower this thread's CPU priority (Linux: a thread is a task with its own nice value)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass
