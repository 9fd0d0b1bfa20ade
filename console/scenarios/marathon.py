"""Scene 1: the 2025 riverside marathon — the baseline world and the day's timeline.

Pure and deterministic for a seed (every random draw comes from a
`random.Random` built from the seed; the global generator is never used).
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass
from datetime import date, datetime

import msgspec

from console.domain.localtime import TZ
from console.domain.model import (
    CROWD_UNIT, Alert, Baseline, Camera, Detection, OrgUnit, Plan, PlanRole, Resource,
)
from console.scenarios import geography as geo
from console.scenarios.marathon_cases import CASE_TYPES, WORK_HOURS as CASE_WORK_HOURS
from console.scenarios.names import (
    COMMUNITY_NAMES, DISTRICT_NAME, TOWN_NAMES, TOWN_SHORT, person_name,
)
from console.protocol.messages import (
    CmdReport, IngestAlert, IngestCameraStatus, IngestPositions,
)

BASELINE_NAME = "2025 重庆马拉松 滨江赛道"
DEFAULT_DAY = date(2025, 11, 30)
DAY_START_H = 7.0
DAY_END_H = 21.5
RACE_START_H = 8.0
CAMERA_COUNT = 65
#: the marathon cameras' horizontal field of view (degrees)
CAMERA_FOV = 90.0
#: communities per town (sum 38); each town has 30 grids
COMMUNITIES_PER_TOWN = (5, 6, 5, 6, 5, 6, 5)
POSITION_BATCH_S = 10.0
#: the mobile people are split into this many groups; one group moves per batch
POSITION_GROUPS = 8

DOG_TITLE = "大型犬只闯入警戒线"
FIRE_HAZARD_TEXT = "废品站外堆放枯木，紧邻林地"
ROCKFALL_TEXT = "公墓路段落石"


def day_start_of(day: date) -> float:
    """07:00 Asia/Shanghai of `day`, epoch seconds."""
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=TZ).timestamp()


def parse_start(baseline_day_start: float, text: str) -> float:
    """'HH:MM' or 'HH:MM:SS' (local, the baseline's day) → hub time; plain numbers are epoch."""
    text = text.strip()
    if ":" not in text:
        return float(text)
    parts = [int(p) for p in text.split(":")]
    if len(parts) == 2:
        parts.append(0)
    h, m, s = parts
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 60):
        raise ValueError(f"bad start time {text!r}")
    midnight = baseline_day_start - DAY_START_H * 3600.0
    return midnight + h * 3600 + m * 60 + s


def _r1(v: float) -> float:
    return round(v, 1)


# ====================================================================== baseline

@dataclass(slots=True)
class _Mover:
    """A person who patrols/drifts inside their grid cell (all motion in cell coordinates)."""

    rid: str
    town: int
    col: int
    row: int
    u0: float
    v0: float
    au: float
    av: float
    omega: float
    phase: float
    loop: bool  # grid workers walk a loop; others drift along the road

    def pos(self, t: float) -> tuple[float, float]:
        a = self.omega * t + self.phase
        if self.loop:
            u = self.u0 + self.au * math.cos(a)
            v = self.v0 + self.av * math.sin(a)
        else:
            u = self.u0 + self.au * math.sin(a)
            v = self.v0 + self.av * math.sin(2.3 * a + 1.0)
        u = min(max(u, 0.03), 0.97)
        v = min(max(v, 0.03), 0.97)
        return geo.cell_point(self.town, self.col, self.row, u, v)


