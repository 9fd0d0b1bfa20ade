"""A fold written from PROTOCOL.md §8.5 alone equals a fresh snapshot of a real hub (issue 9 item 19).

The folder below works on plain JSON (what a third party has), not on the
project's structs or `apply`: if the document leaves a rule out or states it
wrongly, the fold and the hub's snapshot disagree. The scenario covers the rules
that have no event of their own: a dispatch that acknowledges, declines that
send an incident back to `acknowledged`, an ended task that frees the person,
`offer_kind`, the initial `owner`, escalation and cooperation, and archiving.
Timelines are not compared (their words are not part of the contract).
"""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

import console.hub.core as core_mod
from console.domain.archive import archivable
from console.domain.model import Alert
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, encode
from tests.hub.harness import Client, running_hub

FINAL_TASK = {"done", "declined", "cancelled"}
WORKING = {"new", "acknowledged", "dispatched", "en_route", "on_scene"}
HELD = {"dispatched", "en_route", "on_scene"}


# ------------------------------------------------------------------ the fold, from the document

def _live(st, inc):
    return [st["tasks"][t] for t in inc["tasks"] if t in st["tasks"] and st["tasks"][t]["status"] not in FINAL_TASK]


def _work_status(st, inc):
    live = _live(st, inc)
    if any(t["status"] == "arrived" for t in live):
        return "on_scene"
    if any(t["status"] == "accepted" for t in live):
        return "en_route"
    if live:
        return "dispatched"
    if inc.get("first_arrival_at") is not None:
        return "on_scene"
    return "acknowledged" if inc.get("acknowledged_at") is not None else "new"


def _stands(task) -> bool:
    return task["status"] != "declined" and not (task["status"] == "cancelled" and not task.get("cause"))


def _refresh(st, inc, ts):
    standing = [st["tasks"][t] for t in inc["tasks"] if t in st["tasks"] and _stands(st["tasks"][t])]
    inc["first_dispatch_at"] = min((t["sent_at"] for t in standing), default=None)
    if inc["status"] in WORKING:
        team = [t for t in standing if t.get("cause") != "recalled"]
        if team and all(t.get("arrived_at") is not None for t in team):
            _set_if_null(inc, "full_on_scene_at", ts)
        else:
            inc["full_on_scene_at"] = None
        inc["status"] = _work_status(st, inc)


def _set_if_null(d, key, value):
    if d.get(key) is None:
        d[key] = value


