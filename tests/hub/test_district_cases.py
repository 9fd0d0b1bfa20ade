"""The district mirrors a town's cases: the case file rides in alert_raised, every case step follows,
so the district's state has each town's case clocks (and its overdue list)."""

from console.domain.apply import apply
from console.domain.casefigures import case_rows, overdue
from console.domain.state import State
from console.hub.district import MIRRORED, mirror, qualified
from console.domain.bodies import EVENT_BODIES
from console.protocol import messages as m
from console.protocol.codec import Message, decode
from tests.domain.test_cases import CaseHub, at


def test_every_case_event_is_mirrored_and_the_district_sees_the_towns_overdue_case():
    case_events = {t for t in EVENT_BODIES if t.startswith(("case_", "extension_")) and t != "case_types_changed"}
    assert len(case_events) == 8 and case_events <= MIRRORED
    hub = CaseHub()
    start = len(hub.log)
    late = hub.report("debris", "2026-03-10 09:00")
    done = hub.report("rockfall", "2026-03-10 09:10")
    task = hub.dispatch(done, hub.worker_id, "2026-03-10 09:15")
    hub.work(task, hub.worker, "2026-03-10 09:20", "2026-03-10 09:40")
    hub.do(hub.worker, "cmd.case_handled", m.CmdCaseHandled(incident=done, photos=["p"]), at=at("2026-03-10 10:00"))
    district = State()
    district.org = hub.state.org  # the district's own tree (the towns are its children)
    for seq, data in enumerate(hub.log[start:], 1):
        msg = decode(data)
        body = mirror("T1", msg.type, msg.body)
        if body is not None:
            apply(district, Message(msg.type, body, seq, msg.ts))
    qlate, qdone = qualified("T1", late), qualified("T1", done)
    assert district.incidents[qdone].case.stage == "handled"
    assert [r.incident for r in overdue(case_rows(district, at("2026-03-10 16:30")))] == [qlate]