class _World:
    """Everything built from the seed: the baseline plus the hidden facts behind it."""

    def __init__(self, seed: int, day: date):
        rng = random.Random(seed)
        self.seed = seed
        self.day_start = day_start_of(day)
        self.course = geo.build_course()
        self.org: list[OrgUnit] = []
        self.cell_grid: dict[tuple[int, int, int], str] = {}
        self.grid_community: dict[str, int] = {}
        self.community_ids: list[str] = []
        self.community_cells: list[list[tuple[int, int, int]]] = []
        self.grid_units: dict[str, OrgUnit] = {}
        self._build_org()
        self.cameras: list[Camera] = []
        self.camera_s: dict[str, float] = {}
        self._build_cameras()
        self.resources: list[Resource] = []
        self.movers: list[_Mover] = []
        self.grid_worker_of: dict[str, str] = {}
        self._build_resources(rng)
        self.plans = _plans()

    # ------------------------------------------------------------------ org
    def _build_org(self) -> None:
        self.org.append(OrgUnit(id="D", name=DISTRICT_NAME, level="district",
                                center_x=geo.AREA_W / 2, center_y=geo.AREA_H / 2))
        cidx = 0
        for t in range(geo.TOWNS):
            tid = f"T{t + 1}"
            tx = (t + 0.5) * geo.TOWN_W
            self.org.append(OrgUnit(id=tid, name=TOWN_NAMES[t], level="town", parent="D",
                                    center_x=_r1(tx), center_y=_r1(geo.bank_y(tx) / 2)))
            cells = [(t, c, r) for r in range(geo.ROWS) for c in range(geo.COLS_PER_TOWN)]
            n_comm = COMMUNITIES_PER_TOWN[t]
            size = len(cells) // n_comm
            for k in range(n_comm):
                cid = f"{tid}-C{k + 1:02d}"
                chunk = cells[k * size:(k + 1) * size]
                name = COMMUNITY_NAMES[cidx]
                grids = []
                for g, cell in enumerate(chunk):
                    gid = f"{cid}-G{g + 1}"
                    cx, cy = geo.cell_point(*cell, 0.5, 0.5)
                    tags = []
                    if cell[2] == 0:
                        tags.append("riverside")
                    if cell[2] >= geo.ROWS - 2:
                        tags.append("forest_adjacent")
                    if cell[2] <= 1:
                        tags.append("course")
                    unit = OrgUnit(id=gid, name=f"{name}第{g + 1}网格", level="grid", parent=cid,
                                   polygon=geo.cell_polygon(*cell), center_x=_r1(cx),
                                   center_y=_r1(cy), tags=tags)
                    grids.append(unit)
                    self.cell_grid[cell] = gid
                    self.grid_community[gid] = cidx
                    self.grid_units[gid] = unit
                ccx = sum(u.center_x for u in grids) / len(grids)
                ccy = sum(u.center_y for u in grids) / len(grids)
                self.org.append(OrgUnit(id=cid, name=name, level="community", parent=tid,
                                        center_x=_r1(ccx), center_y=_r1(ccy)))
                self.org.extend(grids)
                self.community_ids.append(cid)
                self.community_cells.append(chunk)
                cidx += 1

    def locate(self, x: float, y: float) -> tuple[str, str]:
        """(grid id, town id) of a point."""
        cell = geo.grid_cell(x, y)
        return self.cell_grid[cell], f"T{cell[0] + 1}"

    # ------------------------------------------------------------------ cameras
    def _build_cameras(self) -> None:
        L = self.course.length
        riverside_len = self.course.cum[
            next(i for i, p in enumerate(self.course.points) if p[0] >= geo.COURSE_TURN_X)]
        mid_zones = ("观众区", "补给站", "医疗点", "路口", "桥下", "观景台", "步道口", "广场")
        for i in range(CAMERA_COUNT):
            s = 120.0 + i * (L - 240.0) / (CAMERA_COUNT - 1)
            road = "滨江路" if s <= riverside_len + 300 else "江南大道"
            if s < 1300:
                zone = "起点区"
            elif L - s < 1300:
                zone = "终点区"
            elif abs(s - riverside_len) < 500:
                zone = "折返点"
            else:
                zone = mid_zones[(i * 5) % len(mid_zones)]
            si = int(round(s / 10.0) * 10)
            name = f"{road} K{si // 1000}+{si % 1000:03d} {zone}"
            x, y = geo.clamp_to_land(*self.course.offset(s, 14.0))
            grid, town = self.locate(x, y)
            cid = f"CAM{i + 1:02d}"
            # it stands 14 m left of the course and looks across it (compass degrees, 90° wide)
            _, _, h = self.course.at(s)
            heading = float(round(math.degrees(math.atan2(math.sin(h), -math.cos(h))) % 360.0))
            self.cameras.append(Camera(id=cid, name=name, grid=grid, town=town, x=_r1(x),
                                       y=_r1(y), stream=f"sim://{cid}", main=f"sim://{cid}",
                                       heading=heading, fov=CAMERA_FOV))
            self.camera_s[cid] = s

    # ------------------------------------------------------------------ resources
    def _add(self, rng: random.Random, kind: str, name: str, unit: str, skills: list[str],
             x: float, y: float, *, status: str = "available", mobile: bool = True,
             loop: bool = False, amp: float = 0.25) -> Resource:
        x, y = geo.clamp_to_land(x, y)
        t, c, r, u, v = geo.cell_uv(x, y)
        u = min(max(u, 0.08), 0.92)
        v = min(max(v, 0.08), 0.92)
        rid = f"R{len(self.resources) + 1:04d}"
        mover = None
        if mobile and status != "off_duty":
            if loop:
                mover = _Mover(rid, t, c, r, 0.5, 0.5, 0.3, 0.3,
                               2 * math.pi / rng.uniform(1200, 3600), rng.uniform(0, 6.283), True)
            else:
                mover = _Mover(rid, t, c, r, u, v, rng.uniform(0.02, amp), rng.uniform(0.0, 0.04),
                               2 * math.pi / rng.uniform(600, 2400), rng.uniform(0, 6.283), False)
            self.movers.append(mover)
            x, y = mover.pos(self.day_start)
        else:
            x, y = geo.cell_point(t, c, r, u, v)
        res = Resource(id=rid, name=name, kind=kind, unit=unit, grid=self.cell_grid[(t, c, r)],
                       town=f"T{t + 1}", skills=skills, status=status, x=_r1(x), y=_r1(y))
        self.resources.append(res)
        return res

    def _course_point(self, rng: random.Random, side_max: float = 45.0) -> tuple[float, float]:
        L = self.course.length
        # more people near the start and the finish
        p = rng.random()
        if p < 0.15:
            s = rng.uniform(0, 1500)
        elif p < 0.3:
            s = rng.uniform(L - 1500, L)
        else:
            s = rng.uniform(0, L)
        side = rng.uniform(8, side_max) * (1 if rng.random() < 0.5 else -1)
        return self.course.offset(s, side)

    def _build_resources(self, rng: random.Random) -> None:
        pick = lambda pool, lo, hi: rng.sample(pool, rng.randint(lo, hi))  # noqa: E731
        # grid workers: one per grid, walking a loop in their grid
        for unit in self.org:
            if unit.level != "grid":
                continue
            comm = COMMUNITY_NAMES[self.grid_community[unit.id]]
            res = self._add(rng, "grid_worker", person_name(rng), f"{comm}网格站",
                            pick(["日常巡查", "信息采集", "隐患排查", "矛盾调解", "应急协助"], 2, 3),
                            unit.center_x, unit.center_y, loop=True)
            self.grid_worker_of[unit.id] = res.id
        # community staff: two per community
        for ci, cells in enumerate(self.community_cells):
            name = COMMUNITY_NAMES[ci]
            office = name + ("村委会" if name.endswith("村") else "居委会")
            for _ in range(2):
                cell = rng.choice(cells)
                x, y = geo.cell_point(*cell, rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8))
                self._add(rng, "community_staff", person_name(rng), office,
                          pick(["群众工作", "应急疏散", "隐患排查", "信息上报"], 1, 2), x, y,
                          amp=0.1)
        # volunteers and social workers along the course
        for kind, n, off in (("volunteer", 1720, 0.06), ("social_worker", 420, 0.1)):
            for _ in range(n):
                x, y = self._course_point(rng)
                t = geo.grid_cell(*geo.clamp_to_land(x, y))[0]
                if kind == "volunteer":
                    unit = f"{TOWN_NAMES[t]}志愿者服务队"
                    skills = pick(["秩序引导", "补给服务", "AED", "外语服务", "医疗辅助", "应急疏散"], 1, 2)
                else:
                    unit = f"{TOWN_SHORT[t]}社会工作服务站"
                    skills = pick(["心理疏导", "人员安抚", "秩序引导", "应急疏散", "走失寻人"], 1, 2)
                status = "off_duty" if rng.random() < off else "available"
                self._add(rng, kind, person_name(rng), unit, skills, x, y, status=status)
        # police along the course
        for _ in range(120):
            x, y = self._course_point(rng, 30.0)
            t = geo.grid_cell(*geo.clamp_to_land(x, y))[0]
            self._add(rng, "police", person_name(rng), f"南岸区公安分局{TOWN_SHORT[t]}派出所",
                      pick(["现场警戒", "秩序维护", "驱离处置", "人员疏散"], 2, 3), x, y,
                      status="off_duty" if rng.random() < 0.05 else "available")
        # traffic police: along the course and on the inland roads
        for i in range(60):
            if i % 3 == 2:
                t = rng.randrange(geo.TOWNS)
                x, y = geo.cell_point(t, rng.randrange(3), rng.randrange(2, 8),
                                      rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9))
            else:
                x, y = self._course_point(rng, 25.0)
            self._add(rng, "traffic_police", person_name(rng), f"南岸区交巡警支队第{i % 4 + 1}大队",
                      pick(["交通疏导", "违停处置", "道路管制"], 1, 2), x, y)
        # medical teams at aid points every ~700 m
        L = self.course.length
        for i in range(30):
            x, y = self.course.offset((i + 0.5) * L / 30, -20.0)
            self._add(rng, "medical", f"120急救 {i + 1}组", "南岸区急救中心",
                      ["院前急救", "AED", "伤员转运"], x, y, mobile=False)
        # fire: stations near the course and in town
        for i in range(10):
            t = i % geo.TOWNS
            if i < 5:
                x, y = self.course.offset((i + 0.5) * L / 5, -120.0)
            else:
                x, y = geo.cell_point(t, 1, rng.randrange(3, 7), 0.5, 0.5)
            t = geo.grid_cell(*geo.clamp_to_land(x, y))[0]
            self._add(rng, "fire", f"消防救援 {i + 1}班", f"南岸区消防救援支队{TOWN_SHORT[t]}站",
                      ["灭火", "抢险救援"], x, y, mobile=False)
        # forest fire squads in the hills
        for i in range(8):
            t = i % geo.TOWNS
            x, y = geo.cell_point(t, rng.randrange(3), rng.randrange(8, 10),
                                  rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8))
            self._add(rng, "forest_fire", f"森林消防 {i + 1}分队", "南山森林消防大队",
                      ["森林灭火", "隐患清理", "风力灭火机"], x, y, mobile=False)
        # law enforcement: 20, spread across towns
        for i in range(20):
            t = i % geo.TOWNS
            x, y = geo.cell_point(t, rng.randrange(3), rng.randrange(0, 10),
                                  rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9))
            self._add(rng, "law_enforcement", person_name(rng),
                      f"南岸区城市管理综合执法支队{TOWN_SHORT[t]}中队",
                      pick(["行政执法", "责令整改", "占道治理", "现场取证"], 2, 3), x, y, amp=0.15)

    def baseline(self) -> Baseline:
        return Baseline(name=BASELINE_NAME, day_start=self.day_start, org=self.org,
                        resources=self.resources, cameras=self.cameras, plans=self.plans,
                        course=list(self.course.points), case_types=list(CASE_TYPES),
                        work_hours=list(CASE_WORK_HOURS))

    # ------------------------------------------------------------------ crowd
    def crowd_level(self, camera_id: str, t: float) -> float:
        s = self.camera_s.get(camera_id)
        if s is None:
            return 0.0
        L = self.course.length
        h = (t - self.day_start) / 3600.0 + DAY_START_H  # local hour
        # spectators along the course
        if h < 7.0:
            spec = 0.05
        elif h < 8.5:
            spec = 0.15 + 0.35 * (h - 7.0) / 1.5
        elif h < 11.5:
            spec = 0.5
        elif h < 14.0:
            spec = 0.5 - 0.38 * (h - 11.5) / 2.5
        elif h < 18.5:
            spec = 0.12
        elif h < 21.0:
            spec = 0.22  # evening riverside walkers
        else:
            spec = 0.1
        hot = 1.0
        if s < 1500:
            hot = 1.35
        elif L - s < 1500:
            hot = 1.3
        level = spec * hot
        # start pens fill up before the gun and empty after it
        if s < 1500:
            if 7.0 <= h < 8.0:
                level += 0.45 * (h - 7.0)
            elif 8.0 <= h < 8.4:
                level += 0.45 * (1.0 - (h - 8.0) / 0.4)
        # the runners' pack
        dt = (h - RACE_START_H) * 3600.0
        if dt > 60.0:
            pace = s / dt
            pack = math.exp(-((pace - 3.1) / 0.75) ** 2)
            level += 0.55 * pack
        # finish area after the first finishers
        if L - s < 1500 and 9.0 <= h < 12.5:
            level += 0.35 * math.sin(math.pi * (h - 9.0) / 3.5)
        # a little per-camera flicker
        k = int(camera_id[3:]) if camera_id[3:].isdigit() else 0
        level += 0.04 * math.sin(t / 97.0 + k * 1.7) + 0.03 * math.sin(t / 31.0 + k)
        return min(max(level, 0.0), 1.0)


