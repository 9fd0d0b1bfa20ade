"""Sockets that never authenticate: bounded per hub and per address (HTTP 503), and quiet in the log.

A host that opens hundreds of sockets and sends nothing (or bad tokens) must not
take the hub's file descriptors from the consoles, and must not fill its log:
a real console still goes live, refused handshakes and failed accepts are
logged once per interval with a count, never a traceback per socket.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import subprocess
import sys
import textwrap

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from console.client.replica import Replica
from console.client.session import Session
from tests.hub.harness import Client, running_hub

ATTACKER = "127.0.0.2"  # another address on the loopback: the console (127.0.0.1) is not the flooding host


async def _open_silent(port: int, n: int, host: str = ATTACKER) -> list[asyncio.StreamWriter]:
    """n TCP connections to the hub that send nothing (each is accepted, then refused or left to time out)."""
    writers = []
    for _ in range(n):
        _reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(host, 0))
        writers.append(writer)
    return writers


async def _until(predicate, timeout: float = 10.0) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), timeout)


async def _upgrade_status(url: str, token: str, host: str) -> int:
    """The HTTP status of one websocket upgrade from `host` (101 when it opens)."""
    try:
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                           compression=None, open_timeout=5, local_addr=(host, 0)):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


async def test_a_console_goes_live_past_hundreds_of_silent_sockets_from_its_own_address(tmp_db_url, caplog):
    # The fault suite's case: the flooding client and the console on one host.
    caplog.set_level(logging.INFO, logger="console.hub.server")
    async with running_hub(tmp_db_url, max_unauthenticated=64, max_unauthenticated_per_address=16) as server:
        gate = server.gate
        writers = await _open_silent(server.port, 300, "127.0.0.1")
        try:
            await _until(lambda: server.core.counters["refused.busy"] >= 300 - 16)
            assert gate.waiting("127.0.0.1") == 16 and gate.pending == 16
            replica = Replica()
            session = Session(server.url, "demo-commander", replica)
            session.start()
            try:
                await _until(session.live.is_set, timeout=30)
                assert replica.link.state == "online"
            finally:
                await session.close()
            # it took the place of a socket that had waited too long without a word
            assert server.core.counters["evicted.unauthenticated"] >= 1
        finally:
            for w in writers:
                w.close()
        await _until(lambda: gate.pending == 0)
    refusals = [r for r in caplog.records if "refusing connections" in r.getMessage()]
    assert 1 <= len(refusals) <= 2, [r.getMessage() for r in refusals]
    hub_lines = [r for r in caplog.records if r.name.startswith("console.hub")]
    assert not any(r.exc_info for r in hub_lines)
    assert not any(r.getMessage() in ("connection open", "connection closed") for r in hub_lines)
    assert not any(r.exc_info for r in caplog.records if r.name.startswith("console.client")), \
        "the console takes a connection cut before the upgrade for a busy hub, not for an error"


async def test_over_the_caps_per_address_and_per_hub_an_upgrade_is_told_503(tmp_db_url):
    async with running_hub(tmp_db_url, max_unauthenticated=64, max_unauthenticated_per_address=16) as server:
        gate = server.gate
        gate.evict_after_s = gate.speaker_evict_after_s = 3600.0  # no place is given away in this test
        writers = await _open_silent(server.port, 40)
        try:
            await _until(lambda: gate.waiting(ATTACKER) == 16 and not server._refusing)
            assert await _upgrade_status(server.url, "demo-commander", ATTACKER) == 503
            # another address still gets in
            assert await _upgrade_status(server.url, "demo-commander", "127.0.0.1") == 101
            # the hub-wide cap over many addresses: 4 hosts × 16 fill it, a fifth host is told 503
            writers += [w for n in range(3, 6) for w in await _open_silent(server.port, 16, f"127.0.0.{n}")]
            await _until(lambda: gate.pending == 64 and not server._refusing)
            assert await _upgrade_status(server.url, "demo-commander", "127.0.0.9") == 503
        finally:
            for w in writers:
                w.close()
        # closed sockets give their places back; then the same host is served again
        await _until(lambda: gate.pending == 0)
        assert await _upgrade_status(server.url, "demo-commander", ATTACKER) == 101


async def test_refused_handshakes_are_logged_once_per_interval_with_a_count(tmp_db_url, caplog):
    caplog.set_level(logging.INFO, logger="console.hub.server")
    async with running_hub(tmp_db_url) as server:
        server.flood_log.interval_s = 3600.0  # the whole test is one interval
        statuses = [await _upgrade_status(server.url, f"wrong-{i}", "127.0.0.1") for i in range(60)]
        assert statuses == [401] * 60 and server.core.counters["auth_refused"] == 60
        async with Client.connect(server.url, "demo-commander") as c:
            assert c.hello.role == "commander"
        server.flood_log.interval_s = 0.0
        server.flood_log.flush()  # what the hub's once-a-second tick does when the interval has passed
    lines = [r.getMessage() for r in caplog.records if "handshake refused" in r.getMessage()]
    assert len(lines) == 2, lines
    assert "59 more" in lines[1]


HUB = textwrap.dedent("""
    import asyncio, logging, os, resource, sys
    from tests.hub.harness import running_hub

    async def main(db_url):
        async with running_hub(db_url, max_unauthenticated=10_000, max_unauthenticated_per_address=10_000) as server:
            fds = len(os.listdir("/proc/self/fd"))
            resource.setrlimit(resource.RLIMIT_NOFILE, (fds + 40, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
            print(server.port, flush=True)
            loop = asyncio.get_running_loop()
            while (await loop.run_in_executor(None, sys.stdin.readline)).strip() == "count":
                print(server.core.counters["accept_failed"], flush=True)

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(main(sys.argv[1]))
""")


@pytest.mark.timeout(60)
async def test_a_hub_out_of_file_descriptors_says_so_once_per_interval_without_tracebacks(tmp_path):
    db_url = f"sqlite:///{tmp_path}/hub.db"  # the log is what is tested here, not the store
    # Caps lifted, and 40 descriptors to spare: 200 silent sockets exhaust them, accept() fails over and
    # over (the loop retries every second; connects beyond the listen backlog wait in the kernel).
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    hub = await asyncio.create_subprocess_exec(sys.executable, "-c", HUB, db_url, env=env,
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE)

    async def accept_failures() -> int:
        hub.stdin.write(b"count\n")
        await hub.stdin.drain()
        return int(await asyncio.wait_for(hub.stdout.readline(), 10))

    opening: list[asyncio.Task] = []
    try:
        port = int(await asyncio.wait_for(hub.stdout.readline(), 30))
        opening = [asyncio.create_task(_open_silent(port, 1)) for _ in range(200)]
        async with asyncio.timeout(30):
            while await accept_failures() < 3:
                await asyncio.sleep(0.1)
    finally:
        for task in opening:
            task.cancel()
        for task in opening:
            try:
                for w in await task:
                    w.close()
            except (asyncio.CancelledError, OSError):
                pass
        hub.stdin.write(b"stop\n")
        _out, err = await asyncio.wait_for(hub.communicate(), 30)
    log = err.decode()
    said = [line for line in log.splitlines() if "cannot accept connections" in line]
    assert 1 <= len(said) <= 2, said
    assert "Traceback" not in log and "Too many open files" in said[0]
