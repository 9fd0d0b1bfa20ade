"""A second `demo` starts clean: not from the first one's saved screen, camera URLs or alert pictures.

Each demo runs on a fresh event log; the console's own file used to be one per token in the
user's data dir, so the second demo restored the first one's screen (its cameras pointing at
the first hub's dead stream port) and then said "other_log: this hub's log is not the one…"
in an untranslated banner. The demo's console file now lives beside the demo's log.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from console.app.config import ConsoleConfig, HubConfig, demo_hub_config
from console.app.console import open_app
from console.ui.panes.incident.evidence import EvidencePanel
from tests.video.live.test_demo_video import until

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(120)]


async def run_demo(tmp_path, n: int):
    """One `demo` as the command line starts it (its own fresh log); returns what the user saw."""
    (tmp_path / f"run{n}").mkdir()
    hub_cfg = demo_hub_config(HubConfig(db=f"sqlite:///{tmp_path / f'run{n}' / 'hub.db'}", field_link=""))
    console = hub = None
    try:
        console, hub = await open_app(ConsoleConfig(basemap=None), hub_cfg,
                                      settings=QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat))
        restored = console.restored
        await until(lambda: console.session.live.is_set() and console.replica.state.cameras, "the demo to go live")
        port = hub.streams_port  # the demo hub runs in a child process: it says its stream port
        urls = {c.sub for c in console.replica.state.cameras.values()}
        banners = []
        await until(lambda: banners.append(console.window.banner_text()) or len(banners) > 20, "a few ticks")
        notices = [n.code for n in console.replica.notices]
        [panel] = console.window.findChildren(EvidencePanel)
        return restored, port, urls, banners, notices, panel.keeper.root
    finally:
        if console is not None:
            await console.close()
        if hub is not None:
            await hub.stop()


async def test_a_second_demo_starts_clean_with_its_own_camera_urls(tmp_path, monkeypatch):
    # the user's data dir, shared by both runs (where the console's file used to be)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DUTY_CONSOLE_DATA", str(tmp_path / "data"))
    first = await run_demo(tmp_path, 1)
    restored, port, urls, banners, notices, kept = await run_demo(tmp_path, 2)
    assert not first[0] and not restored, "nothing from an earlier run on screen"
    assert "other_log" not in notices and not any("other_log" in b for b in banners), banners
    assert urls and all(f":{port}/cam/" in u for u in urls), "the cameras of this run's hub"
    assert (tmp_path / "run2" / "console-demo-commander.db").is_file(), "beside the demo's own log"
    # and its alert pictures too: every demo's alerts have the same ids (A0010 is the dog each time),
    # so a shared folder would show the first run's picture as the second's
    assert kept == tmp_path / "run2" / "evidence"