def _plans() -> list[Plan]:
    R = PlanRole
    return [
        Plan(id="P01", name="大客流踩踏风险处置预案", kinds=["crowd_density"],
             roles=[R(kind="volunteer", count=4), R(kind="police", count=2)], notify=["medical"]),
        Plan(id="P02", name="警戒线闯入处置预案", kinds=["cordon_intrusion"],
             roles=[R(kind="volunteer", count=2), R(kind="police", count=1)]),
        Plan(id="P03", name="动物闯入赛道处置预案", kinds=["animal"],
             roles=[R(kind="volunteer", count=2), R(kind="police", count=1)]),
        Plan(id="P04", name="人员倒地急救预案", kinds=["fall"],
             roles=[R(kind="medical", count=1), R(kind="volunteer", count=1)]),
        Plan(id="P05", name="烟雾火情先期处置预案", kinds=["smoke"],
             roles=[R(kind="fire", count=1), R(kind="volunteer", count=1)]),
        Plan(id="P06", name="森林火灾隐患处置预案", kinds=["fire_hazard"],
             roles=[R(kind="forest_fire", count=2), R(kind="law_enforcement", count=1),
                    R(kind="community_staff", count=1)]),
        Plan(id="P07", name="道路落石处置预案", kinds=["rockfall"],
             roles=[R(kind="law_enforcement", count=1), R(kind="community_staff", count=2),
                    R(kind="grid_worker", count=1)]),
        Plan(id="P08", name="违停占道处置预案", kinds=["illegal_parking"],
             roles=[R(kind="traffic_police", count=1)]),
        Plan(id="P09", name="路面杂物清理预案", kinds=["debris"],
             roles=[R(kind="grid_worker", count=1), R(kind="volunteer", count=1)]),
    ]


