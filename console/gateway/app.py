"""The gateway: routes, checks, counting and audit, and the one command each item becomes.

Every item is refused before anything is sent, or becomes exactly one hub
command (`ingest.alert`, or `ingest.alert_update` for a CAP Update or Cancel),
so an item is either applied whole or not at all. Every item, accepted or
refused, is counted per source, input and outcome (GET /stats) and written to
the gateway's hash-chained audit trail (`duty-console audit verify --db …`).
Photos are stored before the command is sent; a refused item's photos stay
in the content-addressed folder unreferenced (harmless, never served by name
to anyone who does not already hold the photo).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import math
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import msgspec

from console.domain.localtime import clock
from console.domain.model import (
    ALERT_KINDS, CROWD_UNIT, FINAL_STATUSES, HEALTH_KINDS, SEVERITIES, Alert, Detection, Exercise, Incident, OrgUnit,
    incident_id_for,
)
from console.gateway.cap import (
    CapMessage, CapRefused, LocalArea, area_center, cap_alert_id, parse_head, parse_info,
)
from console.gateway.http import HttpRefused, HttpServer, Request, Response
from console.gateway.link import HubLink, HubUnavailable
from console.gateway.metrics import GatewayMetrics
from console.gateway.multipart import Form, FormError, read_form
from console.gateway.photos import MAX_PHOTO_BYTES, PhotoRefused, PhotoStore, strip_image
from console.gateway.place import GridIndex
from console.gateway.sizes import fit_text, oversized
from console.gateway.sources import Sources
from console.gateway.times import BadTime, parse_time
from console.protocol import messages as m
from console.site.geo import LocalPlane, gcj02_to_wgs84, point_in_polygon

log = logging.getLogger(__name__)

#: route → (method, input, body cap in bytes)
ROUTES = {
    "/cap": ("POST", "cap", 256 * 1024),
    "/webhook/camera": ("POST", "webhook", 6 << 20),
    "/reports": ("POST", "photo", 16 << 20),
    # photos alone, for a case's handled and verify steps (the field page sends their URLs to the hub)
    "/photos": ("POST", "photo", 16 << 20),
    "/stats": ("GET", "stats", 0),
    # an AI box says it is alive (its id, how often it will say so): silent past that, the hub raises
    # `source_silent` naming it (console/hub/health.py)
    "/heartbeat": ("POST", "webhook", 4096),
}
MAX_REPORT_PHOTOS = 6
#: a CAP senderName longer than this is cut (it is the alert's reporter, shown in one line)
MAX_REPORTER_CHARS = 200
CAP_TYPES = ("application/xml", "text/xml", "application/cap+xml")
#: hub refusal code → HTTP status
HUB_STATUS = {"duplicate": 409, "not_found": 422, "bad_request": 422, "invalid_state": 422,
              "rate_limited": 503, "forbidden": 502, "internal": 502}


class Box(msgspec.Struct, forbid_unknown_fields=True):
    """One detection box, normalised to the frame (0..1)."""

    label: str
    score: float
    x: float
    y: float
    w: float
    h: float


#: the kinds a camera or a report may raise (the health kinds are the hub's own alarms)
FIELD_KINDS = tuple(k for k in ALERT_KINDS if k not in HEALTH_KINDS)


class BoxHeartbeat(msgspec.Struct, forbid_unknown_fields=True):
    """An AI box's `POST /heartbeat`: its id, and within how many seconds it will say so again."""

    box: Annotated[str, msgspec.Meta(max_length=64)]
    every_s: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 30.0


class CameraEvent(msgspec.Struct, forbid_unknown_fields=True):
    """The AI-camera webhook body (GATEWAY.md §4)."""

    event_id: str
    camera: str
    kind: str
    score: float
    time: str
    boxes: list[Box] = []
    #: base64 JPEG/PNG (stored, stripped) or a URL the NVR serves it at
    snapshot: str | None = None
    snapshot_url: str | None = None
    severity: str | None = None
    title: str = ""
    text: str = ""
    #: a crowd_density event's measured density, people per m² (the map's heat layer reads it)
    density: float | None = None