def fold(st: dict, ev: dict) -> None:
    """Apply one event envelope (plain JSON) to a state (plain JSON), per PROTOCOL.md §8.5."""
    t, b, ts = ev["type"], ev.get("body", {}), ev["ts"]
    incs, tasks, res = st["incidents"], st["tasks"], st["resources"]
    inc = incs.get(b.get("incident")) if isinstance(b.get("incident"), str) else None
    if t == "baseline_loaded":
        bl = b["baseline"]
        st["name"], st["day_start"], st["course"] = bl["name"], bl["day_start"], bl["course"]
        for key in ("org", "resources", "cameras", "plans"):
            st[key] = {x["id"]: x for x in bl[key]}
    elif t == "alert_raised":
        a = b["alert"]
        st["alerts"][a["id"]] = a
        incs[b["incident"]] = {"id": b["incident"], "alert": a["id"], "kind": a["kind"], "severity": a["severity"],
                               "title": a["title"], "town": a["town"], "grid": a["grid"], "x": a["x"], "y": a["y"],
                               "created_at": a["at"], "status": "new", "owner": a["town"], "offered_to": None,
                               "offer_kind": None, "merged_into": None, "plan": None, "partners": [], "tasks": []}
        if a["source"] == "report" and a["id"][:1] == "R" and a["id"][1:].isdigit():
            st["reports"] = max(st.get("reports", 0), int(a["id"][1:]))
    elif t == "incident_acknowledged" and inc:
        _set_if_null(inc, "acknowledged_at", ts)
        if inc["status"] == "new":
            inc["status"] = "acknowledged"
    elif t in ("incident_resolved", "incident_closed", "incident_false_alarm") and inc:
        if t == "incident_resolved":
            inc["resolved_at"] = ts
        else:
            inc["closed_at"] = ts
            if t == "incident_closed":
                _set_if_null(inc, "resolved_at", ts)
        _set_if_null(inc, "acknowledged_at", ts)
        inc["status"] = {"incident_resolved": "resolved", "incident_closed": "closed",
                         "incident_false_alarm": "false_alarm"}[t]
        inc["offered_to"] = None
    elif t == "incident_merged" and inc:
        inc["status"], inc["merged_into"], inc["closed_at"] = "merged", b["into"], ts
        _set_if_null(inc, "acknowledged_at", ts)
    elif t in ("incident_escalated", "cooperation_requested"):
        if inc is None and b.get("snapshot") is not None:
            inc = incs[b["incident"]] = b["snapshot"]
        if inc:
            esc = t == "incident_escalated"
            inc["offered_to"], inc["offer_kind"] = b["to_center"], "escalation" if esc else "cooperation"
            _set_if_null(inc, "acknowledged_at", ts)
            if inc["status"] in WORKING:
                inc["status"] = "escalated" if esc else "cooperation"
    elif t in ("handoff_accepted", "handoff_declined") and inc:
        if t == "handoff_accepted":
            if inc.get("offer_kind") == "escalation":
                inc["owner"] = b["center"]
            elif b["center"] not in inc["partners"]:
                inc["partners"].append(b["center"])
        inc["offered_to"] = inc["offer_kind"] = None
        if inc["status"] in ("escalated", "cooperation"):
            inc["status"] = _work_status(st, inc)
    elif t == "plan_activated" and inc:
        inc["plan"] = b["plan"]
    elif t == "broadcast_issued":
        st["broadcasts"] = st.get("broadcasts", 0) + 1
        if inc and b.get("recipients"):
            st.setdefault("messages", {})[b["broadcast"]] = {
                "incident": b["incident"], "recipients": b["recipients"], "acked": {}}
    elif t == "broadcast_acknowledged" and b["broadcast"] in st.get("messages", {}):
        st["messages"][b["broadcast"]]["acked"][b["resource"]] = ts
    elif t == "incidents_archived":
        for iid in b["incidents"]:
            gone = incs.pop(iid, None)
            if gone:
                st["alerts"].pop(gone["alert"], None)
                for tid in gone["tasks"]:
                    tasks.pop(tid, None)
                for bid in [k for k, v in st.get("messages", {}).items() if v["incident"] == iid]:
                    del st["messages"][bid]
    elif t == "task_dispatched":
        tasks[b["task"]] = {"id": b["task"], "incident": b["incident"], "resource": b["resource"],
                            "actor": b["actor"], "status": "sent", "sent_at": ts, "note": b.get("note", "")}
        if b["resource"] in res:
            res[b["resource"]].update(status="dispatched", task=b["task"])
        if inc:
            inc["tasks"].append(b["task"])
            _set_if_null(inc, "acknowledged_at", ts)
            _refresh(st, inc, ts)
    elif t.startswith("task_") and b.get("task") in tasks:
        task = tasks[b["task"]]
        status = t[len("task_"):]
        task["status"] = status
        if status in ("accepted", "arrived", "done"):
            task[f"{status}_at"] = ts
        ended = status in FINAL_TASK
        if ended:
            task["ended_at"] = ts
            task["cause"] = b.get("cause", "")
            if b.get("note"):
                task["note"] = b["note"]
        person = res.get(task["resource"])
        if person is not None and person.get("task") in (task["id"], None):
            person["status"] = {"accepted": "en_route", "arrived": "on_scene"}.get(status, "available")
            person["task"] = None if ended else task["id"]
        inc = incs.get(task["incident"])
        if inc:
            if status == "arrived":
                _set_if_null(inc, "first_arrival_at", ts)
            _refresh(st, inc, ts)
    elif t == "resources_moved":
        for rid, x, y in b["moves"]:
            if rid in res:
                res[rid]["x"], res[rid]["y"] = x, y
    elif t == "resource_status_changed" and b["resource"] in res:
        if res[b["resource"]].get("status") not in HELD:
            res[b["resource"]]["status"] = b["status"]
    elif t == "camera_status_changed" and b["camera"] in st["cameras"]:
        st["cameras"][b["camera"]]["online"] = b["online"]
    st["seq"] = max(st["seq"], ev["seq"])
    st["now"] = max(st["now"], ts)


# ------------------------------------------------------------------ comparing

INCIDENT_FIELDS = ("status", "owner", "offered_to", "offer_kind", "partners", "tasks", "merged_into", "plan",
                   "town", "kind", "severity", "title", "created_at", "acknowledged_at", "first_dispatch_at",
                   "first_arrival_at", "full_on_scene_at", "resolved_at", "closed_at")
