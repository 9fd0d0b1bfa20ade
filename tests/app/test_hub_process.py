"""`demo`'s hub in a child process (console/app/hub_process.py): it says its URL once it listens, says
why when it cannot start, stops in order when the console closes it, and never outlives its console.

Real child processes (this program's `_hub-child`), a real websocket to the hub.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from console.app.config import HubConfig
from console.app.hub_process import HubProcess, HubStartError, child_command
from console.protocol import messages as m
from console.protocol.codec import decode_batch, encode

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


def gone(pid: int) -> bool:
    """Whether the process has ended (a zombie waiting for a reaper has ended too)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


async def until(predicate, what: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


def quiet_hub(tmp_path: Path, **kw) -> HubConfig:
    """A hub with no scenario: it starts in a fraction of a second."""
    return HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", **kw)


def test_the_child_is_this_program_with_the_hidden_command():
    cmd = child_command(7)
    assert cmd[:3] == [sys.executable, "-m", "console"] and cmd[3:6] == ["_hub-child", "--report-fd", "7"]


async def test_the_child_hub_listens_serves_and_stops_in_order_when_closed(tmp_path):
    hub = HubProcess(quiet_hub(tmp_path))
    hub.start()
    try:
        url = await hub.ready()
        assert url.startswith("ws://127.0.0.1:") and not url.endswith(":8765")
        async with connect(url, additional_headers={"Authorization": "Bearer demo-commander"},
                           proxy=None) as ws:
            await ws.send(encode("resume", m.Resume(last_seq=0, epoch="")), text=True)
            first = decode_batch(await asyncio.wait_for(ws.recv(), 10))[0]
        assert first.type == "hello" and first.body.role == "commander", first
    finally:
        await hub.stop()
    assert hub.process.returncode == 0, "stopped in order (stdin closed), not ended by a signal"


async def test_the_child_hub_freezes_what_it_built_and_says_so_in_its_metrics(tmp_path):
    """The hub's process leaves its built program out of every later collection (console/app/hub.py:
    a full collection under load held the loop 24-82 ms)."""
    import urllib.request

    from tests.hub.test_metrics import value

    hub = HubProcess(quiet_hub(tmp_path))
    hub.start()
    try:
        url = await hub.ready()
        port = int(url.rsplit(":", 1)[1])
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

        def frozen() -> float:
            with opener.open(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
                return value(r.read().decode(), "duty_hub_gc_frozen_objects") or 0.0

        await until(lambda: frozen() > 10_000, "the child hub to freeze its program")
    finally:
        await hub.stop()


async def test_a_hub_that_cannot_start_says_why_and_the_child_ends(tmp_path):
    hub = HubProcess(quiet_hub(tmp_path, tls_cert=str(tmp_path / "cert.pem")))
    hub.start()
    try:
        with pytest.raises(HubStartError, match="--tls-cert and --tls-key go together"):
            await hub.ready()
        await until(lambda: hub.process.poll() is not None, "the child to end")
        assert hub.process.returncode == 2
    finally:
        await hub.stop()


PARENT = r"""
import asyncio, sys
from console.app.config import HubConfig
from console.app.hub_process import HubProcess

async def main():
    hub = HubProcess(HubConfig(port=0, scenario=None, db=sys.argv[1]))
    hub.start()
    await hub.ready()
    print(hub.process.pid, hub.url, flush=True)
    await asyncio.Event().wait()  # until killed

asyncio.run(main())
"""


async def test_the_child_hub_ends_when_its_console_is_killed(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, f"sqlite:///{tmp_path / 'hub.db'}"],
                              stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=os.getcwd()))
    child = None
    try:
        line = await asyncio.get_running_loop().run_in_executor(None, parent.stdout.readline)
        child = int(line.split()[0])
        assert not gone(child)
        parent.send_signal(signal.SIGKILL)  # no handler, no `finally`: only the kernel closes its pipes
        parent.wait(10)
        await until(lambda: gone(child), "the child hub to end after its console was killed")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child is not None and not gone(child):
            os.kill(child, signal.SIGKILL)


def child_pid_from_log(stderr: str) -> int:
    """The demo hub's pid, from the console's log line."""
    for line in stderr.splitlines():
        if "demo hub started in a child process (pid " in line:
            return int(line.split("(pid ", 1)[1].split(")", 1)[0])
    raise AssertionError("the console did not log its hub's child process:\n" + stderr[-2000:])


def wait_gone(pid: int, timeout: float = 15.0) -> bool:
    """Whether `pid` ends within `timeout` (polled: a process of another parent cannot be waited on)."""
    deadline = time.monotonic() + timeout
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.ui
def test_demo_whose_hub_cannot_start_exits_2_naming_why_and_leaves_no_hub(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "console", "demo", "--smoke", "30", "--site", str(tmp_path / "no-such-site"),
         "--db", f"sqlite:///{tmp_path / 'hub.db'}"],
        capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"duty-console demo: [Errno 2] No such file or directory: '{tmp_path / 'no-such-site'}'" in proc.stderr
    assert not any(line.startswith("smoke:") for line in proc.stdout.splitlines()), "no console ran on no hub"
    assert wait_gone(child_pid_from_log(proc.stderr))
