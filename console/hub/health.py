"""Cameras and sources that went quiet, as alarms in the hub's log: raised once, closed when back.

Two kinds of problem, each an alert kind of its own (console/domain/model.py HEALTH_KINDS; the UI
says them in words, console/ui/common/glossary.py):

- `camera_offline`: a watched camera sent no frame for `camera_offline_s` (default 30 s). A
  shorter gap is a blip and raises nothing. Who watches is not this module's business: a
  `CameraFeed` (console/video/liveness.py in a real hub) pulls each camera's stream without
  decoding it and says how long each has been without a frame.
- `source_silent`: a source that said how often it speaks (a `heartbeat` message: the gateway,
  an AI box by its id, the hub's own site watcher) was not heard for SILENT_BEATS of its
  intervals (one late beat is a blip; two missed in a row are not).

Each alarm is raised and closed through console/hub/alarms.py, the federation link alarms' path:
an ordinary alert (source `camera` or `center`) with the id `HEALTH-<key>-<ms>`, closed by the hub
with the domain's close rule once the camera or source is back. A camera that chatters (goes and
comes back over and over) raises at most `quiet_limit` alarms per `quiet_period_s`: the last one
allowed says so (its `value` counts them, its `unit` is QUIETED_UNIT) and further outages in the
period raise nothing. An alarm open when the hub stops is taken up at the next start by its id. The camera's record
follows too (`camera_status_changed`: offline with the outage, online when back; quieted or not),
so every console's tile and map show it, also where no console pulls that camera.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from console.domain.bodies import IngestCameraStatus
from console.domain.model import HEALTH_SOURCE, QUIETED_UNIT, Alert, Camera
from console.hub import alarms

log = logging.getLogger(__name__)

#: every health alarm's alert id starts with this
HEALTH_ALERT_PREFIX = "HEALTH-"
#: seconds without a frame before a camera is offline (shorter: a blip)
CAMERA_OFFLINE_S = 30.0
#: at most this many camera_offline alarms per camera in QUIET_PERIOD_S (then it is quieted)
QUIET_LIMIT = 3
QUIET_PERIOD_S = 3600.0
#: a source is silent once this many of its own intervals passed without a word from it
SILENT_BEATS = 3
#: the shortest and longest interval a source may declare (seconds)
MIN_EVERY_S, MAX_EVERY_S = 0.1, 3600.0
#: how many heartbeat sources the hub keeps (a token holder inventing box ids cannot grow it further)
MAX_SOURCES = 256
#: how often the problems are looked at (seconds)
CHECK_S = 1.0
#: who raises and closes these alarms in the log
ACTOR = HEALTH_SOURCE
#: the source name the hub's own site watcher speaks as
SITE_WATCHER = "site-watcher"


class CameraFeed(Protocol):
    """Who watches the cameras' streams for the hub (console/video/liveness.py)."""

    def watch(self, cameras: list[Camera]) -> None:
        """Watch these cameras (those it can pull), and no others."""

    def silent_for(self, camera: str) -> float | None:
        """Seconds without a frame from `camera` (since it was first watched if none yet); None: not watched."""

    def sent_any(self, camera: str) -> bool:
        """Whether `camera` sent a frame since it was first watched."""

    def close(self) -> None:
        """Stop watching."""


@dataclass
class _Source:
    every_s: float
    heard: float


@dataclass
class _Chatter:
    """One camera's alarms in the quiet period (monotonic times)."""

    raised: deque = field(default_factory=deque)


