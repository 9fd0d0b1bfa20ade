"""Cases (一办到底) on the marathon world and the site's case catalog: a case's stages, each on
its own working-time clock, and its paths (extension, return, suspension, another town)."""

from datetime import datetime
from pathlib import Path

import pytest

from console.domain.cases import case_action_live, case_clock, on_time
from console.domain.localtime import TZ, local
from console.domain.rules import Actor
from console.protocol import messages as m
from console.site.case_types import read_case_types
from tests.domain.test_domain import CMDR, T1, T2, Hub

SITE = Path(__file__).resolve().parents[2] / "resources" / "sites" / "marathon"


def at(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ).timestamp()


def shown(t: float | None) -> str:
    return "—" if t is None else local(t).strftime("%Y-%m-%d %H:%M")


class CaseHub(Hub):
    """The marathon hub with the site folder's case catalog, and two grid workers' field pages."""

    def __init__(self):
        super().__init__()
        errors = []
        types, hours = read_case_types(SITE, lambda *e: errors.append(e), set(self.state.plans))
        assert not errors and types
        self.emit([("case_types_changed", m.CaseTypesChanged(case_types=types, work_hours=hours))])
        workers = sorted(r.id for r in self.state.resources.values()
                         if r.kind == "grid_worker" and r.town == "T1")
        self.reporter_id, self.worker_id = workers[0], workers[1]
        self.reporter = Actor(f"网格员 {self.reporter_id}", "field", None, resource=self.reporter_id)
        self.worker = Actor(f"网格员 {self.worker_id}", "field", None, resource=self.worker_id)

    def report(self, kind: str, when: str, text: str = "隐患") -> str:
        r = self.state.resources[self.reporter_id]
        events = self.do(self.reporter, "cmd.report", m.CmdReport(kind=kind, text=text, x=r.x, y=r.y, grid=r.grid,
                                                                   photo="photo://field/1.jpg"), at=at(when))
        return events[0][1].incident

    def dispatch(self, inc: str, resource: str, when: str, actor: Actor = T1) -> str:
        self.do(actor, "cmd.dispatch", m.CmdDispatch(incident=inc, resource=resource), at=at(when))
        return self.inc(inc).tasks[-1]

    def work(self, task: str, who: Actor, accepted: str, arrived: str) -> None:
        self.do(who, "cmd.task_update", m.CmdTaskUpdate(task=task, status="accepted"), at=at(accepted))
        self.do(who, "cmd.task_update", m.CmdTaskUpdate(task=task, status="arrived"), at=at(arrived))

    def case(self, inc: str):
        return self.inc(inc).case


@pytest.fixture
def hub():
    return CaseHub()


def test_an_emergency_kind_opens_no_case_and_a_working_time_kind_does(hub):
    crowd = hub.alert("crowd_density", at=at("2026-03-10 09:00"))
    assert hub.inc(crowd).case is None
    inc = hub.report("rockfall", "2026-03-10 10:00", "南山路落石")
    case = hub.case(inc)
    assert (case.type, case.promise, case.limit, case.stage, case.photo_required) == (
        "rockfall", "working_hours", 2, "registered", True)
    assert {s: shown(t) for s, t in case.due.items()} == {
        "dispatched": "2026-03-10 10:15", "accepted": "2026-03-10 10:30", "on_site": "2026-03-10 11:00",
        "handled": "2026-03-10 12:00", "verified": "2026-03-11 09:00", "closed": "2026-03-11 10:00"}


