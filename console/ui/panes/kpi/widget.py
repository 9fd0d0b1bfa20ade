"""The KPI dashboard: how the duty period is going against the promises, live and in review.

Figures come from `console.domain.kpi.compute` (the same as the after-action
report), recomputed at most once a second from the replica's state; curves
are fed from preallocated numpy buffers with one `setData` each per refresh.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

import pyqtgraph as pg

from console.client.replica import Replica
from console.domain.model import ASSEMBLY_LIMIT_S, RESPONSE_LIMIT_S
from console.domain.state import ChangeSet
from console.domain.casefigures import case_rows, summarize
from console.domain.kpi import Figures, compute, counted_incidents, incident_figures
from console.domain.localtime import duration
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang, resource_kind_label
from console.ui.common.series import break_gaps

#: at most this many minutes of history are drawn (a whole marathon day fits)
CAPACITY = 24 * 60
#: the window drawn: the last this many hub seconds (or the whole recording in review)
WINDOW_S = 3 * 3600.0
#: recompute at most this often (wall seconds)
REFRESH_S = 1.0
#: incidents whose figures are made in one step of a refresh (≈ 2-3 ms)
ROWS_PER_STEP = 250
#: crowd curves drawn (the cameras with the most density alerts)
CROWD_CAMERAS = 5
#: utilisation bars drawn (the most used kinds)
UTILISATION_KINDS = 6


class MinutesAgoAxis(pg.AxisItem):
    """A time axis in whole minutes before now: '25', '20', … '0', never '-0.1' steps."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        # one crowd reading spans a few ms: pyqtgraph then labelled the axis "minutes ago (x0.001)"
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        return [f"{abs(v):.0f}" for v in values]

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph override
        span = max(maxVal - minVal, 1.0)
        major = next((m for m in (1, 2, 5, 10, 15, 30, 60, 120) if span / m <= 8), 240)
        return [(major, 0)]


