"""Evidence from a camera's ring: the clip around an alert as a Matroska file, a snapshot, a SHA-256 manifest.

The clip holds the original compressed packets (nothing re-encoded: what the
camera sent is what the file holds), timestamped in milliseconds from the
clip's first packet; the wall-clock time of that packet is in the file's
`CLIP_START` tag, so a reader can say when each frame was live. The manifest
lists every file with its size and SHA-256, and `verify_manifest` checks a
folder against it.

`EvidenceKeeper` keeps every camera alert's snapshot and clip as the alert
arrives (the ring forgets after 30 s), in hub time so they line up with the
timeline and the drill file; `write_bundle` and `verify_bundle` make and check
an incident's export, a folder or a zip (`duty-console evidence verify`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import simplejpeg

from console.video.ring import Clip, Packet, decode_clip

log = logging.getLogger(__name__)

#: the alert's evidence window: from 10 s before to 20 s after
BEFORE_S = 10.0
AFTER_S = 20.0
MANIFEST = "manifest.json"
_MS = Fraction(1, 1000)
#: an alert id fit to be a folder name
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def write_clip(clip: Clip, path: Path) -> Path:
    """Mux the clip's packets into a Matroska file (any codec; timestamps kept). Raises ValueError if empty."""
    if not clip.packets:
        raise ValueError(f"no packets for camera {clip.camera}")
    width, height, pix_fmt = _source_format(clip)
    path = Path(path)
    with av.open(str(path), "w", format="matroska") as out:
        out.metadata["CLIP_START"] = f"{clip.start:.3f}"
        out.metadata["CAMERA"] = clip.camera
        stream = out.add_stream(clip.codec, rate=25)
        if width:
            stream.width, stream.height = width, height
        if pix_fmt:
            stream.pix_fmt = pix_fmt
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


def _source_format(clip: Clip) -> tuple[int, int, str | None]:
    """(width, height, pixel format) of the clip's first decodable picture: the muxer needs them.

    The output stream is an encoder context in PyAV even when nothing is
    encoded; MJPEG's refuses to open without its (full-range) pixel format.
    """
    ctx = av.CodecContext.create(clip.codec, "r")
    if clip.extradata:
        ctx.extradata = clip.extradata
    for p in clip.packets[:50]:
        try:
            frames = ctx.decode(av.Packet(p.data))
        except av.error.InvalidDataError:
            continue
        for frame in frames:
            return frame.width, frame.height, frame.format.name
    return 0, 0, None


def read_clip_times(path: Path) -> tuple[float, list[float]]:
    """(CLIP_START, every frame's wall-clock time) of a clip file: what a reviewer checks the window with."""
    with av.open(str(path)) as c:
        start = float(c.metadata.get("CLIP_START") or c.metadata.get("clip_start"))
        video = c.streams.video[0]
        times = [start + float(f.pts * video.time_base) for f in c.decode(video)]
    return start, times


def clip_span(path: Path) -> tuple[float, float]:
    """(first, last) picture time of a clip file, from its packets (nothing decoded)."""
    with av.open(str(path)) as c:
        start = float(c.metadata.get("CLIP_START") or c.metadata.get("clip_start"))
        video = c.streams.video[0]
        pts = [p.pts for p in c.demux(video) if p.pts is not None]
    return start + float(min(pts, default=0) * video.time_base), start + float(max(pts, default=0) * video.time_base)


#: a clip starting this much after `alert − BEFORE_S` still counts as holding the whole before (one GOP)
WHOLE_BEFORE_SLACK_S = 1.5


def clip_coverage(first: float, last: float, alert_at: float) -> tuple[str, float, float]:
    """What a clip holds around its alert: (case, seconds from the alert to its first picture, to its last).

    case: "whole" (the ring held the window's 10 s before), "short_before" (some seconds before, fewer
    than 10: the camera was kept only from then), "no_before" (nothing before the alert: the camera
    was not kept before it, e.g. off the screen with no armed ring). Offsets are negative before the alert.
    """
    start, end = first - alert_at, last - alert_at
    if start <= -BEFORE_S + WHOLE_BEFORE_SLACK_S:
        return "whole", start, end
    return ("short_before" if start < 0 else "no_before"), start, end


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


# ====================================================================== hub time

