"""Drill files: one SQLite file holding a recorded session (see DRILL_FORMAT.md).

`DrillRecorder` records a hub as it runs (the exact wire envelopes, periodic
state snapshots, a few cameras' frames at a reduced rate, and metadata);
`DrillReader` opens a recording, checks it, and rebuilds the state at any
moment from the nearest snapshot plus the events after it.

Plain `sqlite3`, no Qt, no asyncio: the hub calls the recorder's `on_event`
on its loop (cheap: it only buffers) and `flush()` from an executor.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from console.domain.apply import apply
from console.domain.state import FOLD_VERSION, State, decode_state, encode_state
from console.protocol.codec import (
    MAX_HUB_MESSAGE_BYTES, ProtocolError, decode, decode_frame,
)
from console.recording import drill_v1

log = logging.getLogger(__name__)

FORMAT = "duty-console-drill"
#: 2: timeline steps and plan gaps as codes and parameters, source actors as codes, alert measurements
FORMAT_VERSION = 2
#: versions a reader opens (older ones are converted on load, see drill_v1)
READABLE_VERSIONS = (1, 2)
#: a snapshot is stored after this many events ...
SNAPSHOT_EVERY_EVENTS = 2000
#: ... or after this many hub seconds since the last one, whichever comes first
SNAPSHOT_EVERY_S = 120.0
_SQLITE_MAGIC = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ts REAL NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY, ts REAL NOT NULL, state BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS frames (
    id INTEGER PRIMARY KEY, camera TEXT NOT NULL, ts REAL NOT NULL, number INTEGER NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL, jpeg BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS frames_by_camera ON frames (camera, ts);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, seq);
"""
#: evidence clips (optional: files made before clips existed have no such table; see DRILL_FORMAT.md)
CLIPS_SCHEMA = """
CREATE TABLE IF NOT EXISTS clips (
    id INTEGER PRIMARY KEY, alert TEXT NOT NULL UNIQUE, camera TEXT NOT NULL,
    start REAL NOT NULL, end REAL NOT NULL, container TEXT NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS clips_by_camera ON clips (camera, start);
"""
#: one clip row: (alert, camera, start, end, container, data)
ClipRow = tuple[str, str, float, float, str, bytes]
_TABLES = ("meta", "events", "snapshots", "frames")

EventRow = tuple[int, str, float, bytes]


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error
        return ""


class DrillFileError(Exception):
    """A drill file that cannot be used; the message names the file and the problem."""

    def __init__(self, path: str | os.PathLike, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


@dataclass(slots=True)
class DrillMeta:
    """What a drill file says about itself (the `meta` table, plus figures from its tables)."""

    version: int
    scenario: str
    seed: int | None
    center: str | None
    start: float
    end: float
    recorded_by: str
    created: float
    mode: str
    first_seq: int
    last_seq: int
    events: int
    snapshots: int
    frames: int
    cameras: list[str]
    #: evidence clips held (0 in files made before clips existed)
    clips: int = 0
    #: cameras with a clip
    clip_cameras: list[str] = field(default_factory=list)
    #: the fold rules its snapshots were written under (domain.state.FOLD_VERSION; None before it existed)
    fold: int | None = None
    #: each console's last alarm-to-screen report (console/hub/alarm_figures.py `report()`), and video
    #: delay per camera where measured; empty in files made before they were kept
    alarm_to_screen: list = field(default_factory=list)
    video_to_screen: list = field(default_factory=list)

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


# ====================================================================== writing

class DrillWriter:
    """Low-level writer of one drill file; blocking, use it from one thread at a time."""

    def __init__(self, path: str | os.PathLike, meta: dict[str, object], *, overwrite: bool = True):
        self.path = Path(path)
        if self.path.exists():
            if not overwrite:
                raise DrillFileError(path, "exists already")
            self.path.unlink()
        for suffix in ("-journal", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA + CLIPS_SCHEMA)
        base = {"format": FORMAT, "version": FORMAT_VERSION, "created": time.time(),
                "snapshot_codec": "zlib", "fold": FOLD_VERSION}
        self.set_meta({**base, **meta})
        self._lock = threading.Lock()

    def set_meta(self, values: dict[str, object]) -> None:
        """Write metadata values (JSON-encoded, so numbers and null survive)."""
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()])
        self._db.execute("COMMIT")

    def write(self, events: list[EventRow], snapshots: list[tuple[int, float, bytes]],
              frames: list[tuple[str, float, int, int, int, bytes]]) -> None:
        """Append rows in one transaction; snapshot states are given as `encode_state` bytes."""
        if not (events or snapshots or frames):
            return
        snapshots = [(seq, ts, zlib.compress(state, 6)) for seq, ts, state in snapshots]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("INSERT INTO events (seq, type, ts, data) VALUES (?, ?, ?, ?)", events)
                self._db.executemany("INSERT OR REPLACE INTO snapshots (seq, ts, state) VALUES (?, ?, ?)",
                                     snapshots)
                self._db.executemany("INSERT INTO frames (camera, ts, number, width, height, jpeg) "
                                     "VALUES (?, ?, ?, ?, ?, ?)", frames)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def add_clips(self, clips: list[ClipRow]) -> None:
        """Store evidence clips (an alert's camera around it; a clip for the same alert replaces the old)."""
        with self._lock:
            _insert_clips(self._db, clips)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None  # type: ignore[assignment]


