"""Play a clip of packets back at its recorded pace, in a thread, into the decode pool.

"Play the last 30 s" on a tile: the wall takes the camera's ring snapshot, and
this decodes it and `offer`s each frame under the camera's replay key when its
time comes, so the live stream (under the camera's own key) goes on beside it.
"""

from __future__ import annotations

import threading
import time

from console.video.pool import DecodedFrame, DecodePool
from console.video.ring import Clip, decode_clip


def replay_key(camera: str) -> str:
    """The decode-pool key a camera's replay frames go under (never a real camera id: ids have no '#')."""
    return f"{camera}#replay"


class ClipPlayback:
    """Decodes `clip` and offers its frames at the recorded pace (× `speed`) under `replay_key(camera)`."""

    def __init__(self, clip: Clip, frames: DecodePool, *, width: int = 0, height: int = 0, speed: float = 1.0):
        self.clip = clip
        self.key = replay_key(clip.camera)
        self._frames = frames
        self._size = (width, height)
        self._speed = max(0.1, speed)
        self._stop = threading.Event()
        self._done = threading.Event()
        #: the recorded time of the frame shown last (what the tile prints)
        self.position: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"replay-{clip.camera}", daemon=True)

    def start(self) -> "ClipPlayback":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    @property
    def done(self) -> bool:
        """Every frame was offered, or the playback was stopped."""
        return self._done.is_set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            started = time.monotonic()
            first = self.clip.start
            for frame in decode_clip(self.clip, *self._size):
                if self._stop.is_set():
                    return
                due = started + (frame.ts - first) / self._speed if first is not None else 0.0
                wait = due - time.monotonic()
                if wait > 0 and self._stop.wait(wait):
                    return
                self.position = frame.ts
                self._frames.offer(DecodedFrame(self.key, frame.ts, frame.number, frame.width, frame.height,
                                                frame.pixels))
        finally:
            self._done.set()
