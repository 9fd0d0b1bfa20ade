"""The service-promise clock, measured from event (hub) time.

Response: alert → first dispatch (or the decision that nothing needs sending)
within 60 s. Assembly: first dispatch → first arrival, and → the whole sent
team on scene, within 10 minutes. A case (一办到底) is on neither: it runs on its
type's working-time limit (console/domain/cases.case_clock), so it has no figures
here and breaks none of these promises.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.model import ASSEMBLY_LIMIT_S, RESPONSE_LIMIT_S, SETTLED_STATUSES, Incident, Task

#: timeline steps that answer an alert without sending anyone (the response clock stops there)
_ANSWERS_WITHOUT_DISPATCH = frozenset({"false_alarm", "merged", "closed", "resolved", "escalation", "cooperation"})


#: breach codes, in the order they are listed
BREACHES = (
    "response_late",        # answered, but after the limit: `seconds` it took
    "response_overdue",     # not answered yet and past the limit: `seconds` running
    "first_arrival_late",   # the first person arrived after the limit: `seconds` after dispatch
    "team_not_assembled",   # the whole team was not on scene within the limit
)


@dataclass(slots=True, frozen=True)
class Breach:
    """One broken promise: a code from BREACHES, the figure that broke it and the limit."""

    code: str
    seconds: float | None
    limit_s: float


@dataclass(slots=True, frozen=True)
class Sla:
    """Where one incident stands against the promises at a moment."""

    response_s: float | None          # alert → dispatch (None: still running)
    response_left_s: float | None     # seconds until the response promise breaks (None: met or moot)
    response_breached: bool
    first_arrival_s: float | None     # dispatch → first arrival
    full_on_scene_s: float | None     # dispatch → whole team on scene
    assembly_left_s: float | None     # seconds until the assembly promise breaks
    assembly_breached: bool
    breaches: tuple[Breach, ...]      # empty when no promise is broken


#: what a case has of the emergency promises: nothing running, nothing broken
_NO_PROMISE = Sla(None, None, False, None, None, None, False, ())


def _response_end(inc: Incident) -> float | None:
    """When the commander first answered: a dispatch, or a decision that needs none.

    The earliest such moment, so the figure never moves once it is set.
    """
    ends = [step.at for step in inc.timeline if step.what in _ANSWERS_WITHOUT_DISPATCH]
    if inc.first_dispatch_at is not None:
        ends.append(inc.first_dispatch_at)
    return min(ends) if ends else None


def incident_sla(inc: Incident, now: float) -> Sla:
    """The incident's response and assembly figures and breach flags at `now` (none for a case)."""
    if inc.case is not None:
        return _NO_PROMISE
    end = _response_end(inc)
    response_s = None if end is None else end - inc.created_at
    running = (now - inc.created_at) if end is None else response_s
    response_breached = running is not None and running > RESPONSE_LIMIT_S
    response_left = None if end is not None else RESPONSE_LIMIT_S - (now - inc.created_at)

    first_s = full_s = assembly_left = None
    assembly_breached = False
    if inc.first_dispatch_at is not None:
        d = inc.first_dispatch_at
        first_s = None if inc.first_arrival_at is None else inc.first_arrival_at - d
        full_s = None if inc.full_on_scene_at is None else inc.full_on_scene_at - d
        open_ = inc.status not in SETTLED_STATUSES
        waited = full_s if full_s is not None else ((now - d) if open_ else None)
        assembly_breached = (first_s is not None and first_s > ASSEMBLY_LIMIT_S) or (
            waited is not None and waited > ASSEMBLY_LIMIT_S)
        if full_s is None and open_:
            assembly_left = ASSEMBLY_LIMIT_S - (now - d)

    breaches = []
    if response_breached:
        breaches.append(Breach("response_late" if end is not None else "response_overdue", running,
                               RESPONSE_LIMIT_S))
    if assembly_breached:
        if first_s is not None and first_s > ASSEMBLY_LIMIT_S:
            breaches.append(Breach("first_arrival_late", first_s, ASSEMBLY_LIMIT_S))
        else:
            breaches.append(Breach("team_not_assembled", None, ASSEMBLY_LIMIT_S))
    return Sla(response_s, response_left, response_breached, first_s, full_s, assembly_left,
               assembly_breached, tuple(breaches))


def task_assembly_left(task: Task, now: float) -> float | None:
    """Seconds until this task's 10-minute assembly promise breaks (None once arrived or ended)."""
    if task.arrived_at is not None or task.ended_at is not None:
        return None
    return ASSEMBLY_LIMIT_S - (now - task.sent_at)
