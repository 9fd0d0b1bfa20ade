"""A photo report from the phone's page reaches the commander's queue with its photos, once.

Real parts: the hub serving a site folder and the field page, the alert gateway in front
of it reading the hub's tokens file, a commander's console session with its replica, and
Debian's chromium at 360×640 with a fixed geolocation, picking a photo from "the camera".
"""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.replica import Replica
from console.client.session import Session
from console.gateway.run import GatewayConfig, start_gateway
from tests.field.conftest import shot_path
from tests.gateway.harness import get, jpeg_with_exif, until
from tests.site.sitefolder import PLANE, write_site

TIMEOUT_MS = 10_000
TOKEN = "field-P1-secret"
NAME = "网格员 张伟"


def write_tokens(path) -> None:
    """The hub's tokens: a commander, the gateway's ingest token, and P1's phone."""
    path.write_text(json.dumps([
        {"token": "cmd-secret", "role": "commander", "name": "值班长 王敏"},
        {"token": "ingest-secret", "role": "ingest", "name": "感知接入"},
        {"token": TOKEN, "role": "field", "name": NAME, "resource": "P1"},
    ], ensure_ascii=False), encoding="utf-8")


@asynccontextmanager
async def field_rig(tmp_path):
    """(hub, gateway, commander replica): the gateway takes the hub's field tokens."""
    site = write_site(tmp_path / "site")
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", site=str(site),
                                    site_poll_s=0, tokens=str(tokens)))
    gw = await start_gateway(GatewayConfig(site=str(site), hub=hub.url, hub_token="ingest-secret", port=0,
                                           photos=str(tmp_path / "photos"), db=None, field_tokens=str(tokens)),
                             wait_live=10)
    hub.server.pages.gateway = gw.url  # what `duty-console hub --gateway-url` sets
    replica = Replica()
    session = Session(hub.url, "cmd-secret", replica)
    session.start()
    try:
        await asyncio.wait_for(session.live.wait(), 10)
        yield hub, gw, replica
    finally:
        await session.close()
        await gw.stop()
        await hub.stop()


def reports(replica: Replica) -> list:
    """The alerts in the commander's replica that came from a photo report."""
    return [a for a in replica.state.alerts.values() if a.source == "report"]


async def test_a_photo_report_from_the_page_reaches_the_queue_once_over_a_flaky_link(tmp_path, browser):
    lon, lat = PLANE.to_lonlat(420.0, 610.0)  # inside grid G1
    context = await browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="zh-CN",
                                        geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
                                        permissions=["geolocation"])
    async with field_rig(tmp_path) as (hub, gw, replica):
        try:
            page = await context.new_page()
            page.on("pageerror", lambda exc: print("PAGE ERROR:", exc))
            await page.goto(f"http://127.0.0.1:{hub.server.port}/field/#token={TOKEN}")
            await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
            await page.get_by_role("button", name="上报").click()
            form = page.locator("#report")
            await form.get_by_label("类别").select_option(label="杂物")
            await form.get_by_label("情况说明").fill("滨江路口 建筑垃圾堵住盲道")
            await form.locator("input[type=file]").set_input_files(
                [{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()},
                 {"name": "b.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif((20, 160, 60))}])
            await form.locator(".thumbs img").nth(1).wait_for(timeout=TIMEOUT_MS)
            assert await form.locator("input[type=file]").get_attribute("capture") == "environment"
            await form.get_by_text("已定位").wait_for(timeout=TIMEOUT_MS)  # the browser's position is filled in
            assert float(await form.get_by_label("经度").input_value()) == round(lon, 6)
            await page.screenshot(path=shot_path("report"))

            # the link drops as the person presses send: the report waits in the page's storage
            await context.set_offline(True)
            await page.locator("#link.offline").wait_for(timeout=TIMEOUT_MS)
            await form.get_by_role("button", name="发送上报").click()
            await page.locator("#pending", has_text="含上报 1 条").wait_for(timeout=TIMEOUT_MS)
            await asyncio.sleep(0.5)
            assert reports(replica) == []

            # back online, the gateway takes it, but its answer is lost on the way: the page posts
            # it again, and the gateway's dedup makes the second post no second alert
            lost = []

            async def lose_first_answer(route):
                response = await route.fetch()
                if not lost:
                    lost.append(response.status)
                    await route.abort()
                else:
                    await route.fulfill(response=response)
            await page.route(f"{gw.url}/reports*", lose_first_answer)
            await context.set_offline(False)
            await until(lambda: reports(replica), timeout=10)
            await page.locator("#pending").wait_for(state="hidden", timeout=15_000)
            assert lost == [201]
            await page.locator("#notice", has_text="上报已送达").wait_for(timeout=TIMEOUT_MS)

            await asyncio.sleep(0.5)
            [alert] = reports(replica)
            assert (alert.kind, alert.text, alert.reporter, alert.grid) == ("debris", "滨江路口 建筑垃圾堵住盲道",
                                                                           NAME, "G1")
            assert abs(alert.x - 420.0) < 1 and abs(alert.y - 610.0) < 1
            incident = replica.state.incidents[f"I-{alert.id}"]
            assert incident.status == "new"  # in the commander's queue
            urls = alert.photo.split()
            assert len(urls) == 2 and all(u.startswith(f"{gw.url}/photos/") for u in urls)
            for u in urls:
                status, headers, body = await get(u)
                assert status == 200 and headers["content-type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
            assert gw.gateway.counters[f"{NAME}|photo|accepted"] == 1
            assert gw.gateway.counters[f"{NAME}|photo|duplicate"] == 1
        finally:
            await context.close()


async def test_the_gateway_refuses_a_report_from_a_token_that_is_not_a_field_phone(tmp_path):
    from tests.gateway.harness import multipart, post

    async with field_rig(tmp_path) as (hub, gw, replica):
        lon, lat = PLANE.to_lonlat(420.0, 610.0)
        body, ctype = multipart({"report_id": "r1", "reporter": "冒名者", "kind": "debris", "text": "x",
                                 "lon": str(lon), "lat": str(lat)}, [("photo", "a.jpg", "image/jpeg", jpeg_with_exif())])
        for token in ("cmd-secret", "no-such-token"):  # a commander's hub token is no field phone
            status, _h, answer = await post(f"{gw.url}/reports?token={token}", body, None, ctype)
            assert status == 401, answer
        status, headers, answer = await post(f"{gw.url}/reports?token={TOKEN}", body, None, ctype)
        assert status == 201 and headers["access-control-allow-origin"] == "*"
        await until(lambda: reports(replica))
        assert reports(replica)[0].reporter == NAME  # the token's person, not the form's
