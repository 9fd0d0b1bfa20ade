"""What needs the commander again: a dispatch that was declined, or not answered in time,
and a case (一办到底) that stalls past a stage's due time.

A reading of the state (no new domain state, no Qt): an open incident
whose every task that is still running is unanswered for longer than
`no_answer_s`, with at least one declined or unanswered, and nobody on the way.
The queue row, the incident pane and the alarm all ask this one function;
for cases they ask `stalled_case` (console/domain/cases.case_notice), and a
notice is "new" again when the case waits for another stage or reaches the district.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.cases import CaseNotice, case_notice
from console.domain.model import SETTLED_STATUSES, TASK_FINAL, Incident, Task
from console.domain.sla import incident_sla, task_assembly_left
from console.domain.state import State

#: a task still "sent" after this many seconds counts as not answered (QSettings alerts/no_answer_s)
NO_ANSWER_S = 90.0


@dataclass(slots=True, frozen=True)
class Redispatch:
    """Why an incident needs someone sent again: who declined, who did not answer, since when."""

    declined: tuple[str, ...]
    unanswered: tuple[str, ...]
    #: the newest decline or the oldest unanswered dispatch (hub time): the notice is "new" after it
    since: float


def needs_redispatch(state: State, inc: Incident, now: float, no_answer_s: float | None = None) -> Redispatch | None:
    """The re-dispatch notice of an incident, or None when someone is on the way (or nobody was sent)."""
    if inc.status in SETTLED_STATUSES or not inc.tasks:
        return None
    limit = NO_ANSWER_S if no_answer_s is None else no_answer_s
    declined, unanswered, since = [], [], 0.0
    for tid in inc.tasks:
        task = state.tasks.get(tid)
        if task is None:
            continue
        if task.accepted_at is not None or task.arrived_at is not None:
            return None  # someone took it: older refusals and silences are answered
        if task.status == "declined":
            declined.append(task.resource)
            since = max(since, task.ended_at or task.sent_at)
        elif task.status == "sent" and now - task.sent_at > limit:
            unanswered.append(task.resource)
            since = max(since, task.sent_at + limit)
        elif task.status not in TASK_FINAL:
            return None  # someone accepted, or still has time to answer
    if not declined and not unanswered:
        return None  # every task was cancelled (an undo): back to the commander's own choice
    return Redispatch(tuple(declined), tuple(unanswered), since)


def stalled_case(inc: Incident, now: float) -> CaseNotice | None:
    """An open case past the due time of the stage it waits for (its level: the center's, or the district's).

    A resolved case still waits for its verification and closing: it stays on the notice.
    """
    return case_notice(inc, now)


def notice_key(notice: CaseNotice) -> tuple[str, str, str]:
    """What makes a stalled-case notice new (announced once): the case, the stage it waits for, the level."""
    return notice.incident, notice.waiting_for, notice.level


def assembly_left(state: State, task: Task, now: float) -> float | None:
    """One assembly countdown for a task and its incident: the incident's promise, from its first dispatch.

    A person sent later in a re-dispatch is still inside the same 10 minutes (the
    promise is the whole team's), so the task row, the roster and the incident pane
    all count to the same moment. None once the person arrived or the task ended.
    """
    if task.arrived_at is not None or task.ended_at is not None:
        return None
    inc = state.incidents.get(task.incident)
    if inc is None:
        return task_assembly_left(task, now)
    return incident_sla(inc, now).assembly_left_s
