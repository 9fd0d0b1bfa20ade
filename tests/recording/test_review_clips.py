"""Drill files carry evidence clips, and review plays them on the camera in step with the replay, seek included."""

import asyncio
import shutil
from fractions import Fraction

import av
import numpy as np
import pytest
import simplejpeg

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.protocol import messages as m
from console.protocol.codec import decode_frame, encode
from console.recording.clips import clip_row
from console.recording.drill_file import DrillReader, add_clips
from console.video.evidence import write_clip
from console.video.ring import Clip, Packet
from tests.hub.harness import Client
from tests.waiting import until

pytestmark = pytest.mark.integration

FPS = 5.0
N = 100  # 20 s of pictures


def gray(i: int) -> int:
    """Picture i of the test clip is this uniformly grey: what a frame shows says which one it is."""
    return 20 + 2 * i


def make_clip(path, camera: str, t0: float):
    """A real Matroska clip of MJPEG pictures at t0 + i/FPS (hub time), encoded by FFmpeg, as a console keeps it."""
    enc = av.CodecContext.create("mjpeg", "w")
    enc.width, enc.height, enc.pix_fmt, enc.time_base = 160, 96, "yuvj420p", Fraction(1, 25)
    packets = []
    for i in range(N):
        frame = av.VideoFrame.from_ndarray(np.full((96, 160, 3), gray(i), np.uint8), format="rgb24")
        frame = frame.reformat(format="yuvj420p")
        frame.pts = i
        for p in enc.encode(frame):
            packets.append(Packet(t0 + i / FPS, i, True, bytes(p)))
    write_clip(Clip(camera, "mjpeg", None, Fraction(1, 25), packets), path)
    return path


class FrameClient(Client):
    """The harness's protocol client, also keeping the camera frames (binary messages) it gets."""

    def __init__(self, ws):
        self.frames = []
        super().__init__(ws)

    async def _read(self):
        async for raw in self.ws:
            if isinstance(raw, bytes):
                self.frames.append(decode_frame(raw))
                continue
            from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch
            for msg in decode_batch(raw, max_bytes=MAX_HUB_MESSAGE_BYTES):
                self._on(msg)


async def _frame_after(client: FrameClient, seen: int, camera: str, timeout: float = 10.0):
    async def poll():
        while True:
            for f in client.frames[seen:]:
                if f.camera == camera:
                    return f
            await asyncio.sleep(0.01)
    return await asyncio.wait_for(poll(), timeout)


def _mean(frame) -> float:
    return float(simplejpeg.decode_jpeg(bytes(frame.payload)).mean())


async def test_review_shows_the_clip_frame_of_the_seek_time(recorded, tmp_path):
    src, _ = recorded
    path = tmp_path / "with-clips.drill"
    shutil.copyfile(src, path)
    with DrillReader(path) as r:
        meta = r.meta
        assert meta.clips == 0
    t0 = meta.start + 300.0
    row = clip_row("A-EVID", make_clip(tmp_path / "clip.mkv", "CAM01", t0))
    assert row[1:4] == ("CAM01", t0, pytest.approx(t0 + (N - 1) / FPS, abs=0.002))
    assert add_clips(path, [row]) == 1
    with DrillReader(path) as r:
        assert (r.meta.clips, r.meta.clip_cameras) == (1, ["CAM01"])
        assert r.state_at(meta.end).seq == meta.last_seq, "the recording itself is untouched"

    hub = await start_hub(HubConfig(port=0, drill=str(path), speed=1.0, scenario=None))
    try:
        hub.player.pause()
        async with FrameClient.connect(hub.url, "demo-commander") as client:
            await client.ws.send(encode("subscribe", m.Subscribe(cameras=["CAM01"])), text=True)
            for seek, want in ((t0 + 7.3, 36), (t0 + 15.05, 75), (t0 + 2.0, 10), (t0 + 7.3, 36)):
                seen = len(client.frames)
                await hub.player.seek(seek)
                f = await _frame_after(client, seen, "CAM01")
                assert f.ts == pytest.approx(t0 + want / FPS, abs=0.002), (seek, f.ts - t0)
                assert abs(_mean(f) - gray(want)) < 4, "the picture shown is the one of that moment"
            # outside the clip the recording's own (once-a-minute) frames are shown again
            seen = len(client.frames)
            await hub.player.seek(t0 + 200.0)
            f = await _frame_after(client, seen, "CAM01")
            assert f.ts <= t0 + 200.0 and not (t0 <= f.ts <= t0 + N / FPS)
            # and playing through the clip moves the picture on with the replay clock
            await hub.player.seek(t0 + 1.0)
            hub.player.set_speed(4.0)
            hub.player.play()
            seen = len(client.frames)

            def in_clip() -> list:
                return [f for f in client.frames[seen:] if f.camera == "CAM01" and t0 <= f.ts <= t0 + N / FPS]

            await until(lambda: len(in_clip()) >= 3, "three of the clip's pictures while it plays")
            hub.player.pause()
            shown = in_clip()
            assert len(shown) >= 3 and [f.ts for f in shown] == sorted(f.ts for f in shown)
            assert all(abs(_mean(f) - gray(round((f.ts - t0) * FPS))) < 4 for f in shown)
    finally:
        await hub.stop()