TASK_FIELDS = ("incident", "resource", "actor", "status", "sent_at", "accepted_at", "arrived_at", "done_at",
               "ended_at", "note", "cause")


def _view(st: dict) -> dict:
    """The fields PROTOCOL.md defines, with the documented defaults filled in."""
    return {
        "seq": st["seq"], "now": st["now"], "broadcasts": st.get("broadcasts", 0), "reports": st.get("reports", 0),
        "alerts": sorted(st["alerts"]),
        "incidents": {i: {f: inc.get(f, [] if f in ("partners", "tasks") else None) for f in INCIDENT_FIELDS}
                      for i, inc in st["incidents"].items()},
        "tasks": {i: {f: t.get(f, "" if f in ("note", "cause") else None) for f in TASK_FIELDS}
                  for i, t in st["tasks"].items()},
        "messages": {i: (b["recipients"], b["acked"]) for i, b in st.get("messages", {}).items()},
        "resources": {i: (r.get("status", "available"), r.get("task"), r.get("x", 0.0), r.get("y", 0.0))
                      for i, r in st["resources"].items()},
        "cameras": {i: c.get("online", True) for i, c in st["cameras"].items()},
    }


class Observer:
    """A raw client keeping every envelope as plain JSON, in order."""

    def __init__(self, ws):
        self.ws, self.snapshot, self.events, self.live = ws, None, [], asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self):
        async for raw in self.ws:
            if isinstance(raw, bytes):
                continue
            for line in raw.splitlines():
                env = json.loads(line)
                if env["type"] == "snapshot":
                    self.snapshot = env["body"]
                elif env["type"] == "live":
                    self.live.set()
                elif "seq" in env:
                    self.events.append(env)


async def _observe(url: str):
    ws = await connect(url, additional_headers={"Authorization": "Bearer demo-commander"},
                       compression=None, proxy=None, max_size=MAX_HUB_MESSAGE_BYTES)
    obs = Observer(ws)
    await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
    await asyncio.wait_for(obs.live.wait(), 10)
    return obs