def to_hub_time(clip: Clip, to_hub: Callable[[float], float]) -> Clip:
    """The clip with each packet's arrival time (console wall clock) turned into hub time.

    Alerts, timelines and drill files speak hub time (scenario time in an
    exercise); the ring speaks the console's clock. Evidence is kept in hub time
    so a clip lines up with the timeline it belongs to.
    """
    packets = [Packet(to_hub(p.at), p.pts, p.key, p.data) for p in clip.packets]
    return Clip(clip.camera, clip.codec, clip.extradata, clip.time_base, packets)


# ====================================================================== kept per alert

SNAPSHOT_NAME = "snapshot.jpg"
CLIP_NAME = "clip.mkv"
#: how often a clip not yet possible is tried again (console seconds)
RETRY_S = 1.0
#: how often a snapshot not yet possible is tried again: the picture is due within a second of the
#: alert, and the ring has a frame after it one frame period (0.2 s at 5 fps) after it arrived
SNAPSHOT_RETRY_S = 0.15
#: the snapshot is the nearest picture to the alert within this many seconds of it (decoded from
#: the keyframe before: not the whole 30 s ring)
SNAPSHOT_NEAR_S = 1.0
#: after the window's end plus this, a clip is written with whatever the ring holds
GRACE_S = 5.0
#: the kept evidence of the oldest alerts goes when the folder holds more than this (a busy day of
#: main-stream clips is ~10 MB an alert; exports and drill files keep what must stay)
MAX_KEPT_BYTES = 4 << 30


@dataclass(slots=True)
class _Pending:
    alert: str
    camera: str
    at: float  # hub time of the alert
    snapshot_done: bool = False
    clip_done: bool = False
    busy: bool = False
    next_try: float = 0.0
    #: the worker has looked for files kept before
    looked: bool = False


