"""A scenario on a site (the demo's hub) lets consoles in once the site is served, before its world is
built; the camera streams serve the site's cameras from then on, and the world joins them."""

from __future__ import annotations

import asyncio
import urllib.request

from websockets.asyncio.client import connect

from console.app.config import HubConfig, demo_hub_config
from console.app.hub import start_hub
from console.domain.state import decode_state
from console.protocol import messages as m
from console.protocol.codec import MAX_HUB_MESSAGE_BYTES, decode_batch, encode


def _first_jpeg(url: str) -> bytes:
    """The first JPEG part of an MJPEG stream (read over a real socket)."""
    with urllib.request.urlopen(url, timeout=10) as r:
        data = b""
        while b"\xff\xd9" not in data:
            data += r.read(4096)
    return data[data.index(b"\xff\xd8"):data.index(b"\xff\xd9") + 2]


async def test_consoles_see_the_site_and_its_pictures_before_the_world_is_built(tmp_path):
    cfg = demo_hub_config(HubConfig(db=f"sqlite:///{tmp_path / 'hub.db'}", field_link="", site_poll_s=0))
    assert cfg.site and cfg.site_shipped
    seen: dict = {}
    listening = asyncio.Event()

    def told(url: str, streams_port: int) -> None:
        seen["url"], seen["port"] = url, streams_port
        listening.set()

    starting = asyncio.ensure_future(start_hub(cfg, on_listening=told))
    await asyncio.wait_for(listening.wait(), 60)
    assert not starting.done(), "told before the world is built, not when the hub is done starting"
    async with connect(seen["url"], additional_headers={"Authorization": "Bearer demo-commander"},
                       max_size=MAX_HUB_MESSAGE_BYTES, proxy=None) as ws:
        await ws.send(encode("resume", m.Resume(last_seq=0)), text=True)
        cameras: list = []
        while not cameras:
            for msg in decode_batch(await asyncio.wait_for(ws.recv(), 30)):
                if msg.type == "baseline_loaded":
                    cameras = msg.body.baseline.cameras
                elif msg.type == "snapshot":
                    cameras = list(decode_state(msg.body.state).cameras.values())
        sub = cameras[0].sub
        assert sub.startswith(f"http://127.0.0.1:{seen['port']}/cam/"), sub
        picture = await asyncio.get_running_loop().run_in_executor(None, _first_jpeg, sub)
        assert picture[:2] == b"\xff\xd8", "a camera picture before the world is built"
    hub = await asyncio.wait_for(starting, 60)
    try:
        assert hub.world is not None and hub.world.scenario is not None, "the world joined after"
        assert hub.url == seen["url"]
    finally:
        await hub.stop()
