"""A district hub that has just started never decides a town's hand-off itself.

A console that reconnects resends its unanswered decisions at once (PROTOCOL.md). The
district hub (`console/app/hub.py`) attaches its forwarders before its port opens, so
even while its store is slow at start (a lock held on its settings table, which the
federation reads while starting) every decline on a `T1/…` incident goes to T1's hub and
none is decided in the district's own log.
"""

from __future__ import annotations

import asyncio
import socket
import threading

import sqlalchemy as sa

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.hub.nats_server import free_port
from console.protocol import messages as m
from tests.federation.test_federation import federated_hub, until
from tests.hub.harness import Client
from tests.hub.test_hub import _raise

LOCK_S = 3.0


def hold_settings_lock(url: str, locked: threading.Event, release: threading.Event) -> None:
    """Hold an exclusive lock on the district's settings table until `release` (at most LOCK_S)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("LOCK TABLE settings IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(LOCK_S)
    finally:
        engine.dispose()


async def port_open(port: int) -> None:
    """Return as soon as 127.0.0.1:port accepts a connection."""
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            await asyncio.sleep(0.01)


async def test_declines_sent_as_the_port_opens_all_reach_the_town_and_none_is_decided_locally(
        tmp_path, nats, pg_cluster):
    d_db = pg_cluster.create_database("district_start")
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, _f1):
        incidents = [await _raise(t1, n) for n in range(1, 5)]
        async with Client.connect(t1.url, "demo-t1") as town:
            for inc in incidents:
                assert (await town.command("cmd.escalate", m.CmdIncident(incident=inc))).ok
        # the district's log holds the four escalations (as a district that ran before would)
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, _fd):
            await until(lambda: all(d.core.state.incidents.get(f"T1/{i}") is not None
                                    and d.core.state.incidents[f"T1/{i}"].offered_to == "D" for i in incidents))
        port = free_port()
        cfg = HubConfig(scenario=None, db=d_db, port=port, center="D", nats=nats.url, follow=["T1"],
                        fps=0, streams=False, simulate_field=False)
        locked, release = threading.Event(), threading.Event()
        locker = threading.Thread(target=hold_settings_lock, args=(d_db, locked, release), daemon=True)
        locker.start()
        assert locked.wait(10)
        starting = asyncio.create_task(start_hub(cfg))
        hub = None
        try:
            await port_open(port)
            async with Client.connect(f"ws://127.0.0.1:{port}", "demo-commander", last_seq=None) as console:
                sent = [asyncio.ensure_future(console.command(
                    "cmd.decline_handoff", m.CmdIncident(incident=f"T1/{inc}", note="区里不接"),
                    command_id=f"decline-{inc}", timeout=30)) for inc in incidents]
                results = await asyncio.gather(*sent)
            hub = await starting
            # answered for the town (its seqs are not the district's), not decided in the district's log
            assert all(r.ok and r.seqs == [] for r in results), results
            await until(lambda: all(t1.core.state.incidents[i].offered_to is None for i in incidents), timeout=30)
            declined = [e for e in t1.core.store.events_after(0) if e[1] == "handoff_declined"]
            assert len(declined) == len(incidents)
            # the district's log holds each decline once: T1's, mirrored back
            await until(lambda: sum(1 for e in hub.core.store.events_after(0) if e[1] == "handoff_declined")
                        >= len(incidents), timeout=30)
            await hub.core.wait_committed(hub.core.state.seq)
            assert sum(1 for e in hub.core.store.events_after(0) if e[1] == "handoff_declined") == len(incidents)
            assert hub.federation.counters["forwarded"] == len(incidents)
        finally:
            release.set()
            locker.join(10)
            if hub is None:
                hub = await starting
            await hub.stop()


async def test_a_district_log_served_without_its_nats_link_decides_no_town_incident(tmp_path, nats):
    d_db = f"sqlite:///{tmp_path / 'd.db'}"
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, _f1):
        inc = await _raise(t1, 1)
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.escalate", m.CmdIncident(incident=inc))).ok
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (d, _fd):
            await until(lambda: f"T1/{inc}" in d.core.state.incidents
                        and d.core.state.incidents[f"T1/{inc}"].offered_to == "D")
    hub = await start_hub(HubConfig(scenario=None, db=d_db, port=0, center="D", fps=0, streams=False,
                                    simulate_field=False))
    try:
        seq = hub.core.state.seq
        async with Client.connect(hub.url, "demo-commander", last_seq=None) as console:
            r = await console.command("cmd.accept_handoff", m.CmdIncident(incident=f"T1/{inc}"), command_id="a1")
        assert not r.ok and r.code == "out_of_scope" and "T1" in r.message
        assert hub.core.state.seq == seq and hub.core.state.incidents[f"T1/{inc}"].offered_to == "D"
    finally:
        await hub.stop()
