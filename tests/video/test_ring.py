"""The last 30 s as compressed packets: bounded, starts at a keyframe, decodes back into pictures."""

from __future__ import annotations

from console.video.pool import DecodePool
from console.video.ring import PacketRing, decode_clip
from console.video.sources import StreamSources, Want
from tests.video.servers import RtspServer, needs_rtsp
from tests.video.test_streams import wait_for


def test_the_ring_keeps_whole_gops_inside_the_window_and_the_byte_cap():
    ring = PacketRing("C", window_s=10.0, max_bytes=10_000)
    ring.add(0.0, 0, False, b"x" * 100)  # before any keyframe: useless, dropped
    assert ring.nbytes == 0
    for second in range(30):  # one GOP per second: a keyframe and 4 deltas of 100 bytes
        for i in range(5):
            ring.add(second + i * 0.2, second * 5 + i, i == 0, b"k" * 100 if i == 0 else b"d" * 100)
    clip = ring.snapshot()
    assert clip.packets[0].key and clip.packets[0].at >= 29.8 - 10.0 - 1.0
    assert ring.seconds() <= 10.0 + 1.0
    small = PacketRing("C", window_s=60.0, max_bytes=1_200)
    for second in range(30):
        for i in range(5):
            small.add(second + i * 0.2, None, i == 0, b"p" * 100)
    assert small.nbytes <= 1_200 + 500 and small.snapshot().packets[0].key
    # a gap (an outage, an idle spell): the GOP before it leaves once it is older than the window
    for i in range(5):
        ring.add(100.0 + i * 0.2, None, i == 0, b"p" * 100)
    assert ring.snapshot().packets[0].at == 100.0
    window = clip.between(25.1, 27.5)
    assert window.packets[0].key and window.packets[0].at == 25.0 and window.packets[-1].at <= 27.5


@needs_rtsp
def test_a_pulled_camera_keeps_its_last_seconds_and_they_decode(servers):
    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool, ring_window_s=3.0)
    try:
        sources.watch({"CAM01": Want(srv.url, 320, 180)})
        wait_for(lambda: (c := sources.clip("CAM01")) and c.packets and c.end - c.start >= 2.0, what="two seconds of packets")
        clip = sources.clip("CAM01")
        assert clip.codec == "h264" and clip.packets[0].key
        frames = list(decode_clip(clip, 160, 90))
        assert len(frames) >= 15  # ≥ 2 s at 15 fps, from the first packet on
        assert (frames[0].width, frames[0].height) == (160, 90)
        assert frames[0].ts >= clip.start and frames[-1].ts <= clip.end
        # once the stream has run well past the window, the ring holds only the window (+ one GOP)
        wait_for(lambda: sources.clip("CAM01").end - clip.start >= 3.0 + 2.0, what="the stream to outrun the window")
        assert sources.clip("CAM01").end - sources.clip("CAM01").start <= 3.0 + 1.5  # window + one GOP
    finally:
        sources.close(join_timeout=5)
        pool.close()


@needs_rtsp
def test_an_alerting_camera_off_the_page_keeps_packets_without_decoding(servers):
    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool)
    try:
        sources.watch({"CAM09": Want(srv.url, decode=False)})
        wait_for(lambda: (c := sources.clip("CAM09")) and len(c.packets) > 15, what="packets")
        assert pool.stats("CAM09").decoded == 0
        sources.watch({"CAM09": Want(srv.url, 160, 90)})  # it comes on screen: decoding starts in place
        wait_for(lambda: pool.stats("CAM09").decoded > 0, what="decoding")
        assert sources.status("CAM09").reconnects == 0
    finally:
        sources.close(join_timeout=5)
        pool.close()
