"""Evidence clips in drill files: put the clips a console kept into a recording; play them back in review.

A kept clip (console/video/evidence.py) is a Matroska file of the camera's
original packets, timestamped in ms from its first packet, whose `CLIP_START`
tag is that packet's hub time. `add_kept_clips` stores the clips of a
recording's alerts in its `clips` table; `ClipFrames` decodes one stored clip
into (hub time, JPEG) pictures for the review player, which sends the picture
at the replay position to the cameras' subscribers, so a seek shows the frame
of that moment.
"""

from __future__ import annotations

import io
import os
from collections import OrderedDict
from pathlib import Path

import av
import simplejpeg

from console.recording.drill_file import ClipRow, DrillFileError, DrillReader, add_clips

#: decoded clips the review player keeps (each ~30 s of pictures as JPEG, a few MB)
CACHE_CLIPS = 4
#: review pictures are re-encoded at this JPEG quality
JPEG_QUALITY = 80


def clip_row(alert: str, path: str | os.PathLike) -> ClipRow:
    """A kept clip file as a drill `clips` row; DrillFileError if it is not a clip with its times."""
    data = Path(path).read_bytes()
    try:
        with av.open(io.BytesIO(data)) as c:
            start = float(c.metadata.get("CLIP_START") or c.metadata.get("clip_start"))
            camera = c.metadata.get("CAMERA") or c.metadata.get("camera") or ""
            video = c.streams.video[0]
            last = max((p.pts for p in c.demux(video) if p.pts is not None), default=0)
            end = start + float(last * video.time_base)
    except (av.error.FFmpegError, TypeError, ValueError, IndexError) as exc:
        raise DrillFileError(path, f"not an evidence clip: {exc}") from None
    return alert, camera, start, end, "matroska", data


def add_kept_clips(drill: str | os.PathLike, kept: str | os.PathLike | None = None) -> int:
    """Add the kept clip of every alert the recording raised (`kept/<alert>/clip.mkv`); returns how many."""
    if kept is None:
        base = os.environ.get("DUTY_CONSOLE_DATA") or os.path.join(
            os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "duty-console")
        kept = Path(base) / "evidence"
    with DrillReader(drill) as reader:
        alerts = [a for _, _, a in reader.alert_markers()]
    rows = [clip_row(a, p) for a in alerts if (p := Path(kept) / a / "clip.mkv").is_file()]
    if rows:
        add_clips(drill, rows)
    return len(rows)


class ClipFrames:
    """Stored clips decoded into pictures on demand (blocking: the review player's reader thread)."""

    def __init__(self, reader: DrillReader):
        self.reader = reader
        #: clip id → [(hub time, width, height, jpeg)], newest use last
        self._decoded: OrderedDict[int, list[tuple[float, int, int, bytes]]] = OrderedDict()
        self.spans = reader.clips()

    def cameras(self) -> set[str]:
        """Cameras with a clip."""
        return {cam for _, _, cam, _, _ in self.spans}

    def at(self, camera: str, ts: float) -> tuple[tuple[int, int], tuple[float, int, int, bytes]] | None:
        """((clip id, picture index), (time, width, height, jpeg)) of the clip picture of `camera` at `ts`.

        The picture is the newest at or before `ts` in a clip that covers `ts`
        (None outside every clip: the recording's own frames are shown there).
        """
        for cid, _, cam, start, end in self.spans:
            if cam == camera and start <= ts <= end:
                pictures = self._pictures(cid)
                index = None
                for i, p in enumerate(pictures):
                    if p[0] > ts:
                        break
                    index = i
                if index is not None:
                    return (cid, index), pictures[index]
        return None

    def _pictures(self, cid: int) -> list[tuple[float, int, int, bytes]]:
        got = self._decoded.get(cid)
        if got is not None:
            self._decoded.move_to_end(cid)
            return got
        stored = self.reader.clip_data(cid)
        pictures = []
        if stored is not None:
            with av.open(io.BytesIO(stored[1])) as c:
                start = float(c.metadata.get("CLIP_START") or c.metadata.get("clip_start"))
                video = c.streams.video[0]
                for frame in c.decode(video):
                    rgb = frame.to_ndarray(format="rgb24")
                    pictures.append((start + float(frame.pts * video.time_base), frame.width, frame.height,
                                     simplejpeg.encode_jpeg(rgb, quality=JPEG_QUALITY, colorspace="RGB")))
        pictures.sort(key=lambda p: p[0])
        self._decoded[cid] = pictures
        while len(self._decoded) > CACHE_CLIPS:
            self._decoded.popitem(last=False)
        return pictures