def test_a_case_handled_on_time_is_verified_with_the_reporters_photo_and_closed(hub):
    inc = hub.report("rockfall", "2026-03-10 10:00", "南山路落石")
    task = hub.dispatch(inc, hub.worker_id, "2026-03-10 10:05")
    assert hub.case(inc).stage == "dispatched"
    hub.work(task, hub.worker, "2026-03-10 10:07", "2026-03-10 10:40")
    assert hub.case(inc).stage == "on_site"
    # verification before the worker's report, and the worker verifying, are refused
    assert hub.refused(hub.reporter, "cmd.verify", m.CmdVerify(incident=inc, photo="p")).code == "invalid_state"
    events = hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(
        incident=inc, note="落石已清理，护网已装", photos=["photo://field/2.jpg"]), at=at("2026-03-10 11:30"))
    assert [t for t, _ in events] == ["task_done", "case_handled"]
    case = hub.case(inc)
    assert case.stage == "handled" and case.photos == ["photo://field/2.jpg"] and case.handled_by == hub.worker_id
    assert hub.state.resources[hub.worker_id].status == "available"
    assert hub.refused(hub.worker, "cmd.verify", m.CmdVerify(incident=inc, photo="p")).code == "forbidden"
    assert hub.refused(hub.reporter, "cmd.verify", m.CmdVerify(incident=inc)).code == "photo_required"
    assert case_action_live(hub.state, "cmd.verify", inc, hub.reporter) is None
    hub.do(hub.reporter, "cmd.verify", m.CmdVerify(incident=inc, note="已无落石", photo="photo://field/3.jpg"),
           at=at("2026-03-10 14:10"))
    hub.do(CMDR, "cmd.close", m.CmdIncident(incident=inc), at=at("2026-03-10 14:20"))
    case = hub.case(inc)
    assert case.stage == "closed" and case.verify_photo == "photo://field/3.jpg"
    assert all(on_time(case, s) for s in ("dispatched", "accepted", "on_site", "handled", "verified", "closed"))
    assert case_clock(case, at("2026-03-10 15:00")).waiting_for is None
    steps = [s.what for s in hub.inc(inc).timeline]
    assert steps[-4:] == ["task_done", "case_handled", "case_verified", "closed"]


def test_a_failed_verification_sends_the_case_back_to_work(hub):
    inc = hub.report("debris", "2026-03-10 09:00")
    task = hub.dispatch(inc, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:06", "2026-03-10 09:30")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=inc, photos=["p1"]), at=at("2026-03-10 10:00"))
    hub.do(hub.reporter, "cmd.verify", m.CmdVerify(incident=inc, passed=False, note="还有碎石"),
           at=at("2026-03-10 10:30"))
    case = hub.case(inc)
    assert case.rework == 1 and "handled" not in case.reached and case.stage == "on_site"
    assert hub.inc(inc).timeline[-1].what == "case_rejected"
    # the worker reports again on the same task
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=inc, photos=["p2"]), at=at("2026-03-10 11:00"))
    assert hub.case(inc).stage == "handled"


def test_a_case_left_past_its_limit_is_overdue_and_goes_to_the_district(hub):
    # Friday 17:50 with 5 working hours: due Monday 15:30
    inc = hub.report("debris", "2026-03-06 17:50", "路面大量碎石")
    case = hub.case(inc)
    assert shown(case.due["handled"]) == "2026-03-09 15:30"
    hub.dispatch(inc, hub.worker_id, "2026-03-09 08:35")
    clock = case_clock(hub.case(inc), at("2026-03-09 15:00"))
    assert clock.waiting_for == "accepted" and clock.overdue  # accepted was due 08:45+15
    assert not case_clock(hub.case(inc), at("2026-03-09 08:40")).overdue
    late = case_clock(hub.case(inc), at("2026-03-09 16:00"))
    assert late.overdue and late.left_s < 0
    hub.do(T1, "cmd.escalate", m.CmdIncident(incident=inc, note="本街道无法处置"), at=at("2026-03-09 16:05"))
    district = Actor("区城运中心 值班长", "commander", "D")
    hub.do(district, "cmd.accept_handoff", m.CmdIncident(incident=inc), at=at("2026-03-09 16:10"))
    assert hub.inc(inc).owner == "D"
    assert hub.case(inc).due["handled"] == case.due["handled"]  # the clock goes with the case
    assert case_clock(hub.case(inc), at("2026-03-09 16:10")).overdue


