"""The console's stream readers: which cameras are pulled now, at which URL and size.

The camera wall says what it shows (`watch`): the cameras on the visible page,
each with the URL for its tile (sub-stream in the grid, main stream in focus)
and the tile's size. Readers start for new cameras, stop for cameras that left
the page (off-page cameras cost nothing), restart when a URL changes, and are
resized in place when only the tile size changes.

Each pulled camera has one ring (the last 30 s of packets: "play the last 30 s",
an alert's −10 s … +20 s evidence), filled from one stream, `Want.ring_url`: the
sub-stream. It keeps running while the tile shows the main stream, so an alert
that brings its camera into focus still has the seconds before it; the main
stream is for display only. Why the sub-stream: it runs the whole time a camera
is visible or alerting (the main stream only from the moment of focus, which is
after the alert), a clip must be one stream (one codec, one picture size), and
30 s of it is ~2 MB where a 1080p main stream is ~16 MB. The price is a second
connection to a focused camera, demuxed but not decoded (about 0.1 % of a core).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

from console.video import status as st
from console.video.pool import DecodePool
from console.video.ring import MAX_BYTES, WINDOW_S, Clip, PacketRing
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
    #: the stream the camera's ring keeps, whatever the tile shows (the sub-stream of a visible or
    #: alerting camera); "": the tile's own stream while it plays live, nothing while it shows stills
    ring_url: str = ""
    #: the ring's byte cap (0: the ring's default, ring.MAX_BYTES); an armed ring's is small
    ring_bytes: int = 0

    def ring_source(self) -> str:
        """The URL whose packets fill the ring ("" when none is kept)."""
        if self.ring_url:
            return self.ring_url
        return "" if self.still_s > 0 else self.url

    def separate_ring(self) -> bool:
        """Whether the ring needs its own packet-only reader (another stream, or the tile shows stills)."""
        return bool(self.ring_url) and (self.ring_url != self.url or self.still_s > 0)


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
        #: the reader each tile shows
        self._readers: dict[str, StreamReader] = {}
        #: packet-only readers filling a ring from another stream than the tile's (`Want.separate_ring`)
        self._ringers: dict[str, StreamReader] = {}
        #: each pulled camera's ring and the URL that fills it (a new URL starts a new ring)
        self._rings: dict[str, tuple[str, PacketRing]] = {}
        #: what each pulled camera was last asked for (`play` keeps the others as they are)
        self._wants: dict[str, Want] = {}
        #: last status of cameras no longer pulled (diagnostics keep showing why they stopped)
        self._closed_status: dict[str, StreamStatus] = {}
        self._closed = False

    # ------------------------------------------------------------------ API

    def watch(self, wanted: dict[str, Want]) -> None:
        """Pull exactly these cameras (those with a pulled URL); stop every other reader.

        A reader whose URL is still wanted, as the tile's stream or as the ring's, is kept
        and re-pointed in place (sub-stream in the grid → packet-only ring reader while the
        main stream plays in focus, and back), so neither the picture nor the ring has a gap.
        """
        with self._lock:
            if self._closed:
                return
            for cam in [c for c in self._readers if c not in wanted or not is_pulled(wanted[c].url)]:
                self._stop(cam)
            for cam, want in wanted.items():
                if is_pulled(want.url):
                    self._wants[cam] = want
                    self._place(cam, want)

    def play(self, camera: str, want: Want) -> None:
        """Pull one more camera (or re-point one), leaving the others alone."""
        with self._lock:
            current = dict(self._wants)
        current[camera] = want
        self.watch(current)

    def clip(self, camera: str) -> Clip | None:
        """The camera's last ~30 s of packets (from a keyframe), or None if it keeps none now.

        None: not pulled, or an idle tile of a camera that is not alerting (stills keep no packets).
        """
        with self._lock:
            kept = self._rings.get(camera)
        return kept[1].snapshot() if kept is not None else None

    def ring_bytes(self) -> int:
        """Bytes held by every camera's ring now (diagnostics, the memory budget)."""
        with self._lock:
            rings = [ring for _, ring in self._rings.values()]
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
        """Stop every reader; safe to call twice. `join_timeout` > 0 waits that long at most for
        their threads to end."""
        with self._lock:
            self._closed = True
            readers = list(self._readers.values()) + list(self._ringers.values())
            for cam in list(self._readers):
                self._stop(cam)
        if join_timeout > 0:
            deadline = time.monotonic() + join_timeout  # for all of them together, not each
            for r in readers:
                r.join(max(0.0, deadline - time.monotonic()))

    # ------------------------------------------------------------------ private

    def _place(self, camera: str, want: Want) -> None:
        """Give the camera a reader for its tile and, if needed, one for its ring, reusing what runs."""
        if want.ring_url and not is_pulled(want.ring_url):
            want = replace(want, ring_url="")  # a sub-stream the hub pushes: the tile's own stream keeps the ring
        spare = [r for r in (self._readers.pop(camera, None), self._ringers.pop(camera, None)) if r is not None]

        def take(url: str) -> StreamReader | None:
            for r in spare:
                if r.url == url:
                    spare.remove(r)
                    return r
            return None

        shown = take(want.url)
        if shown is None:
            shown = self._new_reader(camera, want.url, want)
        else:
            shown.set_size(want.width, want.height)
            shown.set_decode(want.decode)
            shown.set_still(want.still_s)
        self._readers[camera] = shown
        ringer = None
        if want.separate_ring():
            ringer = take(want.ring_url)
            if ringer is None:
                ringer = self._new_reader(camera, want.ring_url, Want(want.ring_url, transport=want.transport))
            ringer.set_decode(False)  # packets only: the tile shows the other reader's pictures
            ringer.set_still(0.0)
            self._ringers[camera] = ringer
        for r in spare:
            r.set_ring(None)
            r.stop()
        source = want.ring_source()
        kept = self._rings.get(camera)
        if not source:
            ring = kept[1] if kept is not None else None  # stills: keep what was kept, add nothing
        elif kept is not None and kept[0] == source:
            ring = kept[1]
            ring.max_bytes = want.ring_bytes or MAX_BYTES  # armed → alerting: the same packets, a larger cap
        else:
            ring = PacketRing(camera, window_s=self.ring_window_s,  # another stream: one clip, one stream
                              max_bytes=want.ring_bytes or MAX_BYTES)
        if ring is not None:
            self._rings[camera] = (source or kept[0], ring)
        feeder = ringer if ringer is not None else shown
        if shown is not feeder:
            shown.set_ring(None)
        feeder.set_ring(ring if source else None)
        self._closed_status.pop(camera, None)
        for r in (shown, ringer):
            if r is not None and not r.started:
                r.start()

    def _new_reader(self, camera: str, url: str, want: Want) -> StreamReader:
        return StreamReader(camera, url, self.frames.offer, width=want.width, height=want.height,
                            transport=want.transport, open_timeout=self._timeouts[0],
                            read_timeout=self._timeouts[1], backoff=Backoff(*self._backoff),
                            decode=want.decode, still_s=want.still_s)

    def _stop(self, camera: str) -> None:
        reader = self._readers.pop(camera)
        reader.stop()
        ringer = self._ringers.pop(camera, None)
        if ringer is not None:
            ringer.stop()
        self._rings.pop(camera, None)
        self._wants.pop(camera, None)
        last = reader.status()
        self._closed_status[camera] = StreamStatus(
            camera, st.STOPPED, redact(reader.url), last.detail, last.attempts, last.last_frame,
            last.first_frame_s, last.frames, last.reconnects, last.width, last.height, last.codec)
