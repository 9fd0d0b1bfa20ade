"""Town and district hubs over a real nats-server (JetStream): events published once per seq,
hand-offs applied once on the receiving hub, a town cut off from NATS serving on and catching up."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from console.domain.state import encode_state
from console.hub.auth import Principal
from console.hub.federation import EVENTS_STREAM, HANDOFF_STREAM, Federation, events_subject, handoff_subject
from console.protocol import messages as m
from console.protocol.codec import encode
from tests.hub.harness import Client, running_hub
from tests.hub.test_hub import _raise

DISTRICT_COMMANDER = Principal("", "commander", "区值班长 孙伟", "D")


@asynccontextmanager
async def federated_hub(db_url: str, center: str, nats_url: str, follow=(), **kw):
    """A hub (marathon baseline, no world) with its federation link started."""
    async with running_hub(db_url, **kw) as server:
        fed = Federation(server.core, center, nats_url, follow=follow)
        await fed.start()
        try:
            yield server, fed
        finally:
            await fed.close()


async def until(pred, timeout=15.0, step=0.05):
    """Wait until pred() is true (never longer than `timeout`)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        assert loop.time() < end, "condition not met in time"
        await asyncio.sleep(step)


async def _durable_consumer_made(nats_url: str, durable: str, timeout: float = 15.0) -> None:
    """Wait until the hand-off stream has the durable consumer `durable`."""
    import nats

    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        end = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                await js.consumer_info(HANDOFF_STREAM, durable)
                return
            except Exception:  # noqa: BLE001 - NotFoundError: not yet
                assert asyncio.get_running_loop().time() < end, f"no consumer {durable} on {HANDOFF_STREAM}"
                await asyncio.sleep(0.02)
    finally:
        await nc.close()


async def _stream_seqs(nats_url: str, subject: str) -> list[int]:
    """The seqs of every event stored on a subject, in stream order (a message may hold several)."""
    import nats

    from console.protocol.codec import decode_batch

    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        info = await js.stream_info(EVENTS_STREAM, subjects_filter=subject)
        n = (info.state.subjects or {}).get(subject, 0)
        sub = await js.subscribe(subject, stream=EVENTS_STREAM, ordered_consumer=True)
        seqs = []
        for _ in range(n):
            msg = await sub.next_msg(timeout=5)
            seqs += [e.seq for e in decode_batch(msg.data)]
        return seqs
    finally:
        await nc.close()


async def test_an_escalation_crosses_hubs_and_the_district_picture_is_the_fold_of_the_towns_log(
        tmp_path, nats):
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, fed_t1), \
            federated_hub(f"sqlite:///{tmp_path / 'd.db'}", "D", nats.url, follow=["T1"]) as (_d, fed_d):
        incident = await _raise(t1, 1)
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.acknowledge", m.CmdIncident(incident=incident))).ok
            assert (await town.command("cmd.escalate", m.CmdIncident(incident=incident))).ok
        # the district sees the escalation in its picture of T1
        await until(lambda: fed_d.district_offers() == [("T1", incident)])
        # the district commander accepts: a command to T1's hub, applied there once
        cid = await fed_d.send_handoff("T1", DISTRICT_COMMANDER, "cmd.accept_handoff",
                                       m.CmdIncident(incident=incident, note="区里接手"))
        result = await fed_d.result(cid, timeout=15)
        assert result.ok, result
        assert t1.core.state.incidents[incident].owner == "D"
        seq_after = t1.core.state.seq
        # the same hand-off again (a sender retrying after a lost ack): the first result, no second event
        again = await fed_d.send_handoff("T1", DISTRICT_COMMANDER, "cmd.accept_handoff",
                                         m.CmdIncident(incident=incident, note="区里接手"), command_id=cid)
        assert again == cid and fed_d.counters["handoffs_sent.duplicate"] == 1  # JetStream's dedup
        await asyncio.sleep(0.3)
        assert t1.core.state.seq == seq_after
        await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
        assert fed_d.district_offers() == []
        # the district picture is exactly the fold of T1's log
        assert encode_state(fed_d.replicas["T1"].state) == encode_state(t1.core.state)
        assert fed_d.counters["follow.duplicates"] == 0 and fed_d.counters["follow.gaps"] == 0
        assert fed_t1.counters["handoffs_applied"] == 1


async def test_a_redelivered_handoff_past_the_nats_dedup_is_applied_once_by_the_idempotency_table(
        tmp_path, nats):
    """Published twice under different Msg-Ids (as after the 2-minute dedup window): one effect."""
    import nats as nats_client

    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, fed_t1):
        incident = await _raise(t1, 1)
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.escalate", m.CmdIncident(incident=incident))).ok
        await fed_t1.connected.wait()
        nc = await nats_client.connect(nats.url)
        js = nc.jetstream()
        data = encode("cmd.decline_handoff", m.CmdIncident(incident=incident, note="不接"), id="h-1")
        for n in range(2):
            await js.publish(handoff_subject("T1"), data, headers={
                "Nats-Msg-Id": f"D:x:h-1#{n}", "Duty-Sender": "区值班长", "Duty-Role": "commander",
                "Duty-Center": "D"})
        await nc.close()
        await until(lambda: t1.core.counters["retries"] == 1)  # the second: the first's result, not decided again
        declined = [1 for e in t1.core.store.events_after(0) if e[1] == "handoff_declined"]
        assert declined == [1]
        assert t1.core.state.incidents[incident].offered_to is None