class DrillRecorder:
    """Records a hub into a drill file: attach it, let it run, close it.

    Events arrive through `HubCore.taps` as the exact envelope bytes the hub
    sends; a snapshot of the state is kept every `snapshot_every` events or
    `snapshot_every_s` hub seconds; frames of `cameras` are kept at most
    `fps` per hub second each. Nothing touches the disk until `flush()`.
    """

    def __init__(self, path: str | os.PathLike, *, scenario: str = "", seed: int | None = None,
                 center: str | None = None, recorded_by: str = "", mode: str = "live",
                 cameras: list[str] | tuple[str, ...] = (), fps: float = 1.0,
                 snapshot_every: int = SNAPSHOT_EVERY_EVENTS, snapshot_every_s: float = SNAPSHOT_EVERY_S,
                 created: float | None = None):
        self.path = Path(path)
        self.cameras = set(cameras)
        self.fps = fps
        self.snapshot_every = snapshot_every
        self.snapshot_every_s = snapshot_every_s
        self._writer = DrillWriter(path, {
            "scenario": scenario, "seed": seed, "center": center, "mode": mode,
            "recorded_by": recorded_by or _user(), "start": None, "end": None,
            "cameras": sorted(self.cameras), "record_fps": fps,
            **({"created": created} if created is not None else {}),
        })
        self._events: list[EventRow] = []
        self._snapshots: list[tuple[int, float, bytes]] = []
        self._frames: list[tuple[str, float, int, int, int, bytes]] = []
        self._since_snapshot = 0
        self._snapshot_ts: float | None = None
        self._last_frame: dict[str, float] = {}
        self.start: float | None = None
        self.end: float | None = None
        self.counts = {"events": 0, "snapshots": 0, "frames": 0}
        self._closed = False
        self._core = None

    # ------------------------------------------------------------------ attach

    def attach(self, core, server=None) -> None:
        """Start recording a HubCore (and the frames its server publishes)."""
        if core.state.seq:
            # A hub that already has history: the recording starts from its state now.
            self.on_start(core.state)
        self._core = core
        core.taps.append(self.on_event)
        if server is not None:
            server.frame_taps.append(self.on_frame)

    def on_start(self, state: State) -> None:
        """Store the state the recording starts from (when it does not start at seq 1)."""
        self._snapshots.append((state.seq, state.now, encode_state(state)))
        self._snapshot_ts, self._since_snapshot = state.now, 0
        self.start = state.now
        self.counts["snapshots"] += 1

    def on_event(self, seq: int, type_: str, ts: float, data: bytes, state: State) -> None:
        """HubCore tap: one applied event, its envelope bytes, and the state right after it."""
        if self._closed:
            return
        self._events.append((seq, type_, ts, data))
        self.counts["events"] += 1
        if self.start is None:
            self.start = ts
        self.end = ts
        self._since_snapshot += 1
        if self._snapshot_ts is None or type_ == "baseline_loaded":
            self._snapshot_ts = ts
            if type_ == "baseline_loaded":  # seeks to the very start skip the big baseline decode
                self._take_snapshot(seq, ts, state)
            return
        if (self._since_snapshot >= self.snapshot_every
                or ts - self._snapshot_ts >= self.snapshot_every_s):
            self._take_snapshot(seq, ts, state)

    def _take_snapshot(self, seq: int, ts: float, state: State) -> None:
        self._snapshots.append((seq, ts, encode_state(state)))
        self._snapshot_ts, self._since_snapshot = ts, 0
        self.counts["snapshots"] += 1

    def on_frame(self, camera: str, data: bytes) -> None:
        """HubServer frame tap: keep the frame if its camera is recorded and it is due."""
        if self._closed or camera not in self.cameras:
            return
        last = self._last_frame.get(camera)
        try:
            frame = decode_frame(data)
        except ProtocolError:
            return
        if last is not None and frame.ts - last < 1.0 / self.fps:
            return
        self.add_frame(camera, frame.ts, frame.number, frame.width, frame.height, bytes(frame.payload))

    def add_frame(self, camera: str, ts: float, number: int, width: int, height: int, jpeg: bytes) -> None:
        """Keep one frame (the caller has decided it is due)."""
        self._last_frame[camera] = ts
        self._frames.append((camera, ts, number, width, height, jpeg))
        self.counts["frames"] += 1

    def frame_due(self, camera: str, ts: float) -> bool:
        """Whether a frame of `camera` at hub time `ts` would be kept."""
        last = self._last_frame.get(camera)
        return camera in self.cameras and (last is None or ts - last >= 1.0 / self.fps)

    # ------------------------------------------------------------------ writing

    def take(self) -> tuple[list, list, list]:
        """Swap out the buffers (on the loop thread) for a `write` elsewhere."""
        out = (self._events, self._snapshots, self._frames)
        self._events, self._snapshots, self._frames = [], [], []
        return out

    def write(self, rows: tuple[list, list, list]) -> None:
        """Write swapped-out buffers (blocking; any thread, one at a time)."""
        self._writer.write(*rows)

    def flush(self) -> None:
        """Write everything buffered (blocking)."""
        self.write(self.take())

    def close(self) -> None:
        """Flush, write the start and end times, close the file; safe to call twice."""
        if self._closed:
            return
        self.flush()
        figures = getattr(self._core, "alarm_figures", None)  # the consoles' own alarm-to-screen reports
        self._writer.set_meta({"start": self.start, "end": self.end,
                               **({"alarm_to_screen": figures.report()} if figures is not None else {})})
        self._closed = True
        self._writer.close()
        log.info("drill recorded to %s: %d events, %d snapshots, %d frames", self.path,
                 self.counts["events"], self.counts["snapshots"], self.counts["frames"])


