"""A case from the phones: the worker reports it handled with a photo, the reporter verifies it
with a photo of their own, both from the field page.

Real parts: the hub serving a site folder with a case catalog and the field page, the alert
gateway (reports and photos) reading the hub's tokens file, a commander's console session,
and Debian's chromium at 360×640 as two phones.
"""

from __future__ import annotations

import asyncio
import json
import re
from contextlib import asynccontextmanager

from console.app.config import HubConfig
from console.app.hub import start_hub
from console.client.replica import Replica
from console.client.session import Session
from console.gateway.run import GatewayConfig, start_gateway
from console.hub.static import FIELD_DIR
from console.protocol import messages as m
from tests.field.conftest import shot_path
from tests.gateway.harness import jpeg_with_exif, multipart, post, until
from tests.site.sitefolder import PLANE, write_site

TIMEOUT_MS = 10_000
REPORTER, WORKER = ("field-P1-secret", "网格员 张伟"), ("field-P2-secret", "志愿者 李娜")
CASES = '''[[case_type]]
code = "debris"
zh = "路面杂物"
en = "Debris on the road"
promise = "working_hours"
limit = 5
responsible = ["grid_worker", "volunteer"]
photo_required = true
'''


@asynccontextmanager
async def case_rig(tmp_path):
    """(hub, gateway, commander session, its replica) over a site whose debris runs on 5 working hours."""
    site = write_site(tmp_path / "site")
    (site / "cases.toml").write_text(CASES, encoding="utf-8")
    tokens = tmp_path / "tokens.json"
    tokens.write_text(json.dumps([
        {"token": "cmd-secret", "role": "commander", "name": "值班长 王敏"},
        {"token": "ingest-secret", "role": "ingest", "name": "感知接入"},
        {"token": REPORTER[0], "role": "field", "name": REPORTER[1], "resource": "P1"},
        {"token": WORKER[0], "role": "field", "name": WORKER[1], "resource": "P2"},
    ], ensure_ascii=False), encoding="utf-8")
    hub = await start_hub(HubConfig(port=0, scenario=None, db=f"sqlite:///{tmp_path / 'hub.db'}", site=str(site),
                                    site_poll_s=0, tokens=str(tokens)))
    gw = await start_gateway(GatewayConfig(site=str(site), hub=hub.url, hub_token="ingest-secret", port=0,
                                           photos=str(tmp_path / "photos"), db=None, field_tokens=str(tokens)),
                             wait_live=10)
    hub.server.pages.gateway = gw.url
    replica = Replica()
    session = Session(hub.url, "cmd-secret", replica)
    session.start()
    try:
        await asyncio.wait_for(session.live.wait(), 10)
        yield hub, gw, session, replica
    finally:
        await session.close()
        await gw.stop()
        await hub.stop()


async def _phone(browser, hub, token: str):
    context = await browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="zh-CN")
    page = await context.new_page()
    page.on("pageerror", lambda exc: print("PAGE ERROR:", exc))
    await page.goto(f"http://127.0.0.1:{hub.server.port}/field/#token={token}")
    await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
    return context, page


