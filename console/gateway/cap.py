"""CAP 1.2 (OASIS Common Alerting Protocol; China's GB/T 35965.1-2018 has its shape) → our alert.

Parsed with defusedxml: a document with a DTD, an entity or an external
reference is refused before anything is expanded (XXE, billion laughs), and
the document is size-capped before parsing. The mapping (GATEWAY.md §3):

- `sender` + `identifier` is the dedup key: alert id `CAP-` + 16 hex digits of its SHA-256;
- `msgType` Alert opens an incident; Update and Cancel join the incident their
  `references` (`sender,identifier,sent` triples) opened;
- `status` Actual always; Exercise on a live hub is raised as a drill (演练: the
  alert's `exercise` mark, by "cap"), in an exercise hub as it is; Test, System
  and Draft are refused (nothing to raise);
- `severity` × `urgency` × `certainty` (each one of CAP's own values, else refused)
  → info / warning / critical (`map_severity`);
- the first `info`'s `area`s (polygons and circles, WGS-84 "lat,lon", of all its
  areas) → the grid holding the first shape's centre (point in polygon), else the
  grid nearest it among those they cover; areas with only `areaDesc` or `geocode`
  cannot be placed (an Alert of only such areas is refused, an Update keeps its
  incident's place);
- a document in another encoding than expat reads (GB18030, GBK, GB2312, Big5, …)
  is decoded by Python's codec first;
- `expires` in the past is refused; `instruction` goes into the alert text;
- every time must carry its offset (`2025-11-30T08:00:00+08:00`).
"""

from __future__ import annotations

import codecs
import hashlib
import math
import re
from dataclasses import dataclass, field

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from xml.etree.ElementTree import ParseError

from console.domain.model import ALERT_KINDS
from console.gateway.times import BadTime, parse_time

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MAX_CAP_BYTES = 256 * 1024
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
_REQUIRED = ("identifier", "sender", "sent", "status", "msgType", "scope")
_INFO_REQUIRED = ("category", "event", "urgency", "severity", "certainty")
#: CAP 1.2 §3.2.2: the only values of the three scales
CAP_SCALES = {
    "urgency": ("Immediate", "Expected", "Future", "Past", "Unknown"),
    "severity": ("Extreme", "Severe", "Moderate", "Minor", "Unknown"),
    "certainty": ("Observed", "Likely", "Possible", "Unlikely", "Unknown"),
}
#: encodings expat decodes itself; a document declaring any other is transcoded to UTF-8 first
_EXPAT_ENCODINGS = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "iso8859-1", "ascii"}
#: the codec a declared encoding is read with: the superset real feeds mean (a "GB2312" feed holds GBK characters)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950"}
_DECLARATION = re.compile(rb"""^(\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
#: CAP category → our alert kind, when no eventCode names one
CATEGORY_KINDS = {"Fire": "fire_hazard", "Geo": "rockfall"}


class CapRefused(Exception):
    """A CAP document we do not take: HTTP status, code and a reason for the sender."""

    def __init__(self, status: int, code: str, reason: str):
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


@dataclass(slots=True)
class CapArea:
    """An info's area: a description and its shapes as (lat, lon) rings or (lat, lon, radius km)."""

    desc: str
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)
    circles: list[tuple[float, float, float]] = field(default_factory=list)


@dataclass(slots=True)
class CapMessage:
    """What the gateway needs of one CAP alert message."""

    identifier: str
    sender: str
    sent: float
    status: str
    msg_type: str
    references: list[tuple[str, str]]
    # from the first info (None for a Cancel without one)
    has_info: bool = False
    kind: str = "other"
    event: str = ""
    severity: str = "warning"
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    expires: float | None = None
    #: shapes of all the first info's areas (None: none had a polygon or a circle)
    area: CapArea | None = None
    #: the descriptions of areas given without a polygon or a circle (only areaDesc, geocode)
    unplaced: str = ""
    #: characters of the composed alert text cut to fit the hub's limit (set by the gateway)
    text_cut: int = 0
    #: the parsed document between parse_head and parse_info
    _root: object = None

    @property
    def alert_id(self) -> str:
        return cap_alert_id(self.sender, self.identifier)


def cap_alert_id(sender: str, identifier: str) -> str:
    """The alert id of a CAP message: stable for its (sender, identifier) dedup key."""
    return "CAP-" + hashlib.sha256(f"{sender}\n{identifier}".encode()).hexdigest()[:16]


