"""The console's stream readers: which cameras are pulled now, at which URL and size.

The camera wall says what it shows (`watch`): the cameras on the visible page,
each with the URL for its tile (sub-stream in the grid, main stream in focus)
and the tile's size. Readers start for new cameras, stop for cameras that left
the page (off-page cameras cost nothing), restart when a URL changes, and are
resized in place when only the tile size changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from console.video import status as st
from console.video.pool import DecodePool
from console.video.ring import WINDOW_S, Clip, PacketRing
from console.video.status import Backoff, StreamStatus
from console.video.stream import OPEN_TIMEOUT_S, READ_TIMEOUT_S, StreamReader
from console.video.urls import is_pulled, redact


@dataclass(slots=True, frozen=True)
class Want:
    """What one tile needs from a camera: a URL, the tile's pixel size, the RTSP transport."""

    url: str
    width: int = 0
    height: int = 0
    transport: str = "tcp"
    #: False: keep the last 30 s of packets without decoding (an alerting camera off the page)
    decode: bool = True
    #: > 0: an idle tile: a still every this many seconds instead of live video
    still_s: float = 0.0


class StreamSources:
    """Stream readers keyed by camera, decoding into a `DecodePool` (newest wins).

    Only URLs the console pulls itself (`urls.is_pulled`) get a reader; `sim://`
    and empty URLs are left to the hub's pushed frames.
    """

    def __init__(self, frames: DecodePool, *, open_timeout: float = OPEN_TIMEOUT_S,
                 read_timeout: float = READ_TIMEOUT_S, backoff_base: float = 0.5,
                 backoff_cap: float = 8.0, ring_window_s: float = WINDOW_S):
        self.frames = frames
        frames.streams = self  # the wall and diagnostics find the readers next to the frames they feed
        self._timeouts = (open_timeout, read_timeout)
        self._backoff = (backoff_base, backoff_cap)
        #: each pulled camera keeps this many seconds of packets ("play the last 30 s", evidence)
        self.ring_window_s = ring_window_s
        self._lock = threading.Lock()
        self._readers: dict[str, StreamReader] = {}
        #: last status of cameras no longer pulled (diagnostics keep showing why they stopped)
        self._closed_status: dict[str, StreamStatus] = {}
        self._closed = False

    # ------------------------------------------------------------------ API

    def watch(self, wanted: dict[str, Want]) -> None:
        """Pull exactly these cameras (those with a pulled URL); stop every other reader."""
        with self._lock:
            if self._closed:
                return
            for cam in [c for c in self._readers if c not in wanted or not is_pulled(wanted[c].url)]:
                self._stop(cam)
            for cam, want in wanted.items():
                if not is_pulled(want.url):
                    continue
                reader = self._readers.get(cam)
                if reader is not None and reader.url == want.url:
                    reader.set_size(want.width, want.height)
                    reader.set_decode(want.decode)
                    reader.set_still(want.still_s)
                    continue
                if reader is not None:
                    self._stop(cam)
                self._start(cam, want)

    def play(self, camera: str, want: Want) -> None:
        """Pull one more camera (or re-point one), leaving the others alone."""
        with self._lock:
            current = {c: Want(r.url, still_s=r.still_s) for c, r in self._readers.items()}
        current[camera] = want
        self.watch(current)

    def clip(self, camera: str) -> Clip | None:
        """The camera's last ~30 s of packets (from a keyframe), or None if it is not pulled now."""
        with self._lock:
            reader = self._readers.get(camera)
        if reader is None or reader.ring is None:
            return None
        return reader.ring.snapshot()

    def ring_bytes(self) -> int:
        """Bytes held by every camera's ring now (diagnostics, the memory budget)."""
        with self._lock:
            rings = [r.ring for r in self._readers.values() if r.ring is not None]
        return sum(r.nbytes for r in rings)

    def pulled(self) -> list[str]:
        """Cameras with a reader now."""
        with self._lock:
            return sorted(self._readers)

    def status(self, camera: str) -> StreamStatus | None:
        """The camera's stream state, or None if it was never pulled."""
        with self._lock:
            reader = self._readers.get(camera)
            return reader.status() if reader is not None else self._closed_status.get(camera)

    def statuses(self) -> list[StreamStatus]:
        """Every camera pulled now or before, by camera id."""
        with self._lock:
            out = dict(self._closed_status)
            out.update({c: r.status() for c, r in self._readers.items()})
        return [out[c] for c in sorted(out)]

    def close(self, join_timeout: float = 0.0) -> None:
        """Stop every reader; safe to call twice. `join_timeout` > 0 waits for the threads."""
        with self._lock:
            self._closed = True
            readers = list(self._readers.values())
            for cam in list(self._readers):
                self._stop(cam)
        if join_timeout > 0:
            for r in readers:
                r.join(join_timeout)

    # ------------------------------------------------------------------ private

    def _start(self, camera: str, want: Want) -> None:
        reader = StreamReader(camera, want.url, self.frames.offer, width=want.width, height=want.height,
                              transport=want.transport, open_timeout=self._timeouts[0],
                              read_timeout=self._timeouts[1], backoff=Backoff(*self._backoff),
                              ring=PacketRing(camera, window_s=self.ring_window_s), decode=want.decode,
                              still_s=want.still_s)
        self._readers[camera] = reader
        self._closed_status.pop(camera, None)
        reader.start()

    def _stop(self, camera: str) -> None:
        reader = self._readers.pop(camera)
        reader.stop()
        last = reader.status()
        self._closed_status[camera] = StreamStatus(
            camera, st.STOPPED, redact(reader.url), last.detail, last.attempts, last.last_frame,
            last.first_frame_s, last.frames, last.reconnects, last.width, last.height, last.codec)
