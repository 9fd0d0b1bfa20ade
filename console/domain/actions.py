"""Which actions an incident offers to one actor now: the buttons and keys that are live.

Pure, like `decide`, and built from the same checks (each command's `incident_check`
in `console/domain/commands.py`),
so a live button is one the hub would take. What depends on one command's body
(which person is free, which town is asked, which grids a broadcast reaches) is
checked when that command is sent; a live action says the incident allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.commands import INCIDENT_ACTIONS, check_incident_action
from console.domain.rules import Actor, CommandRefused
from console.domain.state import State

#: the incident actions, in the order a console offers them (each is a command type)
ACTIONS: tuple[str, ...] = INCIDENT_ACTIONS

#: refusals about who asks (role, a wall, a review), not about the incident: a console hides
#: those actions rather than greying them out, since no change of the incident makes them live
ASKER_REFUSALS = frozenset({"forbidden", "review_only"})


@dataclass(slots=True, frozen=True)
class Action:
    """One action of an incident: its command type, whether it is live, and if not the refusal code why."""

    code: str
    live: bool
    refusal: str | None = None
    #: why, finer than the refusal code, and what it is about (domain.rules.REFUSAL_REASONS)
    reason: str = ""
    subject: str = ""

    @property
    def for_asker(self) -> bool:
        """Whether this asker may ever take the action (it is live, or refused only for the incident's state)."""
        return self.refusal not in ASKER_REFUSALS


def available_actions(state: State, incident_id: str, actor: Actor) -> tuple[Action, ...]:
    """Every incident action in `ACTIONS` order, each live or with the code `decide` would refuse it with."""
    out = []
    for code in ACTIONS:
        try:
            check_incident_action(state, code, incident_id, actor)
        except CommandRefused as exc:
            out.append(Action(code, False, exc.code, exc.reason, exc.subject))
        else:
            out.append(Action(code, True))
    return tuple(out)
