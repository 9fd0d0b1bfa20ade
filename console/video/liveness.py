"""Whether each camera still sends frames, for the hub's camera_offline alarms (console/hub/health.py).

The hub pulls each camera it can pull (`rtsp://`, `http(s)://`, HLS, `file://`; not `sim://`,
whose frames the hub pushes itself) the way an alerting camera off the wall is pulled: one
`StreamReader` per camera, demuxing packets without decoding them (measured here: 0.47 % of a
core per 640×360 15 fps H.264 sub-stream, eight at once; 60 cameras would take about 28 %),
reconnecting with its own backoff when the camera goes. A packet is a frame for this purpose:
what matters is that the camera still sends. It keeps the sub-stream (the small one), so a
camera costs its owner one more small connection.

`silent_for(camera)` is how long a watched camera has been without a frame: since its last
packet, or since it was first watched if none came yet (a camera dead when the hub starts is
offline after the same time as one that dies later).
"""

from __future__ import annotations

import threading
import time

from console.domain.model import Camera
from console.video.status import Backoff
from console.video.stream import StreamReader
from console.video.urls import is_pulled

#: the reconnect backoff of a watching reader: short (a camera back must be seen within seconds of
#: its return, or a blip would last as long as the backoff), capped well under the offline threshold
BACKOFF = (0.5, 4.0)


def watched_url(cam: Camera) -> str:
    """The URL the hub watches a camera by: its sub-stream, else its single stream, else its main ("": none pulled)."""
    for url in (cam.sub, cam.stream, cam.main):
        if url and is_pulled(url):
            return url
    return ""


class CameraLiveness:
    """Watches cameras' streams without decoding; `silent_for` says how long each has been without a frame."""

    def __init__(self, *, open_timeout: float = 5.0, read_timeout: float = 2.0,
                 backoff: tuple[float, float] = BACKOFF):
        self._timeouts = (open_timeout, read_timeout)
        self._backoff = backoff
        self._lock = threading.Lock()
        #: camera → (url, transport, its reader, time.time() it was first watched at this URL)
        self._readers: dict[str, tuple[str, str, StreamReader, float]] = {}

    def watch(self, cameras: list[Camera]) -> None:
        """Watch these cameras (those with a pulled URL) and stop watching any other."""
        wanted = {c.id: (url, c.rtsp_transport) for c in cameras if (url := watched_url(c))}
        with self._lock:
            for cid in [c for c, (url, tr, _, _) in self._readers.items() if wanted.get(cid) != (url, tr)]:
                self._readers.pop(cid)[2].stop()
            for cid, (url, transport) in wanted.items():
                if cid not in self._readers:
                    reader = StreamReader(cid, url, _drop, transport=transport, open_timeout=self._timeouts[0],
                                          read_timeout=self._timeouts[1], backoff=Backoff(*self._backoff),
                                          decode=False)
                    reader.start()
                    self._readers[cid] = (url, transport, reader, time.time())

    def silent_for(self, camera: str) -> float | None:
        """Seconds since the camera's last frame (or since it was first watched); None: not watched."""
        with self._lock:
            entry = self._readers.get(camera)
        if entry is None:
            return None
        last = entry[2].status().last_frame
        return max(0.0, time.time() - (last if last is not None else entry[3]))

    def sent_any(self, camera: str) -> bool:
        """Whether the camera sent a frame since it was first watched (at its current URL)."""
        with self._lock:
            entry = self._readers.get(camera)
        return entry is not None and entry[2].status().last_frame is not None

    def watched(self) -> list[str]:
        """The cameras watched now."""
        with self._lock:
            return sorted(self._readers)

    def close(self, join_timeout: float = 0.0) -> None:
        """Stop every reader; wait up to `join_timeout` for each thread (default: not at all: a reader
        waiting on a camera that does not answer leaves at its timeout, a daemon thread)."""
        with self._lock:
            readers, self._readers = [e[2] for e in self._readers.values()], {}
        for r in readers:
            r.stop()
        if join_timeout > 0:
            for r in readers:
                r.join(join_timeout)


def _drop(_frame) -> None:
    """Frames are not wanted (the readers do not decode): nothing is handed over."""