def test_a_file_made_before_clips_reads_with_none(tmp_path):
    from pathlib import Path

    old = Path(__file__).parent / "data" / "v1-marathon.drill"
    with DrillReader(old) as r:
        assert (r.meta.clips, r.meta.clip_cameras, r.clips()) == (0, [], [])


def test_the_cli_puts_the_kept_clips_of_a_drills_alerts_into_it(recorded, tmp_path, capsys):
    from console.cli import main as cli

    src, _ = recorded
    path = tmp_path / "drill.drill"
    shutil.copyfile(src, path)
    with DrillReader(path) as r:
        (at, _, alert), *_ = r.alert_markers()
    kept = tmp_path / "kept"
    (kept / alert).mkdir(parents=True)
    make_clip(kept / alert / "clip.mkv", "CAM01", at - 10.0)
    (kept / "A-not-in-this-drill").mkdir()
    make_clip(kept / "A-not-in-this-drill" / "clip.mkv", "CAM02", at)
    assert cli(["evidence", "add-to-drill", str(path), "--kept", str(kept)]) == 0
    assert "1 clip(s) added" in capsys.readouterr().out
    with DrillReader(path) as r:
        assert [(a, cam) for _, a, cam, _, _ in r.clips()] == [(alert, "CAM01")]
        assert r.clips()[0][3] == pytest.approx(at - 10.0)
    (tmp_path / "not.drill").write_bytes(b"hello")
    assert cli(["evidence", "add-to-drill", str(tmp_path / "not.drill"), "--kept", str(kept)]) == 2
    assert "not a drill file" in capsys.readouterr().err


async def test_a_console_in_review_gets_the_clip_picture_of_each_seek(recorded, tmp_path):
    """What the camera tile is handed: the console's session decodes the hub's frames into its pool."""
    from console.client.replica import Replica
    from console.client.session import Session
    from console.video.pool import DecodePool

    src, _ = recorded
    path = tmp_path / "with-clips.drill"
    shutil.copyfile(src, path)
    with DrillReader(path) as r:
        t0 = r.meta.start + 420.0
    add_clips(path, [clip_row("A-EVID", make_clip(tmp_path / "clip.mkv", "CAM02", t0))])
    hub = await start_hub(HubConfig(port=0, drill=str(path), speed=1.0, scenario=None))
    pool = DecodePool(workers=1)
    replica = Replica()
    session = Session(hub.url, "demo-commander", replica, frames=pool)
    session.start()
    try:
        hub.player.pause()
        await asyncio.wait_for(session.live.wait(), 10)
        session.subscribe(["CAM02"])
        for seek, want in ((t0 + 12.5, 62), (t0 + 3.1, 15)):
            await hub.player.seek(seek)

            async def picture():
                while True:
                    f = pool.take("CAM02")
                    if f is not None and f.ts == pytest.approx(t0 + want / FPS, abs=0.002):
                        return f
                    await asyncio.sleep(0.01)
            f = await asyncio.wait_for(picture(), 10)
            assert abs(float(f.rgb.mean()) - gray(want)) < 4, (seek, want)
            assert replica.hub_now() == pytest.approx(seek, abs=1.0), "the console's clock is at the seek too"
    finally:
        await session.close()
        await hub.stop()
        pool.close()