def test_an_approved_extension_moves_the_limit_in_working_time(hub):
    # 16:40 on the working day before National Day: 2 working hours end Thursday 8 October 09:40
    inc = hub.report("rockfall", "2026-09-30 16:40", "公墓路落石")
    assert shown(hub.case(inc).due["handled"]) == "2026-10-08 09:40"
    task = hub.dispatch(inc, hub.worker_id, "2026-09-30 16:45")
    hub.work(task, hub.worker, "2026-09-30 16:46", "2026-09-30 17:10")
    assert hub.refused(hub.worker, "cmd.request_extension", m.CmdRequestExtension(
        incident=inc, hours=4, reason=" ")).code == "bad_request"
    hub.do(hub.worker, "cmd.request_extension", m.CmdRequestExtension(
        incident=inc, hours=4, reason="需吊车清运大块落石"), at=at("2026-09-30 17:15"))
    assert hub.case(inc).extension.hours == 4
    assert case_action_live(hub.state, "cmd.approve_extension", inc, T1) is None
    hub.do(T1, "cmd.approve_extension", m.CmdAnswerExtension(incident=inc, note="同意"), at=at("2026-09-30 17:20"))
    case = hub.case(inc)
    assert case.extension is None and case.extended_hours == 4
    assert shown(case.due["handled"]) == "2026-10-08 15:40"
    assert case_action_live(hub.state, "cmd.approve_extension", inc, T1) == "invalid_state"
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=inc, photos=["p"]), at=at("2026-10-08 15:00"))
    assert on_time(hub.case(inc))
    assert [s.hours for s in hub.inc(inc).timeline if s.what.startswith("extension")] == [4, 4]


def test_a_case_returned_to_its_reporter_ends_with_the_reason(hub):
    inc = hub.report("other", "2026-03-10 09:00", "邻居装修噪音")
    task = hub.dispatch(inc, hub.worker_id, "2026-03-10 09:05")
    assert hub.refused(T1, "cmd.return", m.CmdReturn(incident=inc, reason="boring")).code == "bad_request"
    hub.do(T1, "cmd.return", m.CmdReturn(incident=inc, reason="not_ours", note="属住建部门"),
           at=at("2026-03-10 09:30"))
    case = hub.case(inc)
    assert case.returned == "not_ours" and hub.inc(inc).status == "closed"
    assert hub.state.tasks[task].status == "cancelled"
    assert case_clock(case, at("2026-03-20 09:00")).waiting_for is None
    assert on_time(case) is None  # never handled: neither on time nor late
    assert hub.inc(inc).timeline[-1].what == "closed"
    assert any(s.what == "case_returned" and s.cause == "not_ours" for s in hub.inc(inc).timeline)