def _photo(color) -> dict:
    return {"name": "p.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif(color)}


async def test_the_worker_reports_handled_and_the_reporter_verifies_with_a_photo(tmp_path, browser):
    async with case_rig(tmp_path) as (hub, gw, session, replica):
        lon, lat = PLANE.to_lonlat(420.0, 610.0)
        body, ctype = multipart({"report_id": "r1", "reporter": "-", "kind": "debris", "text": "盲道上堆满建筑垃圾",
                                 "lon": str(lon), "lat": str(lat)}, [("photo", "a.jpg", "image/jpeg", jpeg_with_exif())])
        status, _h, answer = await post(f"{gw.url}/reports?token={REPORTER[0]}", body, None, ctype)
        assert status == 201, answer
        iid = answer["incident"]
        await until(lambda: iid in replica.state.incidents)
        case = replica.state.incidents[iid].case
        assert case is not None and case.photo_required and "handled" in case.due
        session.send_command("c-1", "cmd.dispatch", m.CmdDispatch(incident=iid, resource="P2"))
        await until(lambda: replica.state.incidents[iid].tasks)

        worker_ctx, worker = await _phone(browser, hub, WORKER[0])
        reporter_ctx, reporter = await _phone(browser, hub, REPORTER[0])
        try:
            card = worker.locator("article.task").first
            await card.get_by_role("button", name="接受").click()
            await card.get_by_role("button", name="已到达").click()
            await card.locator(".case-line", has_text="案件环节：到场").wait_for(timeout=TIMEOUT_MS)
            await worker.screenshot(path=shot_path("case-task-card"))
            # more time asked for from the phone, with a reason; the commander approves
            await card.get_by_role("button", name="申请延期").click()
            form = worker.locator("#case-form")
            await form.get_by_label("延长时间").select_option(label="8 个工作小时")
            await form.get_by_role("button", name="提交延期申请").click()
            await form.locator(".need-msg", has_text="请写明").wait_for(timeout=TIMEOUT_MS)
            await form.get_by_label("说明").fill("需调运渣土车")
            await form.get_by_role("button", name="提交延期申请").click()
            await until(lambda: replica.state.incidents[iid].case.extension is not None, timeout=15)
            assert (replica.state.incidents[iid].case.extension.hours,
                    replica.state.incidents[iid].case.extension.reason) == (8, "需调运渣土车")
            await card.locator(".case-line", has_text="延期申请待批").wait_for(timeout=TIMEOUT_MS)
            assert await card.get_by_role("button", name="申请延期").count() == 0
            due = replica.state.incidents[iid].case.due["handled"]
            session.send_command("c-2", "cmd.approve_extension", m.CmdAnswerExtension(incident=iid))
            await until(lambda: replica.state.incidents[iid].case.extended_hours == 8)
            assert replica.state.incidents[iid].case.due["handled"] > due
            await card.get_by_role("button", name="申请延期").wait_for(timeout=TIMEOUT_MS)
            await card.get_by_role("button", name="已处置").click()
            form = worker.locator("#case-form")
            await form.get_by_label("说明").fill("已清运，盲道恢复通行")
            await form.locator("input[type=file]").set_input_files([_photo((30, 160, 60)), _photo((30, 60, 160))])
            await form.locator(".thumbs img").nth(1).wait_for(timeout=TIMEOUT_MS)
            await worker.screenshot(path=shot_path("case-handled-form"))
            await form.get_by_role("button", name="发送处置上报").click()
            await until(lambda: replica.state.incidents[iid].case.stage == "handled", timeout=15)
            case = replica.state.incidents[iid].case
            assert case.report == "已清运，盲道恢复通行" and case.handled_by == "P2"
            assert len(case.photos) == 2 and all(u.startswith(f"{gw.url}/photos/") for u in case.photos)
            assert replica.state.tasks[replica.state.incidents[iid].tasks[0]].status == "done"

            # the reporter's own case comes back to them to confirm the hazard is gone
            check = reporter.locator("article.verify")
            await check.get_by_text("已清运，盲道恢复通行").wait_for(timeout=TIMEOUT_MS)
            assert await check.locator("a.photo").count() == 2
            await reporter.screenshot(path=shot_path("case-verify-card"))
            await check.get_by_role("button", name="隐患已消除").click()
            form = reporter.locator("#case-form")
            await form.get_by_role("button", name="确认已消除").click()
            await form.locator(".need-msg", has_text="请拍一张现场照片").wait_for(timeout=TIMEOUT_MS)
            await form.locator("input[type=file]").set_input_files([_photo((200, 200, 40))])
            await form.locator(".thumbs img").first.wait_for(timeout=TIMEOUT_MS)
            await form.get_by_role("button", name="确认已消除").click()
            await until(lambda: replica.state.incidents[iid].case.stage == "verified", timeout=15)
            case = replica.state.incidents[iid].case
            assert case.verified_by == REPORTER[1] and case.verify_photo.startswith(f"{gw.url}/photos/")
            await check.wait_for(state="detached", timeout=TIMEOUT_MS)
            await reporter.locator("#pending").wait_for(state="hidden", timeout=TIMEOUT_MS)

            # closed, then a follow-up check (举一反三) to every grid like it: the reporter answers on the phone
            session.send_command("c-3", "cmd.close", m.CmdIncident(incident=iid))
            await until(lambda: replica.state.incidents[iid].status == "closed")
            session.send_command("c-4", "cmd.follow_up", m.CmdFollowUp(incident=iid, text="举一反三：请排查盲道堆物"))
            await until(lambda: any(b.kind == "follow_up" for b in replica.state.messages.values()))
            [message] = [b for b in replica.state.messages.values() if b.kind == "follow_up"]
            assert "P1" in message.recipients
            ask = reporter.locator("article.message", has_text="举一反三")
            await ask.get_by_role("button", name="发现同类隐患").wait_for(timeout=TIMEOUT_MS)
            await reporter.screenshot(path=shot_path("case-follow-up-card"))
            await ask.get_by_role("button", name="发现同类隐患").click()
            await until(lambda: message.answers.get("P1") == "found", timeout=15)
            await ask.locator(".status", has_text="已回复：发现同类隐患").wait_for(timeout=TIMEOUT_MS)
        finally:
            await worker_ctx.close()
            await reporter_ctx.close()


def test_the_page_says_case_stages_in_the_consoles_words():
    from console.ui.common.glossary import CASE_STAGES

    text = (FIELD_DIR / "words.js").read_text(encoding="utf-8")
    block = re.search(r"case_stages: \{(.*?)\}", text, re.S).group(1)
    page = json.loads("{" + re.sub(r"(\w+):", r'"\1":', block) + "}")
    assert page == {code: zh for code, (zh, _en) in CASE_STAGES.items()}
