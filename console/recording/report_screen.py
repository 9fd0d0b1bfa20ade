"""The after-action report's "alarm to screen" section: each console's own figure against the norms.

Every console measures hub commit → alert row painted (console/client/alarm_latency.py) and
reports p50/p95 of its last hour with its pings; the recording hub keeps each console's last
report (console/hub/alarm_figures.py) and the recorder writes them into the drill file's meta
(`alarm_to_screen`) when it closes. The section sets them against the 10 s alarm-display norm
of fire-control rooms, and video delay (camera clock → painted, `video_to_screen`, where a
stream carries a clock) against GB/T 28181's 2 s / 4 s; a figure not measured is said so, never
left blank.
"""

from __future__ import annotations

import html
from typing import Protocol

from console.domain.screen_norms import ALARM_DISPLAY_NORM_S, VIDEO_NORM_DIRECT_S, VIDEO_NORM_TERMINAL_S


class ScreenWords(Protocol):
    """The report's words (`console.ui.common.glossary.Glossary` is one)."""

    def report_word(self, code: str, **params) -> str: ...


def _e(s: object) -> str:
    return html.escape(str(s))


def _s(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def _verdict(value: float | None, norm: float) -> str:
    if value is None:
        return "<td>—</td>"
    return "<td class=ok>✓</td>" if value <= norm else "<td class=breach>✗</td>"


def screen_section(alarm: list[dict], video: list[dict], words: ScreenWords) -> str:
    """The section as HTML: one row per console (p50, p95, alerts, the norm, met), then video delay."""
    rw = words.report_word
    out = [f"<h2>{_e(rw('screen_title'))}</h2>",
           f"<p class=small>{_e(rw('screen_what', norm=f'{ALARM_DISPLAY_NORM_S:.0f}'))}</p>"]
    rows = [r for r in alarm if r.get("p95_s") is not None]
    if rows:
        out.append(f"<table><tr><th>{_e(rw('screen_console'))}</th><th>{_e(rw('screen_center'))}</th>"
                   f"<th>n</th><th>p50</th><th>p95</th><th>{_e(rw('screen_norm'))}</th>"
                   f"<th>{_e(rw('met'))}</th></tr>")
        for r in sorted(rows, key=lambda r: -r["p95_s"]):
            out.append(f"<tr><td>{_e(r.get('name', ''))}</td><td>{_e(r.get('center') or '—')}</td>"
                       f"<td class=num>{int(r.get('alerts') or 0)}</td><td class=num>{_s(r.get('p50_s'))}</td>"
                       f"<td class=num>{_s(r['p95_s'])}</td><td class=num>≤ {ALARM_DISPLAY_NORM_S:.0f} s</td>"
                       f"{_verdict(r['p95_s'], ALARM_DISPLAY_NORM_S)}</tr>")
        out.append("</table>")
    else:
        out.append(f"<p>{_e(rw('screen_none'))}</p>")
    norms = dict(direct=f"{VIDEO_NORM_DIRECT_S:.0f}", terminal=f"{VIDEO_NORM_TERMINAL_S:.0f}")
    vrows = [r for r in video if r.get("p95_s") is not None]
    if vrows:
        out.append(f"<p class=small>{_e(rw('video_what', **norms))}</p>")
        out.append(f"<table><tr><th>{_e(rw('screen_camera'))}</th><th>n</th><th>p50</th><th>p95</th>"
                   f"<th>≤ {VIDEO_NORM_DIRECT_S:.0f} s</th><th>≤ {VIDEO_NORM_TERMINAL_S:.0f} s</th></tr>")
        for r in vrows:
            out.append(f"<tr><td>{_e(r.get('camera', ''))}</td><td class=num>{int(r.get('frames') or 0)}</td>"
                       f"<td class=num>{_s(r.get('p50_s'))}</td><td class=num>{_s(r['p95_s'])}</td>"
                       f"{_verdict(r['p95_s'], VIDEO_NORM_DIRECT_S)}{_verdict(r['p95_s'], VIDEO_NORM_TERMINAL_S)}</tr>")
        out.append("</table>")
    else:
        out.append(f"<p class=small>{_e(rw('video_unknown', **norms))}</p>")
    return "".join(out)
