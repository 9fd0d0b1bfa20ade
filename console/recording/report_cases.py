"""The after-action report's cases section (一办到底): the same figures as the cases pane.

Open cases by the stage they wait for, the overdue list, and per town and per worker the
count, the on-time share and p50/p90 of each stage (console/domain/casefigures.py); then each
follow-up check (举一反三) sent from a closed case, answered grid by grid (console/domain/cases.py).
"""

from __future__ import annotations

import html
from typing import Protocol

from console.domain.cases import follow_ups
from console.domain.casefigures import TIMED_STAGES, case_rows, figures_by, open_by_stage, overdue, summarize
from console.domain.localtime import clock, duration
from console.domain.state import State

#: at most this many overdue cases listed
OVERDUE_ROWS = 100


class CaseWords(Protocol):
    """The case words in the report's language (`console.ui.common.glossary.Glossary` is one)."""

    lang: str

    def case_word(self, key: str, **values) -> str: ...
    def case_stage(self, code: str) -> str: ...


def _e(s: object) -> str:
    return html.escape(str(s))


def _share(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


def cases_section(state: State, end: float, words: CaseWords) -> str:
    """The section as HTML; "" when the period had no case."""
    rows = case_rows(state, end)
    if not rows:
        return ""
    cw, stage = words.case_word, words.case_stage
    x = summarize(rows)
    out = [f"<h2>{_e(cw('cases'))}</h2><p>{_e(cw('summary', n=x.count, open=x.open, overdue=x.overdue, share=_share(x.on_time_share)))}</p>"]
    counts = open_by_stage(rows)
    out.append("<table><thead><tr><th></th>" + "".join(f"<th>{_e(stage(c.stage))}</th>" for c in counts)
               + "</tr></thead>")
    for key, attr in (("open", "open"), ("overdue", "overdue")):
        out.append(f"<tr><td>{_e(cw(key))}</td>"
                   + "".join(f"<td class=num>{getattr(c, attr)}</td>" for c in counts) + "</tr>")
    out.append("</table>")
    late = overdue(rows)
    if late:
        out.append(f"<h2>{_e(cw('overdue_list'))}</h2><table><thead><tr>"
                   + "".join(f"<th>{_e(cw(k))}</th>" for k in ("case", "type", "town", "stage", "due_at", "overdue"))
                   + "</tr></thead>")
        for r in late[:OVERDUE_ROWS]:
            town = state.org.get(r.town)
            ct = state.case_types.get(r.type)
            type_word = r.type if ct is None else (ct.zh if words.lang.startswith("zh") else ct.en)
            out.append(f"<tr><td class=breach>{_e(r.incident)}</td><td>{_e(type_word)}</td>"
                       f"<td>{_e(town.name if town else r.town)}</td>"
                       f"<td>{_e(cw('waiting_for', stage=stage(r.waiting_for)))}</td>"
                       f"<td>{clock(r.due, '%m-%d %H:%M')}</td><td class=num>{duration(r.overdue_s)}</td></tr>")
        out.append("</table>")
    name_of = {**{u.id: u.name for u in state.org.values()}, **{p.id: p.name for p in state.resources.values()}}
    for dim in ("town", "worker"):
        out.append(f"<h2>{_e(cw('cases'))} · {_e(cw('by_' + dim))}</h2><table><thead><tr>"
                   + "".join(f"<th>{_e(cw(k))}</th>" for k in ("by_" + dim, "count", "open", "overdue", "returned",
                                                               "on_time_share"))
                   + "".join(f"<th>{_e(cw('stage_p', stage=stage(s)))}</th>" for s in TIMED_STAGES)
                   + "</tr></thead>")
        for g in figures_by(rows, dim):
            cells = "".join("<td class=num>—</td>" if (p := g.stage_p.get(s)) is None
                            else f"<td class=num>{duration(p[0])} / {duration(p[1])}</td>" for s in TIMED_STAGES)
            out.append(f"<tr><td>{_e(name_of.get(g.key, g.key) or '—')}</td><td class=num>{g.count}</td>"
                       f"<td class=num>{g.open}</td><td class=num>{g.overdue}</td><td class=num>{g.returned}</td>"
                       f"<td class=num>{_share(g.on_time_share)}</td>{cells}</tr>")
        out.append("</table>")
    out.append(_follow_ups(state, rows, words, name_of))
    return "".join(out)


def _follow_ups(state: State, rows, words: CaseWords, name_of: dict[str, str]) -> str:
    """Each follow-up check (举一反三) sent from a case: how many grids answered, which found the same, which are silent."""
    cw = words.case_word
    sep = "、" if words.lang.startswith("zh") else ", "
    lines = []
    for r in rows:
        for p in follow_ups(state, r.incident):
            n = len(p.grids) - len(p.unreached)
            parts = [cw("follow_up_progress", answered=len(p.clear) + len(p.found), n=n, clear=len(p.clear),
                        found=len(p.found))]
            for key, grids in (("follow_up_found", p.found), ("follow_up_silent", p.silent),
                               ("follow_up_unreached", p.unreached)):
                if grids:
                    parts.append(cw(key, grids=sep.join(name_of.get(g, g) for g in grids)))
            notes = "".join(f"<li>{_e(name_of.get(g, g))} · {_e(name_of.get(who, who))}：{_e(text)}</li>"
                            for g, who, text in p.notes)
            lines.append(f"<tr><td>{_e(r.incident)}</td><td>{_e(r.title)}</td><td>{_e(' · '.join(parts))}"
                         + (f"<ul>{notes}</ul>" if notes else "") + "</td></tr>")
    if not lines:
        return ""
    return (f"<h2>{_e(cw('follow_up'))}</h2><table><thead><tr><th>{_e(cw('case'))}</th><th></th>"
            f"<th>{_e(cw('follow_up'))}</th></tr></thead>" + "".join(lines) + "</table>")
