"""The field page in a real browser: a commander dispatches over the protocol, the phone answers.

The hub is real (loopback, SQLite), the commander is the protocol client of
tests/hub/harness.py, and the phone is Debian's chromium at 360×640, tapping the
page's buttons. What the commander's replica shows is the assertion.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from websockets.exceptions import InvalidStatus

from console.client.replica import Replica
from console.domain.model import Alert
from console.domain.state import decode_state
from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from tests.field.conftest import FIELD_NAME, FIELD_TOKEN, shot_path, write_tokens
from tests.hub.harness import Client, running_hub

TIMEOUT_MS = 10_000


def replica_of(client: Client) -> Replica:
    """The commander's view: its snapshot with every event it received folded in."""
    r = Replica()
    r.load_state(decode_state(bytes(client.snapshot.body.state)))
    for msg in client.events:
        if msg.seq > r.state.seq:
            r.apply_event(msg)
    return r


def steps(client: Client, task: str) -> list[tuple[str, str, str]]:
    """(event type, actor, note) of every answer to `task` the commander received, in order."""
    return [(e.type, e.body.actor, e.body.note) for e in client.events
            if e.type.startswith("task_") and e.type != "task_dispatched" and e.body.task == task]


async def raise_alert(url: str, n: int, title: str, kind: str = "cordon_intrusion") -> str:
    """An alert from the ingest source; returns its incident id."""
    async with Client.connect(url, "ingest-secret", last_seq=None) as ingest:
        alert = Alert(id=f"F{n}", source="camera", kind=kind, severity="critical", title=title,
                      at=0.0, x=2400.0, y=-300.0, grid="T1-C01-G1", town="T1")
        assert (await ingest.command("ingest.alert", m.IngestAlert(alert=alert))).ok
    return f"I-F{n}"


async def open_page(context, server):
    """The enrolment link opened on the phone; returns the page once it says 在线."""
    page = await context.new_page()
    page.on("console", lambda msg: print("PAGE:", msg.text))
    page.on("pageerror", lambda exc: print("PAGE ERROR:", exc))
    await page.goto(f"http://127.0.0.1:{server.port}/field/#token={FIELD_TOKEN}")
    await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
    return page


async def dispatch(cmd: Client, incident: str, resource: str = "R0001") -> str:
    result = await cmd.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource=resource))
    assert result.ok, result
    await cmd.wait_for(lambda: any(e.type == "task_dispatched" and e.body.incident == incident for e in cmd.events))
    return next(e.body.task for e in cmd.events if e.type == "task_dispatched" and e.body.incident == incident)


async def until(predicate, timeout: float = 10) -> None:
    async def poll():
        while not predicate():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), timeout)


async def test_a_dispatched_task_is_accepted_reached_and_done_from_the_phone(tmp_path, tmp_db_url, phone):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        incident = await raise_alert(server.url, 1, "南滨路 闯入警戒线")
        server.pages.origin = (106.58, 29.55)  # a site's plane: the place becomes a map link
        async with Client.connect(server.url, "cmd-secret") as cmd:
            page = await open_page(phone, server)
            task = await dispatch(cmd, incident)
            card = page.locator(f"article[data-task='{task}']")
            await card.wait_for(timeout=TIMEOUT_MS)
            text = await card.inner_text()
            assert "南滨路 闯入警戒线" in text and "待接受" in text
            assert "集结倒计时 10:00" in text or "集结倒计时 9:5" in text
            assert re.search(r"距离 约 [\d.]+ (米|公里)", text)
            # 2400 m east, 300 m south of the origin, in WGS-84 as console/site/geo.py has it
            assert await card.locator("a.map").get_attribute("href") == "geo:29.547302,106.604811?q=29.547302,106.604811"
            assert "网格员" in await page.locator("#who").inner_text()
            box = await card.get_by_role("button", name="接受").bounding_box()
            assert box["height"] >= 48 and box["x"] + box["width"] <= 360  # a thumb's target, on screen
            await page.screenshot(path=shot_path("task"))

            await card.get_by_role("button", name="接受").click()
            await until(lambda: [s[0] for s in steps(cmd, task)] == ["task_accepted"])
            await card.locator(".status", has_text="已接受").wait_for(timeout=TIMEOUT_MS)
            await card.get_by_role("button", name="已到达").click()
            await until(lambda: len(steps(cmd, task)) == 2)
            await card.get_by_role("button", name="已完成").click()
            await card.get_by_role("textbox").fill("人员已劝离，警戒线恢复")
            await card.get_by_role("button", name="确认完成").click()
            await until(lambda: len(steps(cmd, task)) == 3)
            await card.locator(".status", has_text="已完成").wait_for(timeout=TIMEOUT_MS)
            await page.screenshot(path=shot_path("done"))

            assert steps(cmd, task) == [("task_accepted", FIELD_NAME, ""), ("task_arrived", FIELD_NAME, ""),
                                        ("task_done", FIELD_NAME, "人员已劝离，警戒线恢复")]
            replica = replica_of(cmd)
            assert replica.state.tasks[task].status == "done"
            timeline = [(s.what, s.actor) for s in replica.state.incidents[incident].timeline]
            assert timeline[-3:] == [("task_accepted", FIELD_NAME), ("task_arrived", FIELD_NAME),
                                     ("task_done", FIELD_NAME)]
            assert await page.locator("#pending").is_hidden()


