"""Evidence around an alert: the clip holds that window's frames (by their times), the manifest verifies."""

from __future__ import annotations


import simplejpeg

from console.video.evidence import export_alert_evidence, read_clip_times, verify_manifest
from console.video.pool import DecodePool
from console.video.sources import StreamSources, Want
from tests.video.servers import RtspServer, needs_rtsp
from tests.video.test_streams import wait_for


@needs_rtsp
def test_an_alert_clip_holds_the_frames_of_its_window_and_its_manifest_verifies(servers, tmp_path):
    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool)
    try:
        sources.watch({"CAM07": Want(srv.url, 160, 90)})
        wait_for(lambda: (c := sources.clip("CAM07")) and c.packets and c.end - c.start >= 4.0,
                 timeout=20, what="four seconds kept")
        clip = sources.clip("CAM07")
    finally:
        sources.close(join_timeout=5)
        pool.close()
    # an alert 2 s into what the ring holds: the window is −10 s … +20 s, clipped to what was kept
    alert_at = clip.start + 2.0
    folder = tmp_path / "I-A0010"
    manifest = export_alert_evidence(clip, alert_at, folder, name="A0010")
    assert set(manifest["files"]) == {"A0010.mkv", "A0010.jpg"}

    start, times = read_clip_times(folder / "A0010.mkv")
    assert abs(start - clip.start) < 0.01  # the window starts at the ring's first keyframe (≥ 10 s before is gone)
    assert len(times) >= 45  # ≥ 3 s of 15 fps
    assert times == sorted(times)
    assert times[0] >= clip.start - 0.01 and times[-1] <= clip.end + 0.01
    assert any(abs(t - alert_at) < 0.2 for t in times)  # the alert's moment is in the clip
    snap = simplejpeg.decode_jpeg((folder / "A0010.jpg").read_bytes())
    assert snap.shape == (360, 640, 3)  # the snapshot is full size, not the tile's

    assert verify_manifest(folder) == []
    (folder / "A0010.jpg").write_bytes(b"tampered")
    (folder / "extra.txt").write_text("x")
    assert sorted(verify_manifest(folder)) == ["changed: A0010.jpg", "not in the manifest: extra.txt"]


def test_the_window_of_a_long_ring_starts_at_the_keyframe_before_minus_10_s():
    from console.video.ring import PacketRing

    ring = PacketRing("C", window_s=60.0)
    for second in range(50):
        for i in range(5):
            ring.add(1000.0 + second + i * 0.2, None, i == 0, b"p")
    clip = ring.snapshot().between(1030.5 - 10.0, 1030.5 + 20.0)
    assert clip.packets[0].at == 1020.0 and clip.packets[0].key
    assert clip.packets[-1].at <= 1050.5