async def test_a_fold_from_the_document_equals_the_hubs_snapshot(tmp_db_url, monkeypatch):
    async with running_hub(tmp_db_url) as server:
        core = server.core
        state = core.state
        grid_of = {}
        for u in state.org.values():
            if u.level == "grid":
                grid_of.setdefault(state.town_of(u.id), u)
        t1, t2 = grid_of["T1"], grid_of["T2"]
        free = iter(sorted(r.id for r in state.resources.values() if r.status == "available" and r.town == "T1"))
        observer = await _observe(server.url)
        async with Client.connect(server.url, "demo-ingest") as ingest, \
                Client.connect(server.url, "demo-commander") as hq, \
                Client.connect(server.url, "demo-t1") as town1, \
                Client.connect(server.url, "demo-t2") as town2:

            async def ok(client, type_, body):
                r = await client.command(type_, body)
                assert r.ok, (type_, body, r)
                return r

            for n in range(1, 8):
                g = t1 if n != 7 else t2
                await ok(ingest, "ingest.alert", m.IngestAlert(alert=Alert(
                    id=f"F{n}", source="camera", kind="crowd_density" if n == 5 else "smoke", severity="warning",
                    title=f"fold {n}", at=1000.0 + n, x=g.center_x, y=g.center_y, grid=g.id, town="")))

            # 1: dispatched while new (acknowledges it), declined: back to acknowledged, the person freed.
            p1 = next(free)
            await ok(hq, "cmd.dispatch", m.CmdDispatch(incident="I-F1", resource=p1))
            await ok(hq, "cmd.task_update", m.CmdTaskUpdate(task="I-F1-T1", status="declined", note="busy"))
            # 2: two sent; one arrives and finishes, one is cancelled; resolved, closed.
            p2, p3 = next(free), next(free)
            await ok(hq, "cmd.acknowledge", m.CmdIncident(incident="I-F2"))
            await ok(hq, "cmd.dispatch", m.CmdDispatch(incident="I-F2", resource=p2))
            await ok(hq, "cmd.dispatch", m.CmdDispatch(incident="I-F2", resource=p3))
            for status in ("accepted", "arrived", "done"):
                await ok(hq, "cmd.task_update", m.CmdTaskUpdate(task="I-F2-T1", status=status))
            await ok(hq, "cmd.cancel_task", m.CmdCancelTask(task="I-F2-T2", reason="enough"))
            await ok(hq, "cmd.resolve", m.CmdIncident(incident="I-F2"))
            await ok(hq, "cmd.close", m.CmdIncident(incident="I-F2"))
            # 3: a false alarm with a task still open.
            await ok(hq, "cmd.dispatch", m.CmdDispatch(incident="I-F3", resource=next(free)))
            await ok(hq, "cmd.false_alarm", m.CmdIncident(incident="I-F3"))
            # 4 merged into 5; 5 escalated by its town, accepted by the district, its plan activated.
            await ok(hq, "cmd.merge", m.CmdMerge(incident="I-F4", into="I-F5"))
            await ok(town1, "cmd.escalate", m.CmdIncident(incident="I-F5"))
            await ok(hq, "cmd.accept_handoff", m.CmdIncident(incident="I-F5"))
            await ok(hq, "cmd.activate_plan", m.CmdActivatePlan(incident="I-F5", plan=""))
            # 6: cooperation asked of T2, declined, asked again, accepted; a broadcast over its grid.
            await ok(town1, "cmd.request_cooperation", m.CmdCooperation(incident="I-F6", to_center="T2"))
            await ok(town2, "cmd.decline_handoff", m.CmdIncident(incident="I-F6", note="no one free"))
            await ok(town1, "cmd.request_cooperation", m.CmdCooperation(incident="I-F6", to_center="T2"))
            await ok(town2, "cmd.accept_handoff", m.CmdIncident(incident="I-F6"))
            await ok(hq, "cmd.broadcast", m.CmdBroadcast(text="check", incident="I-F6", grids=[t1.id]))
            # 7: arrived then the incident closed (arrived task done), and a report.
            p7 = next(free)
            await ok(hq, "cmd.dispatch", m.CmdDispatch(incident="I-F7", resource=p7))
            await ok(hq, "cmd.task_update", m.CmdTaskUpdate(task="I-F7-T1", status="arrived"))
            await ok(hq, "cmd.close", m.CmdIncident(incident="I-F7", note="done"))
            await ok(hq, "cmd.report", m.CmdReport(kind="other", text="a report", x=1.0, y=2.0))
            # World events: moves, a status change of a free person, one of a held person (ignored).
            await ok(ingest, "ingest.positions", m.IngestPositions(moves=[(p1, 12.5, -3.0)]))
            held_person = next(r.id for r in core.state.resources.values() if r.status in HELD)
            idle = next(r.id for r in core.state.resources.values() if r.status == "available")
            core.emit([("resource_status_changed", m.ResourceStatusChanged(resource=idle, status="off_duty")),
                       ("resource_status_changed", m.ResourceStatusChanged(resource=held_person, status="busy"))])
            # Archiving: every finished incident leaves (2 and 3 and 4 and 7).
            monkeypatch.setattr(core_mod, "archivable", lambda s: archivable(s, keep=0, above=0))
            core._archive_scan_at = 0
            await ok(ingest, "ingest.positions", m.IngestPositions(moves=[(p2, 1.0, 1.0)]))  # a commit: a scan
            await hq.wait_for(lambda: any(e.type == "incidents_archived" for e in hq.events))
            monkeypatch.undo()
            await core.wait_committed(core.state.seq)
            await hq.wait_for(lambda: observer.events and observer.events[-1]["seq"] == core.committed_seq)

        fresh = await _observe(server.url)
        await observer.ws.close()
        await fresh.ws.close()

    folded = json.loads(json.dumps(observer.snapshot["state"]))
    for ev in observer.events:
        fold(folded, ev)
    truth = fresh.snapshot["state"]
    assert fresh.snapshot["seq"] == folded["seq"]
    # The scenario did reach the rules it is meant to check.
    incs = truth["incidents"]
    assert incs["I-F1"]["status"] == "acknowledged" and incs["I-F5"]["owner"] == "D"
    assert incs["I-F6"]["partners"] == ["T2"] and incs["I-F6"]["owner"] == "T1"
    assert not {"I-F2", "I-F3", "I-F4", "I-F7"} & set(incs) and truth["reports"] == 1
    assert truth["resources"][idle]["status"] == "off_duty" and truth["resources"][held_person]["status"] in HELD
    assert truth["resources"][p1]["x"] == 12.5 and truth["resources"][p7].get("task") is None
    assert _view(folded) == _view(truth)
