"""An AI box's webhook may name its own snapshot and clip by URL: the gateway fetches them from a real
HTTP server on loopback (the NVR), checks type and size, and stores them as it stores photos; a URL
that fails never costs the alert (its URL is kept and the answer says why)."""

from __future__ import annotations

import asyncio
import io
import json

from aiohttp import web
from PIL import Image

from console.gateway import fetch
from tests.gateway.harness import get, jpeg_with_exif, post, rig, until
from tests.gateway.test_webhook_photos import JSON, camera_event
from tests.video.servers import free_port

CLIP = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 1000  # served as video/mp4 (the type is what is checked)


def _serve(body: bytes, content_type: str, delay_s: float = 0.0):
    async def handler(_req):
        if delay_s:
            await asyncio.sleep(delay_s)
        return web.Response(body=body, content_type=content_type)
    return handler


async def nvr():
    """A loopback NVR: a picture, a clip, a page, a huge picture, a slow picture, nothing else."""
    app = web.Application()
    app.router.add_get("/snap.jpg", _serve(jpeg_with_exif(), "image/jpeg"))
    app.router.add_get("/clip.mp4", _serve(CLIP, "video/mp4"))
    app.router.add_get("/page", _serve(b"<html>login</html>", "text/html"))
    app.router.add_get("/huge.jpg", _serve(b"\xff" * (fetch.MAX_SNAPSHOT_BYTES + 10), "image/jpeg"))
    app.router.add_get("/slow.jpg", _serve(jpeg_with_exif(), "image/jpeg", delay_s=3.0))
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def test_the_gateway_fetches_the_boxs_snapshot_and_clip_and_keeps_the_alert_when_a_url_fails(
        tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "SNAPSHOT_TIMEOUT_S", 0.5)
    runner, base = await nvr()
    try:
        async with rig(tmp_path) as r:
            doc = camera_event(event_id="u1", snapshot=None, snapshot_url=f"{base}/snap.jpg",
                               clip_url=f"{base}/clip.mp4")
            status, _, body = await post(f"{r.url}/webhook/camera", doc, "demo-camera", JSON)
            assert status == 201 and "unfetched" not in body, body
            assert body["snapshot"].startswith(f"{r.url}/photos/") and body["clip"].startswith(f"{r.url}/photos/")
            await until(lambda: body["alert"] in r.replica.state.alerts)
            a = r.replica.state.alerts[body["alert"]]
            assert (a.snapshot, a.clip) == (body["snapshot"], body["clip"])
            status, headers, data = await get(a.snapshot)
            assert status == 200 and headers["content-type"] == "image/jpeg"
            assert 0x010F not in Image.open(io.BytesIO(data)).getexif(), "stored stripped, like a photo"
            status, headers, data = await get(a.clip)
            assert (status, headers["content-type"], data) == (200, "video/mp4", CLIP)
            # the incident's evidence export carries the box's clip beside the pictures
            import zipfile

            from console.ui.panes.incident.export import prepare
            from console.video.export import write

            inc = r.replica.state.incidents[body["incident"]]
            job = prepare(r.replica.state, inc, "en")
            path = await asyncio.get_running_loop().run_in_executor(None, write, job, tmp_path / "evidence.zip")
            with zipfile.ZipFile(path) as z:
                assert z.read(f"clips/{a.id}-source.mp4") == CLIP
                assert f"clips/{a.id}-source.mp4" in z.read("index.html").decode()

            # each bad URL: the alert still comes, with the URL as given and the reason in the answer
            for n, (name, path, code) in enumerate([("snapshot_url", "/page", "bad_type"),
                                                    ("snapshot_url", "/huge.jpg", "too_large"),
                                                    ("snapshot_url", "/slow.jpg", "fetch_timeout"),
                                                    ("snapshot_url", "/nothing.jpg", "fetch_failed"),
                                                    ("clip_url", "/snap.jpg", "bad_type")]):
                doc = json.loads(camera_event(event_id=f"bad{n}", snapshot=None))
                doc[name] = f"{base}{path}"
                status, _, body = await post(f"{r.url}/webhook/camera", json.dumps(doc).encode(), "demo-camera", JSON)
                assert status == 201, body
                assert body["unfetched"][name].startswith(code), (path, body)
                await until(lambda: body["alert"] in r.replica.state.alerts)
                a = r.replica.state.alerts[body["alert"]]
                assert (a.snapshot if name == "snapshot_url" else a.clip) == f"{base}{path}"
            status, _, body = await post(f"{r.url}/webhook/camera",
                                         camera_event(event_id="bad9", snapshot=None, clip_url="file:///etc/passwd"),
                                         "demo-camera", JSON)
            assert (status, body["code"]) == (422, "invalid")
    finally:
        await runner.cleanup()