def map_severity(severity: str, urgency: str, certainty: str) -> str:
    """CAP's three scales → ours.

    critical: Extreme or Severe, and Immediate or Expected, and Observed or Likely;
    info: Minor or Unknown severity, or Past urgency, or Unlikely certainty;
    warning: everything else.
    """
    if severity in ("Minor", "Unknown") or urgency == "Past" or certainty == "Unlikely":
        return "info"
    if severity in ("Extreme", "Severe") and urgency in ("Immediate", "Expected") and certainty in ("Observed", "Likely"):
        return "critical"
    return "warning"


def _q(tag: str) -> str:
    return f"{{{CAP_NS}}}{tag}"


def _text(el, tag: str) -> str:
    child = el.find(_q(tag))
    return (child.text or "").strip() if child is not None else ""


def _pair(text: str, what: str) -> tuple[float, float]:
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise CapRefused(422, "invalid", f"{what}: {text!r} is not a 'lat,lon' pair") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CapRefused(422, "invalid", f"{what}: {text!r} is not on the earth")
    return lat, lon


def _area(info) -> CapArea | None:
    """All the info's <area>s as one: their descriptions and every polygon and circle; None without any."""
    els = info.findall(_q("area"))
    if not els:
        return None
    area = CapArea(desc="、".join(_text(el, "areaDesc") for el in els))
    for el in els:
        if not _text(el, "areaDesc"):
            raise CapRefused(422, "missing_field", "area needs areaDesc")
        for p in el.findall(_q("polygon")):
            pts = [_pair(t, "polygon") for t in (p.text or "").split()]
            if len(pts) < 4 or pts[0] != pts[-1]:
                raise CapRefused(422, "invalid", "a CAP polygon needs at least 4 pairs, the first equal to the last")
            area.polygons.append(pts[:-1])
        for c in el.findall(_q("circle")):
            parts = (c.text or "").split()
            if len(parts) != 2:
                raise CapRefused(422, "invalid", f"circle {c.text!r} is not 'lat,lon radius_km'")
            lat, lon = _pair(parts[0], "circle")
            try:
                r = float(parts[1])
            except ValueError:
                raise CapRefused(422, "invalid", f"circle radius {parts[1]!r} is not a number") from None
            if not 0 <= r <= 1000:
                raise CapRefused(422, "invalid", f"circle radius {r} km is out of range")
            area.circles.append((lat, lon, r))
    return area


def _time(text: str, what: str) -> float:
    try:
        return parse_time(text, what, allow_z=False)
    except BadTime as exc:
        raise CapRefused(422, "bad_time", str(exc)) from None


def parse_head(data: bytes) -> CapMessage:
    """The message's own elements (identifier … references), checked; `parse_info` reads the rest.

    Split so a resent message is answered "duplicate" before its body is judged.
    """
    if len(data) > MAX_CAP_BYTES:
        raise CapRefused(413, "too_large", f"CAP document of {len(data)} bytes is over {MAX_CAP_BYTES}")
    data = as_expat_encoding(data)
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise CapRefused(400, "unsafe_xml", f"DTDs, entities and external references are refused ({type(exc).__name__})") from None
    except ParseError as exc:
        raise CapRefused(400, "bad_xml", f"not well-formed XML: {exc}") from None
    except ValueError as exc:  # expat's own refusals that are not parse errors
        raise CapRefused(400, "bad_xml", f"not readable XML: {exc}") from None
    if root.tag != _q("alert"):
        ns, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
        raise CapRefused(422, "wrong_namespace",
                         f"root element is <{local}> in namespace {ns or '(none)'!r}; expected <alert> in {CAP_NS}")
    missing = [t for t in _REQUIRED if not _text(root, t)]
    if missing:
        raise CapRefused(422, "missing_field", f"missing required element(s): {', '.join(missing)}")
    status, msg_type = _text(root, "status"), _text(root, "msgType")
    if status not in STATUSES:
        raise CapRefused(422, "invalid", f"status {status!r} is not one of {', '.join(STATUSES)}")
    if msg_type not in MSG_TYPES:
        raise CapRefused(422, "invalid", f"msgType {msg_type!r} is not one of {', '.join(MSG_TYPES)}")
    refs = []
    for triple in _text(root, "references").split():
        parts = triple.split(",")
        if len(parts) != 3:
            raise CapRefused(422, "invalid", f"reference {triple!r} is not 'sender,identifier,sent'")
        refs.append((parts[0], parts[1]))
    msg = CapMessage(identifier=_text(root, "identifier"), sender=_text(root, "sender"),
                     sent=_time(_text(root, "sent"), "sent"), status=status, msg_type=msg_type, references=refs)
    if msg_type in ("Update", "Cancel") and not refs:
        raise CapRefused(422, "missing_field", f"a {msg_type} needs references to the message it changes")
    msg._root = root
    return msg


