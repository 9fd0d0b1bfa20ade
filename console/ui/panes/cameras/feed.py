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
        self.streamed: set[str] = set()
        #: camera id → its "last 30 s" playing on its tile
        self._replays: dict[str, ClipPlayback] = {}
        #: camera id → the newest decoded frame, for cameras on a tile
        self._last: dict = {}

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

        The live tiles' new frames come from the pool in one call (one lock a tick, not one a tile).
        """
        if self.frames is None:
            return
        replays = self._replays
        status = self.streams.status if pulling else None
        last = self._last
        now = time.monotonic()
        new = self.frames.take_many([t.camera_id for t in tiles if t.camera_id is not None
                                     and t.camera_id not in replays])
        for tile in tiles:
            cid = tile.camera_id
            if cid is None:
                continue
            if cid in replays:
                self._pull_replay(tile, cid, now)
                continue
            frame = new.get(cid)
            if frame is not None:
                last[cid] = kept = (frame, now, self._on_console_clock(cid, frame))
                tile.show_frame(*kept)
            elif not tile.has_picture and (kept := last.get(cid)) is not None:
                # A tile that just got this camera (focus, new layout) shows its last picture at
                # once: a camera that sends rarely (a drill's recorded frames) may not send again soon.
                # It keeps its arrival time, so an old picture is stale at once, not live.
                tile.show_frame(*kept)
            tile.check_stale(now)
            if tile.live.stale:  # the stream's state is shown only on a tile without a live picture
                s = status(cid) if status is not None and cid in self.streamed else None
                tile.set_stream(s.state if s is not None else None, s.attempts if s is not None else 0)
        shown = {t.camera_id for t in tiles}
        for cid in [c for c in last if c not in shown]:
            del last[cid]  # only cameras on screen keep a picture in memory
        for cid in [c for c in replays if c not in shown]:
            replays.pop(cid).stop()  # the camera left the screen

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
