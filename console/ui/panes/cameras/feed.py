"""Frames onto tiles: each visible camera's newest decoded frame, a tile's "last 30 s" replay, its stream state.

The camera wall calls `pull` on every UI tick with the tiles on screen. Frames come
from the decode pool (hub-pushed and stream-read alike); a replay's frames come from
the pool's replay slot while the live ones wait behind it.
"""

from __future__ import annotations

import time

from console.client.replica import Replica
from console.ui.panes.cameras.tile import CameraTile
from console.video.playback import ClipPlayback, replay_key
from console.video.pool import DecodePool


class TileFeed:
    """Hands frames to tiles; keeps the last picture of each camera on screen and the replays running."""

    def __init__(self, replica: Replica, frames: DecodePool | None):
        self.replica = replica
        self.frames = frames
        #: the stream readers feeding `frames` (None: every frame comes from the hub)
        self.streams = frames.streams if frames is not None else None
        #: cameras on screen pulled by a stream reader (the others wait for hub frames)
        self._streamed: set[str] = set()
        #: the tiles of the last tick, by camera; the earliest moment one of them may go stale; the
        #: stale ones (shown with their stream's state every tick)
        self._tiles: list[CameraTile] | None = None
        self._by_camera: dict[str, CameraTile] = {}
        self._due = 0.0
        self._stale: list[CameraTile] = []
        #: camera id → its "last 30 s" playing on its tile
        self._replays: dict[str, ClipPlayback] = {}
        #: camera id → the newest decoded frame, for cameras on a tile
        self._last: dict = {}

    @property
    def streamed(self) -> set[str]:
        """Cameras on screen pulled by a stream reader (the others wait for hub frames)."""
        return self._streamed

    @streamed.setter
    def streamed(self, cameras: set[str]) -> None:
        # the wall planned its sources again (layout, live budget, stills, selection): every tile is
        # looked at on the next tick (a still turned live has a 2 s limit again, not the still's)
        self._streamed = cameras
        self._due = 0.0

    def replay(self, tile: CameraTile, width: int, height: int) -> bool:
        """Play a streamed camera's last ~30 s on its tile at width × height; False if there is nothing kept."""
        camera_id = tile.camera_id
        if camera_id is None or self.streams is None or self.frames is None:
            return False
        clip = self.streams.clip(camera_id)
        if clip is None or not clip.packets:
            return False
        old = self._replays.pop(camera_id, None)
        if old is not None:
            old.stop()
        self._replays[camera_id] = ClipPlayback(clip, self.frames, width=width, height=height).start()
        tile.set_replay(True)
        return True

    def last_frame(self, camera_id: str):
        """The newest decoded frame of a camera on a tile (None for one never shown: only those are kept)."""
        kept = self._last.get(camera_id)
        return kept[0] if kept is not None else None

    def replaying(self) -> list[str]:
        """Cameras whose tile plays back their last 30 s now."""
        return sorted(self._replays)

    def pull(self, tiles: list[CameraTile], pulling: bool) -> None:
        """New frames for the tiles on screen; `pulling`: the stream readers are in use (their states shown).

        A tick touches only what can change: the tiles with a new frame (taken from the pool in one
        call) and the tiles without a live picture (their stream's state is shown). Every tile is
        looked at again when the first live picture may have grown old (`_due`: the earliest moment
        a tile can go stale, so it greys on the tick it turns 2 s old, as before), when the tiles
        or what feeds them changed, and while a replay runs. The wall's tick runs while sixteen
        decoders churn the caches; a Python attribute read on each of 64 tiles 20 times a second
        cost more than the frames' own painting.
        """
        if self.frames is None:
            return
        now = time.monotonic()
        if tiles is not self._tiles:
            self._tiles = tiles
            self._by_camera = {t.camera_id: t for t in tiles if t.camera_id is not None}
            self._due = 0.0
        by_camera = self._by_camera
        replays = self._replays
        new = self.frames.take_many([c for c in by_camera if c not in replays] if replays else list(by_camera))
        last = self._last
        due = self._due
        for cid, frame in new.items():
            tile = by_camera[cid]
            last[cid] = kept = (frame, now, self._on_console_clock(cid, frame))
            tile.show_frame(*kept)
            live = tile.live
            if not live.stale:  # its picture grows old from when it arrived
                due = min(due, live.arrived + live.stale_after)
        self._due = due
        if now >= due or replays:
            self._sweep(tiles, pulling, now)
        else:
            for tile in self._stale:
                self._show_state(tile, pulling, now)

    def _sweep(self, tiles: list[CameraTile], pulling: bool, now: float) -> None:
        """Every tile: its replay, its last picture (a tile that just got its camera), its age; `_due` again."""
        last = self._last
        replays = self._replays
        due = float("inf")
        stale: list[CameraTile] = []
        for tile in tiles:
            cid = tile.camera_id
            if cid is None:
                continue
            if cid in replays:
                self._pull_replay(tile, cid, now)
                continue
            if not tile.has_picture and (kept := last.get(cid)) is not None:
                # A tile that just got this camera (focus, new layout) shows its last picture at
                # once: a camera that sends rarely (a drill's recorded frames) may not send again soon.
                # It keeps its arrival time, so an old picture is stale at once, not live.
                tile.show_frame(*kept)
            if self._show_state(tile, pulling, now):
                stale.append(tile)
            else:
                live = tile.live
                due = min(due, live.arrived + live.stale_after)
        self._due, self._stale = due, stale
        shown = set(self._by_camera)
        for cid in [c for c in last if c not in shown]:
            del last[cid]  # only cameras on screen keep a picture in memory
        for cid in [c for c in replays if c not in shown]:
            replays.pop(cid).stop()  # the camera left the screen

    def _show_state(self, tile: CameraTile, pulling: bool, now: float) -> bool:
        """Judge the tile's age now; a tile without a live picture shows its stream's state. True: stale."""
        tile.check_stale(now)
        if not tile.live.stale:
            return False
        cid = tile.camera_id
        s = self.streams.status(cid) if pulling and self.streams is not None and cid in self._streamed else None
        tile.set_stream(s.state if s is not None else None, s.attempts if s is not None else 0)
        return True

    def _pull_replay(self, tile: CameraTile, cid: str, now: float) -> None:
        """A tile playing its last 30 s: the replay's next frame; the live one waits behind it (dropped)."""
        take = self.frames.take
        frame = take(replay_key(cid))
        if frame is not None:
            tile.show_frame(frame, now, self._on_console_clock(cid, frame))
        elif self._replays[cid].done:
            del self._replays[cid]
            tile.set_replay(False)
        take(cid)  # the live frame waits behind the replay; drop it, the next one comes soon
        tile.check_stale(now)

    def _on_console_clock(self, camera_id: str, frame) -> float | None:
        """A pulled camera's frame time on the console's clock (the header's); None: it is already.

        The stream reader stamps frames with this machine's time; in an exercise the header shows
        the scenario's, so "最后画面 21:09" under a header at 07:03 would be two clocks on one screen.
        Hub-pushed frames carry the hub's time already. Live, the hub's clock is wall time.
        """
        link = self.replica.link
        if camera_id not in self.streamed or not link.clock:
            return None
        # hub time now, less the frame's age at the hub clock's rate (an exercise may run faster)
        return self.replica.hub_now() - (time.time() - frame.ts) * link.clock_rate
