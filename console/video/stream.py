"""One camera stream pulled and decoded with PyAV in its own thread, until stopped.

The reader opens the URL, decodes the video, scales each picture to the tile's
size inside FFmpeg (swscale, before it becomes a Python array, in the layout a tile
paints as it is: convert.py), and hands it
newest-wins to the decode pool's `offer`, the same slot hub frames land in, so
a tile cannot tell where a frame came from. Any failure becomes a reason code
(status.py), and the reader tries again after a jittered, capped backoff.

Why a thread per stream and PyAV (not QtMultimedia): see console/video/README.md.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import replace
from typing import Callable

import av
import av.error

from console.video import status as st
from console.video.clock import StreamClock
from console.video.convert import TileConverter
from console.video.pool import DecodedFrame
from console.video.ring import PacketRing
from console.video.status import Backoff, StreamStatus
from console.video.urls import redact, scheme, with_credentials

log = logging.getLogger(__name__)

#: codecs we decode: what cameras and relays send, and what the CPU budget was measured with
SUPPORTED_CODECS = frozenset({"h264", "hevc", "mjpeg", "mpeg4"})

#: how long an open may take, and how long a read may wait for bytes, before it counts as no signal
OPEN_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 2.0

# FFmpeg would probe 5 s of an RTSP stream before the first frame (2.0 s here); 0.2 s is
# enough to find the one video stream of a camera (first frame 0.5 s, measured). The packets
# read while probing are kept and decoded first (no `fflags nobuffer`): a server sends a keyframe
# to a client that joins, and dropping it made every connection wait for the next one (first
# frame 1.17 s instead of 0.37 s on the tests' server; a still cost 15 ms of CPU instead of 8.5).
# Such a frame is stamped when it is decoded, at most the probe's 0.2 s after it was read.
_PROBE = {"analyzeduration": "200000", "probesize": "65536"}
#: a wrong password is retried no sooner than this
AUTH_RETRY_S = 60.0
#: garbage between good pictures is skipped; this many undecodable packets in a row is a broken stream
MAX_BAD_PACKETS = 50

FrameOut = Callable[[DecodedFrame], None]


class UnsupportedCodec(Exception):
    """The stream opened but holds no video stream in a codec we decode."""


def classify(exc: BaseException) -> str:
    """The reason code for an exception from opening or reading a stream."""
    if isinstance(exc, UnsupportedCodec):
        return st.CODEC_UNSUPPORTED
    if isinstance(exc, (av.error.HTTPUnauthorizedError, av.error.HTTPForbiddenError, PermissionError)):
        return st.AUTH_FAILED
    if isinstance(exc, (av.error.HTTPNotFoundError, FileNotFoundError)):
        return st.NOT_FOUND
    if isinstance(exc, (av.error.ProtocolNotFoundError, av.error.OptionNotFoundError)):
        return st.BAD_URL
    if isinstance(exc, (av.error.DecoderNotFoundError, av.error.PatchWelcomeError)):
        return st.CODEC_UNSUPPORTED
    if isinstance(exc, (av.error.InvalidDataError, av.error.DemuxerNotFoundError)):
        return st.UNREADABLE
    return st.NO_SIGNAL


class StreamReader:
    """Plays one camera URL in a daemon thread: open, decode, scale, hand over, reconnect.

    `out(frame)` is called from the reader's thread for every decoded picture; it must
    not block (the decode pool's `offer` only swaps a slot). `status()` is a snapshot
    any thread may read. `stop()` returns at once; the thread ends within a read timeout.
    """

    def __init__(self, camera: str, url: str, out: FrameOut, *, width: int = 0, height: int = 0,
                 transport: str = "tcp", open_timeout: float = OPEN_TIMEOUT_S,
                 read_timeout: float = READ_TIMEOUT_S, backoff: Backoff | None = None,
                 ring: PacketRing | None = None, decode: bool = True, still_s: float = 0.0):
        self.camera = camera
        self.url = url
        self._out = out
        self._size = (int(width), int(height))
        self._transport = transport if transport in ("tcp", "udp") else "tcp"
        self._timeouts = (open_timeout, read_timeout)
        self._backoff = backoff or Backoff()
        #: every demuxed packet goes here (the last 30 s), decoded or not; `set_ring` moves it
        self.ring = ring
        #: (codec, extradata, time base) of the stream open now, for a ring handed over mid-connection
        self._params: tuple | None = None
        #: False: keep packets only (an alerting camera off the page costs no decoding)
        self._decode_on = decode
        #: > 0: an idle tile: take one picture, hang up, take the next this many seconds later
        self._still_s = max(0.0, float(still_s))
        self._stop = threading.Event()
        #: set by stop() and by a switch to live, so a reader waiting between stills wakes at once
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._status = StreamStatus(camera, st.CONNECTING, redact(url))
        #: (last_frame, frames) of `status()`, set on every frame without the lock or a new snapshot
        #: (one tuple swapped in whole, so a reader of it sees both from the same frame)
        self._progress: tuple[float | None, int] = (None, 0)
        #: swscale's context kept across connections (a still connects every few seconds)
        self._convert = TileConverter()
        #: time.monotonic() of the last packet read (a read that fails after waiting is no signal)
        self._last_read = 0.0
        self._thread = threading.Thread(target=self._run, name=f"stream-{camera}", daemon=True)

    # ------------------------------------------------------------------ API

    def start(self) -> None:
        """Start pulling (once)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop pulling; the thread leaves at its next packet or timeout."""
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def started(self) -> bool:
        """Whether `start` was called."""
        return self._thread.ident is not None

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def set_size(self, width: int, height: int) -> None:
        """Scale the next pictures to fit width × height (0, 0: full size)."""
        self._size = (max(0, int(width)), max(0, int(height)))

    def set_ring(self, ring: PacketRing | None) -> None:
        """Feed this ring from the next packet on (None: keep no packets).

        A ring handed over while connected learns the stream's codec first, so it
        never holds packets it cannot describe (`set_stream` empties it if they differ).
        """
        if ring is self.ring:
            return  # the same ring, the same connection: nothing to cut
        if ring is not None and self._params is not None:
            ring.set_stream(*self._params)
        self.ring = ring

    def set_decode(self, on: bool) -> None:
        """Decode pictures (the camera is on screen) or only keep its packets (it is alerting off-page)."""
        self._decode_on = bool(on)

    def set_still(self, seconds: float) -> None:
        """Take a still every `seconds` (an idle tile), or play live again (0).

        Going idle, the live connection ends after its next picture; going live, a reader
        waiting for its next still connects at once.
        """
        seconds = max(0.0, float(seconds))
        if seconds != self._still_s:
            self._still_s = seconds
            self._wake.set()

    @property
    def still_s(self) -> float:
        """Seconds between stills (0: live)."""
        return self._still_s

    def status(self) -> StreamStatus:
        """A snapshot of the stream's state."""
        with self._lock:
            s = self._status
        last_frame, frames = self._progress
        if last_frame != s.last_frame or frames != s.frames:
            s = replace(s, last_frame=last_frame, frames=frames)
        return s

    # ------------------------------------------------------------------ thread

    def _update(self, **changes) -> None:
        if "last_frame" in changes or "frames" in changes:
            last_frame, frames = self._progress
            self._progress = (changes.pop("last_frame", last_frame), changes.pop("frames", frames))
        with self._lock:
            self._status = replace(self._status, **changes)

    def _options(self) -> dict[str, str]:
        opts = dict(_PROBE)
        s = scheme(self.url)
        if s in ("rtsp", "rtsps"):
            opts["rtsp_transport"] = self._transport
            # the read timeout kept by FFmpeg itself, on its socket (see `_pyav_timeouts`)
            opts["timeout"] = str(int(self._timeouts[1] * 1_000_000))
        elif s in ("http", "https"):
            opts["reconnect"] = "0"  # we reconnect ourselves, with backoff, and say so on the tile
        return opts

    def _pyav_timeouts(self) -> tuple[float, float | None]:
        """The (open, read) timeouts PyAV keeps; an RTSP stream's reads are timed by FFmpeg instead.

        PyAV times a read with an interrupt callback that takes the GIL on every call, and FFmpeg
        calls it around every socket wait and read (several times per RTP packet, a frame is a
        dozen packets or more), so sixteen readers and the GUI thread hand the GIL to each other
        thousands of times a second. FFmpeg's RTSP `timeout` (its socket I/O timeout, TCP and UDP
        alike) ends a silent read just the same, after the same wait, with no Python in between
        (bench/PERF.md, "P9: where a painted frame's time goes").
        """
        if scheme(self.url) in ("rtsp", "rtsps"):
            return self._timeouts[0], None
        return self._timeouts

    def _open_limit(self) -> float:
        """How long an open waits for a silent server: PyAV's open timeout, or FFmpeg's socket
        timeout (the read timeout) on each step of an RTSP handshake when that comes first."""
        if scheme(self.url) in ("rtsp", "rtsps"):
            return min(self._timeouts)
        return self._timeouts[0]

    def _run(self) -> None:
        attempts = auth_failures = 0
        while not self._stop.is_set():
            attempts += 1
            self._update(state=st.CONNECTING, attempts=attempts, first_frame_s=None)
            self._wake.clear()  # before the connection: a switch to live during it is not lost
            reason, detail = self._play_once()
            if self._stop.is_set():
                break
            if reason == st.STILL:
                # A still was taken: not a failure, no reconnect counted, no backoff.
                attempts = 0
                self._update(state=st.STILL, detail="")
                self._wait_for_still()
                continue
            self._update(state=reason, detail=detail, reconnects=self.status().reconnects + 1)
            log.info("camera %s: %s (%s)", self.camera, reason, detail)
            if reason == st.BAD_URL:
                break  # retrying cannot help; the wall plays it again if the record changes
            delay = self._backoff.next()
            auth_failures = auth_failures + 1 if reason == st.AUTH_FAILED else 0
            if auth_failures > 1:
                # Cameras lock an account after a few wrong passwords (Hikvision: 7 in 30 min), so a
                # refusal that repeats waits long. The first one is retried on the normal backoff: a
                # server busy with many joins answers 401 now and then (gst-rtsp-server did here).
                delay = max(delay, AUTH_RETRY_S)
            self._stop.wait(delay)
        if self._stop.is_set():
            self._update(state=st.STOPPED)

    def _wait_for_still(self) -> None:
        """Wait out the still interval from now, or less if the tile goes live or the interval changes.

        The wait is jittered (±10 %) so 48 idle tiles don't all ring their cameras in the same second.
        A wake from before the still (the switch to idle that ended a live connection) does not cut
        it short: only the interval now in force counts, re-read at every wake.
        """
        taken, jitter = time.monotonic(), random.uniform(0.9, 1.1)
        while True:
            self._wake.clear()  # before reading the interval: a change after this read wakes the wait
            if self._stop.is_set() or self._still_s <= 0:
                return
            left = taken + self._still_s * jitter - time.monotonic()
            if left <= 0:
                return
            self._wake.wait(left)

    def _timed_out(self, since: float, limit: float) -> bool:
        """Whether the call that failed had waited out its timeout (then the server went silent)."""
        return time.monotonic() - since >= 0.9 * limit

    def _play_once(self) -> tuple[str, str]:
        """One connection: returns why it ended (reason code, redacted detail).

        A failure after waiting out a timeout is NO_SIGNAL whatever FFmpeg calls it: a server
        that accepts the connection and then says nothing (stalled, SIGSTOP'd) makes FFmpeg
        report "invalid data", but the operator's fact is that no picture comes.
        """
        opened = time.monotonic()
        try:
            container = av.open(with_credentials(self.url), options=self._options(), timeout=self._pyav_timeouts())
        except Exception as exc:  # noqa: BLE001 - every failure becomes a reason on the tile
            if self._timed_out(opened, self._open_limit()) and classify(exc) == st.UNREADABLE:
                return st.NO_SIGNAL, redact(str(exc))
            return classify(exc), redact(str(exc))
        self._last_read = time.monotonic()
        try:
            video = next((s for s in container.streams if s.type == "video"), None)
            if video is None:
                raise UnsupportedCodec("no video stream")
            name = video.codec_context.name
            if name not in SUPPORTED_CODECS:
                raise UnsupportedCodec(f"codec {name}")
            video.thread_count = 1  # one core per stream at most: 65 streams share two cores
            self._update(codec=name)
            cc = video.codec_context
            self._params = (name, bytes(cc.extradata) if cc.extradata else None, video.time_base)
            if self.ring is not None:
                self.ring.set_stream(*self._params)
            if self._decode(container, video, opened):
                return st.STILL, ""
            return st.NO_SIGNAL, "stream ended"
        except Exception as exc:  # noqa: BLE001
            if self._timed_out(self._last_read, self._timeouts[1]) and classify(exc) == st.UNREADABLE:
                return st.NO_SIGNAL, redact(str(exc))
            return classify(exc), redact(str(exc))
        finally:
            try:
                container.close()
            except Exception:  # noqa: BLE001 - closing a dead connection may fail; nothing to do
                pass

    def _paced(self) -> bool:
        """Whether frames must be held to their timestamps: HLS and files are read faster than real time.

        A camera (RTSP, MJPEG, MPEG-TS over HTTP) sends in real time; an HLS playlist hands over
        whole segments at once and a file all of it, which would play as a burst and then a freeze.
        """
        s = scheme(self.url)
        return s == "file" or self.url.split("?", 1)[0].lower().endswith(".m3u8")

    def _decode(self, container, video, opened: float) -> bool:
        """Demux and decode until the stream ends or the reader stops; True: one still was taken."""
        bad = 0
        pace = self._paced()
        #: (stream time, monotonic) of the frame the pace counts from
        anchor: tuple[float, float] | None = None
        number = self.status().frames
        first = True
        taken = StreamClock()
        convert = self._convert
        for packet in container.demux(video):
            self._last_read = time.monotonic()
            if self._stop.is_set():
                return False
            if packet.size == 0:
                continue  # the demuxer's flush packet
            still = self._still_s > 0
            if still and first and not packet.is_keyframe:
                continue  # a still starts at a keyframe: anything before it decodes to smears
            ring = self.ring  # read per packet: `set_ring` may hand it to or take it from this reader
            if ring is not None and not still:
                ring.add(time.time(), packet.pts, packet.is_keyframe, bytes(packet))
            if not self._decode_on:
                if first:
                    first = False
                    self._backoff.reset()
                    self._update(state=st.PLAYING, detail="", first_frame_s=time.monotonic() - opened)
                self._progress = (time.time(), self._progress[1])
                continue
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                bad += 1
                if bad >= MAX_BAD_PACKETS:
                    raise
                continue
            for frame in frames:
                bad = 0
                if pace and frame.pts is not None and frame.time_base is not None and self._still_s <= 0:
                    t = float(frame.pts * frame.time_base)
                    now_m = time.monotonic()
                    if anchor is None or abs(anchor[1] + (t - anchor[0]) - now_m) > 2.0:
                        anchor = (t, now_m)  # the start, or a jump (a gap in a live playlist, a loop)
                    wait = anchor[1] + (t - anchor[0]) - now_m
                    if wait > 0 and self._stop.wait(wait):
                        return False
                w, h, pixels = convert(frame, *self._size)
                number += 1
                now = time.time()
                pts_s = (float(frame.pts * frame.time_base)
                         if frame.pts is not None and frame.time_base is not None and not pace else None)
                ts = taken.stamp(pts_s, now)
                self._out(DecodedFrame(self.camera, ts, number, w, h, pixels, time.monotonic() - (now - ts)))
                if first:
                    first = False
                    self._backoff.reset()
                    self._update(state=st.PLAYING, detail="", first_frame_s=time.monotonic() - opened,
                                 width=frame.width, height=frame.height)
                self._progress = (now, number)
                if self._still_s > 0:
                    return True
        return False
