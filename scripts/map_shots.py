"""PNGs of the map pane on the marathon site: base tiles, grids, camera cones, crowd heat, ETA lines.

    QT_QPA_PLATFORM=xcb DISPLAY=:99 .venv/bin/python scripts/map_shots.py OUTDIR [PREFIX]

The world is the marathon scenario at its crowd peak (the most density readings in the
heat's window): its own alerts up to then
(crowd_density readings carry their measured people/m²), two people dispatched to the
newest open incident, the shipped MBTiles base map underneath. Four shots: the whole
area, the incident with its ETA lines, a hovered cone with the camera's picture, and
the layers switched down to cameras and heat (in English).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _world(at_hour: float | None = None):
    from console.client.replica import Replica
    from console.domain.recommend import recommend
    from console.protocol import messages as m
    from console.protocol.codec import Message
    from console.scenarios.marathon import MarathonScenario

    scenario = MarathonScenario()
    b = scenario.baseline
    from console.scenarios.marathon import DAY_START_H

    from console.ui.panes.map.heat import HEAT_WINDOW_S

    alerts = [body.alert for t, typ, body in scenario.scheduled() if typ == "ingest.alert"]
    if at_hour is None:  # the moment with the most density readings in the heat's window
        crowd = sorted(a.at for a in alerts if a.kind == "crowd_density")
        until = max(crowd, key=lambda t: sum(1 for u in crowd if t - HEAT_WINDOW_S < u <= t))
    else:
        until = b.day_start + (at_hour - DAY_START_H) * 3600.0
    t_end = min(until, alerts[-1].at) if until else alerts[-1].at
    replica = Replica()
    seq = 1
    replica.apply_event(Message("baseline_loaded", m.BaselineLoaded(baseline=b), seq=seq, ts=b.day_start))
    for a in alerts:
        if a.at > t_end or (a.kind != "crowd_density" and a.at < t_end - 1800):
            continue  # the crowd readings of the morning, and the last half hour's other alerts
        seq += 1
        if not a.town:
            a.town = replica.state.town_of(a.grid)
        replica.apply_event(Message("alert_raised", m.AlertRaised(alert=a, incident=f"I-{a.id}"), seq=seq, ts=a.at))
    newest = max((i for i in replica.state.incidents.values() if i.kind != "crowd_density"),
                 key=lambda i: i.created_at)
    for k, rec in enumerate(recommend(replica.state, newest.id, limit=2)):
        seq += 1
        replica.apply_event(Message("task_dispatched", m.TaskDispatched(
            task=f"{newest.id}-T{k + 1}", incident=newest.id, resource=rec.resource, actor="值班长"),
            seq=seq, ts=t_end + 5))
    replica.link.clock, replica.link.clock_wall, replica.link.clock_rate = t_end + 30, time.time(), 0.0
    return scenario, replica, newest.id


def _settle(app, pane, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if pane.basemap is None or pane.basemap.settled():
            for _ in range(5):
                app.processEvents()
                time.sleep(0.02)
            return
        time.sleep(0.02)


def main(out: Path, prefix: str = "final12") -> list[Path]:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QCursor, QImage
    from PySide6.QtWidgets import QApplication

    from console.app.config import marathon_basemap
    from console.scenarios.frames import FrameRenderer
    from console.ui.common.i18n import install_translator
    from console.ui.common.theme import apply_theme
    from console.ui.panes.map import MapPane
    from console.ui.panes.map.basemap import attach_basemap
    from console.ui.shell.selection import Selection

    app = QApplication.instance() or QApplication(["map-shots"])
    apply_theme(app, wall=False)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shoot(pane, name: str) -> None:
        _settle(app, pane)
        path = out / f"{prefix}-{name}.png"
        pane.window().grab().save(str(path))
        shots.append(path)

    for lang in ("zh_CN", "en"):
        install_translator(app, lang)
        scenario, replica, incident = _world()
        selection = Selection()
        pane = MapPane(replica, selection)
        pane.resize(1600, 1000)
        pane.show()
        basemap = marathon_basemap()
        if basemap:
            attach_basemap(pane, basemap)
        renderer = FrameRenderer()

        def snapshot_of(cid: str, replica=replica, scenario=scenario, renderer=renderer):
            cam = replica.state.cameras[cid]
            now = replica.hub_now()
            return QImage.fromData(renderer.render(cam, now, 1, scenario.crowd_level(cid, now)))

        pane.snapshot_of = snapshot_of
        pane.refresh(replica.take_changes())
        if lang == "zh_CN":
            pane.fit()
            shoot(pane, "map-overview")
            selection.select_incident(incident)
            pane.refresh(replica.take_changes())
            inc = replica.state.incidents[incident]
            pane.zoom_to(inc.x, inc.y, span=1600.0)
            shoot(pane, "map-incident-eta")
            # hover the cone of the camera with the densest reading, zoomed in on it
            hot = max(pane.heat.points, key=lambda p: p.value)
            cid = min(replica.state.cameras.values(), key=lambda c: (c.x - hot.x) ** 2 + (c.y - hot.y) ** 2).id
            cam = replica.state.cameras[cid]
            pane.zoom_to(cam.x, cam.y, span=400.0)
            _settle(app, pane)
            import math

            a = math.radians(cam.heading or 0.0)
            px, py = cam.x + 35 * math.sin(a), cam.y + 35 * math.cos(a)
            vb = pane.plot.getViewBox()
            local = pane.plot.mapFromScene(vb.mapViewToScene(__import__("PySide6.QtCore").QtCore.QPointF(px, py)))
            QCursor.setPos(pane.plot.viewport().mapToGlobal(QPoint(int(local.x()), int(local.y()))))
            pane.hover.on_cone(cid)  # what the hover event does; a synthetic cursor does not always send one
            shoot(pane, "map-cone-hover")
            pane.hover.on_cone("")
        else:
            for name in ("base", "grids", "people", "incidents"):
                pane.set_layer(name, False)
            pane.fit()
            shoot(pane, "map-layers-en")
        pane.close()
    return shots


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    for p in main(target, *(sys.argv[2:3])):
        print(p)