async def test_declining_needs_a_reason_and_the_commander_reads_it(tmp_path, tmp_db_url, phone):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        incident = await raise_alert(server.url, 2, "弹子石 摔倒", "fall")
        async with Client.connect(server.url, "cmd-secret") as cmd:
            page = await open_page(phone, server)
            task = await dispatch(cmd, incident)
            card = page.locator(f"article[data-task='{task}']")
            await card.get_by_role("button", name="拒绝").click()
            await card.get_by_role("button", name="确认拒绝").click()  # no reason yet: nothing is sent
            assert await card.locator("textarea.need").count() == 1
            await card.get_by_role("button", name="正在处置另一起").click()
            await page.screenshot(path=shot_path("decline"))
            await card.get_by_role("button", name="确认拒绝").click()
            await until(lambda: steps(cmd, task) == [("task_declined", FIELD_NAME, "正在处置另一起")])
            await card.locator(".status", has_text="已拒绝").wait_for(timeout=TIMEOUT_MS)
            assert replica_of(cmd).state.tasks[task].note == "正在处置另一起"


async def test_arrived_pressed_offline_is_sent_once_when_the_link_is_back(tmp_path, tmp_db_url, phone):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        incident = await raise_alert(server.url, 3, "长嘉汇 人群密度", "crowd_density")
        async with Client.connect(server.url, "cmd-secret") as cmd:
            page = await open_page(phone, server)
            task = await dispatch(cmd, incident)
            card = page.locator(f"article[data-task='{task}']")
            await card.get_by_role("button", name="接受").click()
            await until(lambda: len(steps(cmd, task)) == 1)

            await phone.set_offline(True)
            await page.locator("#link.offline").wait_for(timeout=TIMEOUT_MS)
            await card.get_by_role("button", name="已到达").click()
            await page.locator("#pending", has_text="待发送 1 条").wait_for(timeout=TIMEOUT_MS)
            await card.locator(".pend", has_text="已到达").wait_for(timeout=TIMEOUT_MS)
            stored = await page.evaluate("JSON.parse(localStorage.getItem('duty.field.outbox'))")
            assert [(c["type"], c["body"]) for c in stored] == [("cmd.task_update", {"task": task, "status": "arrived"})]
            await page.screenshot(path=shot_path("offline-pending"))
            await asyncio.sleep(1.0)
            assert len(steps(cmd, task)) == 1  # nothing left the phone while it was offline

            await phone.set_offline(False)
            await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
            await until(lambda: len(steps(cmd, task)) == 2)
            await page.locator("#pending").wait_for(state="hidden", timeout=TIMEOUT_MS)
            # the same id sent again (a phone that lost the answer) is answered, with no second effect
            await page.evaluate("""(c) => { localStorage.setItem('duty.field.outbox', JSON.stringify([c]));
                                          window.fieldPage.ws.close(); }""", stored[0])
            await page.locator("#pending").wait_for(state="hidden", timeout=TIMEOUT_MS)
            await asyncio.sleep(0.5)
            assert steps(cmd, task) == [("task_accepted", FIELD_NAME, ""), ("task_arrived", FIELD_NAME, "")]
            assert replica_of(cmd).state.tasks[task].status == "arrived"


async def test_a_revoked_token_closes_the_page_and_keeps_it_out(tmp_path, tmp_db_url, phone):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        page = await open_page(phone, server)
        write_tokens(tokens, field=False)
        server.reload_tokens()
        await page.locator("#link.revoked").wait_for(timeout=TIMEOUT_MS)
        assert "吊销" in await page.locator("#notice").inner_text()
        assert not [ch for ch in server.core.channels if ch.principal.name == FIELD_NAME and not ch.dropped]


