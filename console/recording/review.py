"""Review: serve a drill recording as if it were live.

The recording is the log: `ReviewStore` is the hub's (read-only) log port on
the drill file; the hub's `ReviewCore` (console/hub/replay.py) applies the
recorded envelopes (same bytes, same seq and hub time) instead of deciding
commands; `DrillPlayer` feeds them on the hub clock and answers `drill.control`
(play, pause, speed, seek).

Seeking rebuilds the state from the nearest stored snapshot plus the events
after it, then every connected client gets a fresh `snapshot` and the replay
goes on from there.

Cameras: a subscribed camera gets the picture of the replay position, from an
evidence clip where one covers it (every frame the camera sent, clips.py), else
from the recording's reduced-rate frames; after a seek, the picture of the new
position.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

from console.protocol import messages as m
from console.protocol.codec import JPEG, Frame, encode, encode_frame
from console.recording.clips import ClipFrames
from console.recording.drill_file import DrillReader

log = logging.getLogger(__name__)

#: speed factors the hub accepts (the drill bar offers 0.5×–60×)
MIN_SPEED, MAX_SPEED = 0.05, 1000.0
_READ_BATCH = 2000


class ReviewStore:
    """The drill file as the hub's log port (`console.hub.log.LogReader`): read-only."""

    def __init__(self, reader: DrillReader):
        self.reader = reader

    def events_after(self, seq: int, limit: int | None = None):
        """Recorded envelopes after `seq`, as the live hub logged them."""
        return self.reader.events(seq, limit or 5000)

    def first_seq(self) -> int:
        """The first seq of the recording."""
        return self.reader.meta.first_seq

    def log_epoch(self) -> str:
        """One recording is one log: a console that saw another hub gets a snapshot of this one."""
        meta = self.reader.meta
        key = f"drill:{meta.scenario}:{meta.seed}:{meta.created!r}:{meta.first_seq}:{meta.last_seq}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def close(self) -> None:
        """Close the drill file."""
        self.reader.close()


