"""Role views over real sockets: each demo token reads a whole marathon day at speed on a site whose
cameras need a password, and every byte it receives is checked; then the files the run left
(the hub's database, the console's local database, the drill file) and its logs are searched
for the password.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.replica import Replica
from console.client.session import Session
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode
from console.store import Store

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Pa55-river-9f3c"
ROLES = {"commander": "demo-commander", "operator": "demo-operator", "wall": "demo-wall",
         "field": "demo-field", "ingest": "demo-ingest"}
ME = "R0001"  # demo-field's person

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def protected_site(tmp_path: Path) -> Path:
    """The marathon site, its cameras on RTSP URLs that need a user and password (kept apart)."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "resources/sites/marathon", site)
    lines = (site / "cameras.csv").read_text(encoding="utf-8").splitlines()
    out, creds = [lines[0]], ["id,username,password"]
    for line in lines[1:]:
        cells = line.split(",")
        cells[7] = f"rtsp://127.0.0.1:8554/{cells[0]}/main"
        cells[8] = f"rtsp://127.0.0.1:8554/{cells[0]}/sub"
        out.append(",".join(cells))
        creds.append(f"{cells[0]},admin,{PASSWORD}")
    (site / "cameras.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    (site / "camera_credentials.csv").write_text("\n".join(creds) + "\n", encoding="utf-8")
    return site


class Tap:
    """A raw protocol client keeping every text frame it receives, as bytes."""

    def __init__(self):
        self.frames: list[bytes] = []
        self.messages: list = []
        self.live = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def run(self, url: str, token: str) -> None:
        async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, compression=None,
                           proxy=None, max_size=MAX_HUB_MESSAGE_BYTES) as ws:
            await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
            async for raw in ws:
                if isinstance(raw, bytes):
                    continue
                self.frames.append(raw.encode())
                for msg in decode_batch(raw):
                    self.messages.append(msg)
                    if msg.type == "live":
                        self.live.set()

    def types(self) -> set[str]:
        return {msg.type for msg in self.messages}


async def _dispatch_me(url: str) -> None:
    """A commander sends demo-field's person to open incidents until one task is theirs."""
    async with connect(url, additional_headers={"Authorization": "Bearer demo-commander"}, compression=None,
                       proxy=None) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
        state = None
        n = 0
        async for raw in ws:
            for msg in decode_batch(raw):
                if msg.type == "snapshot":
                    from console.domain.state import decode_state

                    state = decode_state(bytes(msg.body.state))
                    assert ME in state.resources
                elif msg.type == "alert_raised":
                    n += 1
                    await ws.send(encode("cmd.dispatch", m.CmdDispatch(incident=msg.body.incident, resource=ME,
                                                                       note="请就近查看"), id=f"d{n}"), text=True)
                elif msg.type == "result" and msg.body.ok:
                    return


async def test_each_role_sees_only_its_view_over_a_whole_marathon_day(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    site = protected_site(tmp_path)
    db, drill = tmp_path / "hub.db", tmp_path / "day.drill"
    hub = await start_hub(HubConfig(port=0, scenario="marathon", speed=3000.0, db=f"sqlite:///{db}", fps=0,
                                    site=str(site), site_poll_s=0, record=str(drill)))
    # hub, world, five taps and a console share one loop here, logging every frame: on a busy
    # machine a pong can wait longer than a phone's would
    hub.server.heartbeat_timeout_s = 120
    taps = {role: Tap() for role in ROLES}
    local = Store(f"sqlite:///{tmp_path / 'console.db'}")
    replica = Replica()
    session = Session(hub.url, "demo-operator", replica, store=local)
    got_credentials: list = []
    session.on_credentials.append(got_credentials.extend)
    try:
        for role, tap in taps.items():
            tap.task = asyncio.create_task(tap.run(hub.url, ROLES[role]))
        session.start()
        await asyncio.wait_for(asyncio.gather(*(t.live.wait() for t in taps.values()), session.live.wait()), 120)
        await asyncio.wait_for(_dispatch_me(hub.url), 60)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while not hub.world.scenario.finished and loop.time() < deadline:
            await asyncio.sleep(0.2)
        assert hub.world.scenario.finished, "the day ran to its end"
        await hub.world.stop()
        head = hub.core.state.seq
        await hub.core.wait_committed(head)
        while replica.state.seq < head and loop.time() < deadline + 20:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # the last frames reach the taps
    finally:
        await session.close()
        for tap in taps.values():
            tap.task.cancel()
        await hub.stop()
        local.close()

    state = hub.core.state
    secret = PASSWORD.encode()
    # names of three characters or more: a two-character name may be part of a place's name
    others = [r.name.encode() for r in state.resources.values() if r.id != ME and len(r.name) >= 3]
    assert len(state.incidents) > 20 and len(others) > 500  # a whole day, a whole roster

    # field: its own person and tasks; nobody else, no camera, no password in any byte
    field = taps["field"]
    wire = b"".join(field.frames)
    assert secret not in wire and b"rtsp://" not in wire and b"sim://" not in wire
    leaked = [n.decode() for n in others if n in wire]
    assert not leaked, leaked[:5]
    ids = {r.id for msg in field.messages if msg.type == "view_changed" for r in msg.body.resources}
    assert ids == {ME}
    tasks = [t for msg in field.messages if msg.type == "view_changed" for t in msg.body.tasks]
    assert tasks and {t.resource for t in tasks} == {ME}
    assert any(t.note == "请就近查看" for t in tasks)  # the dispatcher's note reaches the phone
    assert "camera_credentials" not in field.types()

    # ingest: cameras and the org tree, no people
    ingest = taps["ingest"]
    wire = b"".join(ingest.frames)
    assert secret not in wire and b"rtsp://" not in wire
    assert not [n for n in others if n in wire]
    assert not [r for msg in ingest.messages if msg.type == "view_changed" for r in msg.body.resources]
    snap = next(msg for msg in ingest.messages if msg.type == "snapshot")
    assert b'"resources":{}' in bytes(snap.body.state) and b'"cameras":{"CAM' in bytes(snap.body.state)

    # wall, operator, commander: the world, URLs without credentials; the credentials only apart
    for role in ("commander", "operator", "wall"):
        tap = taps[role]
        apart = [msg for msg in tap.messages if msg.type == "camera_credentials"]
        assert apart and all(c.password == PASSWORD for c in apart[0].body.cameras)
        view = [f for f in tap.frames if b'"type":"camera_credentials"' not in f]
        assert not [f for f in view if secret in f], role
        assert b"rtsp://127.0.0.1:8554/" in b"".join(view)
    assert got_credentials and got_credentials[0].password == PASSWORD

    # at rest and in the logs: nowhere
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {"hub.db", "console.db", "day.drill"}
    for p in files:
        assert secret not in p.read_bytes(), p.name
    assert PASSWORD not in caplog.text
    with Store(f"sqlite:///{db}") as store:  # the hub keeps them, sealed
        sealed = store.get_setting("camera_credentials")
    assert sealed and secret not in sealed and b"admin" not in sealed
