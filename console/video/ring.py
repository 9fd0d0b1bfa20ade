"""The last 30 s of a camera as compressed packets (not decoded frames), bounded in memory.

A stream reader adds every packet it demuxes. The ring always starts at a
keyframe, so a clip taken from it decodes from its first packet; it drops whole
GOPs from the front when they are older than the window or when the bytes
exceed the cap. 30 s of a 640×360 H.264 sub-stream is about 2 MB, of 5 fps
640×360 MJPEG about 4 MB; the cap (16 MB) bounds a 1080p main stream.

`snapshot()` copies the packets out as a `Clip`, which `decode_clip` turns back
into pictures in any thread ("play the last 30 s", the evidence clip of an alert).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator

import av

from console.video.pool import DecodedFrame
from console.video.scale import fit

WINDOW_S = 30.0
MAX_BYTES = 16 * 1024 * 1024


@dataclass(slots=True, frozen=True)
class Packet:
    """One compressed packet: its arrival time (epoch s), stream timestamp and bytes."""

    at: float
    pts: int | None
    key: bool
    data: bytes


@dataclass(slots=True)
class Clip:
    """Packets of one camera from a keyframe on, with what a decoder needs to read them."""

    camera: str
    codec: str
    extradata: bytes | None
    time_base: Fraction | None
    packets: list[Packet] = field(default_factory=list)

    @property
    def start(self) -> float | None:
        return self.packets[0].at if self.packets else None

    @property
    def end(self) -> float | None:
        return self.packets[-1].at if self.packets else None

    @property
    def nbytes(self) -> int:
        return sum(len(p.data) for p in self.packets)

    def between(self, start: float, end: float) -> "Clip":
        """The packets from the last keyframe at or before `start` up to `end` (an alert's −10 s … +20 s)."""
        first = 0
        for i, p in enumerate(self.packets):
            if p.at > start:
                break
            if p.key:
                first = i
        picked = [p for p in self.packets[first:] if p.at <= end]
        return Clip(self.camera, self.codec, self.extradata, self.time_base, picked)


class PacketRing:
    """A thread-safe ring of one camera's packets: the reader adds, anyone snapshots."""

    def __init__(self, camera: str, *, window_s: float = WINDOW_S, max_bytes: int = MAX_BYTES):
        self.camera = camera
        self.window_s, self.max_bytes = window_s, max_bytes
        self._lock = threading.Lock()
        #: GOPs, oldest first; each a list of packets starting with a keyframe
        self._gops: deque[list[Packet]] = deque()
        self._bytes = 0
        self.codec = ""
        self.extradata: bytes | None = None
        self.time_base: Fraction | None = None
        #: a new connection feeds the ring: its packets count from its first keyframe (a GOP
        #: never mixes two connections, whose pictures would reference what the other sent)
        self._need_key = True

    def set_stream(self, codec: str, extradata: bytes | None, time_base: Fraction | None) -> None:
        """A (re)opened stream: its codec parameters. A change of codec or parameters empties the ring.

        Either way the next packets are kept from a keyframe on.
        """
        with self._lock:
            self._need_key = True
            if (codec, extradata) != (self.codec, self.extradata):
                self._gops.clear()
                self._bytes = 0
            self.codec, self.extradata, self.time_base = codec, extradata, time_base

    def add(self, at: float, pts: int | None, key: bool, data: bytes) -> None:
        """One packet; packets before the first keyframe are useless and dropped."""
        pkt = Packet(at, pts, key, data)
        with self._lock:
            if key or not self._gops or self._need_key:
                if not key:
                    return
                self._need_key = False
                self._gops.append([pkt])
            else:
                self._gops[-1].append(pkt)
            self._bytes += len(data)
            self._trim(at)

    def snapshot(self) -> Clip:
        """A copy of everything kept now (from its oldest keyframe)."""
        with self._lock:
            packets = [p for gop in self._gops for p in gop]
            return Clip(self.camera, self.codec, self.extradata, self.time_base, packets)

    @property
    def nbytes(self) -> int:
        with self._lock:
            return self._bytes

    def seconds(self) -> float:
        """How much time the ring holds now."""
        with self._lock:
            if not self._gops:
                return 0.0
            return self._gops[-1][-1].at - self._gops[0][0].at

    def _trim(self, now: float) -> None:
        # keep at least the newest GOP; drop whole GOPs that ended before the window or overflow the cap.
        # "Ended" is its last packet: after a gap (an outage, an idle spell) the next GOP starts much later.
        cutoff = now - self.window_s
        while len(self._gops) > 1 and (self._gops[0][-1].at < cutoff or self._gops[1][0].at <= cutoff
                                       or self._bytes > self.max_bytes):
            gone = self._gops.popleft()
            self._bytes -= sum(len(p.data) for p in gone)


def decode_clip(clip: Clip, width: int = 0, height: int = 0) -> Iterator[DecodedFrame]:
    """Decode a clip's packets into frames fitted to width × height (0: full size), in arrival order.

    Each frame carries its packet's arrival time as `ts`, so the tile shows when it was live.
    """
    ctx = av.CodecContext.create(clip.codec, "r")
    if clip.extradata:
        ctx.extradata = clip.extradata
    ctx.thread_count = 1
    number = 0
    for p in clip.packets:
        packet = av.Packet(p.data)
        packet.pts = p.pts
        if clip.time_base is not None:
            packet.time_base = clip.time_base
        try:
            frames = ctx.decode(packet)
        except av.error.InvalidDataError:
            continue
        for frame in frames:
            w, h = fit(frame.width, frame.height, width, height)
            number += 1
            yield DecodedFrame(clip.camera, p.at, number, w, h, frame.to_ndarray(width=w, height=h, format="rgb24"))
    try:
        for frame in ctx.decode(None):  # flush the decoder's delayed frames
            w, h = fit(frame.width, frame.height, width, height)
            number += 1
            yield DecodedFrame(clip.camera, clip.end or 0.0, number, w, h,
                               frame.to_ndarray(width=w, height=h, format="rgb24"))
    except av.error.EOFError:
        pass
