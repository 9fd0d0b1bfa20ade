"""The command line: `demo` is the default sub-command, whatever options come with it."""

from __future__ import annotations

import logging

import pytest

from console.cli import main


@pytest.fixture
def started(monkeypatch):
    """What `main` would run: the console config and the embedded hub's (None without a hub)."""
    seen: list = []
    monkeypatch.setattr("console.app.console.run_app",
                        lambda cfg, hub_cfg=None: seen.append((cfg, hub_cfg)) or 0)
    level = logging.root.level
    yield seen
    logging.root.setLevel(level)


def test_wall_and_verbose_alone_start_the_default_demo(started):
    assert main(["--wall"]) == 0
    assert main(["-v"]) == 0
    assert main(["-v", "--wall", "--speed", "5"]) == 0
    assert main([]) == 0
    assert [cfg.wall for cfg, _ in started] == [True, False, True, False]
    assert all(hub is not None for _, hub in started), "the demo runs a hub in this process"
    assert started[2][1].speed == 5


def test_a_named_sub_command_is_not_turned_into_the_demo(started):
    assert main(["console", "--wall", "--url", "ws://127.0.0.1:9"]) == 0
    cfg, hub = started[0]
    assert hub is None and cfg.wall and cfg.url == "ws://127.0.0.1:9"
