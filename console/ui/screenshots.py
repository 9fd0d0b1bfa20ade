"""`python -m console.ui.screenshots OUTDIR`: PNGs of the main window (zh, en) and wall mode.

Builds a replica from the marathon baseline (or a small built-in one when the
scenario is not there), feeds it about twenty alerts and a few dispatches,
and grabs 1920×1080 windows offscreen. Also the source of the small sample
world the UI tests use.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from console.domain.model import (
    Alert, Baseline, Camera, Detection, OrgUnit, Plan, PlanRole, Resource, incident_id_for,
)
from console.protocol import messages as m
from console.protocol.codec import Message

#: 2025-11-30 07:00 in UTC+8, the sample world's day start
SAMPLE_DAY_START = 1764457200.0

SIZE = (1920, 1080)


# ------------------------------------------------------------------ sample world

def sample_baseline() -> Baseline:
    """Two towns, four grids (one forest-adjacent), a dozen people, one camera, two plans."""
    org = [
        OrgUnit(id="D", name="滨江区", level="district"),
        OrgUnit(id="T1", name="江滨街道", level="town", parent="D", center_x=500, center_y=500),
        OrgUnit(id="T2", name="南山镇", level="town", parent="D", center_x=2500, center_y=500),
        OrgUnit(id="C1", name="滨江社区", level="community", parent="T1", center_x=500, center_y=500),
        OrgUnit(id="C2", name="南山村", level="community", parent="T2", center_x=2500, center_y=500),
        OrgUnit(id="G1", name="滨江一网格", level="grid", parent="C1", center_x=250, center_y=500,
                polygon=[(0, 0), (500, 0), (500, 1000), (0, 1000)], tags=["riverside"]),
        OrgUnit(id="G2", name="滨江二网格", level="grid", parent="C1", center_x=750, center_y=500,
                polygon=[(500, 0), (1000, 0), (1000, 1000), (500, 1000)]),
        OrgUnit(id="G3", name="南山一网格", level="grid", parent="C2", center_x=2250, center_y=500,
                polygon=[(2000, 0), (2500, 0), (2500, 1000), (2000, 1000)], tags=["forest_adjacent"]),
        OrgUnit(id="G4", name="南山二网格", level="grid", parent="C2", center_x=2750, center_y=500,
                polygon=[(2500, 0), (3000, 0), (3000, 1000), (2500, 1000)], tags=["forest_adjacent"]),
    ]

    def person(rid, name, kind, grid, town, x, y, status="available"):
        return Resource(id=rid, name=name, kind=kind, unit=town, grid=grid, town=town, x=x, y=y,
                        status=status)

    resources = [
        person("V1", "王芳", "volunteer", "G1", "T1", 260, 480),
        person("V2", "李强", "volunteer", "G1", "T1", 900, 520),
        person("V3", "赵敏", "volunteer", "G2", "T1", 700, 300),
        person("P1", "陈警官", "police", "G2", "T1", 800, 800),
        person("P2", "刘警官", "police", "G3", "T2", 2300, 400),
        person("W1", "张丽", "grid_worker", "G1", "T1", 300, 600),
        person("W2", "周杰", "grid_worker", "G3", "T2", 2200, 500),
        person("W3", "吴静", "grid_worker", "G4", "T2", 2800, 500),
        person("M1", "120急救一组", "medical", "G2", "T1", 950, 950),
        person("F1", "森林消防一队", "forest_fire", "G4", "T2", 2900, 900),
        person("L1", "综合执法一队", "law_enforcement", "G3", "T2", 2400, 700),
        person("S1", "孙涛", "community_staff", "G3", "T2", 2350, 450),
        person("O1", "郑伟", "volunteer", "G2", "T1", 600, 600, status="off_duty"),
    ]
    cameras = [Camera(id="CAM1", name="滨江路起点 1号", grid="G1", town="T1", x=240, y=500, stream="cam1")]
    plans = [
        Plan(id="PL-CROWD", name="人群踩踏风险预案", kinds=["crowd_density"],
             roles=[PlanRole(kind="volunteer", count=2), PlanRole(kind="police", count=1)], notify=["medical"]),
        Plan(id="PL-FIRE", name="火灾隐患处置预案", kinds=["fire_hazard", "smoke"],
             roles=[PlanRole(kind="forest_fire", count=1), PlanRole(kind="law_enforcement", count=1), PlanRole(kind="community_staff", count=1)]),
    ]
    return Baseline(name="示例区域", day_start=SAMPLE_DAY_START, org=org, resources=resources,
                    cameras=cameras, plans=plans, course=[(0, 500), (3000, 500)])


def sample_alert(n: int, *, severity: str = "warning", kind: str = "crowd_density", at: float | None = None,
                 town: str = "T1", grid: str = "G1", x: float = 250.0, y: float = 500.0,
                 camera: str | None = "CAM1", title: str | None = None) -> Alert:
    """One alert of the sample world (id A<n>)."""
    titles = {"crowd_density": "人群密度超过阈值", "animal": "大型犬只闯入警戒线",
              "cordon_intrusion": "人员翻越警戒线", "fire_hazard": "废品站外堆放枯木，紧邻林地",
              "rockfall": "公墓路段落石", "illegal_parking": "违规停车占用应急通道"}
    t = SAMPLE_DAY_START + 60.0 * n if at is None else at
    return Alert(id=f"A{n:05d}", source="camera" if camera else "report", kind=kind, severity=severity,
                 title=title or titles.get(kind, kind), at=t, x=x, y=y, grid=grid, town=town, camera=camera,
                 detections=[Detection(label="person", score=0.91, x=0.4, y=0.4, w=0.1, h=0.2)] if camera else [],
                 snapshot=f"snap://{camera}/{int(t)}" if camera else None,
                 text=("AI识别：" if camera else "网格员上报：") + (title or titles.get(kind, kind)),
                 reporter=None if camera else "张丽")


def baseline_event(baseline: Baseline, seq: int = 1) -> Message:
    """The baseline as the hub's first event."""
    return Message("baseline_loaded", m.BaselineLoaded(baseline=baseline), seq=seq, ts=baseline.day_start)


