"""A follow-up check (举一反三) from a closed case: to every grid like the case's own, answered per grid."""

from __future__ import annotations

import pytest

from console.domain.actions import available_actions
from console.domain.cases import follow_up_grids, follow_ups
from console.domain.commands import check_incident_action
from console.domain.rules import Actor, CommandRefused
from console.protocol import messages as m
from tests.domain.test_cases import CaseHub, at
from tests.domain.test_domain import T1


def _closed_case(hub: CaseHub, day: str = "2026-03-10") -> str:
    inc = hub.report("debris", f"{day} 09:00", "林边堆放枯枝")
    task = hub.dispatch(inc, hub.worker_id, f"{day} 09:05")
    hub.work(task, hub.worker, f"{day} 09:06", f"{day} 09:30")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=inc, photos=["p1"]), at=at(f"{day} 10:00"))
    hub.do(hub.reporter, "cmd.verify", m.CmdVerify(incident=inc, photo="p2"), at=at(f"{day} 10:30"))
    hub.do(T1, "cmd.close", m.CmdIncident(incident=inc), at=at(f"{day} 10:40"))
    return inc


def _like(hub: CaseHub, inc: str) -> list[str]:
    """The grids of the case's town that share a tag with its grid."""
    here = hub.state.org[hub.inc(inc).grid]
    assert here.tags
    return sorted(u.id for u in hub.state.org.values() if u.level == "grid" and set(u.tags) & set(here.tags)
                  and hub.state.town_of(u.id) == hub.inc(inc).town)


def test_a_follow_up_is_offered_only_once_the_case_is_closed():
    hub = CaseHub()
    inc = hub.report("debris", "2026-03-10 09:00")
    actions = {a.code: a for a in available_actions(hub.state, inc, T1)}
    assert not actions["cmd.follow_up"].live
    with pytest.raises(CommandRefused) as exc:
        check_incident_action(hub.state, "cmd.follow_up", inc, T1)
    assert exc.value.code == "invalid_state"
    crowd = hub.alert("crowd_density", at=at("2026-03-10 09:10"))  # an emergency incident is no case
    hub.do(T1, "cmd.close", m.CmdIncident(incident=crowd))
    assert not {a.code: a for a in available_actions(hub.state, crowd, T1)}["cmd.follow_up"].live
    closed = _closed_case(hub, "2026-03-11")
    assert {a.code: a for a in available_actions(hub.state, closed, T1)}["cmd.follow_up"].live


def test_one_click_reaches_every_grid_with_the_cases_tags_and_is_answered_grid_by_grid():
    hub = CaseHub()
    inc = _closed_case(hub)
    grids = _like(hub, inc)
    town = [u for u in hub.state.org.values() if u.level == "grid" and hub.state.town_of(u.id) == hub.inc(inc).town]
    assert follow_up_grids(hub.state, hub.inc(inc)) == grids and len(grids) < len(town)
    [(kind, issued)] = hub.do(T1, "cmd.follow_up", m.CmdFollowUp(incident=inc, text="举一反三：请排查林边枯枝"),
                              at=at("2026-03-10 11:00"))
    assert kind == "broadcast_issued" and issued.kind == "follow_up" and issued.grids == grids
    message = hub.state.messages[issued.broadcast]
    [progress] = follow_ups(hub.state, inc)
    reached = [g for g in grids if g not in progress.unreached]
    assert progress.silent == tuple(reached) and not progress.done
    people = {g: sorted(r for r in message.recipients if hub.state.resources[r].grid == g) for g in reached}
    first, *rest = reached

    def answer(resource: str, answer: str, note: str = "") -> None:
        who = Actor(f"网格员 {resource}", "field", None, resource=resource)
        hub.do(who, "cmd.acknowledge_broadcast", m.CmdBroadcastAck(broadcast=message.id, answer=answer, note=note))

    who = Actor("x", "field", None, resource=people[first][0])  # only clear or found answers a follow-up
    assert hub.refused(who, "cmd.acknowledge_broadcast",
                       m.CmdBroadcastAck(broadcast=message.id, answer="maybe")).code == "bad_request"
    answer(people[first][0], "found", "村后山脚也有一堆")
    [progress] = follow_ups(hub.state, inc)
    assert progress.found == (first,) and progress.notes == ((first, people[first][0], "村后山脚也有一堆"),)
    for g in rest:
        answer(people[g][0], "clear")
    [progress] = follow_ups(hub.state, inc)
    assert progress.done and set(progress.clear) == set(rest)


def test_a_returned_case_sends_no_follow_up_and_an_answer_needs_a_follow_up():
    hub = CaseHub()
    inc = hub.report("debris", "2026-03-10 09:00")
    hub.do(T1, "cmd.return", m.CmdReturn(incident=inc, reason="duplicate"), at=at("2026-03-10 09:10"))
    assert hub.refused(T1, "cmd.follow_up", m.CmdFollowUp(incident=inc, text="x")).code == "invalid_state"
    other = hub.report("debris", "2026-03-10 09:20")
    hub.do(T1, "cmd.broadcast", m.CmdBroadcast(incident=other, text="注意", grids=[hub.inc(other).grid]))
    [message] = [b for b in hub.state.messages.values() if b.incident == other]
    who = Actor("x", "field", None, resource=message.recipients[0])
    assert hub.refused(who, "cmd.acknowledge_broadcast",
                       m.CmdBroadcastAck(broadcast=message.id, answer="clear")).code == "bad_request"


def test_a_closed_case_stays_while_its_follow_up_waits_for_a_grid():
    from console.domain.archive import archivable

    hub = CaseHub()
    inc = _closed_case(hub)
    assert archivable(hub.state, keep=0, above=0) == [[inc]]
    [(_, issued)] = hub.do(T1, "cmd.follow_up", m.CmdFollowUp(incident=inc, text="举一反三"), at=at("2026-03-10 11:00"))
    assert archivable(hub.state, keep=0, above=0) == []  # grids still to answer
    message = hub.state.messages[issued.broadcast]
    for g in follow_ups(hub.state, inc)[0].silent:
        rid = next(r for r in message.recipients if hub.state.resources[r].grid == g)
        hub.do(Actor("w", "field", None, resource=rid), "cmd.acknowledge_broadcast",
               m.CmdBroadcastAck(broadcast=message.id, answer="clear"))
    assert archivable(hub.state, keep=0, above=0) == [[inc]]
