"""Which incident the commander's keys act on now, and what an incident is waiting for.

Pure, tested without a screen. The console's keys (Enter, A, F, P, E) act on the
target this module names, and the hint line shows it ("回车 → 派遣至 人员倒地"),
so a key never acts on a stale selection while another alert is shouting:

1. the newest critical that nobody has acknowledged yet (an alarm takes the keys), a real
   one before any drill's (演练);
2. else the incident the commander selected, while it is still open;
3. else nothing: the keys do nothing rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.model import FINAL_STATUSES, SETTLED_STATUSES, Incident
from console.domain.rules import can_see
from console.domain.state import State

#: why an incident is the target
TARGET_REASONS = ("critical", "selected")


@dataclass(slots=True, frozen=True)
class Target:
    """The incident the keys act on and why (a code of TARGET_REASONS)."""

    incident: str
    why: str


def is_shouting(inc: Incident) -> bool:
    """An open critical nobody has acknowledged (dispatching acknowledges too)."""
    return (inc.severity == "critical" and inc.acknowledged_at is None and inc.status not in SETTLED_STATUSES
            and inc.offered_to is None)


def shouting(state: State, center: str | None = None, answered: frozenset[str] | set[str] = frozenset()
             ) -> list[Incident]:
    """Open unacknowledged criticals this center sees, real ones before drills' (演练), newest first; `answered`: incidents the commander
    has already acted on whose answer is still on its way (held for undo, or not yet confirmed)."""
    found = [inc for inc in state.incidents.values()
             if is_shouting(inc) and inc.id not in answered and can_see(state, center, inc)]
    # a real alert during a drill always takes the keys first
    return sorted(found, key=lambda inc: (inc.exercise is None, inc.created_at, inc.id), reverse=True)


def key_target(state: State, selected: str | None, center: str | None = None,
               answered: frozenset[str] | set[str] = frozenset()) -> Target | None:
    """The incident Enter, A, F, P and E act on now (see the module's rule), or None.

    An incident in `answered` does not shout any more: the commander pressed A on it a
    moment ago and the acknowledgement waits out its undo window; the next key goes on.
    """
    loud = shouting(state, center, answered)
    if loud:
        return Target(loud[0].id, "critical")
    inc = state.incidents.get(selected or "")
    if inc is not None and inc.status not in SETTLED_STATUSES:
        return Target(inc.id, "selected")
    return None


def on_scene_count(state: State, inc: Incident) -> tuple[int, int]:
    """(people on scene, people on the way) of an incident's live tasks."""
    arrived = on_way = 0
    for tid in inc.tasks:
        task = state.tasks.get(tid)
        if task is None:
            continue
        if task.status == "arrived":
            arrived += 1
        elif task.status in ("sent", "accepted"):
            on_way += 1
    return arrived, on_way


def awaiting_closure(state: State, inc: Incident) -> bool:
    """The work is finished and the incident is still open: resolved, or every task ended and
    someone's is done (处置完毕，请办结). A case is closed only once verified: until then its
    handled report waits for the reporter's check, not for the commander's close."""
    if inc.status in FINAL_STATUSES:
        return False
    if inc.case is not None:
        return "verified" in inc.case.reached and not inc.case.returned
    if inc.status == "resolved":
        return True
    tasks = [t for tid in inc.tasks if (t := state.tasks.get(tid)) is not None]
    if not tasks or any(t.status in ("sent", "accepted", "arrived") for t in tasks):
        return False
    return any(t.status == "done" for t in tasks)
