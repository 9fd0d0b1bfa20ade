"""CAP 1.2 over real HTTP to a real gateway and hub, watched from a console replica."""

import json

from console.gateway.cap import cap_alert_id, map_severity
from console.store import Store

from tests.gateway.harness import SENDER, cap_xml, get, post, rig, until

XML = "application/xml"


async def test_alert_update_and_cancel_chain_to_one_incident(tmp_path):
    async with rig(tmp_path) as r:
        status, _, body = await post(f"{r.url}/cap", cap_xml("500000000000_20251130080000_1"), "demo-cap", XML)
        assert status == 201, body
        aid = cap_alert_id(SENDER, "500000000000_20251130080000_1")
        assert body["alert"] == aid and body["incident"] == f"I-{aid}" and body["grid"] == "G1"
        await until(lambda: f"I-{aid}" in r.replica.state.incidents)
        alert = r.replica.state.alerts[aid]
        assert (alert.source, alert.kind, alert.severity, alert.grid, alert.town) == ("center", "rockfall", "critical", "G1", "T1")
        assert "措施: 立即疏散坡下人员" in alert.text and "覆盖 1 个网格" in alert.text
        assert alert.reporter == "重庆市突发事件预警信息发布中心"
        # the same message again: refused, nothing changes
        seq = r.hub.core.state.seq
        status, _, body = await post(f"{r.url}/cap", cap_xml("500000000000_20251130080000_1"), "demo-cap", XML)
        assert (status, body["code"]) == (409, "duplicate")
        assert r.hub.core.state.seq == seq
        # an Update (downgraded) joins the incident; an Update of the Update too; then a Cancel
        ref1 = f"{SENDER},500000000000_20251130080000_1,2025-11-30T08:00:00+08:00"
        status, _, body = await post(f"{r.url}/cap", cap_xml(
            "500000000000_20251130083000_2", msg_type="Update", references=ref1, severity="Moderate",
            headline="江滨路段滑坡预警降级"), "demo-cap", XML)
        assert status == 201 and body["incident"] == f"I-{aid}", body
        ref2 = f"{SENDER},500000000000_20251130083000_2,2025-11-30T08:30:00+08:00"
        status, _, body = await post(f"{r.url}/cap", cap_xml(
            "500000000000_20251130090000_3", msg_type="Cancel", references=ref2, polygon=None,
            omit=("info",)), "demo-cap", XML)
        assert status == 201 and body["incident"] == f"I-{aid}", body
        await r.synced()
        inc = r.replica.state.incidents[f"I-{aid}"]
        assert len(r.replica.state.incidents) == 1
        assert inc.severity == "warning" and inc.title == "江滨路段滑坡预警降级"
        assert [s.what for s in inc.timeline] == ["raised", "alert_updated", "alert_cancelled"]
        # an Update whose reference nobody knows
        status, _, body = await post(f"{r.url}/cap", cap_xml(
            "X_1", msg_type="Update", references=f"{SENDER},nobody,2025-11-30T08:00:00+08:00"), "demo-cap", XML)
        assert (status, body["code"]) == (422, "unknown_reference")


