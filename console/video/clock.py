"""When a live stream's picture was taken, by its own timestamps, not when FFmpeg let go of it.

FFmpeg's RTSP demuxer can hold a whole frame until its next read gives up: a camera or
relay that stalls (a SIGSTOP'd server here) delivers its last frame ~2 s late, and a
tile that counted from that moment showed a 2 s old picture as live for 2 s more (stale
after 4.1 s instead of 2). The reader stamps each frame with `StreamClock.stamp`: on
time, "now"; held back by more than `LATE_S` beyond what the stream's own clock (pts)
says since the last on-time frame, the time the stream says it belongs to. A run of late
frames longer than `RESYNC_S` is a stream that resumed on a shifted timeline (a server
that kept its pts across a pause), not held frames: the clock takes it as on time again.
"""

from __future__ import annotations

#: a frame later than its stream time by more than this was held back (network jitter stays under it)
LATE_S = 0.5
#: late frames for this long (wall time) are a shifted timeline, not held frames: re-anchor
RESYNC_S = 1.0
#: a pts step outside 0 … this (seconds) is a new timeline (a loop, a restart, a wrap): re-anchor
MAX_STEP_S = 10.0


class StreamClock:
    """Stamps frames of one connection (make a new one per connection).

    `stamp(pts_s, now)` takes the frame's presentation time in seconds (None when the
    stream has none) and the wall time it came out of the decoder; it returns the wall
    time the picture belongs to (≤ now).
    """

    __slots__ = ("_anchor", "_late_since")

    def __init__(self) -> None:
        #: (pts, wall time) of the last on-time frame
        self._anchor: tuple[float, float] | None = None
        #: wall time of the first frame of the current run of late frames
        self._late_since: float | None = None

    def stamp(self, pts_s: float | None, now: float) -> float:
        """The wall time this frame was taken (see the module docstring)."""
        if pts_s is None:
            return now
        anchor = self._anchor
        if anchor is not None:
            step = pts_s - anchor[0]
            if 0.0 <= step <= MAX_STEP_S:
                expected = anchor[1] + step
                if now - expected > LATE_S:
                    if self._late_since is None:
                        self._late_since = now
                    if now - self._late_since <= RESYNC_S:
                        return expected
        self._anchor = (pts_s, now)
        self._late_since = None
        return now