def alert_event(alert: Alert, seq: int) -> Message:
    """An `alert_raised` event for an alert (incident id I-<alert id>)."""
    return Message("alert_raised", m.AlertRaised(alert=alert, incident=incident_id_for(alert.id)), seq=seq, ts=alert.at)


# ------------------------------------------------------------------ demo replica

def _marathon_world():
    """(baseline, alerts) from the marathon scenario, or None if it is not available."""
    try:
        from console.scenarios.marathon import MarathonScenario
    except Exception:  # noqa: BLE001 - the scenario is optional for screenshots
        return None
    scenario = MarathonScenario()
    alerts = [body.alert for _, typ, body in scenario.scheduled() if typ == "ingest.alert"]
    return scenario.baseline, alerts


def build_demo_replica():
    """A replica with a baseline, ~20 alerts, one acknowledged and a couple dispatched."""
    from console.client.replica import Replica
    from console.domain.recommend import recommend

    replica = Replica()
    world = _marathon_world()
    if world is None:
        baseline = sample_baseline()
        specs = [("critical", "animal"), ("warning", "crowd_density"), ("critical", "cordon_intrusion"),
                 ("info", "illegal_parking"), ("warning", "fire_hazard"), ("warning", "rockfall")]
        alerts = [sample_alert(n, severity=specs[n % len(specs)][0], kind=specs[n % len(specs)][1],
                               at=SAMPLE_DAY_START + 20.0 * n) for n in range(20)]
    else:
        import msgspec

        baseline, all_alerts = world
        # The day's first alerts, re-timed 4 s apart so the countdowns show every colour at once.
        t0 = all_alerts[0].at
        alerts = [msgspec.structs.replace(a, at=t0 + 4.0 * k) for k, a in enumerate(all_alerts[:20])]
    seq = 1
    replica.apply_event(baseline_event(baseline, seq))
    for a in alerts:
        if not a.town:
            a.town = replica.state.town_of(a.grid)
        seq += 1
        replica.apply_event(alert_event(a, seq))
    # A little history so the panes show more than "new": acknowledge one, dispatch two.
    incs = sorted(replica.state.incidents.values(), key=lambda i: i.created_at)
    last_t = max(a.at for a in alerts)
    for k, inc in enumerate(incs[:3]):
        seq += 1
        ts = inc.created_at + 25 + 30 * k
        replica.apply_event(Message("incident_acknowledged", m.IncidentStep(incident=inc.id, actor="值班长"),
                                    seq=seq, ts=ts))
        if k < 2:
            recs = recommend(replica.state, inc.id, limit=1)
            if recs:
                seq += 1
                replica.apply_event(Message("task_dispatched", m.TaskDispatched(
                    task=f"{inc.id}-T1", incident=inc.id, resource=recs[0].resource, actor="值班长"),
                    seq=seq, ts=ts + 5))
    replica.link.state = "online"
    replica.link.user = "值班长 李明"
    replica.link.role = "commander"
    replica.link.rtt_ms = 3.2
    replica.link.mode = "exercise"
    # Freeze the hub clock a little after the last alert so the countdowns show every colour.
    import time as _time
    replica.link.clock = last_t + 12.0
    replica.link.clock_wall = _time.time()
    replica.link.clock_rate = 0.0
    return replica