async def test_enrol_gives_one_phone_its_own_token_and_revoking_it_ends_the_session(tmp_path, tmp_db_url, phone,
                                                                                      capsys):
    from console.cli import main

    tokens = tmp_path / "tokens.json"
    write_tokens(tokens, field=False)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        hub = f"http://127.0.0.1:{server.port}"
        assert main(["enrol", "R0288", "--tokens", str(tokens), "--name", "志愿者 魏勇旭", "--hub", hub]) == 0
        url = re.search(r"field page: (\S+)", capsys.readouterr().out).group(1)
        token = url.split("#token=")[1]
        assert token not in tokens.read_text(encoding="utf-8")  # the file holds its hash only
        server.reload_tokens()
        page = await phone.new_page()
        await page.goto(url)
        await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
        assert "#token" not in page.url  # not left in the address bar (or the history)
        assert await page.locator("#who").inner_text() == "魏勇旭 · 志愿者"
        [ch] = [ch for ch in server.core.channels if ch.principal.name == "志愿者 魏勇旭"]
        assert ch.principal.resource == "R0288"

        assert main(["enrol", "R0288", "--tokens", str(tokens), "--revoke"]) == 0
        server.reload_tokens()
        await page.locator("#link.revoked").wait_for(timeout=TIMEOUT_MS)
        await page.reload()  # the token is forgotten: the page asks for a new enrolment
        await page.locator("#link.notoken").wait_for(timeout=TIMEOUT_MS)
        assert "二维码" in await page.locator("#notice").inner_text()
        with pytest.raises(InvalidStatus):  # and the hub refuses it anyway
            async with Client.connect(server.url, token, last_seq=None):
                pass


async def test_a_hub_with_tls_serves_the_page_over_https_and_the_page_uses_wss(tmp_path, tmp_db_url, browser):
    from console.protocol.tls import server_context
    from tests.hub.test_auth_tls import _self_signed

    cert, key, _fp = _self_signed(tmp_path)
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens),
                           ssl_context=server_context(cert, key)) as server:
        assert server.page_url == f"https://127.0.0.1:{server.port}/field/"
        # the phone was told to trust the hub's own certificate (a private CA in practice)
        context = await browser.new_context(viewport={"width": 360, "height": 640}, ignore_https_errors=True)
        try:
            page = await context.new_page()
            await page.goto(f"{server.page_url}#token={FIELD_TOKEN}")
            await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
            assert await page.evaluate("window.fieldPage.ws.url") == f"wss://127.0.0.1:{server.port}/?token={FIELD_TOKEN}"
        finally:
            await context.close()


async def test_a_reload_on_a_dead_link_keeps_the_task_in_hand_and_the_pending_answer(tmp_path, tmp_db_url, phone):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        incident = await raise_alert(server.url, 4, "海棠溪 落石", "rockfall")
        async with Client.connect(server.url, "cmd-secret") as cmd:
            page = await open_page(phone, server)
            task = await dispatch(cmd, incident)
            card = page.locator(f"article[data-task='{task}']")
            await card.get_by_role("button", name="接受").click()
            await until(lambda: len(steps(cmd, task)) == 1)

            # the hub becomes unreachable (the page still loads: a phone's cached tab, a captive portal)
            hold = {"on": True}

            async def hub_link(ws):
                if not hold["on"]:
                    ws.connect_to_server()
            await page.route_web_socket(re.compile(r".*/\?token=.*"), hub_link)
            await phone.set_offline(True)
            await page.locator("#link.offline").wait_for(timeout=TIMEOUT_MS)
            await card.get_by_role("button", name="已到达").click()
            await page.locator("#pending", has_text="待发送 1 条").wait_for(timeout=TIMEOUT_MS)
            await phone.set_offline(False)

            await page.reload()
            card = page.locator(f"article[data-task='{task}']")
            await card.wait_for(timeout=TIMEOUT_MS)  # from the page's own copy: the hub has not answered
            assert await page.locator("#link").get_attribute("class") != "link online"
            text = await card.inner_text()
            assert "海棠溪 落石" in text and "已接受" in text and "待发送：已到达" in text
            assert await page.locator("#pending").inner_text() == "待发送 1 条，联网后自动重发"
            await asyncio.sleep(0.5)
            assert len(steps(cmd, task)) == 1

            hold["on"] = False  # the hub is back: the page's next connection gets through
            await page.locator("#link.online").wait_for(timeout=15_000)
            await until(lambda: len(steps(cmd, task)) == 2)
            await page.locator("#pending").wait_for(state="hidden", timeout=TIMEOUT_MS)
            await asyncio.sleep(0.5)
            assert steps(cmd, task) == [("task_accepted", FIELD_NAME, ""), ("task_arrived", FIELD_NAME, "")]