# ====================================================================== reading

def _dicts(value: object) -> list[dict]:
    """A meta list of JSON objects (anything else, from a damaged or older file: none)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class DrillReader:
    """A drill file opened for reading; checked on open, safe to share between threads."""

    def __init__(self, path: str | os.PathLike, *, check: bool = True):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = self._open()
        try:
            self.meta = self._read_meta(check)
            #: a version-1 file's events and snapshots are converted as they are read
            self._v1 = self.meta.version == 1
            #: snapshots written under other fold rules are re-derived from the events, not trusted
            self._snapshots_current = self.meta.fold == FOLD_VERSION
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise DrillFileError(path, f"damaged drill file (truncated or corrupted): {exc}") from None
        except DrillFileError:
            self._db.close()
            raise

    # ------------------------------------------------------------------ open and check

    def _open(self) -> sqlite3.Connection:
        p = self.path
        if not p.exists():
            raise DrillFileError(p, "no such drill file")
        if p.is_dir():
            raise DrillFileError(p, "is a directory, not a drill file")
        with open(p, "rb") as f:
            head = f.read(100)
        if len(head) == 0:
            raise DrillFileError(p, "empty file, not a drill file")
        if not head.startswith(_SQLITE_MAGIC):
            raise DrillFileError(p, "not a drill file (not an SQLite database)")
        if len(head) < 100:
            raise DrillFileError(p, "damaged drill file (truncated: shorter than the SQLite header)")
        try:
            db = sqlite3.connect(f"file:{p.resolve()}?mode=ro", uri=True, check_same_thread=False)
            db.execute("PRAGMA query_only=1")
        except sqlite3.DatabaseError as exc:
            raise DrillFileError(p, f"cannot open drill file: {exc}") from None
        return db

    def _read_meta(self, check: bool) -> DrillMeta:
        db, p = self._db, self.path
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in _TABLES if t not in tables]
        if missing:
            raise DrillFileError(p, f"not a drill file (no table {', '.join(missing)})")
        raw = dict(db.execute("SELECT key, value FROM meta").fetchall())
        try:
            meta = {k: json.loads(v) for k, v in raw.items()}
        except ValueError as exc:
            raise DrillFileError(p, f"damaged drill file (meta value is not JSON: {exc})") from None
        if meta.get("format") != FORMAT:
            raise DrillFileError(p, f"not a drill file (meta format is {meta.get('format')!r}, "
                                    f"want {FORMAT!r})")
        version = meta.get("version")
        if version not in READABLE_VERSIONS:
            raise DrillFileError(p, f"drill format version {version!r}; this console reads "
                                    f"versions {', '.join(map(str, READABLE_VERSIONS))}")
        if check:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise DrillFileError(p, f"damaged drill file (truncated or corrupted): {verdict}")
        first, last, count = db.execute("SELECT min(seq), max(seq), count(*) FROM events").fetchone()
        if not count:
            raise DrillFileError(p, "drill file holds no events")
        if last - first + 1 != count:
            raise DrillFileError(p, f"damaged drill file ({last - first + 1 - count} events missing "
                                    f"between seq {first} and {last})")
        if first != 1:
            snap = db.execute("SELECT 1 FROM snapshots WHERE seq = ?", (first - 1,)).fetchone()
            if snap is None:
                raise DrillFileError(p, f"drill file has no starting point (events begin at seq {first} "
                                        f"and there is no snapshot at seq {first - 1})")
        t_first, = db.execute("SELECT ts FROM events WHERE seq = ?", (first,)).fetchone()
        t_last, = db.execute("SELECT ts FROM events WHERE seq = ?", (last,)).fetchone()
        n_snap, = db.execute("SELECT count(*) FROM snapshots").fetchone()
        n_frames, = db.execute("SELECT count(*) FROM frames").fetchone()
        cams = [r[0] for r in db.execute("SELECT DISTINCT camera FROM frames ORDER BY camera")]
        n_clips, clip_cams = 0, []
        if "clips" in tables:
            n_clips, = db.execute("SELECT count(*) FROM clips").fetchone()
            clip_cams = [r[0] for r in db.execute("SELECT DISTINCT camera FROM clips ORDER BY camera")]
        start = meta.get("start") if isinstance(meta.get("start"), (int, float)) else t_first
        end = meta.get("end") if isinstance(meta.get("end"), (int, float)) else t_last
        return DrillMeta(version=version, scenario=str(meta.get("scenario") or ""), seed=meta.get("seed"),
                         center=meta.get("center"), start=float(start), end=float(max(end, t_last)),
                         recorded_by=str(meta.get("recorded_by") or ""), created=float(meta.get("created") or 0),
                         mode=str(meta.get("mode") or "live"), first_seq=first, last_seq=last, events=count,
                         snapshots=n_snap, frames=n_frames, cameras=cams, clips=n_clips, clip_cameras=clip_cams,
                         fold=meta.get("fold") if isinstance(meta.get("fold"), int) else None,
                         alarm_to_screen=_dicts(meta.get("alarm_to_screen")),
                         video_to_screen=_dicts(meta.get("video_to_screen")))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None  # type: ignore[assignment]

    def __enter__(self) -> DrillReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                raise DrillFileError(self.path, f"damaged drill file (truncated or corrupted): {exc}") from None

    # ------------------------------------------------------------------ events

    def events(self, after_seq: int = 0, limit: int = 5000, *, until_ts: float | None = None) -> list[EventRow]:
        """Events with seq > after_seq in order, at most `limit`, optionally only those with ts ≤ until_ts.

        The envelope bytes are today's form (a version-1 file's are converted).
        """
        if until_ts is None:
            rows = self._query("SELECT seq, type, ts, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                               (after_seq, limit))
        else:
            rows = self._query("SELECT seq, type, ts, data FROM events WHERE seq > ? AND seq <= ? AND ts <= ? "
                               "ORDER BY seq LIMIT ?", (after_seq, after_seq + limit, until_ts, limit))
        if self._v1:
            rows = [(seq, type_, ts, self._convert(type_, data)) for seq, type_, ts, data in rows]
        return rows

    def _convert(self, type_: str, data: bytes) -> bytes:
        try:
            return drill_v1.convert_event(type_, data)
        except (ValueError, KeyError, TypeError, msgspec.DecodeError) as exc:
            raise DrillFileError(self.path, f"damaged drill file (a version-1 event cannot be read: "
                                            f"{exc})") from None

    def iter_events(self, after_seq: int = 0, batch: int = 5000) -> Iterator[EventRow]:
        """Every event after `after_seq`, in order, read in batches."""
        while True:
            rows = self.events(after_seq, batch)
            if not rows:
                return
            yield from rows
            after_seq = rows[-1][0]

    def seq_at(self, ts: float) -> int:
        """The last seq with ts ≤ `ts` (first_seq − 1 if none)."""
        row = self._query("SELECT max(seq) FROM events WHERE ts <= ?", (ts,))
        return row[0][0] if row and row[0][0] is not None else self.meta.first_seq - 1

    # ------------------------------------------------------------------ state

    def state_at(self, ts: float) -> State:
        """The state after every event with hub time ≤ ts: nearest snapshot, then the events after it."""
        snap = self._query("SELECT seq, state FROM snapshots WHERE ts <= ? ORDER BY seq DESC LIMIT 1", (ts,))
        if snap and self._snapshots_current:
            state = self._snapshot_state(snap[0][1])
        else:
            first = self._query("SELECT seq, state FROM snapshots ORDER BY seq LIMIT 1")
            if first and first[0][0] == self.meta.first_seq - 1:
                return self._snapshot_state(first[0][1])  # the recording starts from this snapshot
            state = State()
        self._apply_until(state, ts)
        return state

    def _snapshot_state(self, blob: bytes) -> State:
        try:
            if self._v1:
                return drill_v1.convert_state(blob)
            return decode_state(zlib.decompress(blob))
        except (zlib.error, ValueError, KeyError, TypeError, msgspec.DecodeError) as exc:
            raise DrillFileError(self.path, f"damaged drill file (a snapshot cannot be read: {exc})") from None

    def _apply_until(self, state: State, ts: float) -> None:
        after = state.seq
        while True:
            rows = self.events(after, 2000, until_ts=ts)
            for seq, _type, _ts, data in rows:
                apply(state, self.decode(data))
            if len(rows) < 2000:
                return
            after = rows[-1][0]

    def final_state(self) -> State:
        """The state at the end of the recording."""
        return self.state_at(float("inf"))

    def history_state(self) -> State:
        """The state at the end with nothing archived: every incident of the recording, for reports.

        Folds from the recording's start (not from later snapshots, which lack
        what was archived before them) and skips `incidents_archived`.
        """
        first = self._query("SELECT seq, state FROM snapshots ORDER BY seq LIMIT 1")
        if first and first[0][0] == self.meta.first_seq - 1:
            state = self._snapshot_state(first[0][1])
        else:
            state = State()
        after = state.seq
        while True:
            rows = self.events(after, 2000)
            for seq, type_, _ts, data in rows:
                if type_ != "incidents_archived":
                    apply(state, self.decode(data))
                after = seq
            if len(rows) < 2000:
                return state

    def decode(self, data: bytes):
        """One stored envelope, decoded (DrillFileError if it is not a valid message)."""
        try:
            return decode(data, max_bytes=MAX_HUB_MESSAGE_BYTES)
        except ProtocolError as exc:
            raise DrillFileError(self.path, f"damaged drill file (an event is not a valid message: "
                                            f"{exc.reason})") from None

    # ------------------------------------------------------------------ markers and frames

    def alert_markers(self) -> list[tuple[float, str, str]]:
        """(hub time, severity, alert id) of every alert raised, for the timeline."""
        out = []
        for (data,) in self._query("SELECT data FROM events WHERE type = 'alert_raised' ORDER BY seq"):
            a = self.decode(self._convert("alert_raised", data) if self._v1 else data).body.alert
            out.append((a.at, a.severity, a.id))
        return out

    def frame_at(self, camera: str, ts: float) -> tuple[float, int, int, int, bytes] | None:
        """The newest recorded frame of `camera` at or before `ts`: (ts, number, width, height, jpeg)."""
        rows = self._query("SELECT ts, number, width, height, jpeg FROM frames WHERE camera = ? AND ts <= ? "
                           "ORDER BY ts DESC LIMIT 1", (camera, ts))
        return rows[0] if rows else None

    def frame_id_at(self, camera: str, ts: float) -> int | None:
        """Row id of the frame `frame_at` would return (cheap: no image read)."""
        rows = self._query("SELECT id FROM frames WHERE camera = ? AND ts <= ? ORDER BY ts DESC LIMIT 1",
                           (camera, ts))
        return rows[0][0] if rows else None

    def frame_by_id(self, frame_id: int) -> tuple[str, float, int, int, int, bytes] | None:
        rows = self._query("SELECT camera, ts, number, width, height, jpeg FROM frames WHERE id = ?", (frame_id,))
        return rows[0] if rows else None


    def clips(self) -> list[tuple[int, str, str, float, float]]:
        """(id, alert, camera, start, end) of every evidence clip, by start time."""
        if not self.meta.clips:
            return []
        return self._query("SELECT id, alert, camera, start, end FROM clips ORDER BY start")

    def clip_data(self, clip_id: int) -> tuple[str, bytes] | None:
        """(container, bytes) of one clip: "matroska", the camera's original packets."""
        rows = self._query("SELECT container, data FROM clips WHERE id = ?", (clip_id,))
        return (rows[0][0], bytes(rows[0][1])) if rows else None


def _insert_clips(db: sqlite3.Connection, clips: list[ClipRow]) -> None:
    db.execute("BEGIN")
    try:
        db.executemany("INSERT OR REPLACE INTO clips (alert, camera, start, end, container, data) "
                       "VALUES (?, ?, ?, ?, ?, ?)", clips)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def add_clips(path: str | os.PathLike, clips: list[ClipRow]) -> int:
    """Add evidence clips to an existing drill file (checked first); returns how many it holds now.

    The file stays readable by older consoles: a new table is not a format change.
    """
    with DrillReader(path):
        pass  # refuses anything that is not a good drill file
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.executescript(CLIPS_SCHEMA)
        _insert_clips(db, clips)
        return db.execute("SELECT count(*) FROM clips").fetchone()[0]
    finally:
        db.close()


def open_drill(path: str | os.PathLike, *, check: bool = True) -> DrillReader:
    """Open and check a drill file, or raise DrillFileError naming the problem."""
    return DrillReader(path, check=check)