class EvidenceKeeper:
    """Keeps each camera alert's snapshot and −10 s … +20 s clip from the console's own rings.

    `clip_for(camera)` is the ring's copy (`StreamSources.clip`), `to_hub(wall)`
    maps the console clock to hub time. `note` an alert as it arrives and `poll`
    on every UI tick: poll only compares times; decoding and writing happen on
    one worker thread. Files land in `root/<alert>/` (snapshot.jpg, clip.mkv),
    with times in hub time, and stay there for exports and drill files.
    """

    def __init__(self, root: str | Path, clip_for: Callable[[str], Clip | None], *,
                 to_hub: Callable[[float], float] = lambda t: t, hub_now: Callable[[], float] = time.time,
                 clock: Callable[[], float] = time.monotonic, max_bytes: int = MAX_KEPT_BYTES):
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.clip_for = clip_for
        self.to_hub = to_hub
        self.hub_now = hub_now
        self.clock = clock
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence")
        self._job = None  # the worker's job in progress (poll starts one at a time)
        #: callables told (alert id) when a snapshot or clip of that alert is written, or a clip's
        #: span is known (any thread)
        self.listeners: list[Callable[[str], None]] = []
        #: each kept clip's (first, last) picture time, read on the worker; and the alerts asked for
        self._spans: dict[str, tuple[float, float]] = {}
        self._asked: set[str] = set()

    def note(self, alert: str, camera: str, at: float) -> None:
        """An alert from `camera` at hub time `at`: keep its evidence (no-op if already kept or noted)."""
        if alert in self._pending or not _safe_name(alert):
            return
        # what is already kept is found by the worker (two file lookups per alert held the GUI thread
        # under an alert storm)
        self._pending[alert] = _Pending(alert, camera, at)

    def poll(self) -> None:
        """Start the work that is due (cheap: called on the GUI thread every tick).

        Everything due goes to the worker as one job, and nothing new goes while a job runs: an
        alert storm (hundreds of camera alerts a second) once meant thousands of submits a second,
        each a future and a lock the GUI thread took while the worker held the GIL (P2: 35 ms stalls).
        """
        if self._job is not None and not self._job.done():
            return
        now = self.clock()
        due = []
        for p in list(self._pending.values()):
            if p.snapshot_done and p.clip_done:
                del self._pending[p.alert]
            elif not p.busy and now >= p.next_try:
                p.busy = True
                due.append(p)
        if due:
            self._job = self._pool.submit(self._work_all, due, self.hub_now())

    def _work_all(self, due: list[_Pending], hub_now: float) -> None:
        clips: dict[str, Clip | None] = {}  # one ring copy per camera for the whole job
        for p in due:
            self._work(p, hub_now, clips)

    def finish(self, alert: str) -> None:
        """Write the alert's clip now with what the ring holds (before an export); blocks until written."""
        p = self._pending.get(alert)
        if p is None or p.clip_done:
            return
        self._pool.submit(self._work, p, float("inf")).result()

    def snapshot_path(self, alert: str) -> Path | None:
        """The kept snapshot of an alert, or None."""
        path = self.root / alert / SNAPSHOT_NAME
        return path if _safe_name(alert) and path.is_file() else None

    def clip_path(self, alert: str) -> Path | None:
        """The kept clip of an alert, or None."""
        path = self.root / alert / CLIP_NAME
        return path if _safe_name(alert) and path.is_file() else None

    def clip_span(self, alert: str) -> tuple[float, float] | None:
        """(first, last) picture time of the alert's kept clip; None while not known.

        Never read here: opening the clip demuxes all of it, 0.3-0.5 s of the GUI thread when the
        pane showed a new critical alert under load (P2). The worker reads it once and tells the
        listeners; a clip it writes is read as it is written.
        """
        span = self._spans.get(alert)
        if span is None and alert not in self._asked and self.clip_path(alert) is not None:
            self._asked.add(alert)  # once: a clip that will not open is not tried at every fill
            try:
                self._pool.submit(self._read_span, alert)
            except RuntimeError:  # closed: the console is going away
                pass
        return span

    def _read_span(self, alert: str) -> None:
        path = self.clip_path(alert)
        if path is None:
            return
        try:
            self._spans[alert] = clip_span(path)
        except Exception:  # noqa: BLE001 - a clip that will not open: the export says so; the pane stays up
            log.warning("clip of %s unreadable", alert, exc_info=True)
            return
        self._tell(alert)

    def _tell(self, alert: str) -> None:
        for tell in list(self.listeners):
            tell(alert)

    def close(self) -> None:
        """Stop the worker (work in progress finishes)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _prune(self, keep: str) -> None:
        """Remove the oldest alerts' folders while the kept evidence is over `max_bytes`."""
        folders = []
        for d in self.root.iterdir():
            if d.is_dir() and d.name != keep:
                files = [f.stat() for f in d.iterdir() if f.is_file()]
                folders.append((max((s.st_mtime for s in files), default=0.0), sum(s.st_size for s in files), d))
        total = sum(size for _, size, _ in folders) + sum(
            f.stat().st_size for f in (self.root / keep).iterdir() if f.is_file())
        for _, size, d in sorted(folders, key=lambda f: f[0]):
            if total <= self.max_bytes:
                break
            shutil.rmtree(d, ignore_errors=True)
            total -= size
            log.info("evidence of %s removed: kept evidence over %d bytes", d.name, self.max_bytes)

    def _work(self, p: _Pending, hub_now: float, clips: dict | None = None) -> None:
        no_ring = False
        try:
            if not p.looked:  # what is already kept (another run of this console, an export), once
                p.looked = True
                p.snapshot_done = p.snapshot_done or self.snapshot_path(p.alert) is not None
                p.clip_done = p.clip_done or self.clip_path(p.alert) is not None
                if p.snapshot_done and p.clip_done:
                    return
            if clips is not None and p.camera in clips:
                raw = clips[p.camera]
            else:
                raw = self.clip_for(p.camera)
                if clips is not None:
                    clips[p.camera] = raw
            no_ring = raw is None or not raw.packets
            clip = to_hub_time(raw, self.to_hub) if raw is not None and raw.packets else None
            folder = self.root / p.alert
            past_end = hub_now >= p.at + AFTER_S + GRACE_S
            wrote = False
            if clip is not None and not p.snapshot_done and (clip.end >= p.at or past_end):
                folder.mkdir(parents=True, exist_ok=True)
                near = clip.between(p.at - SNAPSHOT_NEAR_S, p.at + SNAPSHOT_NEAR_S)
                _atomic(folder / SNAPSHOT_NAME, lambda tmp: write_snapshot(near if near.packets else clip, p.at, tmp))
                p.snapshot_done = wrote = True
            if clip is not None and not p.clip_done and (clip.end >= p.at + AFTER_S or past_end):
                window = clip.between(p.at - BEFORE_S, p.at + AFTER_S)
                if window.packets:
                    folder.mkdir(parents=True, exist_ok=True)
                    _atomic(folder / CLIP_NAME, lambda tmp: write_clip(window, tmp))
                    self._spans[p.alert] = clip_span(folder / CLIP_NAME)
                    p.clip_done = wrote = True
            if past_end and clip is None:
                p.snapshot_done = p.clip_done = True  # the ring never had this camera: nothing to keep
            if p.clip_done and wrote:
                self._prune(keep=p.alert)
            if wrote:
                self._tell(p.alert)
        except Exception:  # a clip that will not decode or mux: log it, never take the console down
            log.exception("evidence of %s from %s not kept", p.alert, p.camera)
            p.snapshot_done = p.clip_done = True
        finally:
            # a camera with no ring here is looked at again each RETRY_S (its tile may open), not 7 times a second
            p.next_try = self.clock() + (RETRY_S if p.snapshot_done or no_ring else SNAPSHOT_RETRY_S)
            p.busy = False