class _NullSink:
    def send_command(self, command_id, type_, body) -> None:
        pass

    def subscribe(self, cameras) -> None:
        pass


def _shoot(outdir: Path, name: str, lang: str, wall: bool) -> Path:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from console.client.controller import Controller
    from console.ui.common.i18n import install_translator
    from console.ui.shell.main_window import MainWindow
    from console.ui.common.theme import apply_theme

    app = QApplication.instance()
    install_translator(app, lang)
    apply_theme(app, wall=wall)
    replica = build_demo_replica()
    if wall:
        replica.link.role = "wall"
    controller = Controller(replica, _NullSink(), read_only=wall)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "shots.ini"), QSettings.Format.IniFormat)
    win = MainWindow(replica, controller, wall=wall, role_key="wall" if wall else "commander",
                     settings=settings)
    win.resize(*SIZE)
    if wall:
        from console.ui.shell.wall import apply_wall_mode
        # The offscreen screen is 800×800: no full screen, so the grab has a wall's 1920×1080.
        apply_wall_mode(win, 0, full_screen=False)
    else:
        win.show()
    win.refresh_now()
    if win.alerts is not None and win.alerts.model.rowCount():
        win.alerts.select_row(0)
    if not wall:
        replica.notify("warning", "conflict", "王芳 is already on task I-A00001-T1 for I-A00001, sent by 值班长")
    win.refresh_now()
    for _ in range(5):
        app.processEvents()
    path = outdir / name
    win.grab().save(str(path))
    win.tick.stop()
    win.close()
    win.deleteLater()
    app.processEvents()
    return path


def main(argv: list[str] | None = None) -> int:
    """Save main_zh.png, main_en.png and wall_zh.png into OUTDIR (default: screenshots/)."""
    argv = sys.argv[1:] if argv is None else argv
    outdir = Path(argv[0] if argv else "screenshots")
    outdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", os.environ["QT_QPA_PLATFORM"]])
    app.setApplicationName("duty-console")
    for name, lang, wall in (("main_zh.png", "zh_CN", False), ("main_en.png", "en", False),
                             ("wall_zh.png", "zh_CN", True)):
        print(_shoot(outdir, name, lang, wall))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
