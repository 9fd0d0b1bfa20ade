"""`demo`'s hub listens before it loads what drawing camera pictures needs, and still serves them.

numpy, PIL and simplejpeg are 0.1 s of imports. The hub's child loaded them before it listened. That
put them on the path to the first camera picture (P5): the console waits for the hub to listen. They
now load with the first picture drawn, which the hub's warm-up thread starts as soon as it listens.
The console's connection and snapshot take that long anyway.

A fresh interpreter (a subprocess) runs the demo's own hub config, so nothing the suite imported
counts. The camera stream is read over a real socket.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

SCRIPT = textwrap.dedent("""
    import asyncio, json, sys, tempfile
    from console.app.config import HubConfig, demo_hub_config
    from console.app.hub import start_hub

    HEAVY = ("numpy", "PIL", "simplejpeg")

    async def main():
        cfg = demo_hub_config(HubConfig(port=0, db=None, simulate_field=False))
        seen = {}

        def listening(url, streams_port):
            seen["loaded_when_listening"] = [m for m in HEAVY if m in sys.modules]
            seen["streams_port"] = streams_port

        hub = await start_hub(cfg, on_listening=listening)
        try:
            cam = sorted(hub.core.state.cameras)[0]
            reader, writer = await asyncio.open_connection("127.0.0.1", seen["streams_port"])
            writer.write(f"GET /cam/{cam}/sub.mjpg HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n".encode())
            await writer.drain()
            data = b""
            while b"\\xff\\xd9" not in data[data.find(b"\\xff\\xd8"):] or b"\\xff\\xd8" not in data:
                chunk = await asyncio.wait_for(reader.read(65536), 30)
                if not chunk:
                    break
                data += chunk
            writer.close()
            start = data.find(b"\\xff\\xd8")
            seen["jpeg_bytes"] = data.find(b"\\xff\\xd9", start) + 2 - start if start >= 0 else 0
            seen["status"] = data.split(b"\\r\\n", 1)[0].decode()
        finally:
            await hub.stop()
        print(json.dumps(seen))

    asyncio.run(main())
""")


def test_the_demo_hub_listens_without_the_picture_libraries_and_serves_a_camera_picture(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=100,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["loaded_when_listening"] == [], "loaded before the hub listened: on the first picture's path"
    assert seen["status"].endswith("200 OK"), seen
    assert seen["jpeg_bytes"] > 1000, "a whole JPEG picture of the camera, drawn after the hub listened"
