"""A desk and its wall from one machine: the desk's process starts the wall's console, which joins
the hub as a wall, and ends it when the desk closes. A real hub on 127.0.0.1, a real child process
(offscreen Qt)."""

from __future__ import annotations

import asyncio

import pytest

from console.app.pair import WallProcess, wall_command
from tests.hub.harness import running_hub

pytestmark = [pytest.mark.ui, pytest.mark.timeout(90)]


def _walls(server) -> list:
    return [ch for ch in server.core.channels if ch.principal.role == "wall" and ch.live]


async def _until(predicate, what: str, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


def test_the_wall_command_is_this_program_in_wall_mode_on_its_screen():
    cmd = wall_command("ws://127.0.0.1:9", "demo-wall", lang="en", screen=1)
    assert cmd[1:] == ["-m", "console", "console", "--url", "ws://127.0.0.1:9", "--token", "demo-wall", "--wall",
                       "--lang", "en", "--screen", "1"]


async def test_the_desk_starts_its_wall_which_joins_the_hub_and_ends_with_the_desk(sqlite_db_url, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # the wall's settings in the test's dir, not the user's
    async with running_hub(sqlite_db_url) as server:
        wall = WallProcess("demo-wall", lang="en", screen=0)
        wall.start(server.url)
        try:
            await _until(lambda: _walls(server), "the wall console to join the hub")
            assert _walls(server)[0].principal.name == "大屏"
        finally:
            await asyncio.get_running_loop().run_in_executor(None, wall.stop)
        await _until(lambda: not _walls(server), "the wall's session to end with it")
    assert "screen=" in (tmp_path / "duty-console" / "console.conf").read_text(), "--screen remembered here"