_WORLDS: dict[tuple[int, date], _World] = {}


def _world(seed: int, day: date) -> _World:
    # built once per (seed, day); callers get fresh copies of the baseline
    w = _WORLDS.get((seed, day))
    if w is None:
        if len(_WORLDS) > 4:
            _WORLDS.clear()
        w = _WORLDS[(seed, day)] = _World(seed, day)
    return w


def build_marathon_baseline(seed: int = 7, day: date = DEFAULT_DAY) -> Baseline:
    """The marathon world: org tree, course, 65 cameras, ~2,450 people, 9 plans."""
    # a deep copy, so a caller mutating its baseline cannot change another's
    b = _world(seed, day).baseline()
    return msgspec.convert(msgspec.to_builtins(b), Baseline)


# ====================================================================== timeline

_ALERT_TEXT = {
    "crowd_density": "人群密度超阈值",
    "cordon_intrusion": "人员翻越警戒线",
    "animal": "犬只靠近赛道",
    "fall": "人员倒地",
    "smoke": "疑似烟雾",
    "illegal_parking": "车辆违停占用应急通道",
    "debris": "赛道散落杂物",
}

#: (until local hour, per-minute alert rate, kind weights)
_PERIODS = (
    (8.0, 0.45, {"crowd_density": 3, "cordon_intrusion": 2, "illegal_parking": 3, "fall": 0.5,
                 "animal": 0.3, "debris": 1, "smoke": 0.2}),
    (11.0, 0.6, {"crowd_density": 5, "cordon_intrusion": 2.5, "fall": 2, "illegal_parking": 1.5,
                 "debris": 0.8, "animal": 0.3, "smoke": 0.3}),
    (14.0, 0.3, {"crowd_density": 2.5, "fall": 1, "illegal_parking": 2, "cordon_intrusion": 1,
                 "debris": 1.5, "smoke": 0.4, "animal": 0.3}),
    (18.0, 0.12, {"crowd_density": 1, "illegal_parking": 3, "debris": 1.5, "smoke": 0.5,
                  "fall": 0.5, "animal": 0.5, "cordon_intrusion": 0.3}),
    (DAY_END_H, 0.06, {"crowd_density": 1, "illegal_parking": 2, "debris": 1, "smoke": 0.6,
                       "fall": 0.6, "animal": 0.4}),
)

