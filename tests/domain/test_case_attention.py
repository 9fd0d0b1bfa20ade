"""A case in the attention model: stalled past a stage's due time (the commander's, then the
district's notice), and the closure prompt only once it is verified."""

from __future__ import annotations

from console.domain import attention
from console.protocol import messages as m
from tests.domain.test_cases import CaseHub, at
from tests.domain.test_domain import T1


def test_stalled_case_is_the_attention_models_and_a_finished_one_is_not():
    hub = CaseHub()
    inc = hub.report("debris", "2026-03-10 09:00")  # dispatch due 09:30, handled due 16:00
    assert attention.stalled_case(hub.inc(inc), at("2026-03-10 09:20")) is None
    n = attention.stalled_case(hub.inc(inc), at("2026-03-10 10:00"))
    assert attention.notice_key(n) == (inc, "dispatched", "commander")
    assert attention.stalled_case(hub.inc(inc), at("2026-03-10 16:30")).level == "district"
    hub.do(T1, "cmd.false_alarm", m.CmdIncident(incident=inc), at=at("2026-03-10 16:40"))
    assert attention.stalled_case(hub.inc(inc), at("2026-03-10 17:00")) is None  # ended otherwise


def test_a_handled_case_waits_for_its_check_not_for_the_close_and_asks_to_be_closed_once_verified():
    from console.domain.focus import awaiting_closure

    hub = CaseHub()
    inc = hub.report("debris", "2026-03-10 09:00")
    task = hub.dispatch(inc, hub.worker_id, "2026-03-10 09:05")
    hub.work(task, hub.worker, "2026-03-10 09:06", "2026-03-10 09:30")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=inc, photos=["p1"]), at=at("2026-03-10 10:00"))
    assert hub.state.tasks[task].status == "done" and not awaiting_closure(hub.state, hub.inc(inc))
    hub.do(hub.reporter, "cmd.verify", m.CmdVerify(incident=inc, photo="p2"), at=at("2026-03-10 10:30"))
    assert awaiting_closure(hub.state, hub.inc(inc))


def test_a_case_is_on_its_own_clock_not_the_emergency_promise_nor_in_its_figures():
    from console.domain.kpi import compute
    from console.domain.sla import incident_sla

    hub = CaseHub()
    inc = hub.report("debris", "2026-03-10 09:00")  # not dispatched for an hour: a case, not a 60 s breach
    crowd = hub.alert("crowd_density", at=at("2026-03-10 09:30"))
    later = at("2026-03-10 10:00")
    sla = incident_sla(hub.inc(inc), later)
    assert (sla.response_breached, sla.response_left_s, sla.breaches) == (False, None, ())
    assert incident_sla(hub.inc(crowd), later).response_breached  # the emergency one is late
    figures = compute(hub.state, at("2026-03-10 08:00"), later)
    assert figures.response.decided == 1 and [f.id for f in figures.breaches] == [crowd]
