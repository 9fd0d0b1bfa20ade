"""`duty-console report FILE`: the after-action report of a drill, as HTML and optionally PDF.

The figures come from `console.domain.kpi` (pure); this module only draws the
charts with pyqtgraph (exported to PNG, offscreen) and prints the PDF through
`QTextDocument` + `QPdfWriter`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF, QUrl  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QImage, QPageLayout, QPageSize, QPdfWriter, QTextCursor, QTextDocument, QTextFormat,
)
from PySide6.QtWidgets import QApplication  # noqa: E402

import pyqtgraph as pg  # noqa: E402
import pyqtgraph.exporters  # noqa: E402,F401

from console.domain.model import ASSEMBLY_LIMIT_S, RESPONSE_LIMIT_S  # noqa: E402
from console.domain.kpi import Figures, compute  # noqa: E402
from console.domain.localtime import clock  # noqa: E402
from console.recording.drill_file import DrillReader  # noqa: E402
from console.recording.report import CHARTS, build_html  # noqa: E402
from console.ui.common import theme  # noqa: E402
from console.ui.common.glossary import REPORT_WORDS, Glossary  # noqa: E402
from console.ui.common.i18n import DEFAULT_LANG, normalize_lang  # noqa: E402
from console.ui.common.series import break_gaps  # noqa: E402

Progress = Callable[[float, str], None]
CHART_W, CHART_H = 900, 300
_PALETTE = theme.REPORT_SERIES


def _app() -> QApplication:
    return QApplication.instance() or QApplication(["duty-console-report"])


def _png(plot: pg.PlotWidget) -> bytes:
    plot.resize(CHART_W, CHART_H)
    plot.plotItem.resize(CHART_W, CHART_H)  # the widget is never shown: size the item itself
    exporter = pg.exporters.ImageExporter(plot.plotItem)
    exporter.parameters()["width"] = CHART_W
    image: QImage = exporter.export(toBytes=True)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def _plot(title_x: str, title_y: str) -> pg.PlotWidget:
    w = pg.PlotWidget(background="w")
    w.showGrid(x=True, y=True, alpha=0.25)
    for side in ("bottom", "left"):
        axis = w.getAxis(side)
        axis.setPen(theme.REPORT_AXIS)  # pyqtgraph's default light grey is hard to read on paper
        axis.setTextPen(theme.REPORT_AXIS)
        axis.enableAutoSIPrefix(False)
    w.setLabel("bottom", title_x)
    w.setLabel("left", title_y)
    # an opaque box: a point under the legend is hidden, never printed through its words
    w.addLegend(offset=(-10, 5), brush=pg.mkBrush(255, 255, 255, 235), pen=pg.mkPen(theme.REPORT_AXIS),
                labelTextColor=theme.REPORT_AXIS)
    return w


def chart_plots(f: Figures, words: Glossary) -> dict[str, pg.PlotWidget]:
    """Every chart of the report as a pyqtgraph plot, each axis and legend word in `words`' language.

    Kept apart from the export so a test can read the words off the plot items themselves.
    """
    _app()
    rw = words.report_word
    t0 = clock(f.start, "%H:%M")
    xlab = rw("axis_minutes_after", t=t0)
    plots: dict[str, pg.PlotWidget] = {}
    minutes = (f.t - f.start) / 60.0

    p = _plot(xlab, rw("axis_per_minute"))
    p.addItem(pg.BarGraphItem(x=minutes + f.bin_s / 120.0, height=f.alerts_per_min, width=f.bin_s / 60.0 * 0.8,
                              brush=theme.REPORT_ALERTS, name=rw("legend_alerts_per_min")))
    p.plot(minutes + f.bin_s / 60.0, f.open_incidents, pen=pg.mkPen(theme.REPORT_OPEN, width=2),
           name=rw("legend_open_incidents"))
    p.plot(minutes + f.bin_s / 60.0, f.active_tasks, pen=pg.mkPen(theme.REPORT_TASKS, width=2),
           name=rw("legend_active_tasks"))
    plots["timeline"] = p

    for name, attr, limit, unit in (("response", "response_s", RESPONSE_LIMIT_S, 1.0),
                                    ("assembly", "assembly_s", ASSEMBLY_LIMIT_S, 60.0)):
        rows = [r for r in f.incidents if getattr(r, attr) is not None]
        p = _plot(rw("axis_minutes_after_alert", t=t0), rw("axis_seconds" if unit == 1.0 else "axis_minutes"))
        if rows:
            x = np.array([(r.alert_at - f.start) / 60.0 for r in rows])
            y = np.array([getattr(r, attr) / unit for r in rows])
            ok = y <= limit / unit
            p.plot(x[ok], y[ok], pen=None, symbol="o", symbolBrush=theme.REPORT_KEPT, symbolSize=7,
                   name=rw("legend_kept"))
            if (~ok).any():
                p.plot(x[~ok], y[~ok], pen=None, symbol="x", symbolBrush=theme.REPORT_BREACHED,
                       symbolPen=theme.REPORT_BREACHED,
                       symbolSize=9, name=rw("legend_breached"))
        p.addItem(pg.InfiniteLine(pos=limit / unit, angle=0, pen=pg.mkPen(theme.REPORT_BREACHED,
                                                                           style=pg.QtCore.Qt.PenStyle.DashLine)))
        plots[name] = p

    if f.utilisation:
        p = _plot(rw("axis_kind"), rw("axis_utilisation_pct"))
        kinds = [words.resource_kind(u.kind) for u in f.utilisation]
        p.addItem(pg.BarGraphItem(x=np.arange(len(kinds)), height=[u.share * 100 for u in f.utilisation],
                                  width=0.6, brush=theme.REPORT_BARS))
        p.getAxis("bottom").setTicks([list(enumerate(kinds))])
        plots["utilisation"] = p

    if f.crowd:
        p = _plot(xlab, rw("axis_density"))
        top = sorted(f.crowd, key=lambda c: -len(f.crowd[c]))[:8]
        for i, cam in enumerate(sorted(top)):
            # readings further apart than the live pane's gap are two stretches, not one line
            pts = break_gaps(np.asarray(f.crowd[cam], dtype=np.float64))
            p.plot((pts[:, 0] - f.start) / 60.0, pts[:, 1], connect="finite",
                   pen=pg.mkPen(_PALETTE[i % len(_PALETTE)], width=1.5), symbol="o", symbolSize=5,
                   symbolBrush=_PALETTE[i % len(_PALETTE)], name=cam)
        plots["crowd"] = p
    for p in plots.values():
        legend = p.plotItem.legend
        if legend is not None and not legend.items:
            legend.hide()  # a chart without named series (utilisation) printed an empty box
    return plots


def render_charts(f: Figures, words: Glossary | None = None) -> dict[str, bytes]:
    """PNG bytes of every chart of the report, its words in `words`' language (the default language without)."""
    plots = chart_plots(f, words or Glossary(DEFAULT_LANG))
    return {name: _png(p) for name, p in plots.items()}