class RoomyAxis(pg.AxisItem):
    """A value axis with only as many ticks as fit two text lines apart: no '0.4' printed over '0.2'.

    In the desk's short KPI dock a plot may be 40 px tall; pyqtgraph's own spacing then still
    draws four labels on top of each other. `whole`: counts, so no step below 1 and no decimals.
    """

    def __init__(self, orientation: str, *, whole: bool = False, **kwargs):
        super().__init__(orientation, **kwargs)
        self.whole = whole
        self.enableAutoSIPrefix(False)

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph override
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        line = QFontMetrics(self.style.get("tickFont") or self.font()).height()
        room = max(1, int(size // (2 * line)))
        step = nice_step(span / room)
        return [(max(step, 1.0) if self.whole else step, 0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        if self.whole or spacing >= 1:
            return [f"{v:.0f}" for v in values]
        return super().tickStrings(values, scale, spacing)


def nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ that is at least `raw`."""
    power = 10.0 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw - 1e-12))


class KpiPane(QWidget):
    """Alerts per minute, open incidents, response/assembly percentiles vs promises, utilisation, crowd."""


    def __init__(self, replica: Replica, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.figures: Figures | None = None
        #: a refresh in steps: (start, end, incidents, their figures so far), or None
        self._job: tuple | None = None
        self._last = 0.0
        self._x = np.zeros(CAPACITY)
        self._alerts = np.zeros(CAPACITY)
        self._open = np.zeros(CAPACITY)
        self._tasks = np.zeros(CAPACITY)

        pg.setConfigOptions(antialias=False)
        self.summary = QLabel(self)
        self.summary.setObjectName("kpi_summary")
        self.summary.setWordWrap(True)
        #: the cases' line (一办到底): how many, open, overdue, on-time share (the cases pane has the rest)
        self.cases_line = QLabel(self)
        self.cases_line.setObjectName("kpi_cases")
        self.cases_line.hide()
        self.plots = pg.GraphicsLayoutWidget(self)
        self.plots.setBackground(theme.BG)

        self.rate_plot = self.plots.addPlot(row=0, col=0, title=self.tr("Alerts / min · open incidents"),
                                            axisItems={"bottom": MinutesAgoAxis("bottom"),
                                                       "left": RoomyAxis("left", whole=True)})
        self.alert_curve = self.rate_plot.plot(pen=pg.mkPen(theme.CHART_ALERTS), fillLevel=0,
                                               brush=theme.CHART_ALERTS_FILL)
        self.open_curve = self.rate_plot.plot(pen=pg.mkPen(theme.CHART_OPEN, width=2))
        self.task_curve = self.rate_plot.plot(pen=pg.mkPen(theme.CHART_TASKS, width=1))
        self.rate_plot.setLabel("bottom", self.tr("minutes ago"))

        self.promise_plot = self.plots.addPlot(row=0, col=1, title=self.tr("p50 / p90 / p95 vs promise (% of limit)"),
                                               axisItems={"left": RoomyAxis("left", whole=True)})
        self.promise_bars = pg.BarGraphItem(x=[0, 1, 2, 4, 5, 6], height=[0] * 6, width=0.8,
                                            brushes=[theme.CHART_KEPT] * 6)
        self.promise_plot.addItem(self.promise_bars)
        self.promise_plot.addItem(pg.InfiniteLine(pos=100, angle=0, pen=pg.mkPen(theme.CHART_LIMIT, width=1)))
        self.promise_plot.getAxis("bottom").setTicks([[(1, self.tr("response 60 s")),
                                                       (5, self.tr("assembly 10 min"))]])
        self.promise_plot.setYRange(0, 200)

        # horizontal bars: the kinds' names sit on the left axis one under another, never overlapping
        self.use_plot = self.plots.addPlot(row=1, col=0, title=self.tr("Utilisation by kind (%)"))
        self.use_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7, brush=theme.CHART_UTILISATION)
        self.use_plot.addItem(self.use_bars)
        self.use_plot.setXRange(0, 100, padding=0)
        self.use_plot.getAxis("bottom").setTicks([[(v, str(v)) for v in (0, 25, 50, 75, 100)]])
        self.use_plot.setMouseEnabled(x=False, y=False)
        self.use_plot.invertY(True)  # the most used kind on top

        self.crowd_plot = self.plots.addPlot(row=1, col=1, title=self.tr("Crowd density per camera (people/m²)"),
                                             axisItems={"bottom": MinutesAgoAxis("bottom"),
                                                        "left": RoomyAxis("left")})
        self.crowd_plot.setLabel("bottom", self.tr("minutes ago"))
        self.crowd_plot.addLegend(offset=(5, 5))
        self.crowd_curves = [self.crowd_plot.plot(pen=pg.mkPen(c, width=1.5), symbol="o", symbolSize=4,
                                                  symbolBrush=c, name="", connect="finite")
                             for c in theme.CHART_SERIES[:CROWD_CAMERAS]]
        for p in (self.rate_plot, self.crowd_plot):  # curves only: bar items do not downsample
            p.setClipToView(True)
            p.setDownsampling(mode="peak")
        for p in (self.rate_plot, self.promise_plot, self.use_plot, self.crowd_plot):
            p.showGrid(x=True, y=True, alpha=0.2)

        col = QVBoxLayout(self)
        col.setContentsMargins(4, 4, 4, 4)
        col.addWidget(self.summary)
        col.addWidget(self.cases_line)
        col.addWidget(self.plots, 1)

    # ------------------------------------------------------------------ API

    def refresh(self, changes: ChangeSet, *, force: bool = False) -> None:
        """UI tick: recompute and redraw at most once a second (any tick may bring new events)."""
        now = time.monotonic()
        if not force and (now - self._last < REFRESH_S or not self.isVisible()):
            return
        self._last = now
        state = self.replica.state
        if not state.incidents and not state.alerts:
            self.summary.setText(self.tr("No alerts yet."))
            return
        end = self.replica.hub_now()
        d = self.replica.drill
        if d is not None and self.replica.link.mode == "review":
            start = d.start
            end = min(max(end, d.start), d.end)
        else:
            start = max(state.day_start or end - WINDOW_S, end - WINDOW_S)
        if force:
            self._job = None  # a refresh in steps still under way would only bring older figures
            self._finish(start, end, None, None)
            return
        # Each incident's figures, ROWS_PER_STEP at a time with the loop running between: a day of
        # thousands of incidents was one 20-30 ms step, and alerts waited in the socket behind it.
        if self._job is None:
            incs = counted_incidents(state, max(end, start + 60.0))
            self._job = (start, end, incs, [])
            QTimer.singleShot(0, self, self._step)  # dropped if the pane is gone

    def _step(self) -> None:
        if self._job is None:
            return
        start, end, incs, rows = self._job
        at = max(end, start + 60.0)
        for inc in incs[len(rows):len(rows) + ROWS_PER_STEP]:
            rows.append(incident_figures(inc, at))
        if len(rows) < len(incs):
            QTimer.singleShot(0, self, self._step)  # dropped if the pane is gone
            return
        self._job = None
        self._finish(start, end, incs, rows)

    def _finish(self, start: float, end: float, incs, rows) -> None:
        state = self.replica.state
        self.figures = f = compute(state, start, max(end, start + 60.0), incidents=incs, rows=rows)
        self._draw(f, end)
        self._draw_cases(state, end)

    def _draw_cases(self, state, end: float) -> None:
        rows = case_rows(state, end)
        self.cases_line.setVisible(bool(rows))
        if not rows:
            return
        x = summarize(rows)
        share = "—" if x.on_time_share is None else f"{x.on_time_share * 100:.0f}%"
        self.cases_line.setText(glossary.case_word("summary", current_lang(), n=x.count, open=x.open,
                                                   overdue=x.overdue, share=share))

    # ------------------------------------------------------------------ private

    def _draw(self, f: Figures, end: float) -> None:
        n = min(len(f.t), CAPACITY)
        skip = len(f.t) - n
        self._x[:n] = (f.t[skip:] + f.bin_s - end) / 60.0
        self._alerts[:n] = f.alerts_per_min[skip:]
        self._open[:n] = f.open_incidents[skip:]
        self._tasks[:n] = f.active_tasks[skip:]
        self.alert_curve.setData(self._x[:n], self._alerts[:n])
        self.open_curve.setData(self._x[:n], self._open[:n])
        self.task_curve.setData(self._x[:n], self._tasks[:n])

        heights, brushes = [], []
        for promise, limit in ((f.response, RESPONSE_LIMIT_S), (f.assembly, ASSEMBLY_LIMIT_S)):
            for v in (promise.p50, promise.p90, promise.p95):
                pct = 0.0 if v is None else 100.0 * v / limit
                heights.append(pct)
                brushes.append(theme.CHART_KEPT if pct <= 100 else theme.CHART_LIMIT)
        self.promise_bars.setOpts(height=heights, brushes=brushes)

        kinds = sorted(f.utilisation, key=lambda u: -u.share)[:UTILISATION_KINDS]
        self.use_bars.setOpts(x0=np.zeros(len(kinds)), y=np.arange(len(kinds)),
                              width=[min(100.0, u.share * 100) for u in kinds], height=0.7)
        self.use_plot.getAxis("left").setTicks([[(i, resource_kind_label(u.kind)) for i, u in enumerate(kinds)]])
        self.use_plot.setYRange(-0.5, max(len(kinds), 1) - 0.5, padding=0.05)

        cams = sorted(f.crowd, key=lambda c: (-len(f.crowd[c]), c))[:CROWD_CAMERAS]
        legend = self.crowd_plot.legend
        for i, curve in enumerate(self.crowd_curves):
            if i < len(cams):
                pts = break_gaps(np.asarray(f.crowd[cams[i]], dtype=np.float64))
                curve.setData((pts[:, 0] - end) / 60.0, pts[:, 1], connect="finite")
                if legend is not None:
                    legend.removeItem(curve)
                    legend.addItem(curve, cams[i])
            else:
                curve.setData([], [])

        r, a = f.response, f.assembly
        share = lambda p: "—" if p.share_met is None else f"{p.share_met * 100:.0f}%"  # noqa: E731
        self.summary.setText(self.tr(
            "Alerts %1 · open %2 · tasks %3 · response p50/p90/p95 %4 / %5 / %6, ≤60 s %7 · "
            "assembly p50/p90/p95 %8 / %9 / %10, ≤10 min %11 · breaches %12")
            .replace("%10", duration(a.p95)).replace("%11", share(a)).replace("%12", str(len(f.breaches)))
            .replace("%1", str(f.alerts)).replace("%2", str(int(f.open_incidents[-1]) if len(f.open_incidents) else 0))
            .replace("%3", str(int(f.active_tasks[-1]) if len(f.active_tasks) else 0))
            .replace("%4", duration(r.p50)).replace("%5", duration(r.p90)).replace("%6", duration(r.p95))
            .replace("%7", share(r)).replace("%8", duration(a.p50)).replace("%9", duration(a.p90)))