async def test_a_handoff_sent_while_the_town_hub_is_down_is_applied_when_it_starts(tmp_path, nats):
    db = f"sqlite:///{tmp_path / 't1.db'}"
    async with federated_hub(db, "T1", nats.url) as (t1, _fed):
        incident = await _raise(t1, 1)
        async with Client.connect(t1.url, "demo-t1") as town:
            assert (await town.command("cmd.escalate", m.CmdIncident(incident=incident))).ok
        await _durable_consumer_made(nats.url, "handoff-T1")  # where hand-offs wait while T1 is down
    async with federated_hub(f"sqlite:///{tmp_path / 'd.db'}", "D", nats.url) as (_d, fed_d):
        await fed_d.connected.wait()
        cid = await fed_d.send_handoff("T1", DISTRICT_COMMANDER, "cmd.accept_handoff", m.CmdIncident(incident=incident))
        async with federated_hub(db, "T1", nats.url) as (t1, _fed):
            result = await fed_d.result(cid, timeout=15)
            assert result.ok and t1.core.state.incidents[incident].owner == "D"


async def test_a_town_cut_off_from_nats_keeps_serving_and_publishes_every_event_once_when_back(tmp_path, nats):
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, fed_t1):
        await until(lambda: fed_t1.cursor == t1.core.state.seq)
        nats.stop()  # killed: the link is gone
        async with Client.connect(t1.url, "demo-t1") as town:
            for n in range(1, 6):
                incident = await _raise(t1, n)
                r = await town.command("cmd.acknowledge", m.CmdIncident(incident=incident))
                assert r.ok, r  # the town's consoles are served as before
        assert fed_t1.cursor < t1.core.state.seq
        nats.start()  # same port, same JetStream directory
        await until(lambda: fed_t1.cursor == t1.core.state.seq, timeout=30)
        # every event once, in order, in fewer messages than events (what queued up while cut off)
        assert await _stream_seqs(nats.url, events_subject("T1")) == list(range(1, t1.core.state.seq + 1))
        assert fed_t1.counters["published.messages"] < fed_t1.counters["published"]
        async with federated_hub(f"sqlite:///{tmp_path / 'd.db'}", "D", nats.url, follow=["T1"]) as (_d, fed_d):
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
            assert encode_state(fed_d.replicas["T1"].state) == encode_state(t1.core.state)
            assert fed_d.counters["follow.duplicates"] == 0


async def test_the_district_picture_survives_a_district_restart_without_applying_twice(tmp_path, nats):
    d_db = f"sqlite:///{tmp_path / 'd.db'}"
    async with federated_hub(f"sqlite:///{tmp_path / 't1.db'}", "T1", nats.url) as (t1, _fed):
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (_d, fed_d):
            await _raise(t1, 1)
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
        await _raise(t1, 2)  # while the district is down
        async with federated_hub(d_db, "D", nats.url, follow=["T1"]) as (_d, fed_d):
            assert fed_d.replicas["T1"].state.seq > 0  # loaded from the district's store
            await until(lambda: fed_d.replicas["T1"].state.seq == t1.core.state.seq)
            assert encode_state(fed_d.replicas["T1"].state) == encode_state(t1.core.state)
            assert fed_d.counters["follow.duplicates"] == 0 and fed_d.counters["follow.gaps"] == 0


async def test_the_hub_command_federates_a_town_on_postgresql(tmp_path, nats, pg_url):
    """`duty-console hub --center T5 --nats URL --db postgresql://...`: a town hub process whose
    scenario raises T5's alerts only, published on T5's subject.

    At 300x the marathon's first 4 minutes of hub time (0.8 s) hold alerts in T5, T7 and T4."""
    import subprocess
    import sys

    import nats as nats_client

    from console.hub.nats_server import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "console", "hub", "--center", "T5", "--nats", nats.url,
                             "--db", pg_url, "--port", str(port), "--speed", "300", "--fps", "0"],
                            stdout=subprocess.PIPE, stderr=open(tmp_path / "hub.log", "w"), text=True)
    try:
        assert "hub serving" in proc.stdout.readline(), (tmp_path / "hub.log").read_text()
        nc = await nats_client.connect(nats.url)
        js = nc.jetstream()
        towns: set[str] = set()
        await until(lambda: proc.poll() is None)
        for _ in range(100):  # the hub makes the streams once it reaches NATS
            try:
                await js.stream_info(EVENTS_STREAM)
                break
            except Exception:  # noqa: BLE001 - NotFoundError: not yet
                await asyncio.sleep(0.1)
        sub = await js.subscribe(events_subject("T5"), stream=EVENTS_STREAM, ordered_consumer=True)
        loop = asyncio.get_running_loop()
        from console.protocol.codec import decode_batch

        hub_minutes = 0.0
        end = loop.time() + 30
        while hub_minutes < 12 and loop.time() < end:  # T7's alert is due at 9 min, T4's at 13
            try:
                msg = await sub.next_msg(timeout=1)
            except Exception:  # noqa: BLE001 - nats TimeoutError: nothing yet
                continue
            for event in decode_batch(msg.data):
                if event.type == "alert_raised":
                    towns.add(event.body.alert.town)
                if event.type == "baseline_loaded":
                    t0 = event.ts
                else:
                    hub_minutes = (event.ts - t0) / 60
        await nc.close()
        assert hub_minutes >= 12 and towns == {"T5"}
    finally:
        proc.terminate()
        try:
            assert proc.wait(15) == 0  # an orderly stop
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_nats_without_a_center_is_refused_with_one_line(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "console", "hub", "--nats", "nats://127.0.0.1:1",
                        "--db", f"sqlite:///{tmp_path / 'h.db'}"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--nats needs --center" in r.stderr
