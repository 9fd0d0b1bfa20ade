"""The marathon area's case catalog: one case type per alert kind, and its working hours.

Emergency kinds (crowd, intrusion, animal, fall, smoke) keep the 60 s / 10 min promise;
hazards found on patrol (fire hazard, rockfall, debris, illegal parking, other) run on a
working-time limit and are verified after handling. `build_marathon_baseline` carries
them and scripts/make_marathon_site.py writes them to the site folder's cases.toml.
"""

from __future__ import annotations

from console.domain.model import CaseType

WORK_HOURS = ["08:30-12:00", "14:00-17:30"]


def _t(code, zh, en, promise="emergency", limit=0, responsible=(), departments=(), photo=False, plan=None,
       **extra) -> CaseType:
    return CaseType(code=code, zh=zh, en=en, promise=promise, limit=limit, responsible=list(responsible),
                    departments=list(departments), photo_required=photo, plan=plan, **extra)


CASE_TYPES: list[CaseType] = [
    _t("crowd_density", "大客流聚集", "Crowd build-up", responsible=["police", "volunteer"],
       departments=["南岸区公安分局", "街道志愿者服务队"], plan="P01"),
    _t("cordon_intrusion", "警戒线闯入", "Cordon intrusion", responsible=["police", "volunteer"],
       departments=["南岸区公安分局"], plan="P02"),
    _t("animal", "动物闯入", "Animal on the course", responsible=["volunteer", "police"],
       departments=["街道志愿者服务队"], plan="P03"),
    _t("fall", "人员倒地", "Person down", responsible=["medical", "volunteer"],
       departments=["南岸区急救中心"], plan="P04"),
    _t("smoke", "烟雾火情", "Smoke or fire", responsible=["fire", "volunteer"],
       departments=["南岸区消防救援支队"], plan="P05"),
    _t("fire_hazard", "森林火灾隐患", "Forest fire hazard", "working_hours", 4,
       ["forest_fire", "law_enforcement", "community_staff"],
       ["南岸区森林防火办", "南岸区城市管理综合执法支队", "社区居委会"], True, "P06", dispatch_minutes=15),
    _t("rockfall", "道路落石", "Rockfall on a road", "working_hours", 2,
       ["law_enforcement", "community_staff", "grid_worker"], ["南岸区城市管理综合执法支队", "社区居委会"],
       True, "P07", dispatch_minutes=15),
    _t("debris", "路面杂物", "Debris on the road", "working_hours", 5, ["grid_worker", "community_staff"],
       ["社区网格站"], True, "P09"),
    _t("illegal_parking", "违停占道", "Illegal parking", "working_hours", 2, ["traffic_police", "law_enforcement"],
       ["南岸区交巡警支队"], False, "P08"),
    _t("other", "其他事项", "Other matter", "working_days", 3, ["grid_worker", "community_staff"], ["社区居委会"],
       verify_hours=7),
]
