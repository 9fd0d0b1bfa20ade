"""Reading version-1 drill files: their events and snapshots converted to today's form on load.

Version 1 wrote sentences where version 2 writes codes and parameters:

- timeline steps were `[at, actor, what, note]` arrays whose note was composed
  ("→ T3 note", "P01 (缺 missing: medical×2)", "3 grids: text", "张三: note");
- `plan_activated.missing` was a list of "kind×count" strings;
- the simulated field and the scenario feed acted as "现场:simulator" and
  "感知接入:scenario" (now the codes FIELD_SOURCE and SCENARIO_SOURCE);
- a crowd-density alert carried its figure only in its title ("… 4.2人/㎡").

Each function takes what version 1 wrote and returns what version 2 writes, so
a version-1 recording replays, seeks and reports like a new one. They are
idempotent: a part already in the new form is left as it is.
"""

from __future__ import annotations

import re
import zlib

import msgspec

from console.domain.model import CROWD_UNIT, FIELD_SOURCE, SCENARIO_SOURCE
from console.domain.state import State, decode_state
from console.protocol.messages import PROTOCOL_VERSION

#: the actor names version 1 gave the simulated sources
SOURCE_ACTORS = {"现场:simulator": FIELD_SOURCE, "感知接入:scenario": SCENARIO_SOURCE}

_MISSING = re.compile(r"(?P<plan>\S+) \(缺 missing: (?P<roles>.*)\)", re.S)
_GRIDS = re.compile(r"(?P<n>\d+) grids: (?P<text>.*)", re.S)
_DENSITY = re.compile(r"(\d+(?:\.\d+)?)\s*人/㎡")
_OFFER_ANSWERS = ("escalation_accepted", "escalation_declined", "cooperation_accepted",
                  "cooperation_declined", "handoff_accepted", "handoff_declined")
#: event types whose body version 1 wrote differently (the rest pass through untouched)
_CHANGED_TYPES = frozenset({
    "alert_raised", "plan_activated", "incident_escalated", "cooperation_requested",
    "incident_acknowledged", "incident_resolved", "incident_closed", "incident_false_alarm",
    "incident_merged", "handoff_accepted", "handoff_declined", "broadcast_issued", "task_dispatched",
    "task_accepted", "task_arrived", "task_done", "task_declined", "task_cancelled",
})


def _roles(text: str) -> list[list]:
    out = []
    for part in text.split(", "):
        kind, _, count = part.rpartition("×")
        out.append([kind, int(count)] if kind and count.isdigit() else [part, 1])
    return out


def _alert(alert: dict) -> None:
    if alert.get("kind") == "crowd_density" and alert.get("value") is None:
        m = _DENSITY.search(alert.get("title") or "")
        if m:
            alert["value"], alert["unit"] = float(m.group(1)), CROWD_UNIT


def _resource_named(name: str, incident: dict, tasks: dict, resources: dict) -> str:
    """The id of the person called `name` among the incident's tasks ("" if none or unknown)."""
    for tid in incident.get("tasks", ()):
        rid = (tasks.get(tid) or {}).get("resource")
        if rid is not None and ((resources.get(rid) or {}).get("name") == name or rid == name):
            return rid
    return ""


