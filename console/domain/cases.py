"""Cases (一办到底): the deciders and checks behind a case's stages and paths, and its clock.

A case is an incident whose type runs on a working-time limit (console/domain/casefile.py
opens it). Its stages registered → dispatched → accepted → on site follow the incident's
tasks; handled (the worker's report), verified (the reporter or the commander) and closed
are commands. The paths: return to the reporter, an extension asked for and answered,
a suspension with a reason and its resumption; "cannot handle here" is the existing
cooperation and escalation. Each command is a row of console/domain/commands.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain import bodies
from console.domain.casefile import LIMIT_STAGES, calendar_of, shift_dues
from console.domain.model import (
    CASE_STAGES, FINAL_STATUSES, FOLLOW_UP, RETURN_REASONS, SUSPEND_REASONS, Broadcast, Case, Incident,
)
from console.domain.rules import Actor, CommandRefused, Events, broadcast_recipients, close, incident_for
from console.domain.state import State
from console.domain.worktime import CalendarUnknown

#: the longest extension one request may ask for (working hours: about a month of working days)
MAX_EXTENSION_HOURS = 160
#: the case actions a console offers on a case, in order (each a command type)
CASE_ACTIONS = ("cmd.case_handled", "cmd.verify", "cmd.return", "cmd.request_extension",
                "cmd.approve_extension", "cmd.suspend", "cmd.resume")


# ------------------------------------------------------------------- the clock

@dataclass(slots=True, frozen=True)
class CaseClock:
    """Where a case stands at a moment: the stage it waits for, that stage's due time, how late.

    `waiting_for` is None once the case is closed or returned; `due` None when that stage
    has no clock (a year the calendar lacks). A suspended case's clock stands at the suspension.
    """

    stage: str
    waiting_for: str | None
    due: float | None
    left_s: float | None
    overdue: bool
    suspended: bool


def next_stage(case: Case) -> str | None:
    """The first stage after registration the case has not reached (None: closed or returned)."""
    if case.returned or "closed" in case.reached:
        return None
    return next((s for s in CASE_STAGES[1:] if s not in case.reached), None)


def case_clock(case: Case, now: float) -> CaseClock:
    """The case's clock at `now` (hub time)."""
    waiting = next_stage(case)
    due = case.due.get(waiting) if waiting else None
    at = case.suspended_at if case.suspended_at is not None else now
    left = None if due is None else due - at
    return CaseClock(case.stage, waiting, due, left, left is not None and left < 0,
                     case.suspended_at is not None)


def on_time(case: Case, stage: str = "handled") -> bool | None:
    """Whether `stage` was reached by its due time (None: not reached, or no clock)."""
    at, due = case.reached.get(stage), case.due.get(stage)
    return None if at is None or due is None else at <= due


#: who a stalled case is told to: the center that works it, and past the handling limit the district
NOTICE_LEVELS = ("commander", "district")


@dataclass(slots=True, frozen=True)
class CaseNotice:
    """A stalled case: the stage it waits for is past its due time.

    `level` "commander" while only a step before the limit is late; "district" once the
    handling limit itself has passed (the escalation path says what the district may do).
    """

    incident: str
    waiting_for: str
    overdue_s: float
    level: str


def case_notice(inc: Incident, now: float) -> CaseNotice | None:
    """The incident's stalled-case notice at `now`, or None (no case, not late, or finished).

    A case whose incident ended otherwise (a false alarm, merged) waits for nothing more.
    """
    if inc.case is None or inc.status in FINAL_STATUSES:
        return None
    c = case_clock(inc.case, now)
    if not c.overdue or c.waiting_for is None:
        return None
    limit = inc.case.due.get("handled")
    at = inc.case.suspended_at if inc.case.suspended_at is not None else now
    past_limit = limit is not None and "handled" not in inc.case.reached and at > limit
    return CaseNotice(inc.id, c.waiting_for, -c.left_s, "district" if past_limit else "commander")


def case_notices(state: State, now: float) -> list[CaseNotice]:
    """Every open case past a due time, the district's first, then the most overdue."""
    out = [n for inc in state.incidents.values() if (n := case_notice(inc, now)) is not None]
    out.sort(key=lambda n: (n.level != "district", -n.overdue_s, n.incident))
    return out


# ------------------------------------------------------------------- checks

