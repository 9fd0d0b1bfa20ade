"""The ring of a camera survives its alert's focus: the clip starts ~10 s before the alert, from the sub-stream.

A grid tile plays the sub-stream; an alert brings the camera into focus, where the
main stream plays. The ring keeps filling from the sub-stream (a packet-only reader),
so the evidence clip holds the seconds before the alert. An idle (still) tile of an
alerting camera buffers too. Everything is checked by the data's timestamps.
"""

from __future__ import annotations

import time

import simplejpeg

from console.video import status as st
from console.video.evidence import EvidenceKeeper, read_clip_times
from console.video.sources import Want
from tests.video.servers import RtspServer, needs_rtsp
from tests.video.test_streams import wait_for


@needs_rtsp
def test_an_alert_that_focuses_its_camera_keeps_a_clip_from_before_the_alert(servers, sources, tmp_path):
    sub = servers(RtspServer(size="640x360"))
    main = servers(RtspServer(size="1280x720"))
    keeper = EvidenceKeeper(tmp_path / "kept", sources.clip)
    try:
        sources.watch({"CAM07": Want(sub.url, 320, 180, ring_url=sub.url)})  # a grid tile
        wait_for(lambda: (c := sources.clip("CAM07")) and c.packets and c.end - c.start >= 11.0,
                 timeout=40, what="eleven seconds of the sub-stream kept")
        alert_at = sources.clip("CAM07").end
        keeper.note("A0007", "CAM07", alert_at)
        # the alert focuses the camera: the tile plays the main stream, the ring stays on the sub-stream
        sources.watch({"CAM07": Want(main.url, 1280, 720, ring_url=sub.url)})
        wait_for(lambda: (s := sources.status("CAM07")) and s.state == st.PLAYING and s.width == 1280,
                 timeout=20, what="the main stream playing in focus")
        wait_for(lambda: sources.clip("CAM07").end >= alert_at + 3.0, timeout=20, what="three seconds after")
        keeper.finish("A0007")
        clip_file = keeper.clip_path("A0007")
        assert clip_file is not None
        ring_start = sources.clip("CAM07").start
        # unfocus: the ring reader becomes the tile's reader again; the ring keeps its past
        sources.watch({"CAM07": Want(sub.url, 320, 180, ring_url=sub.url)})
        wait_for(lambda: sources.clip("CAM07").end >= alert_at + 4.0, timeout=20, what="the ring after unfocus")
        assert sources.clip("CAM07").start <= ring_start + 1.01, "no new ring after unfocus"
        snapshot = keeper.snapshot_path("A0007")
    finally:
        keeper.close()
    start, times = read_clip_times(clip_file)
    assert times[0] <= alert_at - 8.0, f"the clip starts {times[0] - alert_at:+.2f} s from the alert"
    assert times[0] >= alert_at - 10.0 - 1.01  # from the keyframe at or before −10 s (1 s GOPs)
    assert times[-1] >= alert_at + 2.5 and times == sorted(times)
    assert len(times) >= 15 * 12  # ~13 s of 15 fps, no gap at the focus switch
    gaps = [b - a for a, b in zip(times, times[1:])]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    assert gaps[worst] < 0.5, f"a gap of {gaps[worst]:.2f} s at {times[worst] - alert_at:+.2f} s in the clip"
    # one stream: the sub-stream's pictures, the snapshot at its size
    assert simplejpeg.decode_jpeg(snapshot.read_bytes()).shape == (360, 640, 3)


@needs_rtsp
def test_an_idle_tile_buffers_only_while_its_camera_alerts(servers, sources):
    sub = servers(RtspServer(size="640x360"))
    sources.watch({"CAM08": Want(sub.url, 160, 90, still_s=30.0)})  # idle, not alerting: stills only
    wait_for(lambda: (s := sources.status("CAM08")) and s.state == st.STILL, timeout=20, what="a still")
    assert sources.clip("CAM08") is None, "an idle tile keeps no packets"
    # the camera alerts: the idle tile keeps its stills, and its ring fills from the sub-stream
    sources.watch({"CAM08": Want(sub.url, 160, 90, still_s=30.0, ring_url=sub.url)})
    wait_for(lambda: (c := sources.clip("CAM08")) and c.packets and c.end - c.start >= 2.0,
             timeout=20, what="two seconds kept while idle and alerting")
    assert sources.status("CAM08").state == st.STILL, "the tile still shows stills"
    clip = sources.clip("CAM08")
    assert clip.packets[0].key and clip.codec == "h264"
    assert sources.ring_bytes() == clip.nbytes > 0
