"""The after-action report as HTML: pure text assembly from the figures (`kpi.compute`).

Charts arrive as PNG bytes (drawn by `console.ui.report` with pyqtgraph); the
caller says how an image is referenced (a data URI in the HTML file, a
resource name for the PDF). Headings are bilingual, like the console's mode badge;
the domain's codes (kinds, statuses, timeline steps, breaches) are said in the
report's language by the `Words` the caller hands in (the UI's glossary).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Iterable
from typing import Protocol

from console.domain.kpi import Figures, IncidentFigures, Promise
from console.domain.localtime import clock, duration
from console.domain.model import Transition
from console.domain.sla import Breach
from console.domain.state import State
from console.recording.drill_file import DrillMeta
from console.recording.report_cases import cases_section
from console.recording.report_drills import drills_section

#: at most this many rows in the timeline table (the charts cover everything)
TIMELINE_ROWS = 600

#: the report's charts, in order; each heading is the glossary's REPORT_WORDS["chart_<name>"]
CHARTS = ("timeline", "response", "assembly", "utilisation", "crowd")


def chart_titles(words: Words) -> dict[str, str]:
    """Each chart's heading in the report's language."""
    return {name: words.report_word(f"chart_{name}") for name in CHARTS}

_CSS = """
body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif; color: #1b1f24; margin: 24px; }
h1 { font-size: 20pt; margin-bottom: 4px; } h2 { font-size: 14pt; border-bottom: 2px solid #1f6feb; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 9pt; }
th, td { border: 1px solid #c9d1d9; padding: 3px 6px; text-align: left; }
th { background: #eef2f6; } td.num { text-align: right; }
.breach { color: #b42318; font-weight: bold; } .ok { color: #1a7f37; }
.small { color: #57606a; font-size: 8.5pt; } .tiles td { font-size: 11pt; padding: 6px 12px; }
h1, h2 { break-after: avoid; page-break-after: avoid; }
.figure { break-inside: avoid; page-break-inside: avoid; }
.signoff { break-inside: avoid; page-break-inside: avoid; margin-top: 36px; }
.signoff td { border: none; font-size: 12pt; padding: 14px 24px 4px 0; }
.signoff td.line { border-bottom: 1px solid #1b1f24; width: 220px; }
"""


class Words(Protocol):
    """The domain's codes in the report's language (`console.ui.common.glossary.Glossary` is one)."""

    lang: str

    def kind(self, code: str) -> str: ...
    def resource_kind(self, code: str) -> str: ...
    def status(self, code: str) -> str: ...
    def severity(self, code: str) -> str: ...
    def step(self, code: str) -> str: ...
    def scenario(self, code: str) -> str: ...
    def actor(self, name: str) -> str: ...
    def describe_step(self, s: Transition, name_of: Callable[[str], str] = ...) -> str: ...
    def describe_breaches(self, breaches: Iterable[Breach]) -> str: ...
    def names_in(self, state: State) -> Callable[[str], str]: ...
    def report_word(self, code: str, **params) -> str: ...
    def case_word(self, key: str, **values) -> str: ...
    def case_stage(self, code: str) -> str: ...
    def drill_word(self, key: str, **values) -> str: ...


#: the sign-off block's lines, in order (words: the glossary's REPORT_WORDS)
SIGN_OFF = ("duty_commander", "reviewed_by", "date")


def center_name(meta: DrillMeta, state: State) -> str:
    """The command center the drill was run at: the drill's center unit, else the org root, else the state's name.

    A drill file records the center as an org unit id (or free text from an older file);
    the name comes from the state's org tree where it can.
    """
    if meta.center:
        unit = state.org.get(meta.center)
        return unit.name if unit is not None else meta.center
    roots = [u for u in state.org.values() if not u.parent]
    if roots:
        return roots[0].name
    return state.name or "—"


def mode_word(mode: str, words: Words) -> str:
    """The drill's mode in words ('exercise' → '演练'); a mode the glossary does not know reads as itself."""
    key = f"mode_{mode}"
    said = words.report_word(key)
    return mode if said == key else said


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


def _e(s: object) -> str:
    return html.escape(str(s))


def _promise_row(label: str, p: Promise) -> str:
    return (f"<tr><td>{label}</td><td class=num>{p.n}</td><td class=num>{duration(p.p50)}</td>"
            f"<td class=num>{duration(p.p90)}</td><td class=num>{duration(p.p95)}</td>"
            f"<td class=num>{p.met}/{p.decided}</td><td class=num>{_pct(p.share_met)}</td></tr>")


def _verdict(met: bool | None) -> str:
    if met is None:
        return "<td>—</td>"
    return '<td class=ok>✓</td>' if met else '<td class=breach>✗</td>'


def timeline_rows(state: State, start: float, end: float) -> list[tuple[str, Transition]]:
    """(incident, step) of every incident step in the period, in time order."""
    rows = []
    for inc in state.incidents.values():
        for step in inc.timeline:
            if start <= step.at <= end and step.what not in ("task_accepted",):
                rows.append((inc.id, step))
    rows.sort(key=lambda r: (r[1].at, r[0]))
    return rows


def build_html(meta: DrillMeta, source: str, figures: Figures, state: State, charts: dict[str, bytes],
               words: Words, image_src: Callable[[str, bytes], str] = lambda name, png: data_uri(png)) -> str:
    """The whole report as one HTML document, the domain's words in `words.lang`."""
    f = figures
    name_of = words.names_in(state)
    out: list[str] = []
    w = out.append
    center = center_name(meta, state)
    title = words.report_word("title")
    w(f"<html lang='{'zh-CN' if words.lang.startswith('zh') else 'en'}'><head><meta charset='utf-8'>"
      f"<title>{_e(center)} · {_e(title)} {_e(source)}</title><style>{_CSS}</style></head><body>")
    rw = words.report_word
    w(f"<h1 class=title>{_e(center)} · {_e(title)}</h1>")
    w(f"<p class=small>{_e(source)} · "
      + _e(rw("meta", scenario=words.scenario(meta.scenario) if meta.scenario else "—", seed="—" if meta.seed is None else meta.seed,
                 mode=mode_word(meta.mode, words), by=meta.recorded_by or "—"))
      + f" · {clock(meta.start, '%Y-%m-%d %H:%M:%S')} – {clock(meta.end)} ({duration(meta.duration)}) · "
      f"{_e(rw('events_n', n=meta.events))} · {_e(state.name)}</p>")

    w(f"<h2>{_e(rw('summary'))}</h2><table class=tiles><tr>")
    for code, value in (("alerts", f.alerts), ("incidents", len(f.incidents)), ("tasks", f.tasks),
                        ("closed", f.closed), ("breaches", len(f.breaches)), ("peak_tasks", f.peak_tasks)):
        w(f"<td>{_e(rw(code))}<br><b>{value}</b></td>")
    w("</tr></table>")
    w(f"<table><tr><th>{_e(rw('promise'))}</th><th>n</th><th>p50</th><th>p90</th><th>p95</th>"
      f"<th>{_e(rw('met'))}</th><th>{_e(rw('share'))}</th></tr>")
    w(_promise_row(_e(rw("acknowledge_promise")), f.acknowledge))
    w(_promise_row(_e(rw("response_promise")), f.response))
    w(_promise_row(_e(rw("assembly_promise")), f.assembly))
    w("</table>")

    titles = chart_titles(words)
    for name in CHARTS:
        png = charts.get(name)
        if png:
            # heading and chart in one unbreakable box: a page never ends under a heading
            w(f"<div class=figure id='chart-{name}'><h2>{_e(titles[name])}</h2>"
              f"<p><img src='{image_src(name, png)}' width=900></p></div>")

    w(f"<h2>{_e(rw('breaches_n', n=len(f.breaches)))}</h2>")
    if f.breaches:
        w(_header_row(rw, ("incident", "alert", "event_title", "response", "assembly", "reason")))
        for r in f.breaches:
            w(f"<tr><td>{_e(r.id)}</td><td>{clock(r.alert_at)}</td><td>{_e(r.title)}</td>"
              f"<td class=num>{duration(r.response_s)}</td><td class=num>{duration(r.assembly_s)}</td>"
              f"<td class=breach>{_e(words.describe_breaches(r.breaches))}</td></tr>")
        w("</table>")
    else:
        w(f"<p class=ok>{_e(rw('all_met'))}</p>")

    w(f"<h2>{_e(rw('incident_details'))}</h2>")
    w(_header_row(rw, ("incident", "alert", "kind", "severity", "event_title", "to_ack", "to_dispatch",
                       "to_first_arrival", "to_full_team", "to_closure", "promise_60s", "promise_10min",
                       "status")))
    for r in f.incidents:
        w(_incident_row(r, words))
    w("</table>")

    w(f"<h2>{_e(rw('utilisation'))}</h2>")
    w(_header_row(rw, ("kind", "on_duty", "sent", "tasks", "task_time", "utilisation_share")))
    for u in f.utilisation:
        w(f"<tr><td>{_e(words.resource_kind(u.kind))}</td><td class=num>{u.people}</td><td class=num>{u.sent}</td>"
          f"<td class=num>{u.tasks}</td><td class=num>{duration(u.busy_s)}</td>"
          f"<td class=num>{u.share * 100:.1f}%</td></tr>")
    w("</table>")

    w(cases_section(state, meta.end, words))
    w(drills_section(state, words))

    rows = timeline_rows(state, meta.start, meta.end)
    w(f"<h2>{_e(rw('timeline_n', n=len(rows)))}</h2>")
    if len(rows) > TIMELINE_ROWS:
        w(f"<p class=small>{_e(rw('timeline_first', shown=TIMELINE_ROWS, n=len(rows)))}</p>")
    w(_header_row(rw, ("time", "incident", "step", "who", "detail")))
    for inc, step in rows[:TIMELINE_ROWS]:
        w(f"<tr><td>{clock(step.at)}</td><td>{_e(inc)}</td><td>{_e(words.step(step.what))}</td>"
          f"<td>{_e(words.actor(step.actor))}</td><td>{_e(words.describe_step(step, name_of))}</td></tr>")
    w("</table>")

    w(f"<h2>{_e(rw('definitions'))}</h2><p class=small>{_e(rw('definitions_text'))}</p>")
    w(_sign_off(words))
    w("</body></html>")
    return "".join(out)


def _header_row(rw: Callable[[str], str], codes: tuple[str, ...]) -> str:
    """A table's opening and its header row, each column named in the report's language."""
    # <thead>: the PDF repeats the header row on every page a long table runs onto
    return "<table><thead><tr>" + "".join(f"<th>{_e(rw(code))}</th>" for code in codes) + "</tr></thead>"


def _incident_row(r: IncidentFigures, words: Words) -> str:
    cls = " class=breach" if r.breached else ""
    return (f"<tr><td{cls}>{_e(r.id)}</td><td>{clock(r.alert_at)}</td><td>{_e(words.kind(r.kind))}</td>"
            f"<td>{_e(words.severity(r.severity))}</td><td>{_e(r.title)}</td><td class=num>{duration(r.ack_s)}</td>"
            f"<td class=num>{duration(r.dispatch_s)}</td><td class=num>{duration(r.first_arrival_s)}</td>"
            f"<td class=num>{duration(r.full_on_scene_s)}</td><td class=num>{duration(r.closure_s)}</td>"
            f"{_verdict(r.response_met)}{_verdict(r.assembly_met)}<td>{_e(words.status(r.status))}</td></tr>")


def _sign_off(words: Words) -> str:
    """The block the duty commander and the reviewer sign, in the report's language."""
    rows = "".join(f"<tr><td>{_e(words.report_word(code))}</td><td class=line>&nbsp;</td></tr>"
                   for code in SIGN_OFF)
    return (f"<div class=signoff><h2>{_e(words.report_word('sign_off'))}</h2>"
            f"<table class=signoff>{rows}</table></div>")
