"""A field and an ingest client written from PROTOCOL.md section 19 alone, on plain JSON: what it folds
over a real hub's socket equals a fresh snapshot of its view."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, encode
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise

KINDS = ("resources", "tasks", "incidents", "alerts", "cameras", "messages")


def fold(st: dict, ev: dict) -> None:
    """Section 19: records set whole, `gone` and archives with their tasks and alerts, the baseline."""
    t, b = ev["type"], ev["body"]
    if t == "view_changed":
        for kind in KINDS:
            for rec in b.get(kind, []):
                st[kind][rec["id"]] = rec
        remove(st, b.get("gone", []))
    elif t == "incidents_archived":
        remove(st, b["incidents"])
    elif t == "baseline_loaded":
        base = b["baseline"]
        for kind in ("org", "resources", "cameras", "plans"):
            st[kind] = {r["id"]: r for r in base.get(kind, [])}
    elif t in ("plan_added", "plan_updated"):
        st["plans"][b["plan"]["id"]] = b["plan"]
    elif t in ("org_unit_added", "org_unit_updated"):
        st["org"][b["unit"]["id"]] = b["unit"]
    elif t == "resource_removed":
        st["resources"].pop(b["resource"], None)
    elif t == "camera_removed":
        st["cameras"].pop(b["camera"], None)


def remove(st: dict, ids: list[str]) -> None:
    for iid in ids:
        inc = st["incidents"].pop(iid, None)
        if inc is None:
            continue
        for tid in inc.get("tasks", []):
            st["tasks"].pop(tid, None)
        for bid in [b for b, msg in st["messages"].items() if msg["incident"] == iid]:
            del st["messages"][bid]
        joined = [s["note"] for s in inc.get("timeline", []) if s["what"] in ("alert_updated", "alert_cancelled")]
        for aid in [inc["alert"], *joined]:
            st["alerts"].pop(aid, None)


async def observe(url: str, token: str, out: dict, ready: asyncio.Event) -> None:
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=0)).decode())
        async for raw in ws:
            for line in raw.splitlines():
                ev = json.loads(line)
                if ev["type"] == "snapshot":
                    out.update(ev["body"]["state"])
                elif ev["type"] == "live":
                    ready.set()
                elif "seq" in ev:
                    fold(out, ev)


async def fresh(url: str, token: str) -> dict:
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                       compression=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=0)).decode())
        async for raw in ws:
            for line in raw.splitlines():
                ev = json.loads(line)
                if ev["type"] == "snapshot":
                    return ev["body"]["state"]


async def test_a_fold_from_section_19_equals_the_views_snapshot(tmp_db_url):
    async with running_hub(tmp_db_url) as server:
        folds = {"demo-field": {}, "demo-ingest": {}}
        ready = {k: asyncio.Event() for k in folds}
        tasks = [asyncio.create_task(observe(server.url, k, folds[k], ready[k])) for k in folds]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready.values())), 10)
        async with Client.connect(server.url, "demo-commander") as cmd, \
                Client.connect(server.url, "demo-field", last_seq=None) as phone:
            incs = [await _raise(server, n, town="T1", grid="T1-C01-G1") for n in range(1, 4)]
            for inc, who in zip(incs, ("R0001", "R0002")):
                assert (await cmd.command("cmd.dispatch", m.CmdDispatch(incident=inc, resource=who, note="快"))).ok
            mine = next(t for t in server.core.state.tasks.values() if t.resource == "R0001")
            for step in ("accepted", "arrived", "done"):
                assert (await phone.command("cmd.task_update", m.CmdTaskUpdate(task=mine.id, status=step))).ok
            assert (await cmd.command("cmd.dispatch", m.CmdDispatch(incident=incs[2], resource="R0001"))).ok
            assert (await cmd.command("cmd.broadcast", m.CmdBroadcast(text="注意积水", incident=incs[0],
                                                                       grids=["T1-C01-G1"]))).ok
            sent = [b for b in server.core.state.messages.values() if "R0001" in b.recipients]
            assert sent and (await phone.command("cmd.acknowledge_broadcast", m.CmdBroadcastAck(broadcast=sent[0].id))).ok
            assert (await cmd.command("cmd.close", m.CmdIncident(incident=incs[2]))).ok
            server.core.emit([("incidents_archived", m.IncidentsArchived(incidents=[incs[2]])),
                              ("resources_moved", m.ResourcesMoved(moves=[("R0001", 1.0, 2.0), ("R0002", 3.0, 4.0)]))])
        await server.core.wait_settled(5)
        await asyncio.sleep(0.3)
        for token, folded in folds.items():
            snap = await fresh(server.url, token)
            for key in ("seq", "now", "broadcasts", "reports"):
                snap.pop(key, None), folded.pop(key, None)
            assert folded == snap, token
        field = folds["demo-field"]
        assert list(field["resources"]) == ["R0001"] and field["resources"]["R0001"]["x"] == 1.0
        assert [t["status"] for t in field["tasks"].values()] == ["done"] and incs[2] not in field["incidents"]
        assert [b["recipients"] for b in field["messages"].values()] == [["R0001"]]
        assert not folds["demo-ingest"]["resources"] and folds["demo-ingest"]["incidents"]
        for t in tasks:
            t.cancel()
