"""Evidence from a camera's ring: the clip around an alert as a Matroska file, a snapshot, a SHA-256 manifest.

The clip holds the original compressed packets (nothing re-encoded: what the
camera sent is what the file holds), timestamped in milliseconds from the
clip's first packet; the wall-clock time of that packet is in the file's
`CLIP_START` tag, so a reader can say when each frame was live. The manifest
lists every file with its size and SHA-256, and `verify_manifest` checks a
folder against it.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import av
import simplejpeg

from console.video.ring import Clip, decode_clip

#: the alert's evidence window: from 10 s before to 20 s after
BEFORE_S = 10.0
AFTER_S = 20.0
MANIFEST = "manifest.json"
_MS = Fraction(1, 1000)


def write_clip(clip: Clip, path: Path) -> Path:
    """Mux the clip's packets into a Matroska file (any codec; timestamps kept). Raises ValueError if empty."""
    if not clip.packets:
        raise ValueError(f"no packets for camera {clip.camera}")
    width, height = _source_size(clip)
    path = Path(path)
    with av.open(str(path), "w", format="matroska") as out:
        out.metadata["CLIP_START"] = f"{clip.start:.3f}"
        out.metadata["CAMERA"] = clip.camera
        stream = out.add_stream(clip.codec, rate=25)
        if width:
            stream.width, stream.height = width, height
        if clip.extradata:
            stream.codec_context.extradata = clip.extradata
        stream.time_base = _MS
        start = clip.start
        last = -1
        for p in clip.packets:
            pkt = av.Packet(p.data)
            ms = max(last + 1, int(round((p.at - start) * 1000)))  # strictly increasing for the muxer
            last = ms
            pkt.pts = pkt.dts = ms
            pkt.time_base = _MS
            pkt.is_keyframe = p.key
            pkt.stream = stream
            out.mux(pkt)
    return path


def _source_size(clip: Clip) -> tuple[int, int]:
    """The clip's picture size, from its first decodable frame (the muxer needs it)."""
    frame = next(iter(decode_clip(Clip(clip.camera, clip.codec, clip.extradata, clip.time_base,
                                       clip.packets[:50]))), None)
    return (frame.width, frame.height) if frame is not None else (0, 0)


def read_clip_times(path: Path) -> tuple[float, list[float]]:
    """(CLIP_START, every frame's wall-clock time) of a clip file: what a reviewer checks the window with."""
    with av.open(str(path)) as c:
        start = float(c.metadata.get("CLIP_START") or c.metadata.get("clip_start"))
        video = c.streams.video[0]
        times = [start + float(f.pts * video.time_base) for f in c.decode(video)]
    return start, times


def write_snapshot(clip: Clip, at: float, path: Path, quality: int = 90) -> float:
    """The clip's picture nearest to `at` as a JPEG at full size; returns that picture's time."""
    best = None
    for frame in decode_clip(clip):
        if best is None or abs(frame.ts - at) < abs(best.ts - at):
            best = frame
        if frame.ts > at and best is not frame:
            break
    if best is None:
        raise ValueError(f"nothing decodable for camera {clip.camera}")
    Path(path).write_bytes(simplejpeg.encode_jpeg(best.rgb, quality=quality, colorspace="RGB"))
    return best.ts


def export_alert_evidence(clip: Clip, alert_at: float, folder: Path, *, name: str) -> dict:
    """The alert's clip (−10 s … +20 s of what the ring holds) and snapshot into `folder`, with a manifest.

    Returns the manifest. Each file name starts with `name` (e.g. the alert id).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    window = clip.between(alert_at - BEFORE_S, alert_at + AFTER_S)
    write_clip(window, folder / f"{name}.mkv")
    write_snapshot(window, alert_at, folder / f"{name}.jpg")
    return write_manifest(folder)


def write_manifest(folder: Path) -> dict:
    """List every file in `folder` (but the manifest) with size and SHA-256; written as manifest.json."""
    folder = Path(folder)
    files = {}
    for f in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        files[f.relative_to(folder).as_posix()] = {"bytes": f.stat().st_size, "sha256": _sha256(f)}
    manifest = {"algorithm": "sha256", "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def verify_manifest(folder: Path) -> list[str]:
    """Problems found checking `folder` against its manifest ([] when every file is there and unchanged)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"manifest unreadable: {exc}"]
    problems = []
    listed = manifest.get("files", {})
    for rel, entry in listed.items():
        f = folder / rel
        if not f.is_file():
            problems.append(f"missing: {rel}")
        elif _sha256(f) != entry.get("sha256"):
            problems.append(f"changed: {rel}")
    for f in folder.rglob("*"):
        rel = f.relative_to(folder).as_posix()
        if f.is_file() and f.name != MANIFEST and rel not in listed:
            problems.append(f"not in the manifest: {rel}")
    return problems


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
