"""The after-action report's charts and meta line speak the session's language, and the crowd chart keeps its gaps.

The words are read off the pyqtgraph items the report exports (axis labels, legend entries,
tick strings), not off the builder's arguments, so a label hard-coded in English fails here.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from console.domain.kpi import compute
from console.domain.localtime import clock
from console.recording.drill_file import DrillReader
from console.recording.report import build_html
from console.ui.common.glossary import Glossary
from tests.domain.test_kpi import T0, hand_drill  # noqa: F401 - the fixture

pytestmark = pytest.mark.ui

#: English words the charts used to carry; none may be drawn into a Chinese report
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _figures(path):
    with DrillReader(path) as r:
        meta, state = r.meta, r.history_state()
    figures = compute(state, meta.start, meta.end)
    # a second crowd camera with readings 24 minutes apart: the chart must not join them
    crowd = dict(figures.crowd, C9=[(T0 + 60, 2.0), (T0 + 120, 2.5), (T0 + 1560, 3.0)])
    return meta, state, dataclasses.replace(figures, crowd=crowd)


def _words_drawn(plot) -> list[str]:
    """Every word a chart shows: its axis labels, its legend entries and its category ticks."""
    item = plot.plotItem
    out = [item.getAxis(side).labelText for side in ("bottom", "left")]
    if item.legend is not None:
        out += [label.text for _, label in item.legend.items]
    ticks = item.getAxis("bottom")._tickLevels
    if ticks:
        out += [str(text) for level in ticks for _, text in level]
    return [w for w in out if w]


def test_no_english_word_is_drawn_into_a_chinese_report_s_charts(hand_drill, qapp):
    from console.ui.report import chart_plots

    _, _, f = _figures(hand_drill)
    zh = chart_plots(f, Glossary("zh_CN"))
    assert set(zh) == {"timeline", "response", "assembly", "utilisation", "crowd"}
    for name, plot in zh.items():
        words = _words_drawn(plot)
        assert words, name
        # camera ids (C1, C9) are codes, not words; '07:00' in the axis is a time
        english = [w for w in words if ENGLISH.search(w)]
        assert not english, (name, english)
    assert f"{clock(T0, '%H:%M')} 起的分钟数" in _words_drawn(zh["timeline"])
    assert {"每分钟告警", "未结事件", "进行中任务"} <= set(_words_drawn(zh["timeline"]))
    assert "志愿者" in " ".join(_words_drawn(zh["utilisation"]))
    assert not zh["utilisation"].plotItem.legend.isVisible(), "no empty legend box"
    assert zh["timeline"].plotItem.legend.isVisible()

    en = chart_plots(f, Glossary("en"))
    assert f"minutes after {clock(T0, '%H:%M')}" in _words_drawn(en["timeline"])
    assert not [w for p in en.values() for w in _words_drawn(p) if re.search(r"[\u4e00-\u9fff]", w)]


def test_the_crowd_chart_breaks_its_line_across_a_long_silence(hand_drill, qapp):
    from console.ui.report import chart_plots

    _, _, f = _figures(hand_drill)
    plot = chart_plots(f, Glossary("zh_CN"))["crowd"]
    [c9] = [c for c in plot.plotItem.listDataItems() if c.name() == "C9"]
    x, y = c9.curve.getData()
    assert len(x) == 4 and np.isnan(y[2]), "a NaN between 2 min and 26 min: two stretches, no ramp"
    assert c9.opts["connect"] == "finite"


def test_the_meta_line_says_the_mode_in_words_and_the_report_ends_with_a_sign_off(hand_drill):
    meta, state, f = _figures(hand_drill)
    assert meta.mode == "exercise"
    zh = build_html(meta, hand_drill.name, f, state, {}, Glossary("zh_CN"))
    en = build_html(meta, hand_drill.name, f, state, {}, Glossary("en"))
    assert "模式 演练" in zh and "exercise" not in zh
    assert "mode exercise" in en
    assert "种子 —" in zh and "None" not in zh
    assert f"场景 {Glossary('zh_CN').scenario(meta.scenario)}" in zh
    assert zh.index("签字确认") > zh.index("口径") and "值班长" in zh


@pytest.mark.parametrize("drill", ["hand", "bundled"])
def test_the_pdf_prints_the_definitions_and_the_sign_off_after_moving_headings(hand_drill, qapp, tmp_path, drill):
    """Moving chart headings to new pages once left the report's last blocks at height 0: not printed."""
    from pathlib import Path

    from PySide6.QtPdf import QPdfDocument

    from console.ui.report import write_report

    source = hand_drill if drill == "hand" else Path(__file__).parents[2] / "resources/drills/marathon-morning.drill"
    _, pdf = write_report(source, out=tmp_path / "r.html", pdf=True, lang="zh_CN")
    doc = QPdfDocument()
    doc.load(str(pdf))
    text = "".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
    words = Glossary("zh_CN")
    for code in ("definitions", "sign_off", "duty_commander", "reviewed_by", "date"):
        assert words.report_word(code) in text, code
    assert words.report_word("definitions_text")[:12] in text
    assert "模式 演练" in text
    if drill == "bundled":
        assert "场景 马拉松赛事保障" in text and "marathon ·" not in text.replace("marathon-morning", "")
