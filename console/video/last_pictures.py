"""Each camera's last picture on disk, so a console that starts shows it greyed, with its time, at once.

Opening a stream takes seconds (RTSP set-up, the first keyframe: 0.5-3 s here); a
restarted console would show empty tiles meanwhile. The decode pool keeps one small
JPEG per camera (at most one write every `EVERY_S`, in a background thread), and on
the first `take` of a camera that has no frame yet it loads that file: the picture
arrives with its age (`DecodedFrame.arrived` in the past), so the tile shows it grey
under "最后画面 07:31:19" until a live frame comes, never as live.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import simplejpeg

from console.video.pool import DecodedFrame

log = logging.getLogger(__name__)

#: one write per camera at most this often (s): the picture is for the first second after a start
EVERY_S = 10.0
#: kept at tile size or smaller: a grid tile's picture, not the main stream's
MAX_WIDTH = 640
QUALITY = 75
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _file_name(camera: str) -> str:
    """The camera id as a file name (ids that are not plain get a hash, never a path)."""
    if _SAFE.match(camera):
        return f"{camera}.jpg"
    return "h" + hashlib.sha256(camera.encode()).hexdigest()[:24] + ".jpg"


class LastPictures:
    """A folder with one JPEG per camera; its modification time is the picture's time."""

    def __init__(self, folder: str | Path, every_s: float = EVERY_S):
        self.folder = Path(folder)
        self.every_s = every_s
        self._kept: dict[str, float] = {}
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="last-picture")
        self._closed = False

    def keep(self, frame: DecodedFrame) -> None:
        """Note a decoded frame (any thread, must not block): written if its camera's last write is old."""
        now = time.monotonic()
        if self._closed or now - self._kept.get(frame.camera, -1e9) < self.every_s:
            return
        self._kept[frame.camera] = now
        try:
            self._writer.submit(self._write, frame)
        except RuntimeError:  # closed meanwhile
            pass

    def load(self, camera: str) -> DecodedFrame | None:
        """The camera's last picture, arriving as old as it is (None when there is none or it is unreadable)."""
        path = self.folder / _file_name(camera)
        try:
            data = path.read_bytes()
            taken = path.stat().st_mtime
            rgb = simplejpeg.decode_jpeg(data, colorspace="RGB")
        except (OSError, ValueError) as exc:
            if not isinstance(exc, FileNotFoundError):
                log.info("last picture of %s unreadable: %s", camera, exc)
            return None
        rgb = np.ascontiguousarray(rgb)
        h, w = rgb.shape[:2]
        age = max(0.0, time.time() - taken)
        return DecodedFrame(camera, taken, 0, w, h, rgb, time.monotonic() - age)

    def close(self) -> None:
        """Finish the writes under way and take no more (safe twice)."""
        if not self._closed:
            self._closed = True
            self._writer.shutdown(wait=True)

    def _write(self, frame: DecodedFrame) -> None:
        pixels = frame.pixels[:, : frame.width]  # a stream's rows are padded
        if frame.width > MAX_WIDTH:
            step = -(-frame.width // MAX_WIDTH)
            pixels = pixels[::step, ::step]
        pixels = np.ascontiguousarray(pixels)
        path = self.folder / _file_name(frame.camera)
        tmp = path.with_suffix(".tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(simplejpeg.encode_jpeg(pixels, quality=QUALITY,
                                                   colorspace="BGRX" if frame.bgrx else "RGB"))
            # the picture's time on this machine's clock (a hub frame's `ts` is the hub's, in a drill
            # the scenario's): the age it has when it is loaded again
            taken = time.time() - (time.monotonic() - frame.arrived)
            os.utime(tmp, (taken, taken))
            os.replace(tmp, path)  # a reader never sees half a file
        except (OSError, ValueError) as exc:
            log.info("could not keep the last picture of %s: %s", frame.camera, exc)
