"""A stream reader's connections start at the server's first keyframe, and idle stills keep their interval.

Real GStreamer RTSP server (it sends a keyframe to a client that joins). The probe's packets
are decoded, not dropped: a still (a whole RTSP session for one picture) then decodes the
keyframe it was sent instead of demuxing up to a GOP more, and a live tile's first picture
comes a GOP sooner.
"""

from __future__ import annotations

import threading
import time

import av

from console.video.stream import StreamReader
from tests.video.servers import needs_rtsp
from tests.video.test_streams import wait_for


@needs_rtsp
def test_the_first_packet_a_reader_demuxes_is_the_keyframe_the_server_sent_on_join(rtsp):
    reader = StreamReader("CAM01", rtsp.url, lambda frame: None)  # never started: its options only
    for _ in range(3):
        container = av.open(rtsp.url, options=reader._options(), timeout=reader._pyav_timeouts())
        try:
            video = container.streams.video[0]
            first = next(p for p in container.demux(video) if p.size > 0)
            assert first.is_keyframe  # `fflags nobuffer` dropped it with the probe's packets
        finally:
            container.close()


@needs_rtsp
def test_a_reader_going_idle_takes_its_first_still_an_interval_after_its_last_live_picture(rtsp):
    frames: list[tuple[float, int]] = []  # (stream time, number)
    lock = threading.Lock()

    def out(frame) -> None:
        with lock:
            frames.append((frame.ts, frame.number))

    reader = StreamReader("CAM01", rtsp.url, out, width=160, height=90)
    reader.start()
    try:
        wait_for(lambda: len(frames) >= 5, what="live frames")
        reader.set_still(1.5)  # the live connection ends after its next picture
        with lock:
            n = len(frames)
        wait_for(lambda: len(frames) >= n + 3, timeout=20, what="two stills after the last live picture")
        with lock:
            after = frames[n:n + 3]
    finally:
        reader.stop()
        reader.join(5.0)
    # the last live picture, then stills: each at least the interval (less its 10 % jitter) after the one before
    gaps = [b[0] - a[0] for a, b in zip(after, after[1:])]
    assert all(g >= 1.5 * 0.9 for g in gaps), gaps
