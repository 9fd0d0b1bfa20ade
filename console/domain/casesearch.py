"""Search of past cases (and incidents) by type, grid, town, person, text and time.

A hit is one incident summed up in one flat record (`CaseHit`): what a search list shows
and what the hub's archive keeps of an incident once it leaves the live state
(console/domain/archive.py). One rule, `matches`, decides for both: the hub searches its
live state with it, and the store's SQL (console/store/archive.py) asks the same
questions of the archived rows.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from console.domain.bodies import Body, Code, Id, Note
from console.domain.rules import can_see
from console.domain.model import Incident
from console.domain.state import State

#: hits one answer carries at most
MAX_HITS = 500


class CaseQuery(Body):
    """What a search asks: every field optional; a text is a substring of the title, the reporter's
    words, the worker's report and the timeline's notes; a person an id or a name (substring)."""

    kind: Code | None = None
    grid: Id | None = None
    town: Id | None = None
    person: Note | None = None
    text: Note = ""
    #: registered at or after / before (hub time)
    since: float | None = None
    until: float | None = None
    #: only incidents with a case file (一办到底); False: every incident
    cases_only: bool = True
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_HITS)] = 200


class CaseHit(Body):
    """One incident as a search finds it (and as the archive keeps it)."""

    incident: str
    kind: str
    title: str
    town: str
    grid: str
    status: str
    created_at: float
    closed_at: float | None = None
    #: the case's stage ("" for an incident on the emergency promise) and how it ended
    stage: str = ""
    returned: str = ""
    #: "ids and names" of the reporter and everyone sent, space-separated, for the person search
    people: str = ""
    #: the words searched: title, the reporter's text, the handled report, timeline notes
    text: str = ""
    #: True when it came from the archive (left the live state), False from the live state
    archived: bool = False


def hit_of(state: State, inc: Incident) -> CaseHit:
    """The flat record of an incident in a state."""
    alert = state.alerts.get(inc.alert)
    people: list[str] = []
    if alert is not None and alert.reporter:
        people.append(alert.reporter)
    for tid in inc.tasks:
        task = state.tasks.get(tid)
        if task is not None:
            res = state.resources.get(task.resource)
            people += [task.resource, res.name] if res is not None else [task.resource]
    words = [inc.title, alert.text if alert is not None else ""]
    if inc.case is not None:
        words.append(inc.case.report)
    words += [s.note for s in inc.timeline if s.note and s.what not in ("alert_updated", "alert_cancelled")]
    case = inc.case
    return CaseHit(incident=inc.id, kind=inc.kind, title=inc.title, town=inc.owner or inc.town, grid=inc.grid,
                   status=inc.status, created_at=inc.created_at, closed_at=inc.closed_at,
                   stage=case.stage if case is not None else "", returned=case.returned if case is not None else "",
                   people=" ".join(dict.fromkeys(p for p in people if p)),
                   text="\n".join(w for w in words if w))


def matches(hit: CaseHit, q: CaseQuery) -> bool:
    """Whether a hit answers the query (the store's SQL asks the same of archived rows)."""
    if q.cases_only and not hit.stage:
        return False
    if q.kind and hit.kind != q.kind:
        return False
    if q.grid and hit.grid != q.grid:
        return False
    if q.town and hit.town != q.town:
        return False
    if q.since is not None and hit.created_at < q.since:
        return False
    if q.until is not None and hit.created_at >= q.until:
        return False
    if q.person and q.person.casefold() not in hit.people.casefold():
        return False
    return not q.text or q.text.casefold() in f"{hit.title}\n{hit.text}".casefold()


def search_state(state: State, q: CaseQuery, center: str | None = None) -> list[CaseHit]:
    """The live state's hits a center sees (None: all), newest first, at most the query's limit."""
    hits = [h for inc in state.incidents.values() if can_see(state, center, inc)
            and matches(h := hit_of(state, inc), q)]
    hits.sort(key=lambda h: (-h.created_at, h.incident))
    return hits[:max(0, min(q.limit, MAX_HITS))]


class CasesFound(Body):
    """A search's answer: the hits (live first where an incident is in both) and how many came from the archive."""

    hits: list[CaseHit] = []
    archived: int = 0


def merge_hits(live: list[CaseHit], archived: list[CaseHit], limit: int) -> list[CaseHit]:
    """Live and archived hits in one list, newest first; an incident in both counts once (the live one)."""
    seen = {h.incident for h in live}
    out = live + [h for h in archived if h.incident not in seen]
    out.sort(key=lambda h: (-h.created_at, h.incident))
    return out[:max(0, min(limit, MAX_HITS))]