def convert_step(row, incident: dict | None = None, tasks: dict | None = None,
                 resources: dict | None = None) -> dict:
    """One version-1 timeline step (`[at, actor, what, note]`) as a version-2 Transition (a dict).

    `incident`, `tasks` and `resources` (the state's, as plain dicts) let a
    dispatch or task step find the resource id behind the name it wrote.
    """
    if isinstance(row, dict):
        return row
    at, actor, what, note = (list(row) + ["", "", ""])[:4]
    step: dict = {"at": at, "actor": SOURCE_ACTORS.get(actor, actor), "what": what}
    note = note or ""
    if what in ("merged", "absorbed"):
        step["incident"], note = note, ""
    elif what in ("escalation", "cooperation"):
        rest = note[1:].strip() if note.startswith("→") else note
        step["center"], _, note = rest.partition(" ")
    elif what in _OFFER_ANSWERS:
        step["center"], _, note = note.partition(" ")
    elif what == "plan_activated":
        m = _MISSING.fullmatch(note)
        if m:
            step["plan"], step["missing"] = m["plan"], _roles(m["roles"])
        else:
            step["plan"] = note
        note = ""
    elif what == "broadcast":
        m = _GRIDS.fullmatch(note)
        if m:
            step["grids"], note = int(m["n"]), m["text"]
    elif what == "dispatched" or what.startswith("task_"):
        name, _, rest = note.partition(": ") if what != "dispatched" else (note, "", "")
        step["name"], note = name, rest
        cause = _old_cause(note)
        if cause:
            step["cause"], note = cause, ""
        if incident is not None:
            rid = _resource_named(name, incident, tasks or {}, resources or {})
            if rid:
                step["resource"] = rid
                if rid == name:  # version 1 wrote the id of a person it did not know
                    step["name"] = ""
    if note:
        step["note"] = note
    return step


def _incident(inc: dict, tasks: dict | None = None, resources: dict | None = None) -> None:
    inc["timeline"] = [convert_step(r, inc, tasks, resources) for r in inc.get("timeline", ())]


def _old_cause(note: str) -> str:
    """The cause code behind a note version 1 wrote when the hub ended a task itself ("" if none)."""
    if note in ("incident closed", "false alarm"):
        return note.replace(" ", "_")
    return "merged" if note.startswith("merged into ") else ""


def convert_body(type_: str, body: dict) -> dict:
    """A version-1 event body (plain dict) in the version-2 form."""
    if "actor" in body:
        body["actor"] = SOURCE_ACTORS.get(body["actor"], body["actor"])
    if type_ in ("task_done", "task_cancelled") and _old_cause(body.get("note", "")):
        body["cause"] = _old_cause(body.pop("note"))
    if type_ == "plan_activated":
        body["missing"] = [m if isinstance(m, list) else _roles(m)[0] for m in body.get("missing", ())]
    elif type_ == "alert_raised":
        _alert(body["alert"])
    elif type_ in ("incident_escalated", "cooperation_requested") and body.get("snapshot"):
        _incident(body["snapshot"])
    return body


_V1_HEAD, _V2_HEAD = b'{"v":1,', b'{"v":%d,' % PROTOCOL_VERSION


def convert_event(type_: str, data: bytes) -> bytes:
    """A stored version-1 envelope as the version-2 envelope bytes (unchanged bodies: only `v` differs)."""
    if type_ not in _CHANGED_TYPES:
        # The hub wrote `v` first; a review hub sends these bytes as they are, so `v` must be current.
        return _V2_HEAD + data[len(_V1_HEAD):] if data.startswith(_V1_HEAD) else data
    env = msgspec.json.decode(data)
    if isinstance(env, dict) and isinstance(env.get("body"), dict):
        env["body"] = convert_body(type_, env["body"])
        env["v"] = PROTOCOL_VERSION
    return msgspec.json.encode(env)


def convert_state(blob: bytes) -> State:
    """A version-1 snapshot (zlib-packed state JSON) as a version-2 State."""
    raw = msgspec.json.decode(zlib.decompress(blob))
    tasks, resources = raw.get("tasks", {}), raw.get("resources", {})
    for inc in raw.get("incidents", {}).values():
        _incident(inc, tasks, resources)
    for task in tasks.values():
        task["actor"] = SOURCE_ACTORS.get(task.get("actor"), task.get("actor"))
        if _old_cause(task.get("note", "")):
            task["note"] = ""  # the hub's own words; version 2 keeps the cause in the timeline
    for alert in raw.get("alerts", {}).values():
        _alert(alert)
    return decode_state(msgspec.json.encode(raw))