def case_of(inc: Incident) -> Case:
    """The incident's case file, or CommandRefused when it runs on the emergency promise."""
    if inc.case is None:
        raise CommandRefused("invalid_state", f"incident {inc.id} is not a case (its type runs on the "
                             "emergency promise)")
    return inc.case


def _working_case(inc: Incident) -> Case:
    """A case still being worked: not returned, not suspended."""
    case = case_of(inc)
    if case.returned:
        raise CommandRefused("invalid_state", f"case {inc.id} was returned to its reporter")
    if case.suspended_at is not None:
        raise CommandRefused("invalid_state", f"case {inc.id} is suspended ({case.suspend_reason})")
    return case


def _own_task(state: State, inc: Incident, actor: Actor):
    """A field actor's task on this incident (not declined or cancelled), or CommandRefused."""
    for tid in inc.tasks:
        t = state.tasks.get(tid)
        if t is not None and t.resource == actor.resource and t.status not in ("declined", "cancelled"):
            return t
    raise CommandRefused("forbidden", f"{actor.name} has no task on {inc.id}")


def check_handleable(state: State, inc: Incident, actor: Actor) -> None:
    case = _working_case(inc)
    if "handled" in case.reached:
        raise CommandRefused("invalid_state", f"case {inc.id} is already reported handled")
    if actor.role == "field":
        _own_task(state, inc, actor)


def check_verifiable(state: State, inc: Incident, actor: Actor) -> None:
    case = _working_case(inc)
    if "handled" not in case.reached or "verified" in case.reached:
        raise CommandRefused("invalid_state", f"case {inc.id} is {case.stage}: only a handled case is verified")
    if actor.role == "field":
        alert = state.alerts.get(inc.alert)
        if alert is None or alert.reporter != actor.name:
            raise CommandRefused("forbidden", f"only the reporter of {inc.id} or a commander verifies it")


def check_returnable(state: State, inc: Incident, actor: Actor) -> None:
    case = _working_case(inc)
    if "handled" in case.reached:
        raise CommandRefused("invalid_state", f"case {inc.id} is already handled: verify it instead")


def check_extendable(state: State, inc: Incident, actor: Actor) -> None:
    case = _working_case(inc)
    if "handled" in case.reached:
        raise CommandRefused("invalid_state", f"case {inc.id} is already handled")
    if case.extension is not None:
        raise CommandRefused("invalid_state", f"case {inc.id} already has an extension request")
    if actor.role == "field":
        _own_task(state, inc, actor)


def check_extension_pending(state: State, inc: Incident, actor: Actor) -> None:
    if _working_case(inc).extension is None:
        raise CommandRefused("invalid_state", f"case {inc.id} has no extension request")


def check_suspendable(state: State, inc: Incident, actor: Actor) -> None:
    case = _working_case(inc)
    if "handled" in case.reached:
        raise CommandRefused("invalid_state", f"case {inc.id} is already handled")


def check_suspended(state: State, inc: Incident, actor: Actor) -> None:
    case = case_of(inc)
    if case.suspended_at is None:
        raise CommandRefused("invalid_state", f"case {inc.id} is not suspended")


def check_follow_up(state: State, inc: Incident, actor: Actor) -> None:
    """A follow-up check (举一反三) goes out from a case closed after its work (not one returned)."""
    case = case_of(inc)
    if inc.status != "closed" or case.returned:
        raise CommandRefused("invalid_state", f"case {inc.id} is {case.returned or inc.status}: a follow-up "
                             "check goes out from a case closed after its work")


_CHECKS = {
    "cmd.case_handled": check_handleable, "cmd.verify": check_verifiable, "cmd.return": check_returnable,
    "cmd.request_extension": check_extendable, "cmd.approve_extension": check_extension_pending,
    "cmd.suspend": check_suspendable, "cmd.resume": check_suspended,
}


def case_action_live(state: State, code: str, incident_id: str, actor: Actor) -> str | None:
    """None when `code` (one of CASE_ACTIONS) is live on the case for this actor, else the refusal code.

    Role permission is the command table's (console/domain/commands.check_permitted); the
    caller checks that first.
    """
    try:
        _CHECKS[code](state, incident_for(state, incident_id, actor), actor)
    except CommandRefused as exc:
        return exc.code
    return None


def _moved(fn, *args) -> dict[str, float]:
    """Due times from the calendar, or CommandRefused naming the year it lacks."""
    try:
        return fn(*args)
    except CalendarUnknown as exc:
        raise CommandRefused("calendar_unknown", str(exc)) from None