async def test_exercise_status_is_a_drill_on_a_live_hub_and_as_it_is_in_an_exercise(tmp_path):
    async with rig(tmp_path / "live") as r:
        status, _, body = await post(f"{r.url}/cap", cap_xml("T_1", status="Test"), "demo-cap", XML)
        assert (status, body["code"]) == (422, "not_actual")
        status, _, body = await post(f"{r.url}/cap", cap_xml("EX_1", status="Exercise"), "demo-cap", XML)
        assert status == 201, body
        await until(lambda: body["incident"] in r.replica.state.incidents)
        inc = r.replica.state.incidents[body["incident"]]
        assert (inc.exercise.drill, inc.exercise.by) == (body["alert"], "cap")
        assert list(r.replica.state.alerts) == [body["alert"]]
    async with rig(tmp_path / "ex", mode="exercise") as r:
        status, _, body = await post(f"{r.url}/cap", cap_xml("EX_1", status="Exercise"), "demo-cap", XML)
        assert status == 201, body
        await until(lambda: body["alert"] in r.replica.state.alerts)
        assert r.replica.state.alerts[body["alert"]].exercise is None  # the whole hub is an exercise


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>"""


async def test_hostile_and_broken_documents_are_refused_with_reasons(tmp_path):
    async with rig(tmp_path) as r:
        url = f"{r.url}/cap"
        cases = [
            (XXE, 400, "unsafe_xml"),
            (LAUGHS, 400, "unsafe_xml"),
            (cap_xml("BIG_1", instruction="疏散" * 70_000), 413, "too_large"),
            (cap_xml("NS_1", ns="urn:oasis:names:tc:emergency:cap:1.1"), 422, "wrong_namespace"),
            (cap_xml("MISS_1", omit=("sender", "scope")), 422, "missing_field"),
            (cap_xml("NOTZ_1", sent="2025-11-30T08:00:00"), 422, "bad_time"),
            (cap_xml("Z_1", sent="2025-11-30T00:00:00Z"), 422, "bad_time"),
            (cap_xml("OLD_1", expires="2020-01-01T00:00:00+08:00"), 422, "expired"),
            (cap_xml("FAR_1", polygon="39.90,116.39 39.90,116.41 39.92,116.41 39.90,116.39"), 422, "outside_site"),
            (cap_xml("OPEN_1", polygon="29.501,106.521 29.501,106.524 29.503,106.524"), 422, "invalid"),
            (b"<alert", 400, "bad_xml"),
        ]
        for doc, want_status, want_code in cases:
            status, _, body = await post(url, doc, "demo-cap", XML)
            assert (status, body["code"]) == (want_status, want_code), (doc[:80], body)
            assert body["ok"] is False and body["reason"]
        status, _, body = await post(url, cap_xml("CT_1"), "demo-cap", "application/json")
        assert (status, body["code"]) == (415, "unsupported_media_type")
        _, _, body = await post(url, cap_xml("MISS_2", omit=("sender", "scope")), "demo-cap", XML)
        assert body["reason"] == "missing required element(s): sender, scope"
        assert not r.replica.state.alerts and r.hub.core.state.seq == 1, "nothing half-applied"


async def test_circle_area_lands_in_its_grid(tmp_path):
    async with rig(tmp_path) as r:
        status, _, body = await post(f"{r.url}/cap", cap_xml("C_1", polygon=None, circle="29.5045,106.5355 0.2",
                                                             severity="Minor"), "demo-cap", XML)
        assert status == 201 and body["grid"] == "G2" and body["severity"] == "info", body


async def test_tokens_rates_counters_and_audit(tmp_path):
    tokens = tmp_path / "tokens.json"
    tokens.write_text(json.dumps([
        {"token": "t-cap", "name": "预警中心", "inputs": ["cap"], "per_minute": 1, "burst": 2},
        {"token": "t-admin", "name": "admin", "inputs": ["stats"]},
    ]), encoding="utf-8")
    async with rig(tmp_path, tokens=str(tokens)) as r:
        url = f"{r.url}/cap"
        assert (await post(url, cap_xml("R_1"), None, XML))[0] == 401
        assert (await post(url, cap_xml("R_1"), "wrong", XML))[0] == 401
        status, _, body = await post(f"{r.url}/webhook/camera", b"{}", "t-cap", "application/json")
        assert (status, body["code"]) == (403, "forbidden")
        assert (await post(url, cap_xml("R_1"), "t-cap", XML))[0] == 201
        assert (await post(url, cap_xml("R_2"), "t-cap", XML))[0] == 201
        status, headers, body = await post(url, cap_xml("R_3"), "t-cap", XML)
        assert (status, body["code"]) == (429, "rate_limited") and int(headers["retry-after"]) >= 1
        status, _, raw = await get(f"{r.url}/stats", "t-admin")
        counters = json.loads(raw)["counters"]
        assert counters["预警中心|cap|accepted"] == 2 and counters["预警中心|cap|rate_limited"] == 1
        assert counters["?|cap|unauthorized"] == 2 and counters["预警中心|webhook|forbidden"] == 1
        assert counters["accepted"] == 2 and counters["refused"] == 4
        assert (await get(f"{r.url}/stats", "t-cap"))[0] == 403
        assert (await get(f"{r.url}/nowhere"))[0] == 404
    store = Store(f"sqlite:///{tmp_path / 'gateway.db'}")
    try:
        verdict = store.verify_audit()
        assert verdict.ok and verdict.checked == 2 + 4 + 2  # six items, then a refused /stats read and a 404
    finally:
        store.close()


def test_severity_mapping():
    assert map_severity("Extreme", "Immediate", "Observed") == "critical"
    assert map_severity("Severe", "Expected", "Likely") == "critical"
    assert map_severity("Severe", "Future", "Likely") == "warning"
    assert map_severity("Moderate", "Immediate", "Observed") == "warning"
    assert map_severity("Extreme", "Immediate", "Unlikely") == "info"
    assert map_severity("Minor", "Immediate", "Observed") == "info"
    assert map_severity("Extreme", "Past", "Observed") == "info"


async def test_updates_after_the_incident_is_finished_or_archived(tmp_path):
    """A finished loop is never reopened: an Update opens a new incident naming the old one, a Cancel is refused."""
    from console.protocol import messages as m

    async with rig(tmp_path) as r:
        first = "500000000000_20251130080000_7"
        status, _, body = await post(f"{r.url}/cap", cap_xml(first), "demo-cap", XML)
        assert status == 201, body
        old = body["incident"]
        ref = f"{SENDER},{first},2025-11-30T08:00:00+08:00"
        status, _, body = await post(f"{r.url}/cap", cap_xml("U_1", msg_type="Update", references=ref,
                                                             severity="Moderate"), "demo-cap", XML)
        assert (status, body["incident"]) == (201, old), body
        update_id = body["alert"]
        r.hub.core.emit([("incident_closed", m.IncidentStep(incident=old, actor="值班长"))])
        await r.synced()
        # closed: an Update is news again (a new incident that names the old one), a Cancel has nothing to cancel
        ref_u = f"{SENDER},U_1,2025-11-30T08:30:00+08:00"
        status, _, body = await post(f"{r.url}/cap", cap_xml("U_2", msg_type="Update", references=ref_u),
                                     "demo-cap", XML)
        assert status == 201 and body["continues"] == old and body["incident"] != old, body
        fresh = body["incident"]
        await until(lambda: fresh in r.replica.state.incidents)
        assert r.replica.state.incidents[old].status == "closed"
        assert [s.what for s in r.replica.state.incidents[old].timeline] == ["raised", "alert_updated", "closed"]
        assert f"接续已办结事件 {old}" in r.replica.state.alerts[body["alert"]].text
        seq = r.hub.core.state.seq
        status, _, body = await post(f"{r.url}/cap", cap_xml("C_1", msg_type="Cancel", references=ref_u, polygon=None,
                                                             omit=("info",)), "demo-cap", XML)
        assert (status, body["code"]) == (409, "incident_finished") and "nothing to cancel" in body["reason"]
        assert r.hub.core.state.seq == seq
        # archived: the incident and every alert of it (the source's update too) leave the state
        r.hub.core.emit([("incidents_archived", m.IncidentsArchived(incidents=[old]))])
        await r.synced()
        assert old not in r.replica.state.incidents
        assert update_id not in r.replica.state.alerts and update_id not in r.hub.core.state.alerts
        n = len(r.replica.state.incidents)
        # the first Alert again, late: still a duplicate, not a stray new incident
        status, _, body = await post(f"{r.url}/cap", cap_xml(first), "demo-cap", XML)
        assert (status, body["code"]) == (409, "duplicate")
        status, _, body = await post(f"{r.url}/cap", cap_xml("C_2", msg_type="Cancel", references=ref, polygon=None,
                                                             omit=("info",)), "demo-cap", XML)
        assert (status, body["code"]) == (409, "incident_finished") and "archived" in body["reason"]
        # an Update of the archived incident without an area cannot be placed: refused with the reason
        status, _, body = await post(f"{r.url}/cap", cap_xml("U_3", msg_type="Update", references=ref, polygon=None),
                                     "demo-cap", XML)
        assert (status, body["code"]) == (422, "missing_field") and "archived" in body["reason"]
        status, _, body = await post(f"{r.url}/cap", cap_xml("U_4", msg_type="Update", references=ref),
                                     "demo-cap", XML)
        assert status == 201 and body["continues"] == old, body
        await r.synced()
        assert len(r.replica.state.incidents) == n + 1
