"""Evidence around an alert: the clip holds that window's frames (by their times), the manifest verifies."""

from __future__ import annotations


import pytest
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


@needs_rtsp
def test_the_keeper_keeps_an_alerts_snapshot_and_clip_in_hub_time_and_the_bundle_verifies(servers, tmp_path):
    import time
    import zipfile

    from console.video.evidence import EvidenceKeeper, verify_bundle, write_bundle

    srv = servers(RtspServer())
    pool = DecodePool(workers=1)
    sources = StreamSources(pool)
    hub_ahead = 86_400.0 * 3  # an exercise: hub time is three days ahead of this machine's clock
    kept = []
    keeper = EvidenceKeeper(tmp_path / "kept", sources.clip, to_hub=lambda wall: wall + hub_ahead,
                            hub_now=lambda: time.time() + hub_ahead)
    keeper.listeners.append(kept.append)
    try:
        sources.watch({"CAM07": Want(srv.url, 160, 90)})
        wait_for(lambda: (c := sources.clip("CAM07")) and c.packets and c.end - c.start >= 4.0,
                 timeout=20, what="four seconds kept")
        ring = sources.clip("CAM07")
        alert_at = ring.start + 2.0 + hub_ahead
        keeper.note("A0042", "CAM07", alert_at)
        wait_for(lambda: (keeper.poll(), keeper.snapshot_path("A0042"))[1], timeout=10, what="the snapshot kept")
        assert keeper.clip_path("A0042") is None, "the clip waits for +20 s ..."
        keeper.finish("A0042")  # ... unless an export needs it now
        clip_file = keeper.clip_path("A0042")
        assert clip_file is not None and kept == ["A0042", "A0042"]
    finally:
        keeper.close()
        sources.close(join_timeout=5)
        pool.close()
    start, times = read_clip_times(clip_file)
    assert abs(start - (ring.start + hub_ahead)) < 0.01, "the clip is in hub time"
    assert times[0] >= alert_at - 10.0 - 0.01 and times[-1] <= alert_at + 20.0
    assert any(abs(t - alert_at) < 0.2 for t in times) and len(times) >= 45
    assert simplejpeg.decode_jpeg(keeper.snapshot_path("A0042").read_bytes()).shape == (360, 640, 3)

    bundle = write_bundle(tmp_path / "I-A0042.zip", {"clips/A0042.mkv": clip_file,
                                                      "snapshots/A0042.jpg": keeper.snapshot_path("A0042"),
                                                      "timeline.json": b"{}"})
    assert verify_bundle(bundle) == []
    with zipfile.ZipFile(bundle) as z:
        assert sorted(z.namelist()) == ["clips/A0042.mkv", "manifest.json", "snapshots/A0042.jpg", "timeline.json"]
        members = {n: z.read(n) for n in z.namelist()}
    members["snapshots/A0042.jpg"] = members["snapshots/A0042.jpg"][:-1] + b"\x00"
    with zipfile.ZipFile(tmp_path / "tampered.zip", "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    assert verify_bundle(tmp_path / "tampered.zip") == ["changed: snapshots/A0042.jpg"]
    folder = write_bundle(tmp_path / "I-A0042", {"clips/A0042.mkv": clip_file, "timeline.json": b"{}"})
    assert verify_bundle(folder) == []
    (folder / "timeline.json").write_text('{"edited": true}')
    assert verify_bundle(folder) == ["changed: timeline.json"]


def test_a_bundle_refuses_names_that_leave_it_and_an_existing_destination(tmp_path):
    from console.video.evidence import verify_bundle, write_bundle

    for bad in ("../x", "/etc/x", "a/../../x", "manifest.json"):
        with pytest.raises(ValueError):
            write_bundle(tmp_path / "b.zip", {bad: b"x"})
    write_bundle(tmp_path / "b.zip", {"a.txt": b"x"})
    with pytest.raises(FileExistsError):
        write_bundle(tmp_path / "b.zip", {"a.txt": b"y"})
    (tmp_path / "junk.zip").write_bytes(b"PK not really")
    assert verify_bundle(tmp_path / "junk.zip")[0].startswith("not a readable zip")
    assert verify_bundle(tmp_path / "nothing-here")[0].startswith("no such folder or zip")


def test_the_keeper_removes_the_oldest_alerts_evidence_over_its_cap(tmp_path):
    import os

    from console.video.evidence import EvidenceKeeper
    from console.video.ring import PacketRing

    root = tmp_path / "kept"
    for i, name in enumerate(["A1", "A2", "A3"]):
        (root / name).mkdir(parents=True)
        (root / name / "clip.mkv").write_bytes(b"x" * 1000)
        os.utime(root / name / "clip.mkv", (1000 + i, 1000 + i))
    ring = PacketRing("C")
    keeper = EvidenceKeeper(root, lambda cam: ring.snapshot(), max_bytes=2500)
    keeper._prune(keep="A3")
    keeper.close()
    assert sorted(p.name for p in root.iterdir()) == ["A2", "A3"], "the oldest went, the newest stays"