# ------------------------------------------------------------------- deciders

def case_handled(state, body: bodies.CmdCaseHandled, actor, now) -> Events:
    """The worker's report that the hazard is dealt with: their task ends done, the case waits for verification."""
    inc = incident_for(state, body.incident, actor)
    check_handleable(state, inc, actor)
    events: Events = []
    resource = ""
    if actor.role == "field":
        task = _own_task(state, inc, actor)
        resource = task.resource
        if task.status not in ("done", "declined", "cancelled"):
            events.append(("task_done", bodies.TaskStep(task=task.id, actor=actor.name, note=body.note)))
    return events + [("case_handled", bodies.CaseHandled(incident=inc.id, actor=actor.name, resource=resource,
                                                         note=body.note, photos=list(body.photos)))]


def verify(state, body: bodies.CmdVerify, actor, now) -> Events:
    """The reporter or a commander looked: the hazard is gone (with a photo where the type asks), or not."""
    inc = incident_for(state, body.incident, actor)
    check_verifiable(state, inc, actor)
    if body.passed and inc.case.photo_required and not body.photo:
        raise CommandRefused("photo_required", f"case type {inc.case.type} is verified with a photo")
    return [("case_verified", bodies.CaseVerified(incident=inc.id, actor=actor.name, passed=body.passed,
                                                  note=body.note, photo=body.photo or ""))]


def return_case(state, body: bodies.CmdReturn, actor, now) -> Events:
    """Back to the reporter with a reason (not ours, not enough to act on, a duplicate): the case ends."""
    inc = incident_for(state, body.incident, actor)
    check_returnable(state, inc, actor)
    if body.reason not in RETURN_REASONS:
        raise CommandRefused("bad_request", f"reason {body.reason!r} is not one of {', '.join(RETURN_REASONS)}")
    step = ("case_returned", bodies.CaseReturned(incident=inc.id, actor=actor.name, reason=body.reason,
                                                 note=body.note))
    return [step, *close(state, bodies.CmdIncident(incident=inc.id, note=body.note), actor, now)]


def request_extension(state, body: bodies.CmdRequestExtension, actor, now) -> Events:
    """More working hours asked for, with a reason; the commander answers."""
    inc = incident_for(state, body.incident, actor)
    check_extendable(state, inc, actor)
    if not 1 <= body.hours <= MAX_EXTENSION_HOURS:
        raise CommandRefused("bad_request", f"an extension is 1 to {MAX_EXTENSION_HOURS} working hours")
    if not body.reason.strip():
        raise CommandRefused("bad_request", "an extension needs a reason")
    return [("extension_requested", bodies.ExtensionRequested(incident=inc.id, actor=actor.name,
                                                              hours=body.hours, reason=body.reason))]


def answer_extension(state, body: bodies.CmdAnswerExtension, actor, now) -> Events:
    """Approve (the limit and the stages after it move by the hours, in working time) or refuse."""
    inc = incident_for(state, body.incident, actor)
    check_extension_pending(state, inc, actor)
    case = inc.case
    hours = body.hours if body.hours is not None else case.extension.hours
    if not 1 <= hours <= MAX_EXTENSION_HOURS:
        raise CommandRefused("bad_request", f"an extension is 1 to {MAX_EXTENSION_HOURS} working hours")
    due = _moved(shift_dues, case, calendar_of(state), hours * 3600.0, LIMIT_STAGES) if body.approved else {}
    kind = "extension_approved" if body.approved else "extension_refused"
    return [(kind, bodies.ExtensionAnswered(incident=inc.id, actor=actor.name, hours=hours, note=body.note,
                                            due=due))]


def suspend(state, body: bodies.CmdSuspend, actor, now) -> Events:
    """Stop the case's clock for a reason (weather, waiting for the owner or a department, …)."""
    inc = incident_for(state, body.incident, actor)
    check_suspendable(state, inc, actor)
    if body.reason not in SUSPEND_REASONS:
        raise CommandRefused("bad_request", f"reason {body.reason!r} is not one of {', '.join(SUSPEND_REASONS)}")
    return [("case_suspended", bodies.CaseSuspended(incident=inc.id, actor=actor.name, reason=body.reason,
                                                    note=body.note))]