def _refuse(status: int, code: str, reason: str, **headers: str) -> HttpRefused:
    return HttpRefused(status, code, reason, **headers)


def item_id(prefix: str, source: str, key: str) -> str:
    """A stable alert id for a source's own key (its event or report id): the dedup key."""
    return f"{prefix}-" + hashlib.sha256(f"{source}\n{key}".encode()).hexdigest()[:16]


class Gateway:
    """HTTP in, hub commands out."""

    def __init__(self, link: HubLink, plane: LocalPlane, photos: PhotoStore, sources: Sources, *,
                 audit=None, host: str = "127.0.0.1", port: int = 8780, hub_timeout: float = 5.0,
                 field=None):
        self.link = link
        #: the field page's senders (console/gateway/field.py), or None: no field reports
        self.field = field
        self.plane = plane
        self.photos = photos
        self.sources = sources
        self.audit_store = audit
        self.hub_timeout = hub_timeout
        self.counters: Counter[str] = Counter()
        self.grids = GridIndex()
        self.http = HttpServer(self.handle, self.admit, host=host, port=port, on_refusal=self._refused_early)
        self.metrics = GatewayMetrics(link, self.http)
        self._audit_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-audit")
        #: two at a time: each decode holds at most ~40-64 MB (photos.strip_image), so images cost ≤ ~130 MB
        self._image_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gateway-images")
        #: uploads are spooled here while a form is read (same disk as the photos)
        self.spool = photos.root / ".incoming"
        self.spool.mkdir(parents=True, exist_ok=True)

    async def start(self) -> None:
        await self.http.start()

    async def stop(self) -> None:
        await self.http.stop()
        self._audit_pool.shutdown(wait=True)
        self._image_pool.shutdown(wait=True)

    @property
    def url(self) -> str:
        return self.http.url

    # ------------------------------------------------------------------ counting and audit
    def _record(self, req: Request | None, outcome: str, detail: dict) -> None:
        meta = req.meta if req is not None else {}
        source = meta.get("source").name if meta.get("source") else "?"
        inp = meta.get("input", "?")
        self.counters[f"{source}|{inp}|{outcome}"] += 1
        self.counters["accepted" if outcome == "accepted" else "refused"] += 1
        self.metrics.items.labels(inp, outcome).inc()
        if "t0" in meta:
            self.metrics.item_seconds.labels(inp).observe(time.perf_counter() - meta["t0"])
        if self.audit_store is not None and not (inp == "heartbeat" and outcome == "accepted"):  # no row per beat
            d = {"input": inp, "peer": req.peer if req else "", **detail}
            self._audit_pool.submit(self.audit_store.audit, source, "gateway", f"gateway.{inp}",
                                    outcome if outcome == "accepted" else f"refused:{outcome}", d)

    async def _refused_early(self, req: Request | None, exc: HttpRefused) -> None:
        self._record(req, exc.code, {"status": exc.status, "reason": exc.reason})

    # ------------------------------------------------------------------ before the body
    def admit(self, req: Request) -> int:
        """Route, token, permission and rate, from the head alone; returns the body cap."""
        if req.method == "GET" and req.path.startswith("/photos/"):
            req.meta["input"] = "photo_get"
            return 0
        if req.method == "GET" and req.path in ("/health", "/healthz", "/readyz", "/metrics"):
            req.meta["input"] = req.path[1:]
            return 0
        req.meta["t0"] = time.perf_counter()
        route = ROUTES.get(req.path)
        if route is None:
            raise _refuse(404, "not_found", f"no input at {req.path}; see GATEWAY.md")
        method, inp, cap = route
        req.meta["input"] = inp
        req.streamed = inp == "photo"  # a form: read part by part, files to disk (multipart.read_form)
        if req.method != method:
            raise _refuse(405, "method_not_allowed", f"{req.path} takes {method}", Allow=method)
        source = self.sources.lookup(req.headers.get("authorization"))
        if source is None and self.field is not None and not req.headers.get("authorization"):
            source = self.field.lookup(req.query)
            req.meta["field"] = source is not None
        if source is None:
            raise _refuse(401, "unauthorized", "missing or unknown bearer token", **{"WWW-Authenticate": "Bearer"})
        req.meta["source"] = source
        if inp not in source.inputs:
            raise _refuse(403, "forbidden", f"token of {source.name} may not post {inp} (it may: {', '.join(sorted(source.inputs))})")
        wait = source.take()
        if wait > 0:
            raise _refuse(429, "rate_limited", f"{source.name}: over {source.per_minute:g} items/min "
                          f"(burst {source.burst:g}); retry in {wait:.1f} s", **{"Retry-After": str(math.ceil(wait))})
        return cap

    # ------------------------------------------------------------------ after the body
    async def handle(self, req: Request) -> Response:
        inp = req.meta.get("input")
        if inp == "photo_get":
            found = self.photos.get(req.path[len("/photos/"):])
            if found is None:
                return Response.json(404, {"ok": False, "code": "not_found", "reason": "no such photo"})
            data, ctype = found
            return Response(200, data, ctype, {"Cache-Control": "max-age=31536000, immutable"})
        if inp == "healthz":  # the process answers: alive (a watchdog's check)
            return Response.json(200, {"ok": True})
        if inp == "readyz":  # ready to take items: the hub session is live (a load balancer's check)
            if self.link.live.is_set():
                return Response.json(200, {"ok": True, "hub": True})
            return Response.json(503, {"ok": False, "hub": False, "reason": self.link.last_error or "not connected"})
        if inp == "metrics":
            return Response(200, self.metrics.render(), self.metrics.content_type)
        if inp == "health":
            return Response.json(200, {"ok": True, "hub": self.link.live.is_set(), "mode": self.link.mode,
                                       "seq": self.link.state.seq})
        if inp == "stats":
            return Response.json(200, {"ok": True, "counters": dict(sorted(self.counters.items()))})
        handler = (self._photos_only if req.path == "/photos"
                   else self._heartbeat if req.path == "/heartbeat"
                   else {"cap": self._cap, "webhook": self._webhook, "photo": self._report}[inp])
        try:
            body = await handler(req)
        except HttpRefused as exc:
            self._record(req, exc.code, {"status": exc.status, "reason": exc.reason})
            raise
        except Exception as exc:  # a bug: still counted and audited, then answered 500
            self._record(req, "internal", {"status": 500, "reason": repr(exc)[:200]})
            raise
        self._record(req, "accepted", body)
        return Response.json(201, {"ok": True, **body})

    async def _send(self, type_: str, body: m.Body) -> m.Result:
        too_big = oversized(body)
        if too_big:
            raise _refuse(413, "too_large", too_big.removeprefix("alert."))
        try:
            with self.metrics.hub_seconds.time():
                result = await self.link.command(type_, body, timeout=self.hub_timeout)
        except HubUnavailable as exc:
            raise _refuse(503, "hub_unavailable", f"the hub is not reachable now ({exc}); retry later",
                          **{"Retry-After": "5"}) from None
        except asyncio.TimeoutError:
            raise _refuse(504, "hub_timeout", f"the hub did not answer in {self.hub_timeout:g} s; "
                          "retry (a retry of an applied item is answered 409 duplicate)") from None
        if not result.ok:
            raise _refuse(HUB_STATUS.get(result.code, 422), result.code, f"hub: {result.message}")
        return result

    # ------------------------------------------------------------------ placing things
    def grid_at(self, x: float, y: float) -> OrgUnit | None:
        """The grid whose polygon holds a local point."""
        return self.grids.grid_at(self.link.state.org, x, y)

    def _xy(self, lon: float, lat: float, datum: str = "WGS-84") -> tuple[float, float]:
        if datum == "GCJ-02":
            lon, lat = gcj02_to_wgs84(lon, lat)
        return self.plane.to_xy(lon, lat)

    # ------------------------------------------------------------------ CAP
    async def _cap(self, req: Request) -> dict:
        ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in CAP_TYPES:
            raise _refuse(415, "unsupported_media_type", f"CAP is posted as {' or '.join(CAP_TYPES)}, not {ctype or 'nothing'}")
        try:
            msg = parse_head(req.body)
        except CapRefused as exc:
            raise _refuse(exc.status, exc.code, exc.reason) from None
        aid = msg.alert_id
        # incident_of remembers alerts of archived incidents too: a late retry is still a duplicate
        if aid in self.link.state.alerts or aid in self.link.incident_of:
            raise _refuse(409, "duplicate", f"CAP {msg.sender} / {msg.identifier} was already taken as {aid}")
        try:
            parse_info(msg)
        except CapRefused as exc:
            raise _refuse(exc.status, exc.code, exc.reason) from None
        if msg.status == "Exercise" and self.link.mode not in ("live", "exercise"):
            raise _refuse(422, "exercise_only", f"status Exercise is taken by a live hub (as a drill) or an "
                                                f"exercise, not in {self.link.mode} mode")
        if msg.status not in ("Actual", "Exercise"):
            raise _refuse(422, "not_actual", f"status {msg.status} is not raised (CAP: only Actual and Exercise are acted on)")
        if msg.msg_type in ("Ack", "Error"):
            raise _refuse(422, "unsupported", f"msgType {msg.msg_type} is not taken by this gateway")
        if msg.expires is not None and msg.expires <= time.time():
            raise _refuse(422, "expired", f"the alert expired at {clock(msg.expires, '%Y-%m-%d %H:%M:%S')}")
        source = req.meta["source"]
        continues = None
        if msg.msg_type == "Alert":
            alert = self._cap_alert(msg, source.name)
            if msg.status == "Exercise" and self.link.mode == "live":  # a drill (演练) in the live queue
                alert.exercise = Exercise(drill=aid, by="cap")
            result = await self._send("ingest.alert", m.IngestAlert(alert=alert))
            incident = incident_id_for(aid)
        else:
            incident, inc = self._referenced_incident(msg)
            if inc is not None and inc.status not in FINAL_STATUSES:
                alert = self._cap_alert(msg, source.name, incident=incident)
                result = await self._send("ingest.alert_update", m.IngestAlertUpdate(
                    incident=incident, alert=alert, action="cancel" if msg.msg_type == "Cancel" else "update"))
            else:
                # The incident is finished (closed, a false alarm) or archived. A Cancel has
                # nothing left to cancel; an Update is news again: it opens a new incident that
                # names the finished one, so nothing joins a closed loop and nothing is lost.
                gone = "archived" if inc is None else inc.status
                if msg.msg_type == "Cancel":
                    raise _refuse(409, "incident_finished", f"Cancel refers to incident {incident}, which is "
                                  f"already finished ({gone}): nothing to cancel")
                if msg.area is None and inc is None:
                    raise _refuse(422, "missing_field", f"the incident {incident} this Update continues is archived, "
                                  "so the Update opens a new incident and needs an <area> with a polygon or a circle")
                alert = self._cap_alert(msg, source.name, incident=incident if inc is not None else None,
                                        continues=incident)
                result = await self._send("ingest.alert", m.IngestAlert(alert=alert))
                continues, incident = incident, incident_id_for(aid)
        out = {"alert": aid, "incident": incident, "msgType": msg.msg_type, "severity": alert.severity,
               "grid": alert.grid, "seqs": result.seqs}
        if continues:
            out["continues"] = continues
        if msg.text_cut:
            out["text_cut"] = msg.text_cut
        return out

    def _referenced_incident(self, msg: CapMessage) -> tuple[str, Incident | None]:
        """(incident id, the incident or None when archived) of the newest reference this gateway has seen."""
        for sender, identifier in reversed(msg.references):
            iid = self.link.incident_of.get(cap_alert_id(sender, identifier))
            if iid is not None:
                inc = self.link.state.incidents.get(iid)
                while inc is not None and inc.status == "merged" and inc.merged_into:
                    iid, inc = inc.merged_into, self.link.state.incidents.get(inc.merged_into)
                return iid, inc
        refs = " ".join(f"{s},{i}" for s, i in msg.references)
        raise _refuse(422, "unknown_reference", f"{msg.msg_type} references no alert this hub holds ({refs})")

    def _cap_alert(self, msg: CapMessage, source_name: str, incident: str | None = None,
                   continues: str | None = None) -> Alert:
        inc = self.link.state.incidents.get(incident) if incident else None
        covered = 0
        if msg.area is not None:
            x, y = self._xy(*area_center(msg.area))
            local = LocalArea(msg.area, self.plane)
            # the grids it touches: those whose centre it covers, and those holding a vertex or a circle's centre
            points = [p for poly in local.polygons for p in poly] + [(cx, cy) for cx, cy, _ in local.circles]
            xs = [p[0] for p in points] + [cx + s * r for cx, _, r in local.circles for s in (-1, 1)]
            ys = [p[1] for p in points] + [cy + s * r for _, cy, r in local.circles for s in (-1, 1)]
            near = self.grids.near(self.link.state.org, min(xs), min(ys), max(xs), max(ys))
            inside = [u for u in near if u.level == "grid" and u.polygon and (
                local.covers(u.center_x, u.center_y) or any(point_in_polygon(px, py, u.polygon) for px, py in points))]
            covered = len(inside)
            grid = self.grid_at(x, y)
            if grid is None and inside:
                grid = min(inside, key=lambda u: math.hypot(u.center_x - x, u.center_y - y))
            if grid is None:
                raise _refuse(422, "outside_site", f"area {msg.area.desc!r} lies outside every grid of this site")
        elif inc is not None:
            x, y, grid = inc.x, inc.y, self.link.state.org.get(inc.grid)
        elif msg.unplaced:
            raise _refuse(422, "missing_field", f"an Alert needs an <area> with a polygon or a circle; area "
                          f"{msg.unplaced[:100]!r} has neither (an areaDesc or a geocode alone cannot be placed on the map)")
        else:
            raise _refuse(422, "missing_field", "an Alert needs an <area> with a polygon or a circle")
        severity = msg.severity if msg.has_info else (inc.severity if inc else "warning")
        title = (msg.headline or msg.event or (inc.title if inc else ""))[:40]
        if msg.msg_type == "Cancel":
            title = (inc.title if inc else title)
        lines = [msg.headline or msg.event]
        if msg.description:
            lines.append(msg.description)
        if msg.instruction:
            lines.append(f"措施: {msg.instruction}")
        if msg.expires is not None:
            lines.append(f"有效至 {clock(msg.expires, '%m-%d %H:%M')}")
        if msg.area is not None:
            lines.append(f"区域: {msg.area.desc}（覆盖 {covered} 个网格）")
        if msg.msg_type == "Cancel":
            lines.insert(0, "来源撤销预警")
        if continues:
            lines.insert(0, f"接续已办结事件 {continues}（来源更新预警）")
        lines.append(f"CAP {msg.msg_type} {msg.identifier} · {msg.sender} · 发布 {clock(msg.sent, '%m-%d %H:%M:%S')}")
        gid = grid.id if grid is not None else (inc.grid if inc else "")
        # a warning is raised even when its text is longer than the hub takes: cut, and said so
        text, msg.text_cut = fit_text("\n".join(s for s in lines if s))
        return Alert(id=msg.alert_id, source="center", kind=msg.kind if msg.has_info else (inc.kind if inc else "other"),
                     severity=severity, title=title, at=self.link.hub_now(), x=x, y=y, grid=gid,
                     town=self.link.state.town_of(gid), text=text,
                     reporter=(msg.sender_name or source_name)[:MAX_REPORTER_CHARS])

    # ------------------------------------------------------------------ AI camera webhook
    async def _heartbeat(self, req: Request) -> dict:
        req.meta["input"] = "heartbeat"  # a webhook token's, counted apart from camera events
        try:
            beat = msgspec.json.decode(req.body, type=BoxHeartbeat)
        except msgspec.ValidationError as exc:
            raise _refuse(422, "invalid", f"heartbeat body: {exc}") from None
        except msgspec.DecodeError as exc:
            raise _refuse(400, "bad_json", f"not JSON: {exc}") from None
        if not beat.box.strip():
            raise _refuse(422, "missing_field", "box is empty")
        if not await self.link.session.heartbeat(beat.box, beat.every_s):
            raise _refuse(503, "hub_unavailable", "the hub is not reachable now; retry later", **{"Retry-After": "5"})
        return {"box": beat.box}

    async def _webhook(self, req: Request) -> dict:
        ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise _refuse(415, "unsupported_media_type", f"the camera webhook takes application/json, not {ctype or 'nothing'}")
        try:
            ev = msgspec.json.decode(req.body, type=CameraEvent)
        except msgspec.ValidationError as exc:
            raise _refuse(422, "invalid", f"webhook body: {exc}") from None
        except msgspec.DecodeError as exc:
            raise _refuse(400, "bad_json", f"not JSON: {exc}") from None
        if not ev.event_id.strip():
            raise _refuse(422, "missing_field", "event_id is empty")
        if ev.kind not in ALERT_KINDS or ev.kind in HEALTH_KINDS:  # health alarms are the hub's own
            raise _refuse(422, "invalid", f"kind {ev.kind!r} is not one of {', '.join(FIELD_KINDS)}")
        if not 0.0 <= ev.score <= 1.0:
            raise _refuse(422, "invalid", f"score {ev.score} is not within 0..1")
        if ev.density is not None and (ev.kind != "crowd_density" or not 0.0 <= ev.density <= 20.0):
            raise _refuse(422, "invalid", f"density {ev.density} is taken only with kind crowd_density, "
                                          "in people per m² from 0 to 20")
        for i, b in enumerate(ev.boxes):
            if not all(0.0 <= v <= 1.0 for v in (b.score, b.x, b.y, b.w, b.h)) or b.x + b.w > 1.0001 or b.y + b.h > 1.0001:
                raise _refuse(422, "invalid", f"boxes[{i}]: score, x, y, w, h are fractions of the frame (0..1)")
        if ev.severity is not None and ev.severity not in SEVERITIES:
            raise _refuse(422, "invalid", f"severity {ev.severity!r} is not one of {', '.join(SEVERITIES)}")
        try:
            parse_time(ev.time, "time")
        except BadTime as exc:
            raise _refuse(422, "bad_time", str(exc)) from None
        cam = self.link.state.cameras.get(ev.camera)
        if cam is None:
            raise _refuse(422, "unknown_camera", f"camera {ev.camera!r} is not in this site's camera list")
        source = req.meta["source"]
        aid = item_id("W", source.name, ev.event_id)
        if aid in self.link.state.alerts:
            raise _refuse(409, "duplicate", f"event {ev.event_id} was already taken as {aid}")
        snapshot = None
        if ev.snapshot:
            try:
                raw = base64.b64decode(ev.snapshot, validate=True)
            except (binascii.Error, ValueError):
                raise _refuse(400, "bad_base64", "snapshot is not base64") from None
            snapshot = await self._store_image(raw, "snapshot")
        elif ev.snapshot_url:
            if not ev.snapshot_url.startswith(("http://", "https://")):
                raise _refuse(422, "invalid", "snapshot_url must be http:// or https://")
            snapshot = ev.snapshot_url
        title = (ev.title or f"AI {ev.kind} {ev.score:.0%}")[:40]
        alert = Alert(id=aid, source="camera", kind=ev.kind, severity=ev.severity or "warning", title=title,
                      at=self.link.hub_now(), x=cam.x, y=cam.y, grid=cam.grid, town=cam.town, camera=cam.id,
                      detections=[Detection(label=b.label, score=b.score, x=b.x, y=b.y, w=b.w, h=b.h) for b in ev.boxes],
                      snapshot=snapshot, text=ev.text or f"{cam.name} AI识别：{title}", reporter=source.name,
                      value=ev.density, unit=CROWD_UNIT if ev.density is not None else "")
        result = await self._send("ingest.alert", m.IngestAlert(alert=alert))
        return {"alert": aid, "incident": incident_id_for(aid), "snapshot": snapshot, "seqs": result.seqs}

    async def _store_image(self, data: bytes | Path, what: str) -> str:
        loop = asyncio.get_running_loop()
        try:
            clean, ext = await loop.run_in_executor(self._image_pool, strip_image, data, what)
        except PhotoRefused as exc:
            raise _refuse(exc.status, exc.code, exc.reason) from None
        url = await loop.run_in_executor(self._image_pool, self.photos.put, clean, ext)
        self.metrics.photos.inc()
        return url

    # ------------------------------------------------------------------ photo reports
    async def _photos_only(self, req: Request) -> dict:
        """1–6 photos stored (stripped, by content hash) and their URLs returned; no alert."""
        try:
            form = await read_form(req.raw, self.spool, max_files=MAX_REPORT_PHOTOS, max_file_bytes=MAX_PHOTO_BYTES)
        except FormError as exc:
            status = 415 if "expected multipart" in str(exc) else 400
            raise _refuse(status, "unsupported_media_type" if status == 415 else "bad_form", str(exc)) from None
        try:
            photos = [f for f in form.files if f.field == "photo"]
            if not photos:
                raise _refuse(422, "missing_field", "no photo (form field 'photo')")
            return {"photos": [await self._store_image(f.path, f"photo {f.filename!r}") for f in photos]}
        finally:
            form.close()

    async def _report(self, req: Request) -> dict:
        try:
            form = await read_form(req.raw, self.spool, max_files=MAX_REPORT_PHOTOS, max_file_bytes=MAX_PHOTO_BYTES)
        except FormError as exc:
            status = 415 if "expected multipart" in str(exc) else 400
            raise _refuse(status, "unsupported_media_type" if status == 415 else "bad_form", str(exc)) from None
        try:
            return await self._report_form(req, form)
        finally:
            form.close()

    async def _report_form(self, req: Request, form: Form) -> dict:
        fields = form.fields
        if req.meta.get("field"):  # a field page reports as the person its token is bound to
            fields["reporter"] = req.meta["source"].name
        missing = [f for f in ("report_id", "reporter", "kind", "text", "lon", "lat") if not fields.get(f)]
        if missing:
            raise _refuse(422, "missing_field", f"missing form field(s): {', '.join(missing)}")
        photos = [f for f in form.files if f.field == "photo"]
        if not photos:
            raise _refuse(422, "missing_field", "a report needs at least one photo (form field 'photo')")
        kind = fields["kind"]
        if kind not in FIELD_KINDS:
            raise _refuse(422, "invalid", f"kind {kind!r} is not one of {', '.join(FIELD_KINDS)}")
        severity = fields.get("severity") or "warning"
        if severity not in SEVERITIES:
            raise _refuse(422, "invalid", f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
        datum = fields.get("datum") or "WGS-84"
        if datum not in ("WGS-84", "GCJ-02"):
            raise _refuse(422, "invalid", f"datum {datum!r} is not WGS-84 or GCJ-02")
        try:
            lon, lat = float(fields["lon"]), float(fields["lat"])
        except ValueError:
            raise _refuse(422, "invalid", "lon and lat must be numbers") from None
        if fields.get("time"):
            try:
                parse_time(fields["time"], "time")
            except BadTime as exc:
                raise _refuse(422, "bad_time", str(exc)) from None
        x, y = self._xy(lon, lat, datum)
        grid = self.grid_at(x, y)
        if grid is None:
            raise _refuse(422, "outside_site", f"({lon}, {lat}) lies outside every grid of this site")
        source = req.meta["source"]
        aid = item_id("P", source.name, fields["report_id"])
        if aid in self.link.state.alerts:
            raise _refuse(409, "duplicate", f"report {fields['report_id']} was already taken as {aid}")
        urls = [await self._store_image(f.path, f"photo {f.filename!r}") for f in photos]
        text = fields["text"]
        alert = Alert(id=aid, source="report", kind=kind, severity=severity, title=text[:40], at=self.link.hub_now(),
                      x=x, y=y, grid=grid.id, town=self.link.state.town_of(grid.id), text=text,
                      photo=" ".join(urls), reporter=fields["reporter"])
        result = await self._send("ingest.alert", m.IngestAlert(alert=alert))
        return {"alert": aid, "incident": incident_id_for(aid), "grid": grid.id, "photos": urls, "seqs": result.seqs}
