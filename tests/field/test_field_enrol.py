"""Enrolling a phone from the console, seeing its page online, revoking it: over the real protocol.

The commander is a protocol client (what the roster's dialog sends, `field.enrol`), the
phone is chromium at 360×640 opening the URL the hub answered with. Presence is what the
commander's replica folds from `field_page_changed` events.
"""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import InvalidStatus

from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from tests.field.conftest import shot_path, write_tokens
from tests.field.test_field_page import TIMEOUT_MS, dispatch, raise_alert, replica_of, until
from tests.hub.harness import Client, running_hub


def pages(cmd: Client) -> list[tuple[str, bool]]:
    """(resource, online) of every field_page_changed the commander received, in order."""
    return [(e.body.resource, e.body.online) for e in cmd.events if e.type == "field_page_changed"]


async def test_the_console_enrols_a_phone_sees_it_online_and_revoking_closes_its_page(tmp_path, tmp_db_url, phone):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens, field=False)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        server.presence.grace_s = 0.5  # a test need not wait the 10 s a flaky phone is given
        incident = await raise_alert(server.url, 7, "南滨路 杂物", "debris")
        async with Client.connect(server.url, "cmd-secret") as cmd:
            result = await cmd.command("field.enrol", m.FieldEnrol(resource="R0002"))
            assert result.ok and result.url == f"{server.page_url}#token={result.token}"
            assert result.token not in tokens.read_text(encoding="utf-8")  # the file holds its hash only
            again = await cmd.command("field.enrol", m.FieldEnrol(resource="R0002"))
            assert again.token != result.token  # a new code ends the old one
            with pytest.raises(InvalidStatus):
                async with Client.connect(server.url, result.token, last_seq=None):
                    pass

            page = await phone.new_page()
            await page.goto(again.url)
            await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
            await until(lambda: pages(cmd) == [("R0002", True)])
            replica = replica_of(cmd)
            assert replica.state.pages["R0002"].online
            # the page answers the task like any phone; its actor is the person's own name
            task = await dispatch(cmd, incident, "R0002")
            await page.locator(f"article[data-task='{task}']").get_by_role("button", name="接受").click()
            await until(lambda: any(e.type == "task_accepted" for e in cmd.events))
            person = replica.state.resources["R0002"].name
            assert [e.body.actor for e in cmd.events if e.type == "task_accepted"] == [f"{person}（R0002）"]

            revoked = await cmd.command("field.enrol", m.FieldEnrol(resource="R0002", revoke=True))
            assert revoked.ok and revoked.token is None
            await page.locator("#link.revoked").wait_for(timeout=TIMEOUT_MS)
            assert "吊销" in await page.locator("#notice").inner_text()
            assert await page.locator("article.task").count() == 0  # nothing of the task is left on the phone
            await page.screenshot(path=shot_path("revoked"))
            await until(lambda: pages(cmd) == [("R0002", True), ("R0002", False)])
            replica = replica_of(cmd)
            gone = replica.state.pages["R0002"]
            assert not gone.online and gone.at <= server.core.clock.now()
            await page.reload()
            await page.locator("#link.notoken").wait_for(timeout=TIMEOUT_MS)


async def test_only_a_commander_enrols_and_only_people_the_hub_knows(tmp_path, tmp_db_url):
    tokens = tmp_path / "tokens.json"
    write_tokens(tokens)
    async with running_hub(tmp_db_url, tokens=TokenRegistry.from_file(tokens)) as server:
        async with Client.connect(server.url, "ingest-secret") as ingest:
            r = await ingest.command("field.enrol", m.FieldEnrol(resource="R0002"))
            assert (r.ok, r.code, r.token) == (False, "forbidden", None)
        async with Client.connect(server.url, "cmd-secret") as cmd:
            r = await cmd.command("field.enrol", m.FieldEnrol(resource="NOBODY"))
            assert (r.ok, r.code) == (False, "not_found")
        await asyncio.sleep(0)
