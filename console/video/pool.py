"""The decode pool: JPEG frames decoded in worker threads, latest frame wins.

Stream readers (stream.py) decode in their own threads and `offer` finished
frames into the same per-camera slots.

The network session hands every binary frame to `DecodePool.submit` on the
event-loop thread. Each camera has at most one decode in flight and at most
one frame waiting behind it; a newer frame replaces the waiting one, which is
counted as dropped. Video is only worth showing live, so a slow decoder (or a
busy GUI) costs frames, never latency or memory.

The camera wall's UI tick calls `take_many(cameras)` for the tiles it shows (one lock for
all of them; `take(camera)` for one) and gets each one's newest decoded frame it has not
taken yet.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np
import simplejpeg

from console.protocol.codec import JPEG, Frame

#: window over which `fps` counts decoded frames (seconds)
FPS_WINDOW_S = 2.0

Decoder = Callable[[bytes, int, int], np.ndarray]


class FrameSink(Protocol):
    """Whatever takes the hub's binary frames (the decode pool, a recorder, a test).

    The network session calls `submit` on the event-loop thread once per
    binary frame, after `decode_frame`; it must return at once (no decoding
    on the loop) and must not raise for a bad image.
    """

    def submit(self, frame: Frame) -> None: ...


@dataclass(slots=True)
class DecodedFrame:
    """One decoded camera image: `pixels` (uint8, C-contiguous; height × width × 3 R, G, B, or × 4 B, G, R, 255).

    Four bytes a pixel ("BGRX") is what a stream reader hands over: Qt's RGB32 in memory, which a
    tile paints without converting (video/convert.py); its rows may be longer than `width` (FFmpeg's
    padding: the picture is the first `width` columns). Three is RGB, exactly height × width (hub
    JPEGs, last pictures, replays). `rgb` is always the picture as RGB, height × width × 3.
    `ts` is the picture's time on its source's clock (the hub's for pushed frames, this
    machine's for pulled ones); `arrived` (time.monotonic()) when it reached this console,
    the moment its age is counted from: a frame left in a slot while its tile was off screen,
    or held back by a stalled stream (clock.py), is old when it is shown, never live.
    """

    camera: str
    ts: float
    number: int
    width: int
    height: int
    pixels: np.ndarray
    arrived: float = field(default_factory=time.monotonic)

    @property
    def bgrx(self) -> bool:
        """Whether `pixels` are four bytes a pixel, B, G, R, 255 (else three, R, G, B)."""
        return self.pixels.shape[2] == 4

    @property
    def rgb(self) -> np.ndarray:
        """The picture as RGB (height × width × 3, C-contiguous): `pixels` themselves, or an RGB copy."""
        if self.pixels.shape[2] == 4:
            return np.ascontiguousarray(self.pixels[:, : self.width, 2::-1])
        return self.pixels


@dataclass(slots=True)
class FrameStats:
    """Counters for one camera (a copy; reading it does not lock the pool)."""

    received: int = 0
    decoded: int = 0
    #: frames replaced while waiting behind a decode (latest-frame-wins)
    dropped: int = 0
    #: frames that were not a decodable JPEG
    errors: int = 0
    #: decoded frames replaced before anyone took them (the wall was not looking)
    unseen: int = 0


@dataclass(slots=True)
class _Slot:
    stats: FrameStats = field(default_factory=FrameStats)
    busy: bool = False
    waiting: Frame | None = None
    latest: DecodedFrame | None = None
    #: monotonic times of recent decodes, for fps
    times: deque[float] = field(default_factory=lambda: deque(maxlen=256))
    #: decode no smaller than this (DCT scaling makes small tiles cheap); 0 = full size
    min_w: int = 0
    min_h: int = 0


def _simplejpeg_decode(data: bytes, min_w: int, min_h: int) -> np.ndarray:
    # DCT-domain scaling (1/2, 1/4, 1/8) keeps decoding cheap for small tiles.
    return simplejpeg.decode_jpeg(data, colorspace="RGB", fastdct=True, fastupsample=True,
                                  min_width=min_w, min_height=min_h)


class DecodePool:
    """Decode camera frames in a thread pool, keeping only the newest per camera.

    `decoder(data, min_width, min_height) -> HxWx3 uint8` is replaceable for
    tests (a slow decoder shows the dropping); the default is simplejpeg.
    """

    def __init__(self, workers: int = 2, *, decoder: Decoder | None = None, last_pictures=None):
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers),
                                            thread_name_prefix="video-decode")
        self._decoder = decoder or _simplejpeg_decode
        self._lock = threading.Lock()
        self._slots: dict[str, _Slot] = {}
        self._closed = False
        #: each camera's last picture on disk (last_pictures.LastPictures), or None: kept from the
        #: frames decoded here, shown (greyed, as old as it is) until a camera's first live frame
        self.last_pictures = last_pictures
        self._asked_last: set[str] = set()
        #: the stream readers decoding into this pool (a `StreamSources`, which sets it), or None
        self.streams = None

    # ------------------------------------------------------------------ API

    def submit(self, frame: Frame) -> None:
        """Queue one frame for decoding; never blocks, never raises for bad data."""
        with self._lock:
            if self._closed:
                return
            slot = self._slots.get(frame.camera)
            if slot is None:
                slot = self._slots[frame.camera] = _Slot()
            slot.stats.received += 1
            if slot.busy:
                if slot.waiting is not None:
                    slot.stats.dropped += 1
                slot.waiting = frame
                return
            slot.busy = True
        self._start(slot, frame)

    def offer(self, frame: DecodedFrame) -> None:
        """A frame decoded elsewhere (a stream reader's thread): it becomes the newest, thread-safe.

        Stream frames and hub frames share one slot per camera, so the wall takes
        them the same way and never knows which source a picture came from.
        """
        with self._lock:
            if self._closed:
                return
            slot = self._slots.get(frame.camera)
            if slot is None:
                slot = self._slots[frame.camera] = _Slot()
            slot.stats.received += 1
            slot.stats.decoded += 1
            if slot.latest is not None:
                slot.stats.unseen += 1
            slot.latest = frame
            slot.times.append(time.monotonic())
        if self.last_pictures is not None:
            self.last_pictures.keep(frame)

    def take(self, camera: str) -> DecodedFrame | None:
        """The newest decoded frame of a camera not taken yet, or None (thread-safe).

        The first ask for a camera with nothing decoded yet fetches its last picture from disk
        (in a worker): a later take gives it, unless a live frame came first.
        """
        with self._lock:
            slot = self._slots.get(camera)
            if slot is None or slot.latest is None:
                ask = (self.last_pictures is not None and camera not in self._asked_last and not self._closed
                       and (slot is None or slot.stats.decoded == 0))
                if ask:
                    self._asked_last.add(camera)
            else:
                frame, slot.latest = slot.latest, None
                return frame
        if ask:
            try:
                self._executor.submit(self._load_last, camera)
            except RuntimeError:  # shut down meanwhile
                pass
        return None

    def take_many(self, cameras: list[str]) -> dict[str, DecodedFrame]:
        """`take` for several cameras under one lock (the wall's tick): camera → its new frame, only those with one.

        A camera with nothing decoded yet has its last picture fetched from disk, as `take` does.
        """
        ask: list[str] = []
        out: dict[str, DecodedFrame] = {}
        with self._lock:
            slots = self._slots
            for camera in cameras:
                slot = slots.get(camera)
                if slot is not None and slot.latest is not None:
                    out[camera], slot.latest = slot.latest, None
                elif (self.last_pictures is not None and camera not in self._asked_last and not self._closed
                      and (slot is None or slot.stats.decoded == 0)):
                    self._asked_last.add(camera)
                    ask.append(camera)
        for camera in ask:
            try:
                self._executor.submit(self._load_last, camera)
            except RuntimeError:  # shut down meanwhile
                break
        return out

    def stats(self, camera: str) -> FrameStats:
        """A copy of one camera's counters (zeros for a camera never seen)."""
        with self._lock:
            slot = self._slots.get(camera)
            if slot is None:
                return FrameStats()
            s = slot.stats
            return FrameStats(s.received, s.decoded, s.dropped, s.errors, s.unseen)

    def totals(self) -> FrameStats:
        """Counters summed over every camera (for the status bar and diagnostics)."""
        total = FrameStats()
        with self._lock:
            for slot in self._slots.values():
                s = slot.stats
                total.received += s.received
                total.decoded += s.decoded
                total.dropped += s.dropped
                total.errors += s.errors
                total.unseen += s.unseen
        return total

    def cameras(self) -> list[str]:
        """Every camera the pool has seen a frame or a size hint for."""
        with self._lock:
            return list(self._slots)

    def fps(self, camera: str) -> float:
        """Decoded frames per second over the last ~2 s (0 when nothing recent)."""
        now = time.monotonic()
        with self._lock:
            slot = self._slots.get(camera)
            if slot is None:
                return 0.0
            times = slot.times
            while times and now - times[0] > FPS_WINDOW_S:
                times.popleft()
            if len(times) < 2:
                return 0.0
            span = times[-1] - times[0]
            return (len(times) - 1) / span if span > 0 else 0.0

    def set_min_size(self, camera: str, width: int, height: int) -> None:
        """Decode this camera no smaller than width × height (0, 0: full size).

        The wall passes its tile size so a 64-tile wall decodes at 1/4 or 1/8
        scale; the pixels are scaled again when painted anyway.
        """
        with self._lock:
            slot = self._slots.get(camera)
            if slot is None:
                slot = self._slots[camera] = _Slot()
            slot.min_w, slot.min_h = max(0, int(width)), max(0, int(height))

    def close(self) -> None:
        """Stop accepting frames and stop the workers; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for slot in self._slots.values():
                slot.waiting = None
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self.last_pictures is not None:
            self.last_pictures.close()

    @property
    def closed(self) -> bool:
        return self._closed

    # ------------------------------------------------------------------ private

    def _load_last(self, camera: str) -> None:
        frame = self.last_pictures.load(camera)
        if frame is None:
            return
        with self._lock:
            slot = self._slots.get(camera)
            if slot is None:
                slot = self._slots[camera] = _Slot()
            if slot.latest is None and slot.stats.decoded == 0:
                slot.latest = frame  # not counted as decoded: it is not video

    def _start(self, slot: _Slot, frame: Frame) -> None:
        try:
            self._executor.submit(self._decode, slot, frame)
        except RuntimeError:  # shut down between the check and the submit
            with self._lock:
                slot.busy = False

    def _decode(self, slot: _Slot, frame: Frame) -> None:
        rgb = None
        try:
            if frame.content_type != JPEG:
                raise ValueError(f"content type {frame.content_type} is not JPEG")
            rgb = self._decoder(bytes(frame.payload), slot.min_w, slot.min_h)
            if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
                raise ValueError(f"decoder gave {rgb.dtype} {rgb.shape}, not H×W×3 uint8")
            rgb = np.ascontiguousarray(rgb)
        except Exception:  # noqa: BLE001 - a broken image is counted, never raised
            rgb = None
        with self._lock:
            if rgb is None:
                slot.stats.errors += 1
            else:
                if slot.latest is not None:
                    slot.stats.unseen += 1
                h, w = rgb.shape[:2]
                slot.latest = kept = DecodedFrame(frame.camera, frame.ts, frame.number, w, h, rgb)
                slot.stats.decoded += 1
                slot.times.append(time.monotonic())
            nxt, slot.waiting = slot.waiting, None
            done = nxt is None or self._closed
            if done:
                slot.busy = False
        if rgb is not None and self.last_pictures is not None:
            self.last_pictures.keep(kept)
        if done:
            return
        # Resubmit rather than loop, so other cameras' queued decodes get their turn.
        self._start(slot, nxt)