class HealthAlarms:
    """Raises and closes the hub's camera and source alarms; `run()` is a task of the hub."""

    def __init__(self, core, *, camera_offline_s: float = CAMERA_OFFLINE_S, quiet_limit: int = QUIET_LIMIT,
                 quiet_period_s: float = QUIET_PERIOD_S, feed: CameraFeed | None = None,
                 check_s: float = CHECK_S, center: str | None = None):
        self.core = core
        #: the center this hub serves (a town hub's source alarms are its town's); None: the district
        self.center = center
        self.camera_offline_s = float(camera_offline_s)
        self.quiet_limit = max(1, int(quiet_limit))
        self.quiet_period_s = float(quiet_period_s)
        self.feed = feed
        self.check_s = check_s
        #: problem key → incident id of its open alarm
        self.open: dict[str, str] = {}
        #: source name → its declared interval and when it was last heard (monotonic)
        self.sources: dict[str, _Source] = {}
        self._chatter: dict[str, _Chatter] = {}
        #: cameras whose outage is quieted (no alarm raised for it), while it lasts
        self._quiet: set[str] = set()
        #: cameras this hub marked offline (`camera_status_changed`), to be marked online when back
        self._offline: set[str] = set()
        #: cameras whose alarm a previous run left open: offline until they send a frame
        self._held: set[str] = set()
        self._principal = alarms.principal(ACTOR)
        self._task: asyncio.Task | None = None
        self._watching: tuple = ()
        self._last_ms = 0
        #: how many alarms were raised and closed, and outages quieted (figures for tests and metrics)
        self.counts = {"raised": 0, "closed": 0, "quieted": 0, "sources_refused": 0}

    # ------------------------------------------------------------------ what sources tell it

    def heard(self, source: str, every_s: float) -> None:
        """A source spoke: it is alive now and will speak again within `every_s` (clamped to sane bounds)."""
        every = min(MAX_EVERY_S, max(MIN_EVERY_S, float(every_s)))
        if source not in self.sources and len(self.sources) >= MAX_SOURCES:
            self.counts["sources_refused"] += 1
            if self.counts["sources_refused"] == 1:
                log.warning("heartbeat from %r ignored: already %d sources expected", source[:64], MAX_SOURCES)
            return
        self.sources[source] = _Source(every, time.monotonic())

    # ------------------------------------------------------------------ life

    def start(self) -> None:
        """Take up the alarms a previous run left open and start looking."""
        self.open.update(alarms.open_alarms(self.core, HEALTH_ALERT_PREFIX))
        # Still offline or silent until heard: a restart is no recovery. A source that never speaks
        # again (a box taken away) keeps its alarm until a commander closes it.
        self._held.update(key.removeprefix("camera-") for key in self.open if key.startswith("camera-"))
        self._offline.update(self._held)
        for key in self.open:
            if key.startswith("silent-"):
                self.sources.setdefault(key.removeprefix("silent-"), _Source(MAX_EVERY_S, float("-inf")))
        self._task = asyncio.get_running_loop().create_task(self.run(), name="health-alarms")

    async def stop(self) -> None:
        """Stop looking (open alarms stay open: the next start takes them up)."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self.feed is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.feed.close)

    async def run(self) -> None:
        """Look every `check_s`: raise what is new, close what is gone."""
        while True:
            try:
                self.step(time.monotonic())
            except Exception:  # noqa: BLE001 - an alarm must never stop the hub
                log.exception("health alarms failed")
            await asyncio.sleep(self.check_s)

    # ------------------------------------------------------------------ one look

    def problems(self, now: float) -> dict[str, tuple[str, str]]:
        """What is wrong now: key → (kind, subject): `camera-<id>` or `silent-<source>`."""
        out: dict[str, tuple[str, str]] = {}
        if self.feed is not None and self.camera_offline_s > 0:
            cams = self.core.state.cameras
            watching = tuple(sorted((c.id, c.main, c.sub, c.stream, c.rtsp_transport) for c in cams.values()))
            if watching != self._watching:  # the site changed its cameras: watch the new list
                self._watching = watching
                self.feed.watch(list(cams.values()))
            for cid in cams:
                silent = self.feed.silent_for(cid)
                if silent is None:
                    continue
                if cid in self._held:
                    if not self.feed.sent_any(cid):
                        out[f"camera-{cid}"] = ("camera_offline", cid)
                        continue
                    self._held.discard(cid)
                if silent >= self.camera_offline_s:
                    out[f"camera-{cid}"] = ("camera_offline", cid)
        for name, src in self.sources.items():
            if now - src.heard >= SILENT_BEATS * src.every_s:
                out[f"silent-{name}"] = ("source_silent", name)
        return out

    def step(self, now: float) -> None:
        """One look: raise an alarm per new problem (unless quieted), close those whose problem is gone."""
        if not alarms.can_raise(self.core):
            return
        problems = self.problems(now)
        for key, (kind, subject) in problems.items():
            if kind == "camera_offline":
                self._set_online(subject, False)
            if key in self.open or key in self._quiet:
                continue
            count = self._count(key, now) if kind == "camera_offline" else 0
            if count > self.quiet_limit:
                self._quiet.add(key)  # it chatters: this outage raises nothing
                self.counts["quieted"] += 1
                log.info("camera %s offline again: quieted (%d alarms in %.0f s)", subject, count - 1,
                         self.quiet_period_s)
                continue
            incident = self._raise(key, kind, subject, quieted=count == self.quiet_limit)
            if incident:
                self.open[key] = incident
                self.counts["raised"] += 1
                if kind == "camera_offline":
                    self._chatter[key].raised.append(now)
                log.warning("alarm raised: %s %s (%s)", kind, subject, incident)
        self._quiet &= set(problems)
        for key in [k for k in self.open if k not in problems]:
            if alarms.close_alarm(self.core, self.open.pop(key), ACTOR):
                self.counts["closed"] += 1
        for cid in [c for c in self._offline if f"camera-{c}" not in problems]:
            self._set_online(cid, True)

    def _set_online(self, camera: str, online: bool) -> None:
        """Say in the log whether the camera is online (every console's tile and map show it), once per change."""
        cam = self.core.state.cameras.get(camera)
        if online:
            self._offline.discard(camera)
        else:
            self._offline.add(camera)
        if cam is not None and cam.online != online:
            self.core.inject(self._principal, "ingest.camera_status", IngestCameraStatus(camera=camera, online=online))

    def _count(self, key: str, now: float) -> int:
        """Which alarm of the camera in the quiet period this outage's would be (1: the first)."""
        chatter = self._chatter.setdefault(key, _Chatter())
        while chatter.raised and now - chatter.raised[0] >= self.quiet_period_s:
            chatter.raised.popleft()
        return len(chatter.raised) + 1

    def _raise(self, key: str, kind: str, subject: str, *, quieted: bool) -> str | None:
        core = self.core
        state = core.state
        self._last_ms = max(int(time.time() * 1000), self._last_ms + 1)  # an alert id is never reused
        alert_id = f"{HEALTH_ALERT_PREFIX}{key}-{self._last_ms}"
        if kind == "camera_offline":
            cam = state.cameras[subject]
            alert = Alert(id=alert_id, source="camera", kind=kind, severity="warning", title=cam.name or cam.id,
                          at=core.clock.now(), x=cam.x, y=cam.y, grid=cam.grid, town=cam.town, camera=cam.id,
                          value=float(self.quiet_limit) if quieted else None, unit=QUIETED_UNIT if quieted else "")
        else:
            center = self.center or state.district()
            unit = state.org.get(center)
            alert = Alert(id=alert_id, source="center", kind=kind, severity="warning", title=subject,
                          at=core.clock.now(), x=unit.center_x if unit else 0.0, y=unit.center_y if unit else 0.0,
                          grid="", town=center)
        return alarms.raise_alarm(core, self._principal, alert)
