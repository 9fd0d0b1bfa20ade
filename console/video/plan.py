"""The camera wall's plan, without a screen: which cameras are on the tiles, which decode live, which
show stills, which URL each pulls and at what size, which the hub pushes.

The camera pane (console/ui/panes/cameras/) keeps the widgets; every decision about
video is made here from plain values, so it is tested without Qt:

- `Paging`: the camera list (every camera by id, or a recalled view's), tiles per page,
  the page, the focus tile (弹窗预警) and the solo view, and where each camera sits (`grid`).
- `AlertingCameras`: which cameras have an open incident (they flash, decode live, keep a ring).
- `live_set` and `plan_sources`: the live budget (two cores: 16 sub-streams ≈ 25 % of a core
  with painting) and, per camera, the stream reader's `Want` or a subscription at the hub.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from console.domain.model import SETTLED_STATUSES, Alert, Camera
from console.domain.state import State
from console.video.sources import Want
from console.video.urls import is_pulled

#: tiles per page; n×n grids except 64 (8×8)
LAYOUTS = (1, 4, 9, 16, 25, 36, 64)
#: cameras within this many metres of an alert count as nearby (at most NEARBY_MAX of them)
NEARBY_M = 1500.0
NEARBY_MAX = 4
#: at most this many pulled tiles decode live; the others on the page are idle and show a still
#: refreshed every STILL_S seconds
LIVE_TILES = 16
STILL_S = 10.0
#: armed rings: at most this many cameras off the live tiles keep their sub-stream's packets (demuxed,
#: not decoded: ≈ 0.1 % of a core and one RTSP session each) so an alert on one of them still has its
#: 10 s before; each ring capped at ARMED_RING_BYTES (≈ 16 s of a 512 kbit/s sub-stream), 8 MiB in all.
#: Which: the cameras that alerted most recently first, then the others by id (every camera here is an
#: AI camera that can raise alerts). A camera that starts alerting keeps its ring and gets the full cap.
ARMED_RINGS = 8
ARMED_RING_BYTES = 1 << 20

#: (camera id, row, column, span): one tile of the grid
Placed = tuple[str, int, int, int]


def nearby_cameras(cameras: Iterable[Camera], x: float, y: float, radius: float = NEARBY_M,
                   limit: int = NEARBY_MAX) -> list[tuple[str, float]]:
    """(camera id, metres) of the cameras within `radius` of a point, nearest first."""
    found = sorted((math.hypot(c.x - x, c.y - y), c.id) for c in cameras)
    return [(cid, d) for d, cid in found if d <= radius][:limit]


@dataclass
class Paging:
    """What the wall shows: its camera list, the layout, the page, the focus and solo cameras."""

    #: tiles per page (one of LAYOUTS)
    n: int = 9
    page: int = 0
    #: the cameras in tile order: every camera by id, or a recalled view's that still exist
    cameras: list[str] = field(default_factory=list)
    #: the camera in the large focus tile, and the one shown alone (either may be None)
    focus: str | None = None
    solo: str | None = None

    def reload(self, known: Iterable[str], order: Iterable[str] | None = None) -> None:
        """The camera list again: `order` (a view's cameras) kept where known, else every known camera by id.

        A focus or solo camera that is gone is let go; the page stays within the list.
        """
        known = set(known)
        self.cameras = [c for c in order if c in known] if order is not None else sorted(known)
        if self.focus not in known:
            self.focus = None
        if self.solo not in known:
            self.solo = None
        self.page = min(self.page, self.page_count() - 1)

    def follow(self, known: Iterable[str], order: Iterable[str] | None = None) -> bool:
        """The site changed its cameras while the wall runs: reload if the list differs; True if it did.

        A camera added to the site joins the every-camera list (a recalled view keeps its own);
        a removed one leaves it. Without this only a new baseline (a fresh data folder) showed it.
        """
        known = set(known)
        order = list(order) if order is not None else None
        wanted = [c for c in order if c in known] if order is not None else sorted(known)
        if wanted == self.cameras:
            return False
        self.reload(known, order)
        return True

    def page_count(self) -> int:
        """Pages of the camera list at the current layout (at least 1)."""
        return max(1, math.ceil(len(self.cameras) / self.n))

    def set_layout(self, n: int) -> None:
        """n tiles per page, on the page that holds the first camera shown now; leaves solo."""
        if n not in LAYOUTS:
            raise ValueError(f"layout {n} not in {LAYOUTS}")
        first = self.page * self.n
        self.n = n
        self.solo = None
        self.page = min(first // n, self.page_count() - 1)

    def set_page(self, page: int) -> bool:
        """Go to a page (clamped), leaving solo; False if nothing changed."""
        page = max(0, min(page, self.page_count() - 1))
        if page == self.page and not self.solo:
            return False
        self.page, self.solo = page, None
        return True

    def page_of(self, camera_id: str) -> int | None:
        """The page a camera of the list is on (None if it is not on the list)."""
        return self.cameras.index(camera_id) // self.n if camera_id in self.cameras else None

    def grid(self, nearby: list[tuple[str, float]] = ()) -> tuple[int, list[Placed]]:
        """(grid side, placed tiles) for the current mode; focus first, its nearby cameras beside it."""
        if self.solo:
            return 1, [(self.solo, 0, 0, 1)]
        n = self.n
        side = 8 if n == 64 else math.isqrt(n)
        page = self.cameras[self.page * n:(self.page + 1) * n]
        if self.focus is None:
            return side, [(c, i // side, i % side, 1) for i, c in enumerate(page)]
        if side == 1:
            return 1, [(self.focus, 0, 0, 1)]
        # 1 + N: the focus tile takes the top-left span×span block, the page fills the rest
        side = max(side, 3)
        span = max(2, (side + 1) // 2)
        cells = [(r, c) for r in range(side) for c in range(side) if not (r < span and c < span)]
        near = [c for c, _ in nearby if c != self.focus]
        others = near + [c for c in page if c != self.focus and c not in near]
        if len(others) < len(cells):  # fill the free cells from the following cameras
            extra = [c for c in self.cameras if c != self.focus and c not in others]
            others += extra[:len(cells) - len(others)]
        placed = [(self.focus, 0, 0, span)]
        placed += [(cam, r, c, 1) for cam, (r, c) in zip(others, cells)]
        return side, placed


class AlertingCameras:
    """Camera id → its open incidents, kept from the state's incidents as they change."""

    def __init__(self) -> None:
        self._open: dict[str, set[str]] = {}
        #: camera → hub time of its latest alert (the order armed rings are given in)
        self.last_alert: dict[str, float] = {}

    def rebuild(self, state: State) -> None:
        """From the whole state (a baseline)."""
        self._open = {}
        self.last_alert = {}
        for iid, inc in state.incidents.items():
            cam = _camera_of(state, iid)
            if cam:
                self._seen(state, iid, cam)
            if cam and inc.status not in SETTLED_STATUSES:
                self._open.setdefault(cam, set()).add(iid)

    def _seen(self, state: State, iid: str, cam: str) -> None:
        alert = state.alerts.get(state.incidents[iid].alert)
        if alert is not None and alert.at > self.last_alert.get(cam, float("-inf")):
            self.last_alert[cam] = alert.at

    def armed(self, cameras: Iterable[str]) -> list[str]:
        """Every camera in the order armed rings are given (`plan_sources` applies the budget, skipping
        those that keep a ring anyway or have no stream to keep): latest alert first, then by id."""
        return sorted(cameras, key=lambda c: (-self.last_alert.get(c, float("-inf")), c))

    def update(self, state: State, incident_ids: Iterable[str]) -> set[str]:
        """Some incidents changed: the cameras whose open incidents these touched."""
        touched: set[str] = set()
        for iid in incident_ids:
            cam = _camera_of(state, iid)
            if not cam:
                continue
            self._seen(state, iid, cam)
            incs = self._open.setdefault(cam, set())
            if state.incidents[iid].status not in SETTLED_STATUSES:
                incs.add(iid)
            else:
                incs.discard(iid)  # a settled incident's camera stops flashing
            touched.add(cam)
        return touched

    def cameras(self) -> set[str]:
        """Cameras with at least one open incident."""
        return {cid for cid, incs in self._open.items() if incs}

    def latest(self, state: State, camera_id: str) -> Alert | None:
        """The newest alert among a camera's open incidents (what its tile shows)."""
        best = None
        for iid in self._open.get(camera_id, ()):
            inc = state.incidents.get(iid)
            alert = state.alerts.get(inc.alert) if inc else None
            if alert is not None and (best is None or (alert.at, alert.id) > (best.at, best.id)):
                best = alert
        return best


def _camera_of(state: State, incident_id: str) -> str | None:
    inc = state.incidents.get(incident_id)
    alert = state.alerts.get(inc.alert) if inc is not None else None
    return alert.camera if alert is not None else None


def live_set(placed: list[Placed], cameras: Mapping[str, Camera], alerting: set[str], selected: str | None,
             solo: bool, budget: int) -> set[str]:
    """The pulled cameras that decode live: focus or solo first, then alerting, selected, page order."""
    pulled = [cid for cid, _, _, span in placed
              if (cam := cameras.get(cid)) is not None and is_pulled(cam.url_for(large=span > 1))]
    first = [cid for cid, _, _, span in placed[:1] if span > 1 or solo]
    order = first + [c for c in pulled if c in alerting] + [c for c in pulled if c == selected] + pulled
    live: list[str] = []
    for cid in order:
        if cid in pulled and cid not in live:
            live.append(cid)
    return set(live[:budget])


@dataclass
class SourcePlan:
    """Where each camera's pictures come from, for one layout of the wall."""

    #: camera → what its stream reader pulls (live, a still every few seconds, or packets only)
    wants: dict[str, Want] = field(default_factory=dict)
    #: cameras the hub pushes frames of (subscribed there)
    hub: set[str] = field(default_factory=set)
    #: placed camera → seconds between its stills (None: live, or not pulled here)
    still: dict[str, float | None] = field(default_factory=dict)
    #: hub camera → the pixel size its tile wants (the pool decodes about that size)
    min_size: dict[str, tuple[int, int]] = field(default_factory=dict)


def plan_sources(placed: list[Placed], side: int, cell: tuple[float, float], gap: int, dpr: float,
                 cameras: Mapping[str, Camera], *, pull: bool, live: set[str], alerting: set[str],
                 still_s: float, armed: Iterable[str] = (), armed_budget: int = ARMED_RINGS) -> SourcePlan:
    """Pull streamed cameras at their tiles' size, subscribe the rest at the hub.

    `cell` is one grid cell's size in device-independent pixels (the grid's gaps taken off),
    so the reader's picture fits its tile and paints 1:1. The focus and solo tiles get the
    main stream, grid tiles the sub-stream; the ring keeps the sub-stream of live and
    alerting tiles; alerting cameras off the page keep their last 30 s (packets only, no
    decoding) for replay and evidence. `armed` (best first) are the cameras that keep a
    packet-only ring capped at ARMED_RING_BYTES before any alert, so an alert off the live
    tiles still has its 10 s before: at most `armed_budget` of them beyond those that keep a
    ring anyway (live tiles, alerting cameras).
    """
    cw, ch = cell
    plan = SourcePlan()
    for cid, _, _, span in placed:
        w, h = int((cw * span + gap * (span - 1)) * dpr), int((ch * span + gap * (span - 1)) * dpr)
        cam = cameras.get(cid)
        url = cam.url_for(large=span > 1 or side == 1) if cam is not None else ""
        if pull and is_pulled(url):
            still = 0.0 if cid in live else still_s
            ring = cam.url_for(large=False) if cid in live or cid in alerting else ""
            plan.wants[cid] = Want(url, w, h, cam.rtsp_transport, still_s=still, ring_url=ring)
            plan.still[cid] = still or None
        else:
            plan.still[cid] = None
            plan.hub.add(cid)
            plan.min_size[cid] = (w, h)
    if pull:
        for cid in sorted(alerting - set(plan.wants) - plan.hub):
            cam = cameras.get(cid)
            url = cam.url_for(large=False) if cam is not None else ""
            if is_pulled(url):
                plan.wants[cid] = Want(url, transport=cam.rtsp_transport, decode=False, ring_url=url)
        left = armed_budget
        for cid in armed:
            if left <= 0:
                break
            cam = cameras.get(cid)
            sub = cam.url_for(large=False) if cam is not None else ""
            if cid in plan.hub or not is_pulled(sub):
                continue
            want = plan.wants.get(cid)
            if want is None:
                plan.wants[cid] = Want(sub, transport=cam.rtsp_transport, decode=False, ring_url=sub,
                                       ring_bytes=ARMED_RING_BYTES)
            elif not want.ring_source():
                plan.wants[cid] = replace(want, ring_url=sub, ring_bytes=ARMED_RING_BYTES)  # a still tile
            else:
                continue  # it keeps a ring anyway: no share of the budget
            left -= 1
    return plan