def resume(state, body: bodies.CmdIncident, actor, now) -> Events:
    """Start the clock again: every stage not reached is due later by the working time it stood still.

    When that working time or a new due time falls in a year the holiday calendar lacks, the
    stages not reached lose their due times (`calendar_unknown` names the year) rather than
    keep a guessed one.
    """
    inc = incident_for(state, body.incident, actor)
    check_suspended(state, inc, actor)
    case = inc.case
    cal = calendar_of(state)
    try:
        stood = cal.between(case.suspended_at, now)
        due, unknown = shift_dues(case, cal, stood), 0
    except CalendarUnknown as exc:  # the clock cannot be moved into a year nobody has published: it stops
        stood, due, unknown = 0.0, {}, exc.year
    return [("case_resumed", bodies.CaseResumed(incident=inc.id, actor=actor.name, note=body.note,
                                                due=due, suspended_s=stood, calendar_unknown=unknown))]



def follow_up_grids(state: State, inc: Incident, tag: str | None = None, grids=()) -> list[str]:
    """The grids of a follow-up check: those named, and in the case's town those with `tag` (with no tag
    and no grid named: any tag of the case's own grid, the one-click default)."""
    town = inc.owner or inc.town
    here = state.org.get(inc.grid)
    tags = {tag} if tag else set() if grids else set(here.tags if here is not None else ())
    chosen = set(grids) | {u.id for u in state.org.values() if u.level == "grid" and tags & set(u.tags)
                           and state.town_of(u.id) == town}
    return sorted(chosen)


def follow_up(state, body: bodies.CmdFollowUp, actor, now) -> Events:
    """From a closed case, a check to every grid like its own (a broadcast of kind `follow_up`), answered per grid."""
    inc = incident_for(state, body.incident, actor, open_=False)
    check_follow_up(state, inc, actor)
    grids = follow_up_grids(state, inc, body.tag, body.grids)
    unknown = [g for g in grids if g not in state.org]
    if unknown or not grids:
        raise CommandRefused("bad_request", f"unknown or no grids: {unknown[:5]}")
    recipients = broadcast_recipients(state, grids)
    if not recipients:
        raise CommandRefused("unavailable", f"no grid worker on duty in {len(grids)} grids")
    bid = f"{inc.id}-B{state.broadcasts + 1}"
    return [("broadcast_issued", bodies.BroadcastIssued(broadcast=bid, incident=inc.id, grids=grids, text=body.text,
                                                       actor=actor.name, recipients=recipients, kind=FOLLOW_UP))]


@dataclass(slots=True, frozen=True)
class FollowUpProgress:
    """A follow-up check per grid: which answered clear, which found the same hazard, which are silent.

    A grid has answered once any of its recipients answered; `found` wins over `clear` in a grid.
    """

    broadcast: str
    grids: tuple[str, ...]
    clear: tuple[str, ...]
    found: tuple[str, ...]
    silent: tuple[str, ...]
    #: grids with nobody on duty when it went out (nobody to answer: said, not waited for)
    unreached: tuple[str, ...]
    #: (grid, resource, note) of each answer that came with a note
    notes: tuple[tuple[str, str, str], ...]

    @property
    def done(self) -> bool:
        """Every grid answered."""
        return not self.silent


def follow_up_progress(state: State, message: Broadcast) -> FollowUpProgress:
    """Where a follow-up check stands, grid by grid."""
    grid_of = {r: res.grid for r in message.recipients if (res := state.resources.get(r)) is not None}
    found = {grid_of.get(r) for r, a in message.answers.items() if a == "found"} - {None}
    clear = {grid_of.get(r) for r, a in message.answers.items() if a == "clear"} - {None} - found
    reached = set(grid_of.values())
    silent = [g for g in message.grids if g in reached and g not in found and g not in clear]
    notes = tuple(sorted((grid_of.get(r, ""), r, n) for r, n in message.notes.items()))
    return FollowUpProgress(message.id, tuple(message.grids), tuple(sorted(clear)), tuple(sorted(found)),
                            tuple(silent), tuple(g for g in message.grids if g not in reached), notes)


def follow_ups(state: State, incident: str) -> list[FollowUpProgress]:
    """The follow-up checks of an incident, oldest first."""
    return [follow_up_progress(state, m) for m in sorted(state.messages.values(), key=lambda m: (m.at, m.id))
            if m.incident == incident and m.kind == FOLLOW_UP]
