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

#: at most this many rows in the timeline table (the charts cover everything)
TIMELINE_ROWS = 600

CHART_TITLES = {
    "timeline": "Alerts per minute and open incidents 每分钟告警与未结事件",
    "response": "Response per incident (promise 60 s) 各事件响应时间",
    "assembly": "Assembly per incident (promise 10 min) 各事件集结时间",
    "utilisation": "Utilisation by kind 各类力量使用率",
    "crowd": "Crowd density per camera 各点位人群密度",
}

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
    def actor(self, name: str) -> str: ...
    def describe_step(self, s: Transition, name_of: Callable[[str], str] = ...) -> str: ...
    def describe_breaches(self, breaches: Iterable[Breach]) -> str: ...
    def names_in(self, state: State) -> Callable[[str], str]: ...
    def report_word(self, code: str) -> str: ...


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
    w(f"<h1 class=title>{_e(center)} · After-action report 演练复盘报告</h1>")
    w(f"<p class=small>{_e(source)} · scenario {_e(meta.scenario or '—')} · seed {_e(meta.seed)} · "
      f"mode {_e(meta.mode)} · recorded by {_e(meta.recorded_by or '—')} · "
      f"{clock(meta.start, '%Y-%m-%d %H:%M:%S')} – {clock(meta.end)} ({duration(meta.duration)}) · "
      f"{meta.events} events · {_e(state.name)}</p>")

    w("<h2>Summary 概要</h2><table class=tiles><tr>")
    for label, value in (("Alerts 告警", f.alerts), ("Incidents 事件", len(f.incidents)),
                         ("Tasks 派单", f.tasks), ("Closed 已闭环", f.closed),
                         ("Breaches 超时", len(f.breaches)), ("Peak tasks 并发任务峰值", f.peak_tasks)):
        w(f"<td>{label}<br><b>{value}</b></td>")
    w("</tr></table>")
    w("<table><tr><th>Promise 承诺</th><th>n</th><th>p50</th><th>p90</th><th>p95</th>"
      "<th>met 达标</th><th>share 达标率</th></tr>")
    w(_promise_row("Acknowledge ≤ 60 s 签收", f.acknowledge))
    w(_promise_row("Response ≤ 60 s 响应 (1 分钟)", f.response))
    w(_promise_row("Assembly ≤ 10 min 集结 (10 分钟)", f.assembly))
    w("</table>")

    for name in ("timeline", "response", "assembly", "utilisation", "crowd"):
        png = charts.get(name)
        if png:
            # heading and chart in one unbreakable box: a page never ends under a heading
            w(f"<div class=figure id='chart-{name}'><h2>{CHART_TITLES[name]}</h2>"
              f"<p><img src='{image_src(name, png)}' width=900></p></div>")

    w(f"<h2>Breaches 超时事件 ({len(f.breaches)})</h2>")
    if f.breaches:
        w("<table><tr><th>incident</th><th>alert</th><th>title</th><th>response</th><th>assembly</th>"
          "<th>reason 原因</th></tr>")
        for r in f.breaches:
            w(f"<tr><td>{_e(r.id)}</td><td>{clock(r.alert_at)}</td><td>{_e(r.title)}</td>"
              f"<td class=num>{duration(r.response_s)}</td><td class=num>{duration(r.assembly_s)}</td>"
              f"<td class=breach>{_e(words.describe_breaches(r.breaches))}</td></tr>")
        w("</table>")
    else:
        w("<p class=ok>Every decided incident kept both promises. 全部达标。</p>")

    w("<h2>Incidents 事件明细</h2><table><tr><th>incident</th><th>alert</th><th>kind</th><th>sev.</th>"
      "<th>title</th><th>→ack</th><th>→dispatch</th><th>→first arrival</th><th>→full plan on scene</th>"
      "<th>→closure</th><th>60 s</th><th>10 min</th><th>status</th></tr>")
    for r in f.incidents:
        w(_incident_row(r, words))
    w("</table>")

    w("<h2>Resource utilisation 力量使用</h2><table><tr><th>kind</th><th>on duty</th><th>sent</th>"
      "<th>tasks</th><th>task time</th><th>utilisation</th></tr>")
    for u in f.utilisation:
        w(f"<tr><td>{_e(words.resource_kind(u.kind))}</td><td class=num>{u.people}</td><td class=num>{u.sent}</td>"
          f"<td class=num>{u.tasks}</td><td class=num>{duration(u.busy_s)}</td>"
          f"<td class=num>{u.share * 100:.1f}%</td></tr>")
    w("</table>")

    rows = timeline_rows(state, meta.start, meta.end)
    w(f"<h2>Timeline 时间线 ({len(rows)} steps)</h2>")
    if len(rows) > TIMELINE_ROWS:
        w(f"<p class=small>First {TIMELINE_ROWS} of {len(rows)} steps; the charts cover the whole drill.</p>")
    w("<table><tr><th>time</th><th>incident</th><th>step</th><th>who</th><th>detail</th></tr>")
    for inc, step in rows[:TIMELINE_ROWS]:
        w(f"<tr><td>{clock(step.at)}</td><td>{_e(inc)}</td><td>{_e(words.step(step.what))}</td>"
          f"<td>{_e(words.actor(step.actor))}</td><td>{_e(words.describe_step(step, name_of))}</td></tr>")
    w("</table>")

    w("<h2>Definitions 口径</h2><p class=small>Times are hub (scenario) time, counted from the alert. "
      "Response = alert → first dispatch, or the decision that needs none (false alarm, merge, closure, "
      "escalation); promise 60 s. Assembly = first dispatch → every person sent on scene; promise 10 min "
      "(a first arrival later than 10 min also breaks it). Percentiles are nearest-rank over incidents whose "
      "figure is known at the end of the drill. The share counts incidents decided at the end: met, or "
      "already past the limit. Utilisation = task time of a kind's people / (people of that kind on duty × "
      "drill length).</p>")
    w(_sign_off(words))
    w("</body></html>")
    return "".join(out)


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