def as_expat_encoding(data: bytes) -> bytes:
    """The document in an encoding expat reads: one declared as GB18030, GBK, Big5 … is re-encoded as UTF-8.

    CapRefused 400 `bad_encoding` for an encoding nobody knows or a byte sequence it cannot
    decode (the reason gives the line and column).
    """
    m = _DECLARATION.match(data[:512])
    if m is None:
        return data
    declared = m.group(2).decode("ascii")
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise CapRefused(400, "bad_encoding", f"the declared encoding {declared!r} is not known") from None
    if name in _EXPAT_ENCODINGS:
        return data
    if m.group(1):
        raise CapRefused(400, "bad_encoding", f"the document starts with a UTF-8 byte order mark but declares {declared}")
    codec = _SUPERSETS.get(name, name)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line, col = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        raise CapRefused(400, "bad_encoding", f"byte {data[exc.start:exc.start + 1].hex()} at line {line}, "
                                              f"column {col} (byte {exc.start}) is not {declared}") from None
    except LookupError:  # a known name that is not a text encoding (e.g. 'base64')
        raise CapRefused(400, "bad_encoding", f"the declared encoding {declared!r} is not a text encoding") from None
    # the declaration matched ASCII bytes, and ASCII is the same characters at the same offsets in
    # every codec the pattern can match in (ASCII-compatible ones)
    start, end = m.span(2)
    if text[:end].encode("ascii", "replace") != data[:end]:
        raise CapRefused(400, "bad_encoding", f"the declared encoding {declared!r} is not ASCII-compatible")
    return (text[:start] + "UTF-8" + text[end:]).encode("utf-8")


def parse_info(msg: CapMessage) -> CapMessage:
    """The first <info> of a message from `parse_head`: kind, severity, texts, expiry, area."""
    root, msg._root = msg._root, None
    info = root.find(_q("info"))
    if info is None:
        if msg.msg_type != "Cancel":
            raise CapRefused(422, "missing_field", "an Alert or Update needs an <info> block")
        return msg
    missing = [t for t in _INFO_REQUIRED if not _text(info, t)]
    if missing:
        raise CapRefused(422, "missing_field", f"info is missing required element(s): {', '.join(missing)}")
    for scale, values in CAP_SCALES.items():
        if _text(info, scale) not in values:
            raise CapRefused(422, "invalid", f"info {scale} {_text(info, scale)[:40]!r} is not one of "
                                             f"{', '.join(values)} (CAP 1.2)")
    msg.has_info = True
    msg.event = _text(info, "event")
    msg.severity = map_severity(_text(info, "severity"), _text(info, "urgency"), _text(info, "certainty"))
    msg.headline = _text(info, "headline")
    msg.description = _text(info, "description")
    msg.instruction = _text(info, "instruction")
    msg.sender_name = _text(info, "senderName")
    kind = CATEGORY_KINDS.get(_text(info, "category"), "other")
    for code in info.findall(_q("eventCode")):
        if _text(code, "valueName") in ("kind", "duty-console:kind") and _text(code, "value") in ALERT_KINDS:
            kind = _text(code, "value")
    msg.kind = kind
    expires = _text(info, "expires")
    if expires:
        msg.expires = _time(expires, "expires")
    msg.area = _area(info)
    if msg.area is not None and not msg.area.polygons and not msg.area.circles:
        msg.unplaced, msg.area = msg.area.desc, None
    return msg


def area_center(area: CapArea) -> tuple[float, float]:
    """(lon, lat) of the area's centre: the first polygon's vertex mean, else the first circle's centre."""
    if area.polygons:
        pts = area.polygons[0]
        return sum(p[1] for p in pts) / len(pts), sum(p[0] for p in pts) / len(pts)
    lat, lon, _ = area.circles[0]
    return lon, lat


class LocalArea:
    """An area's shapes on the site's local plane, projected once."""

    def __init__(self, area: CapArea, plane):
        self.polygons = [[plane.to_xy(lon, lat) for lat, lon in poly] for poly in area.polygons]
        self.circles = [(*plane.to_xy(lon, lat), r * 1000.0) for lat, lon, r in area.circles]

    def covers(self, x: float, y: float) -> bool:
        """Whether a local point lies in any of the shapes."""
        from console.site.geo import point_in_polygon

        return (any(point_in_polygon(x, y, p) for p in self.polygons)
                or any(math.hypot(x - cx, y - cy) <= r for cx, cy, r in self.circles))
