"""Screenshots of the wall following a working commander, the English desk, the desk + wall pair, a review.

Run under X with a window manager (Xvfb + openbox; /work/wt/xshot.sh or scripts/screenshots.sh's way):

    python scripts/wall_shots.py wall OUT.png [zh|en]      the wall joined to a running demo hub while a
                                                            commander (a protocol client) acknowledges and
                                                            selects; prints how long the wall took to follow
    python scripts/wall_shots.py desk OUT.png [zh|en]      the commander's desk on the same kind of hub
    python scripts/wall_shots.py pair OUT.png [zh|en]      the desk on screen 0, its wall (--with-wall's
                                                            second process) on screen 1, joined side by side
    python scripts/wall_shots.py review OUT.png DRILL [zh|en]  a desk reviewing a drill file, at an alert
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import PySide6.QtWidgets  # noqa: F401 - PySide6 before qasync
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def until(predicate, what: str, timeout: float = 90.0) -> float:
    """Poll until true; returns the seconds it took (fails naming `what`)."""
    t0 = time.monotonic()
    while not predicate():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(what)
        await asyncio.sleep(0.02)
    return time.monotonic() - t0


async def demo_hub():
    from console.app.config import HubConfig, demo_hub_config
    from console.app.hub import start_hub

    cfg = demo_hub_config(HubConfig(port=0, db=None, speed=2.0))
    return await start_hub(cfg)


def settings(name: str) -> QSettings:
    return QSettings(str(Path(tempfile.mkdtemp(prefix="wall-shots-")) / f"{name}.ini"), QSettings.Format.IniFormat)


def grab(out: str, screen_index: int = 0) -> None:
    QGuiApplication.screens()[screen_index].grabWindow(0).save(out)
    print("saved", out, flush=True)


async def settle(seconds: float) -> None:
    await asyncio.sleep(seconds)


class Commander:
    """A duty commander working through the protocol: acknowledges the newest critical, selects it."""

    def __init__(self, url: str):
        self.url = url

    async def work(self, server_state, exclude: set[str]) -> tuple[str, float]:
        """Wait for an open incident not in `exclude`, acknowledge it and select it; (id, wall time sent)."""
        from tests.hub.harness import Client
        from console.protocol import messages as m
        from console.protocol.codec import encode

        self.client_cm = Client.connect(self.url, "demo-commander")
        self.client = await self.client_cm.__aenter__()
        await until(lambda: [i for i in server_state().incidents.values()
                             if i.status == "new" and i.id not in exclude], "an open incident", 240)
        inc = max((i for i in server_state().incidents.values() if i.status == "new" and i.id not in exclude),
                  key=lambda i: ({"critical": 2, "warning": 1}.get(i.severity, 0), i.created_at))
        await self.client.command("cmd.acknowledge", m.CmdIncident(incident=inc.id, note="收到"))
        sent = time.time()
        await self.client.ws.send(encode("selected", m.Selected(incident=inc.id)), text=True)
        return inc.id, sent

    async def close(self) -> None:
        await self.client_cm.__aexit__(None, None, None)


async def shot_wall(out: str, lang: str) -> None:
    from console.app.console import build_console

    hub = await demo_hub()
    wall = await build_console(hub.url, "demo-wall", wall=True, settings=settings("wall"))
    commander = Commander(hub.url)
    try:
        await until(lambda: getattr(wall.window, "wall_follow", None) is not None, "wall mode")
        # let the world run: alerts come, the commander picks one that is not simply the most urgent
        await settle(25)
        urgent = wall.window.wall_follow.current.incident
        iid, sent = await commander.work(lambda: hub.core.state, {urgent} if urgent else set())
        await until(lambda: wall.window.wall_follow.current.incident == iid, "the wall to follow")
        print(f"wall followed the commander's selection {time.time() - sent:.2f} s after it was sent", flush=True)
        await settle(6)  # the camera's first frames
        grab(out)
    finally:
        await commander.close()
        await wall.close()
        await hub.stop()


async def shot_desk(out: str, lang: str) -> None:
    from console.app.console import build_console

    hub = await demo_hub()
    desk = await build_console(hub.url, "demo-commander", settings=settings("desk"))
    try:
        await until(lambda: desk.replica.state.incidents, "an incident", 240)
        iid = max(desk.replica.state.incidents.values(), key=lambda i: i.created_at).id
        desk.window.selection.select_incident(iid)
        await settle(8)
        print("desk window width", desk.window.width(), "min", desk.window.minimumSizeHint().width(), flush=True)
        grab(out)
    finally:
        await desk.close()
        await hub.stop()


async def shot_pair(out: str, lang: str) -> None:
    from console.app.console import build_console
    from console.app.pair import WallProcess

    hub = await demo_hub()
    desk = await build_console(hub.url, "demo-commander", settings=settings("desk"))
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="wall-shots-config-")  # the wall's settings
    wall = WallProcess("demo-wall", lang="en" if lang == "en" else "zh")
    wall.start(hub.url)
    try:
        await until(lambda: [ch for ch in hub.server.core.channels if ch.principal.role == "wall" and ch.live],
                    "the wall to join")
        await until(lambda: desk.replica.state.incidents, "an incident", 240)
        await settle(20)
        iid = min(desk.replica.state.incidents.values(), key=lambda i: i.created_at).id
        desk.window.selection.select_incident(iid)
        await settle(8)
        left, right = (s.grabWindow(0).toImage() for s in QGuiApplication.screens()[:2])
        joined = QImage(left.width() + right.width() + 16, max(left.height(), right.height()),
                        QImage.Format.Format_RGB32)
        joined.fill(0x303030)
        p = QPainter(joined)
        p.drawImage(0, 0, left)
        p.drawImage(left.width() + 16, 0, right)
        p.end()
        joined.save(out)
        print("saved", out, "(desk | wall)", flush=True)
    finally:
        wall.stop()
        await desk.close()
        await hub.stop()


async def shot_review(out: str, drill: str, lang: str) -> None:
    from console.app.config import HubConfig
    from console.app.console import build_console
    from console.app.hub import start_hub

    hub = await start_hub(HubConfig(port=0, drill=drill, speed=10.0, scenario=None))
    desk = await build_console(hub.url, "demo-commander", settings=settings("review"))
    try:
        await until(lambda: desk.replica.drill is not None and desk.replica.drill_markers, "the recording")
        desk.window.refresh_now()
        bar = desk.window.panes["drillbar"]
        bar.play_pause()
        await until(lambda: not desk.replica.drill.playing, "pause")
        for _ in range(2):
            target = bar.step_alert(1)
            await until(lambda: abs(desk.replica.hub_now() - target) < 1.0, "the jump")
        bar.play_pause()
        await settle(1.5)  # the alert arrives on screen
        bar.play_pause()
        await settle(4)
        grab(out)
    finally:
        await desk.close()
        await hub.stop()


def main(argv: list[str]) -> int:
    kind, out = argv[1], argv[2]
    rest = argv[3:]
    app = QApplication.instance() or QApplication(argv[:1])
    app.setQuitOnLastWindowClosed(False)
    lang = rest[-1] if rest and rest[-1] in ("zh", "en") else "zh"
    from console.ui.common.i18n import install_translator
    from console.ui.common.theme import apply_theme

    install_translator(app, lang)
    apply_theme(app)
    os.environ.setdefault("DUTY_CONSOLE_DATA", tempfile.mkdtemp(prefix="wall-shots-data-"))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    job = {"wall": lambda: shot_wall(out, lang), "desk": lambda: shot_desk(out, lang),
           "pair": lambda: shot_pair(out, lang), "review": lambda: shot_review(out, rest[0], lang)}[kind]
    with loop:
        loop.run_until_complete(job())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
