"""The archive of past incidents: one searchable row per incident that left the hub's live state.

The hub writes the rows (`keep`) on its store thread just before it logs the
`incidents_archived` event that takes those incidents out of its state; writing one
twice replaces it, so a crash between the two only writes it again. `search` asks of
the rows what `console.domain.casesearch.matches` asks of a live incident.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import Engine, delete, insert, select

from console.domain.casesearch import MAX_HITS, CaseHit, CaseQuery

from .engine import read_tx, write_tx
from .schema import incident_archive as t


def _like(text: str) -> str:
    """A LIKE pattern for a substring, its own % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class IncidentArchive:
    """Archived incidents, written by the hub and searched for consoles."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def keep(self, hits: list[CaseHit]) -> int:
        """Store (or replace) these incidents' rows; returns how many."""
        if not hits:
            return 0
        rows = [{"incident": h.incident, "kind": h.kind, "town": h.town, "grid": h.grid, "stage": h.stage,
                 "created": h.created_at, "people": h.people.casefold(),
                 "words": f"{h.title}\n{h.text}".casefold(),
                 "data": msgspec.json.encode(msgspec.structs.replace(h, archived=True))} for h in hits]
        with write_tx(self._engine) as conn:
            conn.execute(delete(t).where(t.c.incident.in_([r["incident"] for r in rows])))
            conn.execute(insert(t), rows)
        return len(rows)

    def search(self, q: CaseQuery, towns: set[str] | None = None) -> list[CaseHit]:
        """Archived hits of a query, newest first; `towns`: only those (a town's view), None: all."""
        s = select(t.c.data).order_by(t.c.created.desc(), t.c.incident).limit(max(0, min(q.limit, MAX_HITS)))
        if q.cases_only:
            s = s.where(t.c.stage != "")
        for col, value in ((t.c.kind, q.kind), (t.c.grid, q.grid), (t.c.town, q.town)):
            if value:
                s = s.where(col == value)
        if towns is not None:
            s = s.where(t.c.town.in_(sorted(towns)))
        if q.since is not None:
            s = s.where(t.c.created >= q.since)
        if q.until is not None:
            s = s.where(t.c.created < q.until)
        if q.person:
            s = s.where(t.c.people.like(_like(q.person.casefold()), escape="\\"))
        if q.text:
            s = s.where(t.c.words.like(_like(q.text.casefold()), escape="\\"))
        with read_tx(self._engine) as conn:
            return [msgspec.json.decode(bytes(r[0]), type=CaseHit) for r in conn.execute(s)]

    def count(self) -> int:
        """Rows kept."""
        from sqlalchemy import func

        with read_tx(self._engine) as conn:
            return conn.execute(select(func.count()).select_from(t)).scalar() or 0