#: grid-worker reports: (local hour, kind, text, tag of the grid to use, severity)
_REPORTS = (
    (8.7, "debris", "赛道旁绿化带广告牌倒伏，散落路面", "riverside", "warning"),
    (10.35, "fire_hazard", FIRE_HAZARD_TEXT, "forest_adjacent", "warning"),
    (12.2, "illegal_parking", "小区消防通道被货车占用", "course", "warning"),
    (14.6, "rockfall", ROCKFALL_TEXT, "forest_adjacent", "warning"),
    (16.9, "other", "江边步道护栏松动，有坠落风险", "riverside", "warning"),
    (19.4, "debris", "夜市收摊后垃圾堆积占道", "course", "info"),
)


def _box(rng: random.Random, label: str, w: tuple[float, float], h: tuple[float, float],
         score: tuple[float, float] = (0.62, 0.97)) -> Detection:
    bw, bh = rng.uniform(*w), rng.uniform(*h)
    return Detection(label=label, score=round(rng.uniform(*score), 2),
                     x=round(rng.uniform(0.02, 0.98 - bw), 3),
                     y=round(rng.uniform(0.25, 0.98 - bh), 3), w=round(bw, 3), h=round(bh, 3))


def _detections(rng: random.Random, kind: str) -> list[Detection]:
    if kind == "crowd_density":
        return [_box(rng, "person", (0.02, 0.05), (0.08, 0.16)) for _ in range(rng.randint(6, 14))]
    if kind == "cordon_intrusion":
        return [_box(rng, "person", (0.04, 0.08), (0.18, 0.3))]
    if kind == "animal":
        return [_box(rng, "dog", (0.06, 0.12), (0.06, 0.12))]
    if kind == "fall":
        return [_box(rng, "person_fallen", (0.1, 0.18), (0.06, 0.1))]
    if kind == "smoke":
        return [_box(rng, "smoke", (0.12, 0.3), (0.15, 0.3), (0.55, 0.9))]
    if kind == "illegal_parking":
        return [_box(rng, "car", (0.15, 0.25), (0.12, 0.2))]
    return [_box(rng, "debris", (0.05, 0.15), (0.04, 0.1))]


