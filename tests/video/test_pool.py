"""The decode pool: real JPEGs, broken bytes, latest-frame-wins under a slow decoder."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import simplejpeg

from console.protocol.codec import JPEG, Frame, decode_frame, encode_frame
from console.video import DecodePool
from console.video.pool import _simplejpeg_decode


def _jpeg(w: int = 64, h: int = 48, colour=(200, 30, 30)) -> bytes:
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = colour
    return simplejpeg.encode_jpeg(img, quality=90, colorspace="RGB")


def _frame(cam: str, number: int, payload: bytes, w: int = 64, h: int = 48) -> Frame:
    return Frame(cam, 1000.0 + number, number, JPEG, w, h, payload)


def _wait(pred, timeout: float = 5.0) -> None:
    """Poll a condition the worker threads make true (no Qt loop here)."""
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        time.sleep(0.002)


@pytest.fixture
def pool():
    p = DecodePool(workers=2)
    yield p
    p.close()


def test_decodes_a_real_jpeg_through_the_wire_format(pool):
    wire = encode_frame(_frame("cam-01", 7, _jpeg(64, 48, (10, 200, 30))))
    pool.submit(decode_frame(wire))
    _wait(lambda: pool.stats("cam-01").decoded == 1)
    got = pool.take("cam-01")
    assert got is not None
    assert (got.camera, got.number, got.width, got.height) == ("cam-01", 7, 64, 48)
    assert got.rgb.shape == (48, 64, 3) and got.rgb.dtype == np.uint8
    assert got.rgb.flags.c_contiguous
    r, g, b = got.rgb[24, 32]
    assert g > 150 and r < 60 and b < 80
    # taken once: nothing new until another frame is decoded
    assert pool.take("cam-01") is None
    assert pool.take("never-seen") is None


def test_take_many_gives_each_camera_s_newest_frame_once_and_only_the_new_ones(pool):
    for n, cam in ((1, "cam-01"), (2, "cam-01"), (3, "cam-02")):
        pool.submit(_frame(cam, n, _jpeg()))
        _wait(lambda cam=cam, n=n: pool.stats(cam).decoded + pool.stats(cam).dropped >= (2 if n == 2 else 1))
    got = pool.take_many(["cam-01", "cam-02", "never-seen"])
    assert {c: f.number for c, f in got.items()} == {"cam-01": 2, "cam-02": 3}
    assert pool.take_many(["cam-01", "cam-02"]) == {}
    assert pool.stats("cam-01").unseen == 1  # frame 1 was replaced before anyone took it


def test_broken_jpeg_is_counted_not_raised(pool):
    pool.submit(_frame("cam-02", 1, b"\xff\xd8 this is not a jpeg"))
    pool.submit(Frame("cam-03", 1.0, 1, 9, 4, 4, _jpeg()))  # unknown content type
    _wait(lambda: pool.stats("cam-02").errors == 1 and pool.stats("cam-03").errors == 1)
    assert pool.take("cam-02") is None
    # the pool still works for that camera afterwards
    pool.submit(_frame("cam-02", 2, _jpeg()))
    _wait(lambda: pool.stats("cam-02").decoded == 1)
    s = pool.stats("cam-02")
    assert (s.received, s.decoded, s.errors, s.dropped) == (2, 1, 1, 0)
    assert pool.take("cam-02").number == 2


def test_burst_while_decode_is_slow_keeps_only_the_newest():
    gate = threading.Event()
    started = threading.Event()
    calls: list[int] = []

    def slow(data: bytes, w: int, h: int) -> np.ndarray:
        calls.append(len(data))
        started.set()
        gate.wait(5)
        return _simplejpeg_decode(data, w, h)

    pool = DecodePool(workers=2, decoder=slow)
    try:
        jpeg = _jpeg()
        pool.submit(_frame("cam-09", 0, jpeg))
        assert started.wait(5)
        for n in range(1, 50):
            pool.submit(_frame("cam-09", n, jpeg))
        s = pool.stats("cam-09")
        assert s.received == 50 and s.dropped == 48  # frames 1..48 replaced; 49 waits
        gate.set()
        _wait(lambda: pool.stats("cam-09").decoded == 2)
        time.sleep(0.05)  # give a wrongly queued extra decode the chance to show up
        s = pool.stats("cam-09")
        assert s.decoded == 2 and len(calls) == 2 and s.errors == 0
        got = pool.take("cam-09")
        assert got.number == 49          # newest wins
        assert s.unseen == 1             # frame 0 was replaced before anyone took it
    finally:
        gate.set()
        pool.close()


def test_cameras_are_independent_and_fps_is_measured(pool):
    jpeg = _jpeg(32, 32)
    for n in range(10):
        pool.submit(_frame("a", n, jpeg, 32, 32))
        pool.submit(_frame("b", n, jpeg, 32, 32))
        _wait(lambda n=n: pool.stats("a").decoded + pool.stats("a").dropped >= n + 1
              and pool.stats("b").decoded + pool.stats("b").dropped >= n + 1)
        time.sleep(0.02)
    assert pool.fps("a") > 5
    assert pool.fps("nobody") == 0.0
    t = pool.totals()
    assert t.received == 20 and t.decoded + t.dropped == 20
    assert sorted(pool.cameras()) == ["a", "b"]


def test_min_size_decodes_scaled_down(pool):
    pool.set_min_size("big", 80, 45)
    pool.submit(_frame("big", 1, _jpeg(640, 360), 640, 360))
    _wait(lambda: pool.stats("big").decoded == 1)
    got = pool.take("big")
    assert (got.width, got.height) == (80, 45)


def test_close_is_safe_twice_and_ignores_later_frames():
    pool = DecodePool()
    pool.close()
    pool.close()
    pool.submit(_frame("x", 1, _jpeg()))
    assert pool.stats("x").received == 0
    assert pool.take("x") is None