class DrillPlayer:
    """Feeds a recording into a ReviewCore on the hub clock and answers the drill controls."""

    def __init__(self, core, server, reader: DrillReader, *, speed: float = 1.0,
                 autoplay: bool = True, tick_s: float = 0.05, frame_every_s: float = 0.2,
                 status_every_s: float = 1.0):
        self.core = core
        self.server = server
        self.reader = reader
        self.meta = reader.meta
        self.speed = speed
        self.playing = autoplay
        self.tick_s = tick_s
        self.frame_every_s = frame_every_s
        self.status_every_s = status_every_s
        self.markers: list[tuple[float, str, str]] = []
        self.last_seek_ms: float | None = None
        self.seek_times_ms: list[float] = []
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drill-read")
        #: the recording's evidence clips, decoded on the reader thread when a camera needs one
        self.clips = ClipFrames(reader)
        self._cameras = set(self.meta.cameras) | self.clips.cameras()
        self._buf: list = []
        self._read_to = core.state.seq
        self._gen = 0
        self._seeking = asyncio.Lock()
        self._informed: weakref.WeakSet = weakref.WeakSet()
        self._frame_ids: dict[str, object] = {}
        self._task: asyncio.Task | None = None
        self._last_status = 0.0
        self._last_frames = 0.0
        self.finished = asyncio.Event()
        core.player = self
        core.clock.set_rate(speed if autoplay else 0.0)

    # ------------------------------------------------------------------ life

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.markers = await loop.run_in_executor(self._io, self.reader.alert_markers)
        self._task = asyncio.create_task(self._loop(), name="drill-player")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        self._io.shutdown(wait=True)

    @property
    def position(self) -> float:
        """Hub time of the replay now (within the recording's start and end)."""
        return min(max(self.core.clock.now(), self.meta.start), self.meta.end)

    def status(self, *, markers: bool = False) -> m.DrillStatus:
        return m.DrillStatus(start=self.meta.start, end=self.meta.end, position=self.position,
                             playing=self.playing, speed=self.speed, scenario=self.meta.scenario,
                             markers=self.markers if markers else [], seek_ms=self.last_seek_ms)

    # ------------------------------------------------------------------ controls

    async def control(self, action: str, value: float | None) -> m.Result:
        """One drill.control: play | pause | speed | seek."""
        if action == "play":
            if self.position >= self.meta.end:
                await self.seek(self.meta.start)
            self.play()
        elif action == "pause":
            self.pause()
        elif action == "speed":
            if value is None or not (MIN_SPEED <= value <= MAX_SPEED):
                return m.Result(ok=False, code="bad_request",
                                message=f"speed must be between {MIN_SPEED} and {MAX_SPEED}")
            self.set_speed(value)
        elif action == "seek":
            if value is None:
                return m.Result(ok=False, code="bad_request", message="seek needs a hub time")
            ms = await self.seek(value)
            return m.Result(ok=True, message=f"seek took {ms:.0f} ms")
        else:
            return m.Result(ok=False, code="bad_request",
                            message=f"drill action {action!r} is not play, pause, speed or seek")
        return m.Result(ok=True)

    def play(self) -> None:
        self.playing = True
        self.core.clock.set_rate(self.speed)
        self._broadcast()

    def pause(self) -> None:
        self.core.clock.set_time(self.position)
        self.core.clock.set_rate(0.0)
        self.playing = False
        self._broadcast()

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        if self.playing:
            self.core.clock.set_rate(speed)
        self._broadcast()

    async def seek(self, ts: float) -> float:
        """Jump to hub time ts; returns how long it took (ms) from request to snapshots queued."""
        ts = min(max(ts, self.meta.start), self.meta.end)
        async with self._seeking:
            t0 = time.perf_counter()
            self._gen += 1
            self._buf = []
            loop = asyncio.get_running_loop()
            state = await loop.run_in_executor(self._io, self.reader.state_at, ts)
            await self.core.rewind(state)
            self._read_to = state.seq
            self.core.clock.set_time(ts)
            ms = (time.perf_counter() - t0) * 1000.0
        self.last_seek_ms = ms
        self.seek_times_ms.append(ms)
        self._frame_ids.clear()
        self.finished.clear()
        log.info("drill seek to %.1f: seq %d in %.1f ms", ts, state.seq, ms)
        self._broadcast()
        return ms

    # ------------------------------------------------------------------ loop

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                if not self._seeking.locked():
                    await self._step(loop)
            except Exception:
                log.exception("drill player step failed")
            await asyncio.sleep(self.tick_s)

    async def _step(self, loop) -> None:
        now = self.core.clock.now()
        if now >= self.meta.end and self.playing:
            self.core.clock.set_time(self.meta.end)
            self.core.clock.set_rate(0.0)
            self.playing = False
            self._broadcast()
        now = min(now, self.meta.end)
        gen = self._gen
        while True:
            if not self._buf:
                if self._read_to >= self.meta.last_seq:
                    self.finished.set()  # every recorded event is in
                    break
                rows = await loop.run_in_executor(self._io, self.reader.events, self._read_to, _READ_BATCH)
                if gen != self._gen or self._seeking.locked():
                    return  # a seek happened meanwhile: these rows belong to the old position
                self._buf = rows
                if rows:
                    self._read_to = rows[-1][0]
            n = 0
            while n < len(self._buf) and self._buf[n][2] <= now:
                n += 1
            if n:
                self.core.feed(self._buf[:n])
                self._buf = self._buf[n:]
            if self._buf:
                break
        wall = loop.time()
        if wall - self._last_frames >= self.frame_every_s:
            self._last_frames = wall
            await self._publish_frames(loop, now)
        self._inform_new()
        if wall - self._last_status >= self.status_every_s:
            self._broadcast()

    async def _publish_frames(self, loop, now: float) -> None:
        if not self._cameras or self.server is None:
            return
        wanted = self.server.subscribed_cameras() & self._cameras
        if wanted:
            # The frame reads hit the drill file: on the reader's thread, never on the loop.
            rows = await loop.run_in_executor(self._io, self._frames_at, sorted(wanted), now,
                                            dict(self._frame_ids))
            for cam, fid, row in rows:
                self._frame_ids[cam] = fid
                camera, ts, number, w, h, jpeg = row
                self.server.publish_frame(camera, encode_frame(Frame(camera, ts, number, JPEG, w, h, jpeg)))
        # a client that subscribes again must get the current frame at once
        for cam in list(self._frame_ids):
            if cam not in wanted:
                del self._frame_ids[cam]

    def _frames_at(self, cameras: list[str], now: float, sent: dict[str, object]) -> list[tuple[str, object, tuple]]:
        """(camera, frame id, frame row) of every camera whose picture at `now` is not the one `sent`.

        A clip's picture has the id (clip id, index); a recorded frame its row id.
        """
        out = []
        for cam in cameras:
            in_clip = self.clips.at(cam, now)
            if in_clip is not None:
                key, (ts, w, h, jpeg) = in_clip
                if sent.get(cam) != key:
                    out.append((cam, key, (cam, ts, key[1], w, h, jpeg)))
                continue
            fid = self.reader.frame_id_at(cam, now)
            if fid is None or sent.get(cam) == fid:
                continue
            row = self.reader.frame_by_id(fid)
            if row is not None:
                out.append((cam, fid, row))
        return out

    def _inform_new(self) -> None:
        fresh = [ch for ch in self.core.channels
                 if ch.live and ch.backlog_done.is_set() and ch not in self._informed]
        if not fresh:
            return
        data = encode("drill", self.status(markers=True))
        for ch in fresh:
            self._informed.add(ch)
            ch.push(data)

    def _broadcast(self) -> None:
        """Send the status (without markers) to every client that has had them once."""
        self._last_status = asyncio.get_running_loop().time()
        data = encode("drill", self.status())
        for ch in list(self.core.channels):
            if ch in self._informed and not ch.dropped:
                ch.push(data)
