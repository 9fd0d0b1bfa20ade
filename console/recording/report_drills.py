"""The after-action report's drill section (演练): each drill's times against 60 s / 10 min, each
person's, and a table comparing towns (what the district's drill pane shows too).

Pure text assembly from `console/domain/drills.py`'s scores; "" when the state holds no drill.
"""

from __future__ import annotations

import html
from typing import Protocol

from console.domain import drills
from console.domain.localtime import clock, duration
from console.domain.model import ASSEMBLY_LIMIT_S, RESPONSE_LIMIT_S
from console.domain.state import State


class DrillWords(Protocol):
    """The words the section needs (the UI's glossary provides them)."""

    lang: str

    def drill_word(self, key: str, **values) -> str: ...
    def resource_kind(self, code: str) -> str: ...


def _e(s: object) -> str:
    return html.escape(str(s))


def _t(seconds: float | None, limit: float | None = None) -> str:
    """A time from the alert, marked as a breach past `limit`."""
    if seconds is None:
        return "<td class=num>—</td>"
    cls = "num breach" if limit is not None and seconds > limit else "num"
    return f"<td class='{cls}'>{duration(seconds)}</td>"


def kinds_text(score: drills.DrillScore, words: DrillWords) -> str:
    """The kinds sent, what the script expected that was not sent, and whether its plan ran."""
    sep = "、" if words.lang.startswith("zh") else ", "
    sent = sep.join(f"{words.resource_kind(k)} ×{n}" for k, n in score.sent.items()) or "—"
    if score.kinds_met:
        text = f"{sent} ({words.drill_word('kinds_ok')})" if score.expected else sent
    else:
        missing = sep.join(f"{words.resource_kind(r.kind)} ×{r.count}" for r in score.missing)
        text = f"{sent} · {words.drill_word('missing', roles=missing)}"
    if score.plan_met is not None:
        text += f" · {words.drill_word('plan_run' if score.plan_met else 'plan_not_run', plan=score.plan_expected)}"
    return text


def town_table(rows: list[drills.TownDrills], name_of, words: DrillWords) -> str:
    """The district's comparison: per town, its drills, median times and promises kept."""
    dw = words.drill_word
    out = [f"<table class=drills-by-town><thead><tr><th>{_e(dw('town'))}</th><th>{_e(dw('n'))}</th>"
           + "".join(f"<th>{_e(dw(k))}</th>" for k in ("to_ack", "to_dispatch", "to_accept", "to_assembly",
                                                        "promise_60s", "promise_10min", "kinds"))
           + "</tr></thead>"]
    for r in rows:
        out.append(f"<tr><td>{_e(name_of(r.town))}</td><td class=num>{r.drills}</td>"
                   f"{_t(r.ack_s, RESPONSE_LIMIT_S)}{_t(r.dispatch_s, RESPONSE_LIMIT_S)}"
                   f"{_t(r.first_accept_s)}{_t(r.assembly_s, ASSEMBLY_LIMIT_S)}"
                   f"<td class=num>{r.response_met}/{r.drills}</td><td class=num>{r.assembly_met}/{r.drills}</td>"
                   f"<td class=num>{r.kinds_met}/{r.drills}</td></tr>")
    out.append("</table>")
    return "".join(out)


def drills_section(state: State, words: DrillWords, *, towns_first: bool = False) -> str:
    """The section as HTML; "" when the period had no drill. `towns_first`: the towns' comparison
    before the drills (what a district reads first)."""
    scores = drills.scores(state)
    if not scores:
        return ""
    dw = words.drill_word
    names = {**{u.id: u.name for u in state.org.values()}, **{r.id: r.name for r in state.resources.values()}}
    name_of = lambda i: names.get(i, i) or "—"  # noqa: E731
    towns = (f"<h2>{_e(dw('by_town'))} {_e(dw('medians'))}</h2>"
             + town_table(drills.by_town(scores), name_of, words))
    out = [towns] if towns_first else []
    out += [f"<h2>{_e(dw('drills'))}</h2><table class=drills><thead><tr>"
           + "".join(f"<th>{_e(dw(k))}</th>" for k in ("drill", "script", "town", "started", "to_ack",
                                                        "to_dispatch", "to_accept", "to_assembly", "kinds", "state"))
           + "</tr></thead>"]
    for s in scores:
        out.append(f"<tr><td>{_e(s.drill)}</td><td>{_e(s.script)}</td><td>{_e(name_of(s.town))}</td>"
                   f"<td>{clock(s.started_at)}</td>{_t(s.ack_s, RESPONSE_LIMIT_S)}"
                   f"{_t(s.dispatch_s, RESPONSE_LIMIT_S)}{_t(s.first_accept_s)}{_t(s.assembly_s, ASSEMBLY_LIMIT_S)}"
                   f"<td>{_e(kinds_text(s, words))}</td>"
                   f"<td>{_e(dw('ended') if s.ended else dw('running'))}</td></tr>")
    out.append("</table>")
    out.append(f"<h2>{_e(dw('people'))}</h2><table class=drill-people><thead><tr>"
               + "".join(f"<th>{_e(dw(k))}</th>" for k in ("drill", "person", "kind", "to_sent", "to_accepted",
                                                            "to_arrived"))
               + "</tr></thead>")
    for s in scores:
        for p in s.people:
            accept_late = p.accepted_s is not None and p.accepted_in_time is False
            out.append(f"<tr><td>{_e(s.drill)}</td><td>{_e(name_of(p.resource))}</td>"
                       f"<td>{_e(words.resource_kind(p.kind))}</td>{_t(p.sent_s)}"
                       + (f"<td class='num breach'>{duration(p.accepted_s)}</td>" if accept_late else _t(p.accepted_s))
                       + f"{_t(p.arrived_s, ASSEMBLY_LIMIT_S)}</tr>")
    out.append("</table>")
    if not towns_first:
        out.append(towns)
    return "".join(out)
