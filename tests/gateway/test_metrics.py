"""/metrics (Prometheus text format), /healthz and /readyz over real HTTP."""

import json

from prometheus_client.parser import text_string_to_metric_families

from tests.gateway.harness import cap_xml, get, post, rig, until

XML = "application/xml"


def samples(text: str) -> dict[tuple, float]:
    """(sample name, sorted labels) → value of a scrape."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_health_and_readiness(tmp_path):
    async with rig(tmp_path) as r:
        status, _, body = await get(f"{r.url}/healthz")
        assert (status, json.loads(body)) == (200, {"ok": True})
        status, _, body = await get(f"{r.url}/readyz")
        assert (status, json.loads(body)["hub"]) == (200, True)
        assert (await post(f"{r.url}/cap", cap_xml("M_1"), "demo-cap", XML))[0] == 201
        assert (await post(f"{r.url}/cap", cap_xml("M_1"), "demo-cap", XML))[0] == 409
        assert (await post(f"{r.url}/cap", cap_xml("M_2"), "wrong-token", XML))[0] == 401
        await r.synced()
        status, headers, body = await get(f"{r.url}/metrics")
        assert status == 200 and headers["content-type"].startswith("text/plain")
        got = samples(body.decode())
        assert got[("duty_gateway_items_total", (("input", "cap"), ("outcome", "accepted")))] == 1
        assert got[("duty_gateway_items_total", (("input", "cap"), ("outcome", "duplicate")))] == 1
        assert got[("duty_gateway_items_total", (("input", "cap"), ("outcome", "unauthorized")))] == 1
        assert got[("duty_gateway_item_seconds_count", (("input", "cap"),))] == 3
        assert got[("duty_gateway_hub_command_seconds_count", ())] == 1
        assert got[("duty_gateway_hub_live", ())] == 1
        assert got[("duty_gateway_hub_seq", ())] == r.hub.core.state.seq
        assert got[("duty_gateway_body_bytes_in_memory", ())] == 0
        # the hub gone: alive, not ready, and the gauge says so
        await r.hub.server.stop()
        await until(lambda: not r.gw.link.live.is_set())
        assert (await get(f"{r.url}/healthz"))[0] == 200
        status, _, body = await get(f"{r.url}/readyz")
        assert status == 503 and json.loads(body)["hub"] is False
        _, _, body = await get(f"{r.url}/metrics")
        assert samples(body.decode())[("duty_gateway_hub_live", ())] == 0
