"""Opening a case file and planning its stages' due times on the site's working calendar.

Only the hub calls these (from the deciders): the due times travel in the events, so a
console folds a case without a calendar, and a replay gives the same due times as the
day did even after the holiday library was updated.
"""

from __future__ import annotations

from functools import lru_cache

from console.domain.model import CASE_STAGES, Case, CaseType
from console.domain.state import State
from console.domain.worktime import CalendarUnknown, WorkCalendar

#: working minutes from dispatch to the person's acceptance
ACCEPT_MINUTES = 15
#: working hours from verification to the commander's closing the file
CLOSE_HOURS = 1
#: stages whose due time follows the handling limit (an extension or a suspension moves them)
LIMIT_STAGES = ("handled", "verified", "closed")


@lru_cache(maxsize=16)
def _calendar(hours: tuple[str, ...]) -> WorkCalendar:
    return WorkCalendar.of(hours)


def calendar_of(state: State) -> WorkCalendar:
    """The working calendar of the state's site (its working hours, China's working days)."""
    return _calendar(tuple(state.work_hours))


def plan_dues(ct: CaseType, cal: WorkCalendar, start: float) -> tuple[dict[str, float], int]:
    """(stage → due time, the year the calendar lacked or 0) for a case registered at `start`.

    Stages are planned from registration: dispatch within the type's working minutes,
    acceptance 15 working minutes after, on site by half the handling limit, handled by the
    limit, verified within the type's working hours after that, closed an hour later. A
    year the holiday calendar does not know leaves that stage and the later ones without a
    due time.
    """
    due: dict[str, float] = {}
    try:
        dispatched = due["dispatched"] = cal.add(start, ct.dispatch_minutes * 60.0)
        accepted = due["accepted"] = cal.add(dispatched, ACCEPT_MINUTES * 60.0)
        handled = (cal.add_hours(start, ct.limit) if ct.promise == "working_hours"
                   else cal.add_days(start, ct.limit))
        due["on_site"] = max(accepted, cal.add(start, cal.between(start, handled) / 2))
        due["handled"] = handled
        due["verified"] = cal.add_hours(handled, ct.verify_hours)
        due["closed"] = cal.add_hours(due["verified"], CLOSE_HOURS)
    except CalendarUnknown as exc:
        return due, exc.year
    return due, 0


def open_case(state: State, kind: str, at: float) -> Case | None:
    """The case file an alert of `kind` opens at `at`: None when its type runs on the emergency promise."""
    ct = state.case_types.get(kind)
    if ct is None or ct.promise == "emergency":
        return None
    due, unknown = plan_dues(ct, calendar_of(state), at)
    return Case(type=ct.code, promise=ct.promise, limit=ct.limit, registered_at=at,
                photo_required=ct.photo_required, due=due, calendar_unknown=unknown,
                reached={"registered": at})


def shift_dues(case: Case, cal: WorkCalendar, working_s: float, stages=CASE_STAGES) -> dict[str, float]:
    """The due times of `stages` not yet reached, each `working_s` of working time later.

    Raises CalendarUnknown when a new due time would fall in a year the calendar lacks.
    """
    return {s: cal.add(case.due[s], working_s) for s in stages if s in case.due and s not in case.reached}