def _safe_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    write(tmp)
    os.replace(tmp, path)


# ====================================================================== bundles (an incident's export)

def write_bundle(dest: str | Path, files: dict[str, bytes | Path]) -> Path:
    """Write `files` (name → bytes or a file to copy) with a SHA-256 manifest, as a folder or a `.zip`.

    Names are relative POSIX paths (`clips/A0010.mkv`). A zip holds the same
    files as the folder would, manifest.json among them. Nothing is left half
    written: the bundle is assembled beside `dest` and renamed into place.
    """
    dest = Path(dest)
    for name in files:
        if name == MANIFEST or name.startswith(("/", "..")) or "/../" in name or "\\" in name:
            raise ValueError(f"bad file name in a bundle: {name!r}")
    if dest.exists():
        raise FileExistsError(f"{dest} exists already")
    dest.parent.mkdir(parents=True, exist_ok=True)
    listing = {}
    for name, src in sorted(files.items()):
        data = src if isinstance(src, bytes) else Path(src).read_bytes()
        listing[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest = json.dumps({"algorithm": "sha256", "files": listing}, indent=2, ensure_ascii=False).encode()
    tmp = dest.with_name(f".{dest.name}.partial")
    if dest.suffix.lower() == ".zip":
        with zipfile.ZipFile(tmp, "w") as z:
            for name, src in sorted(files.items()):
                data = src if isinstance(src, bytes) else Path(src).read_bytes()
                # video and JPEG do not shrink; text does
                z.writestr(name, data, zipfile.ZIP_STORED if name.endswith((".mkv", ".jpg", ".png"))
                           else zipfile.ZIP_DEFLATED)
            z.writestr(MANIFEST, manifest, zipfile.ZIP_DEFLATED)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
        for name, src in files.items():
            out = tmp / name
            out.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(src, bytes):
                out.write_bytes(src)
            else:
                shutil.copyfile(src, out)
        (tmp / MANIFEST).write_bytes(manifest)
    os.replace(tmp, dest)
    return dest


def verify_bundle(path: str | Path) -> list[str]:
    """Problems found checking a bundle (folder or zip) against its manifest; [] when it verifies."""
    path = Path(path)
    if path.is_dir():
        return verify_manifest(path)
    if not path.is_file():
        return [f"no such folder or zip: {path}"]
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
            if MANIFEST not in names:
                return ["manifest unreadable: no manifest.json in the zip"]
            try:
                listed = json.loads(z.read(MANIFEST).decode("utf-8")).get("files", {})
            except ValueError as exc:
                return [f"manifest unreadable: {exc}"]
            problems = []
            for rel, entry in listed.items():
                if rel not in names:
                    problems.append(f"missing: {rel}")
                    continue
                h = hashlib.sha256()
                with z.open(rel) as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        h.update(block)
                if h.hexdigest() != entry.get("sha256"):
                    problems.append(f"changed: {rel}")
            problems += [f"not in the manifest: {n}" for n in names if n != MANIFEST and n not in listed]
            return problems
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"not a readable zip: {exc}"]