def test_a_suspension_stops_the_clock_and_resuming_moves_it_by_the_working_time_it_stood(hub):
    inc = hub.report("other", "2026-03-10 09:00")  # 3 working days: due Friday 09:00
    assert shown(hub.case(inc).due["handled"]) == "2026-03-13 09:00"
    task = hub.dispatch(inc, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:06", "2026-03-10 09:30")
    hub.do(T1, "cmd.suspend", m.CmdSuspend(incident=inc, reason="awaiting_owner"), at=at("2026-03-11 09:00"))
    clock = case_clock(hub.case(inc), at("2026-03-20 09:00"))
    assert clock.suspended and clock.left_s > 0 and not clock.overdue
    assert hub.refused(T1, "cmd.case_handled", m.CmdCaseHandled(incident=inc)).code == "invalid_state"
    # suspended from Wednesday 09:00 to Thursday 09:00: one working day (7 h) later
    hub.do(T1, "cmd.resume", m.CmdIncident(incident=inc), at=at("2026-03-12 09:00"))
    case = hub.case(inc)
    assert case.suspended_at is None and case.suspended_s == 7 * 3600
    assert shown(case.due["handled"]) == "2026-03-16 09:00"


def test_a_case_passed_to_another_town_is_handled_there(hub):
    inc = hub.report("illegal_parking", "2026-03-10 14:00", "货车占用消防通道")
    hub.do(T1, "cmd.request_cooperation", m.CmdCooperation(incident=inc, to_center="T2", note="车主在花园路"),
           at=at("2026-03-10 14:05"))
    hub.do(T2, "cmd.accept_handoff", m.CmdIncident(incident=inc), at=at("2026-03-10 14:10"))
    other = sorted(r.id for r in hub.state.resources.values() if r.kind == "traffic_police" and r.town == "T2")[0]
    task = hub.dispatch(inc, other, "2026-03-10 14:12", actor=T2)
    police = Actor("交巡警", "field", None, resource=other)
    hub.work(task, police, "2026-03-10 14:13", "2026-03-10 14:40")
    hub.do(police, "cmd.case_handled", m.CmdCaseHandled(incident=inc, note="已拖离"), at=at("2026-03-10 15:00"))
    hub.do(T2, "cmd.verify", m.CmdVerify(incident=inc), at=at("2026-03-10 15:10"))  # no photo asked for
    hub.do(T1, "cmd.close", m.CmdIncident(incident=inc), at=at("2026-03-10 15:20"))
    case = hub.case(inc)
    assert "T2" in hub.inc(inc).partners and case.handled_by == other and case.stage == "closed"
    assert on_time(case)


def test_a_year_the_calendar_lacks_leaves_the_stage_without_a_clock(hub):
    inc = hub.report("rockfall", "2026-12-31 17:00")
    case = hub.case(inc)
    assert case.calendar_unknown == 2027
    assert "dispatched" in case.due and "handled" not in case.due
    hub.dispatch(inc, hub.worker_id, "2026-12-31 17:05")
    assert shown(hub.case(inc).due["accepted"]) == "2026-12-31 17:30"
    clock = case_clock(hub.case(inc), at("2026-12-31 17:40"))
    assert clock.waiting_for == "accepted" and clock.overdue
    task = hub.inc(inc).tasks[-1]
    hub.work(task, hub.worker, "2026-12-31 17:41", "2026-12-31 17:50")
    clock = case_clock(hub.case(inc), at("2027-01-05 09:00"))
    assert clock.waiting_for == "handled" and clock.due is None and not clock.overdue


def test_resuming_into_a_year_the_calendar_lacks_stops_the_clock_instead_of_guessing(hub):
    inc = hub.report("other", "2026-12-28 09:00")  # 3 working days: due 31 December 09:00
    hub.do(T1, "cmd.suspend", m.CmdSuspend(incident=inc, reason="weather"), at=at("2026-12-29 09:00"))
    hub.do(T1, "cmd.resume", m.CmdIncident(incident=inc), at=at("2027-01-04 09:00"))
    case = hub.case(inc)
    assert case.suspended_at is None and case.calendar_unknown == 2027
    assert "handled" not in case.due and "dispatched" not in case.due


def test_a_stalled_case_notifies_the_commander_and_past_its_limit_the_district(hub):
    from console.domain.cases import case_notices

    inc = hub.report("debris", "2026-03-10 09:00")  # dispatch due 09:30, handled due 16:00 (5 working h)
    assert case_notices(hub.state, at("2026-03-10 09:20")) == []
    [n] = case_notices(hub.state, at("2026-03-10 10:00"))
    assert (n.incident, n.waiting_for, n.level, n.overdue_s) == (inc, "dispatched", "commander", 30 * 60)
    assert case_notices(hub.state, at("2026-03-10 16:00"))[0].level == "commander"
    [n] = case_notices(hub.state, at("2026-03-10 16:30"))
    assert n.level == "district"
    hub.do(T1, "cmd.suspend", m.CmdSuspend(incident=inc, reason="weather"), at=at("2026-03-10 16:35"))
    assert case_notices(hub.state, at("2026-03-20 09:00"))[0].overdue_s == n.overdue_s + 5 * 60
