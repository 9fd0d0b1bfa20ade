"""The phone in the commander's loop: the dispatcher's note, a recall with its reason, a broadcast answered 收到.

A real hub (SQLite), the commander as a protocol client, Debian's chromium as the phone.
"""

from __future__ import annotations

from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from tests.field.conftest import shot_path, write_tokens
from tests.field.test_field_page import TIMEOUT_MS, dispatch, open_page, raise_alert, until
from tests.hub.harness import Client, running_hub


async def test_a_note_a_recall_and_a_broadcast_reach_the_phone_and_its_answer_reaches_the_commander(
        tmp_path, phone):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(f"sqlite:///{tmp_path / 'hub.db'}", tokens=TokenRegistry.from_file(tokens)) as server:
        incident = await raise_alert(server.url, 7, "南滨路 大型犬只闯入")
        async with Client.connect(server.url, "cmd-secret") as cmd:
            page = await open_page(phone, server)
            result = await cmd.command("cmd.dispatch", m.CmdDispatch(incident=incident, resource="R0001",
                                                                      note="先到入口处确认"))
            assert result.ok, result
            await cmd.wait_for(lambda: any(e.type == "task_dispatched" for e in cmd.events))
            task = next(e.body.task for e in cmd.events if e.type == "task_dispatched")
            card = page.locator(f"article[data-task='{task}']")
            await card.locator(".note", has_text="先到入口处确认").wait_for(timeout=TIMEOUT_MS)

            result = await cmd.command("cmd.recall", m.CmdRecall(task=task, reason="民警已到场"))
            assert result.ok, result
            await card.locator(".recalled", has_text="任务已撤回：民警已到场").wait_for(timeout=TIMEOUT_MS)
            assert await card.get_by_role("button", name="接受").count() == 0
            await page.screenshot(path=shot_path("recalled"))

            grid = "T1-C01-G1"  # R0001's grid in the marathon baseline
            result = await cmd.command("cmd.broadcast", m.CmdBroadcast(
                incident=incident, text="请排查本网格内有无走失犬只", grids=[grid]))
            assert result.ok, result
            await until(lambda: any(e.type == "broadcast_issued" for e in cmd.events))
            issued = next(e for e in cmd.events if e.type == "broadcast_issued")
            assert "R0001" in issued.body.recipients
            assert not any(e.type == "task_dispatched" and e.body.resource != "R0001" for e in cmd.events)
            message = page.locator(f"article[data-broadcast='{issued.body.broadcast}']")
            await message.locator(".text", has_text="请排查本网格内有无走失犬只").wait_for(timeout=TIMEOUT_MS)
            await page.screenshot(path=shot_path("broadcast"))
            await message.get_by_role("button", name="收到").click()
            await until(lambda: any(e.type == "broadcast_acknowledged" for e in cmd.events))
            ack = next(e for e in cmd.events if e.type == "broadcast_acknowledged")
            assert (ack.body.broadcast, ack.body.resource) == (issued.body.broadcast, "R0001")
            await message.locator(".status", has_text="已收到").wait_for(timeout=TIMEOUT_MS)