class MarathonScenario:
    """The marathon day as a timeline of world messages (camera AI, reports, positions)."""

    name = "marathon"

    def __init__(self, seed: int = 7, start: float | None = None, *, day: date = DEFAULT_DAY):
        self.seed = seed
        self._w = _world(seed, day)
        self._baseline = build_marathon_baseline(seed, day)
        ds = self._w.day_start
        self._start = ds if start is None else float(start)
        self._end = ds + (DAY_END_H - DAY_START_H) * 3600.0
        self._last = self._start
        self._events: list[tuple[float, int, str, object]] = self._build_events()
        self._events.sort(key=lambda e: (e[0], e[1]))
        self._times = [e[0] for e in self._events]
        self._idx = bisect.bisect_right(self._times, self._start)
        self._movers = self._w.movers

    # ------------------------------------------------------------------ properties
    @property
    def baseline(self) -> Baseline:
        return self._baseline

    @property
    def start_time(self) -> float:
        return self._start

    @property
    def end_time(self) -> float:
        return self._end

    @property
    def day_start(self) -> float:
        return self._w.day_start

    def crowd_level(self, camera_id: str, t: float) -> float:
        """0..1: how crowded the camera's view is at hub time t."""
        return self._w.crowd_level(camera_id, t)

    def serve_streams(self, url_for) -> None:
        """Point the cameras' records at real streams: `url_for(camera id, "main" | "sub")` → URL.

        Called before the baseline goes out (console/scenarios/streams.py serves them);
        `stream` keeps `sim://<id>` for consoles that predate main/sub.
        """
        for cam in self._baseline.cameras:
            cam.main = url_for(cam.id, "main")
            cam.sub = url_for(cam.id, "sub")

    def scheduled(self) -> list[tuple[float, str, object]]:
        """Every non-position message of the day (whatever `start`), in time order."""
        return [(t, typ, body) for t, _, typ, body in self._events]

    # ------------------------------------------------------------------ timeline
    def _build_events(self) -> list[tuple[float, int, str, object]]:
        return self._marathon_alerts() + self._reports() + self._camera_outages()

    def _alert(self, aid: str, cam: Camera, kind: str, severity: str, title: str, t: float,
               dets: list[Detection], rng: random.Random, value: float | None = None) -> Alert:
        x, y = geo.clamp_to_land(cam.x + rng.uniform(-12, 12), cam.y + rng.uniform(-12, 12))
        grid, town = self._w.locate(x, y)
        return Alert(id=aid, source="camera", kind=kind, severity=severity, title=title, at=t,
                     x=_r1(x), y=_r1(y), grid=grid, town=town, camera=cam.id, detections=dets,
                     snapshot=f"snap://{cam.id}/{int(t)}",
                     text=f"{cam.name} AI识别：{title}",
                     value=value, unit=CROWD_UNIT if value is not None else "")

    def _marathon_alerts(self) -> list[tuple[float, int, str, object]]:
        w = self._w
        rng = random.Random(self.seed * 1_000_003 + 11)
        ds = w.day_start
        cams = w.cameras
        #: (time, camera, kind, severity, title, detections, measured value)
        raw: list[tuple[float, Camera, str, str, str, list[Detection], float | None]] = []
        # the loose dog at the cordon, 07:30, on a start-area camera
        dog_t = ds + 1800.0
        dog_cam = cams[1]
        raw.append((dog_t, dog_cam, "animal", "critical", DOG_TITLE,
                    [Detection(label="dog", score=0.94, x=0.46, y=0.55, w=0.09, h=0.1),
                     Detection(label="cordon", score=0.88, x=0.0, y=0.66, w=1.0, h=0.03)], None))
        t = ds
        start_h = DAY_START_H
        for until_h, rate, weights in _PERIODS:
            end = ds + (until_h - DAY_START_H) * 3600.0
            t = max(t, ds + (start_h - DAY_START_H) * 3600.0)
            kinds = list(weights)
            wts = [weights[k] for k in kinds]
            while True:
                t += rng.expovariate(rate / 60.0)
                if t >= end:
                    t = end
                    break
                if abs(t - dog_t) < 45.0:
                    continue
                kind = rng.choices(kinds, wts)[0]
                levels = [w.crowd_level(c.id, t) for c in cams]
                if kind == "crowd_density":
                    cand = [(c, lv) for c, lv in zip(cams, levels) if lv >= 0.55]
                    if not cand:
                        kind = "illegal_parking"
                    else:
                        cam, lv = rng.choices(cand, [lv ** 4 for _, lv in cand])[0]
                        d = 2.0 + 3.2 * lv + rng.uniform(-0.2, 0.3)
                        sev = "critical" if lv > 0.85 else "warning"
                        d = round(d, 1)
                        raw.append((t, cam, kind, sev, f"人群密度超阈值 {d:.1f}人/㎡",
                                    _detections(rng, kind), d))
                        continue
                if kind in ("fall", "cordon_intrusion"):
                    cam = rng.choices(cams, [0.05 + lv ** 2 for lv in levels])[0]
                else:
                    cam = rng.choice(cams)
                if kind == "fall":
                    sev = "critical"
                elif kind == "smoke":
                    sev = "critical" if rng.random() < 0.3 else "warning"
                elif kind == "illegal_parking":
                    sev = "info" if rng.random() < 0.6 else "warning"
                else:
                    sev = "warning"
                raw.append((t, cam, kind, sev, _ALERT_TEXT[kind], _detections(rng, kind), None))
            start_h = until_h
        raw.sort(key=lambda r: r[0])
        out = []
        for n, (t, cam, kind, sev, title, dets, value) in enumerate(raw, 1):
            t = round(t, 1)
            alert = self._alert(f"A{n:04d}", cam, kind, sev, title, t, dets, rng, value)
            out.append((t, 0, "ingest.alert", IngestAlert(alert=alert)))
        return out

    def _report(self, t: float, kind: str, text: str, grid_tag: str, severity: str,
                rng: random.Random, n: int) -> tuple[float, int, str, object]:
        w = self._w
        grids = [u for u in w.grid_units.values() if grid_tag in u.tags]
        grids.sort(key=lambda u: u.id)
        g = rng.choice(grids)
        rid = w.grid_worker_of[g.id]
        cell = geo.grid_cell(g.center_x, g.center_y)
        x, y = geo.cell_point(*cell, rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8))
        return (round(t, 1), 1, "cmd.report",
                CmdReport(kind=kind, text=text, x=_r1(x), y=_r1(y), grid=g.id,
                          photo=f"photo://{rid}/{n:04d}.jpg", severity=severity))

    def _reports(self) -> list[tuple[float, int, str, object]]:
        rng = random.Random(self.seed * 1_000_003 + 23)
        ds = self._w.day_start
        out = []
        for n, (h, kind, text, tag, sev) in enumerate(_REPORTS, 1):
            t = ds + (h - DAY_START_H) * 3600.0 + rng.uniform(-300, 300)
            out.append(self._report(t, kind, text, tag, sev, rng, n))
        return out

    def _camera_outages(self) -> list[tuple[float, int, str, object]]:
        rng = random.Random(self.seed * 1_000_003 + 37)
        ds = self._w.day_start
        out = []
        for _ in range(4):
            cam = rng.choice(self._w.cameras[3:])  # never the start-area dog camera
            t0 = ds + rng.uniform(1.2, 13.5) * 3600.0
            t1 = t0 + rng.uniform(120, 420)
            out.append((round(t0, 1), 2, "ingest.camera_status",
                        IngestCameraStatus(camera=cam.id, online=False)))
            out.append((round(t1, 1), 2, "ingest.camera_status",
                        IngestCameraStatus(camera=cam.id, online=True)))
        return out

    def positions_at(self, k: int) -> IngestPositions:
        """Batch k (at start + 10·k s): one group of the patrolling people."""
        t = self._start + k * POSITION_BATCH_S
        moves = []
        for m in self._movers[k % POSITION_GROUPS::POSITION_GROUPS]:
            x, y = m.pos(t)
            moves.append((m.rid, _r1(x), _r1(y)))
        return IngestPositions(moves=moves)

    def due(self, now: float, *, hold: set[str] | frozenset[str] | None = None
            ) -> list[tuple[str, object]]:
        """World messages with time in (last call's now, now], in time order.

        `hold`: resource ids whose drift must not be reported (e.g. people on a
        task, whom the field simulator moves instead).
        """
        last = self._last
        if now <= last:
            return []
        now = min(now, max(self._end, last))
        self._last = now
        out: list[tuple[float, int, str, object]] = []
        while self._idx < len(self._events) and self._events[self._idx][0] <= now:
            out.append(self._events[self._idx])
            self._idx += 1
        k0 = int(math.floor((last - self._start) / POSITION_BATCH_S)) + 1
        k = max(k0, 1)
        while self._start + k * POSITION_BATCH_S <= now:
            body = self.positions_at(k)
            if hold:
                body = IngestPositions(moves=[m for m in body.moves if m[0] not in hold])
            if body.moves:
                out.append((self._start + k * POSITION_BATCH_S, 3, "ingest.positions", body))
            k += 1
        out.sort(key=lambda e: (e[0], e[1]))
        return [(typ, body) for _, _, typ, body in out]

    @property
    def finished(self) -> bool:
        return self._last >= self._end


class ReportScenario(MarathonScenario):
    """A short drill on the marathon baseline: one grid-worker report at start + 10 s."""

    def __init__(self, kind: str, seed: int = 7, start: float | None = None, *,
                 day: date = DEFAULT_DAY):
        if kind not in ("fire_hazard", "rockfall"):
            raise ValueError(f"no report scenario {kind!r}")
        self.name = kind
        self._kind = kind
        super().__init__(seed, start, day=day)
        self._end = self._start + 2 * 3600.0

    def _build_events(self) -> list[tuple[float, int, str, object]]:
        rng = random.Random(self.seed * 1_000_003 + 51)
        text = FIRE_HAZARD_TEXT if self._kind == "fire_hazard" else ROCKFALL_TEXT
        return [self._report(self._start + 10.0, self._kind, text, "forest_adjacent",
                             "warning", rng, 1)]