def write_pdf(html_text: str, charts: dict[str, bytes], path: str | Path) -> None:
    """Print the report to PDF (A4 landscape) through QTextDocument."""
    _app()
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12)))
    writer.setResolution(110)
    writer.setTitle("After-action report")
    page = QSizeF(writer.width(), writer.height())
    doc = _document(html_text, charts, page)
    if keep_headings_with_charts(doc):
        # lay the report out afresh with its page breaks: after moving headings in place, Qt left
        # the last blocks of a long report at height 0 (the definitions and the sign-off heading
        # were missing from the PDF); a document read from the same HTML lays them out right
        doc = _document(doc.toHtml(), charts, page)
    doc.print_(writer)


def _document(html_text: str, charts: dict[str, bytes], page: QSizeF) -> QTextDocument:
    """The report as a QTextDocument of one page size, its charts as image resources."""
    doc = QTextDocument()
    for name, png in charts.items():
        img = QImage.fromData(png, "PNG")
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), img)
    doc.setHtml(html_text)
    doc.setPageSize(page)
    return doc


def keep_headings_with_charts(doc: QTextDocument) -> int:
    """Start a page at each chart heading whose chart would fall onto the next page; returns how many.

    QTextDocument ignores CSS `break-inside: avoid` (the HTML file keeps it for browsers),
    so the PDF does the same by hand: a chart's heading is the block before its image.
    """
    titles = {t for name in CHARTS for t in REPORT_WORDS[f"chart_{name}"]}  # either language
    page_h = doc.pageSize().height()
    layout = doc.documentLayout()
    moved = 0
    block = doc.begin()
    while block.isValid():
        nxt = block.next()
        if block.text().strip() in titles and nxt.isValid():
            top = layout.blockBoundingRect(block).top()
            bottom = layout.blockBoundingRect(nxt).bottom()
            if int(top // page_h) != int((bottom - 1) // page_h):
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                moved += 1
        block = nxt
    return moved


def write_report(drill: str | Path, *, out: str | Path | None = None, pdf: bool = False,
                 progress: Progress | None = None, bin_s: float = 60.0, lang: str = DEFAULT_LANG) -> list[Path]:
    """Write the HTML (and PDF) report of a drill file; returns the paths written.

    `lang` ("zh", "en", ...): the language of the domain's words (kinds, statuses, steps, breaches).

    Raises DrillFileError for a file that cannot be used.
    """
    say = progress or (lambda done, what: None)
    drill = Path(drill)
    out = Path(out) if out else drill.with_suffix(".html")
    say(0.0, "checking the drill file")
    with DrillReader(drill) as reader:
        meta = reader.meta
        say(0.2, f"rebuilding every incident ({meta.events} events)")
        state = reader.history_state()  # archived incidents count too
    say(0.4, f"computing figures ({len(state.incidents)} incidents)")
    figures = compute(state, meta.start, meta.end, bin_s=bin_s)
    say(0.55, "drawing charts")
    words = Glossary(normalize_lang(lang))
    charts = render_charts(figures, words)
    say(0.8, "writing HTML")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_html(meta, drill.name, figures, state, charts, words), encoding="utf-8")
    written = [out]
    if pdf:
        say(0.9, "printing PDF")
        pdf_path = out.with_suffix(".pdf")
        write_pdf(build_html(meta, drill.name, figures, state, charts, words,
                             image_src=lambda n, _png: f"chart:{n}"),
                  charts, pdf_path)
        written.append(pdf_path)
    say(1.0, "done")
    return written
