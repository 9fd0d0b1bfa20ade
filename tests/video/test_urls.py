"""Stream URL helpers, the reconnect backoff and tile-size fitting (pure, no servers)."""

from __future__ import annotations

import random

import msgspec

from console.domain.model import Camera
from console.video.status import Backoff
from console.video.scale import fit
from console.video.urls import describe, is_pulled, redact


def test_redact_hides_user_password_and_secret_parameters():
    assert redact("rtsp://admin:pa:ss@word@10.0.0.5:554/Streaming/101") == "rtsp://***@10.0.0.5:554/Streaming/101"
    assert redact("http://cam/snap.cgi?user=a&password=xyz&ch=1") == "http://cam/snap.cgi?user=a&password=***&ch=1"
    assert redact("https://relay/live.m3u8?token=abc123") == "https://relay/live.m3u8?token=***"
    # inside an error message, as FFmpeg writes it
    msg = "[Errno 825242872] Server returned 401 Unauthorized: 'rtsp://u:topsecret@127.0.0.1:8554/cam'"
    assert "topsecret" not in redact(msg) and "rtsp://***@127.0.0.1:8554/cam" in redact(msg)
    assert redact("rtsp://10.0.0.5/cam") == "rtsp://10.0.0.5/cam"
    assert redact("") == ""


def test_which_urls_the_console_pulls_itself():
    assert is_pulled("rtsp://x/cam") and is_pulled("HTTP://x/a.mjpg") and is_pulled("file:///r.mp4")
    assert not is_pulled("sim://CAM01") and not is_pulled("") and not is_pulled("/local/path")
    assert [describe(u) for u in ("rtsp://x/c", "http://x/l.m3u8", "http://x/a.ts", "http://x/a.mjpg",
                                  "sim://C")] == ["rtsp", "hls", "http-ts", "http", "hub"]


def test_backoff_grows_with_jitter_up_to_the_cap_and_resets():
    b = Backoff(base=0.5, cap=4.0, rng=random.Random(1))
    delays = [b.next() for _ in range(8)]
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings))
    assert len(set(delays)) == len(delays)  # jittered: 60 cameras do not reconnect in step
    b.reset()
    assert b.next() <= 0.5


def test_fit_keeps_aspect_never_upscales_and_gives_even_sizes():
    assert fit(1920, 1080, 320, 240) == (320, 180)
    assert fit(640, 360, 1920, 1080) == (640, 360)
    assert fit(640, 360, 0, 0) == (640, 360)
    assert fit(704, 576, 211, 0) == (210, 172)


def test_camera_plays_sub_in_the_grid_main_in_focus_and_old_records_still_read():
    cam = Camera(id="C", name="n", grid="g", town="t", x=0, y=0, main="rtsp://h/main", sub="rtsp://h/sub")
    assert cam.url_for(large=False) == "rtsp://h/sub" and cam.url_for(large=True) == "rtsp://h/main"
    only_main = Camera(id="C", name="n", grid="g", town="t", x=0, y=0, main="rtsp://h/main")
    assert only_main.url_for(large=False) == "rtsp://h/main"
    # a record written before main/sub existed (drill files, old hub logs)
    old = msgspec.json.decode(b'{"id":"C","name":"n","grid":"g","town":"t","x":0,"y":0,"stream":"sim://C"}',
                              type=Camera)
    assert old.url_for(large=True) == old.url_for(large=False) == "sim://C"
    assert old.rtsp_transport == "tcp"
