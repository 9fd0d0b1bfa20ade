"""The field link's token: moved out of the address on first load, kept in the page's storage;
and what the page is sent is its own view (its task with the dispatcher's note, nobody else).
"""

from __future__ import annotations

from console.hub.auth import TokenRegistry
from console.protocol import messages as m
from tests.field.conftest import FIELD_TOKEN, write_tokens
from tests.field.test_field_page import TIMEOUT_MS, dispatch, raise_alert
from tests.hub.harness import Client, running_hub


async def test_a_token_in_the_query_moves_into_storage_and_out_of_the_address(tmp_path, tmp_db_url, phone):
    write_tokens(tmp_path / "tokens.json")
    tokens = TokenRegistry.from_file(tmp_path / "tokens.json")
    async with running_hub(tmp_db_url, tokens=tokens) as server:
        page = await phone.new_page()
        frames: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
        await page.goto(f"http://127.0.0.1:{server.port}/field/?lang=zh&token={FIELD_TOKEN}#top")
        await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
        assert FIELD_TOKEN not in page.url and page.url.endswith("/field/?lang=zh#top")
        assert await page.evaluate("localStorage.getItem('duty.field.token')") == FIELD_TOKEN

        async with Client.connect(server.url, "cmd-secret") as cmd:
            inc = await raise_alert(server.url, 1, "K2 护栏外有人")
            await cmd.command("cmd.acknowledge", m.CmdIncident(incident=inc))
            other = await raise_alert(server.url, 2, "K3 另一处")
            await dispatch(cmd, other, resource="R0002")
            result = await cmd.command("cmd.dispatch", m.CmdDispatch(incident=inc, resource="R0001",
                                                                     note="带上扩音器"))
            assert result.ok
            assert (await cmd.command("cmd.broadcast", m.CmdBroadcast(text="前方积水绕行", incident=inc,
                                                                       grids=["T1-C01-G1"]))).ok
        card = page.locator("article.task")
        await card.wait_for(timeout=TIMEOUT_MS)
        await page.locator("article.message", has_text="前方积水绕行").wait_for(timeout=TIMEOUT_MS)
        assert "K2 护栏外有人" in await card.inner_text() and "带上扩音器" in await card.inner_text()

        # a reload without the token in the address: the stored one is used
        await page.goto(f"http://127.0.0.1:{server.port}/field/")
        await page.locator("#link.online").wait_for(timeout=TIMEOUT_MS)
        await page.locator("article.task").wait_for(timeout=TIMEOUT_MS)
        wire = "".join(frames)
        assert "K2 护栏外有人" in wire
        assert "K3 另一处" not in wire and "R0002" not in wire  # another person's task never reaches it
