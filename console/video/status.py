"""A camera stream's state as codes (the UI renders the words), and the reconnect backoff.

States a stream goes through: connecting → playing, and on any failure one of
the reasons below, then connecting again after a jittered, capped backoff.
The reasons are what an operator can act on: a camera that is down is not a
camera whose password changed, and neither is a camera in a codec we don't decode.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CONNECTING = "connecting"
PLAYING = "playing"
#: the server did not answer, refused, or stopped sending (the common case: camera or relay down)
NO_SIGNAL = "no_signal"
AUTH_FAILED = "auth_failed"
#: the stream opened but holds no video we decode (H.264, H.265, MJPEG, MPEG-4 Part 2)
CODEC_UNSUPPORTED = "codec_unsupported"
#: the server answered "no such stream" (404, RTSP 404/454)
NOT_FOUND = "not_found"
#: the URL itself cannot be played (unknown scheme, malformed): retrying will not help
BAD_URL = "bad_url"
#: bytes arrived but are not a stream FFmpeg can read
UNREADABLE = "unreadable"
#: the wall stopped playing it (off-page)
STOPPED = "stopped"
#: an idle tile (over the live budget): the reader took one picture and waits to take the next
STILL = "still"

REASONS = (NO_SIGNAL, AUTH_FAILED, CODEC_UNSUPPORTED, NOT_FOUND, BAD_URL, UNREADABLE)
STATES = (CONNECTING, PLAYING, STILL, STOPPED) + REASONS


@dataclass(slots=True, frozen=True)
class StreamStatus:
    """One camera stream's state for tiles and diagnostics (a snapshot; safe to keep).

    `detail` is the last error in the decoder's words, already redacted; `last_frame`
    is the wall-clock time of the newest frame (None before the first).
    """

    camera: str
    state: str
    url: str = ""
    detail: str = ""
    attempts: int = 0
    last_frame: float | None = None
    #: seconds from the last open to its first frame (None while waiting)
    first_frame_s: float | None = None
    frames: int = 0
    reconnects: int = 0
    width: int = 0
    height: int = 0
    codec: str = ""


class Backoff:
    """Exponential reconnect delays with full jitter, capped; `reset()` after a frame.

    Jitter spreads the reconnects of 60 cameras behind one relay that came back,
    so they don't all hit it in the same instant.
    """

    def __init__(self, base: float = 0.5, cap: float = 8.0, factor: float = 2.0,
                 rng: random.Random | None = None):
        self.base, self.cap, self.factor = base, cap, factor
        self._rng = rng or random.Random()
        self.failures = 0

    def next(self) -> float:
        """The delay before the next attempt (seconds): uniform in [ceiling/2, ceiling]."""
        ceiling = min(self.cap, self.base * self.factor ** self.failures)
        self.failures += 1
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """The stream is playing again: the next failure starts from `base`."""
        self.failures = 0
