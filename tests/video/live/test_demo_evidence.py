"""The demo's dog alert keeps a clip from ~10 s before it, though the alert puts its camera in focus.

The focus tile plays the main stream; the camera's ring stays on the sub-stream it
filled while the camera was on the grid, so the kept clip holds the seconds before
the alert (it began +0.9 s after the alert when the ring followed the tile to main).
"""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QSettings

from console.app.config import HubConfig
from console.app.console import build_console
from console.app.hub import start_hub
from console.scenarios.marathon import DOG_TITLE
from console.ui.panes.incident.evidence import EvidencePanel
from console.video.evidence import read_clip_times
from console.video.urls import redact
from tests.video.live.test_demo_video import until

pytestmark = [pytest.mark.ui, pytest.mark.integration, pytest.mark.timeout(150)]


async def test_the_demo_dog_alerts_clip_starts_before_the_alert_while_its_camera_plays_main(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTY_CONSOLE_DATA", str(tmp_path / "data"))
    # 20 s before the dog (07:30:00): its camera is on the grid, buffering its sub-stream
    hub = await start_hub(HubConfig(port=0, scenario="marathon", start="07:29:40", fps=5.0,
                                    db=f"sqlite:///{tmp_path / 'hub.db'}", simulate_field=False))
    console = None
    try:
        settings = QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat)
        console = await build_console(hub.url, "demo-commander", local_db=f"sqlite:///{tmp_path / 'c.db'}",
                                      settings=settings)
        panel = console.window.findChildren(EvidencePanel)[0]
        replica = console.window.panes["cameras"].replica
        await until(lambda: any(a.title == DOG_TITLE for a in replica.state.alerts.values()), "the dog alert", 60)
        dog = next(a for a in replica.state.alerts.values() if a.title == DOG_TITLE)
        await until(lambda: (c := console.streams.clip(dog.camera)) is not None and bool(c.packets)
                    and panel._to_hub(c.end) >= dog.at + 4.0, "four seconds after the alert", 60)
        shown = console.streams.status(dog.camera)
        await asyncio.get_running_loop().run_in_executor(None, panel.keeper.finish, dog.id)  # as an export does
        _, times = read_clip_times(panel.keeper.clip_path(dog.id))
    finally:
        if console is not None:
            await console.close()
        await hub.stop()
    camera = replica.state.cameras[dog.camera]
    assert camera.main != camera.sub and shown.url == redact(camera.main), "the focus tile plays the main stream"
    assert times[0] <= dog.at - 8.0, f"the clip starts {times[0] - dog.at:+.2f} s from the alert"
    assert times[-1] >= dog.at + 3.0 and times == sorted(times)
