"""The after-action report's frame: the center's name in the title, the sign-off block, charts kept with headings."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from console.domain.kpi import compute
from console.recording.drill_file import DrillReader
from console.recording.report import CHARTS, build_html, chart_titles
from console.ui.common.glossary import Glossary
from console.ui.common.glossary import Glossary
from tests.domain.test_kpi import hand_drill  # noqa: F401 - the fixture

class Boxes(HTMLParser):
    """Which no-break box (div.figure / div.signoff) each heading and image sits in, and the text of each box."""

    def __init__(self):
        super().__init__()
        self.stack: list[str | None] = []  # per open div: its class (None for other divs)
        self.box: str | None = None
        self.where: list[tuple[str, str | None, str]] = []  # (tag, box id, text or src)
        self.texts: dict[str, list[str]] = {}
        self._tag: str | None = None
        self.title = ""
        self.h1 = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div":
            box = a.get("id") or a.get("class") if a.get("class") in ("figure", "signoff") else None
            self.stack.append(box)
            if box:
                self.box = box
                self.texts.setdefault(box, [])
        elif tag == "img":
            self.where.append(("img", self.box, a.get("src", "")))
        self._tag = tag

    def handle_endtag(self, tag):
        if tag == "div" and self.stack:
            if self.stack.pop():
                self.box = next((b for b in reversed(self.stack) if b), None)
        self._tag = None

    def handle_data(self, data):
        if self._tag == "h2":
            self.where.append(("h2", self.box, data))
        if self._tag == "title":
            self.title += data
        if self._tag == "h1":
            self.h1 += data
        if self.box:
            self.texts[self.box].append(data)


def _report(path, lang: str, center: str | None = None) -> str:
    with DrillReader(path) as reader:
        meta, state = reader.meta, reader.history_state()
    if center is not None:
        meta = dataclasses.replace(meta, center=center)
    figures = compute(state, meta.start, meta.end)
    charts = {name: b"png-" + name.encode() for name in CHARTS}
    return build_html(meta, path.name, figures, state, charts, Glossary(lang))


@pytest.mark.parametrize("lang, lines", [("zh_CN", ["值班长", "审核", "日期"]),
                                         ("en", ["Duty commander", "Reviewed by", "Date"])])
def test_the_report_names_its_center_and_ends_with_a_sign_off_block_in_its_language(hand_drill, lang, lines):
    page = Boxes()
    page.feed(_report(hand_drill, lang))
    # no center in the drill's meta: the org tree's root (区) is the center
    assert page.h1.startswith("区 · ") and page.title.startswith("区 · ")
    said = [t.strip() for t in page.texts["signoff"] if t.strip()]
    assert said[1:] == lines, said
    other = ["Duty commander", "Reviewed by"] if lang.startswith("zh") else ["值班长", "审核"]
    assert not set(other) & set(said)
    html = _report(hand_drill, lang)
    definitions = "口径" if lang.startswith("zh") else "Definitions"
    assert html.rindex("class=signoff") > html.rindex(definitions), "the sign-off block comes last"


def test_the_drill_s_own_center_unit_names_the_report(hand_drill):
    page = Boxes()
    page.feed(_report(hand_drill, "en", center="T1"))
    assert page.h1.startswith("镇 · "), page.h1
    page = Boxes()
    page.feed(_report(hand_drill, "en", center="滨江指挥中心"))
    assert page.h1.startswith("滨江指挥中心 · "), "a center that is no org unit reads as written"


def test_every_chart_heading_sits_in_one_no_break_box_with_its_chart(hand_drill):
    html = _report(hand_drill, "zh_CN")
    page = Boxes()
    page.feed(html)
    for name, heading in chart_titles(Glossary("zh_CN")).items():
        h2 = [box for tag, box, text in page.where if tag == "h2" and text == heading]
        img = [box for tag, box, src in page.where if tag == "img" and src.endswith(
            __import__("base64").b64encode(b"png-" + name.encode()).decode())]
        assert h2 == [f"chart-{name}"] and img == [f"chart-{name}"], (name, h2, img)
    css = re.search(r"<style>(.*)</style>", html, re.S).group(1)
    assert re.search(r"\.figure \{[^}]*break-inside: avoid;[^}]*page-break-inside: avoid;", css)
    assert re.search(r"h2 \{[^}]*break-after: avoid;", css) or re.search(r"h1, h2 \{[^}]*break-after: avoid", css)


@pytest.mark.ui
def test_in_the_pdf_no_chart_heading_is_left_at_a_page_bottom_without_its_chart(hand_drill, qapp, tmp_path):
    from PySide6.QtCore import QMarginsF, QSizeF, QUrl
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    from console.ui.report import keep_headings_with_charts, render_charts

    with DrillReader(hand_drill) as reader:
        meta, state = reader.meta, reader.history_state()
    figures = compute(state, meta.start, meta.end)
    charts = render_charts(figures, Glossary("zh_CN"))
    doc = QTextDocument()
    for name, png in charts.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), QImage.fromData(png, "PNG"))
    doc.setHtml(build_html(meta, "hand", figures, state, charts, Glossary("zh_CN"),
                           image_src=lambda n, _png: f"chart:{n}"))
    writer = QPdfWriter(str(tmp_path / "probe.pdf"))  # the page write_pdf prints on
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12)))
    writer.setResolution(110)
    doc.setPageSize(QSizeF(writer.width(), writer.height()))

    def split() -> list[str]:
        layout, page_h = doc.documentLayout(), doc.pageSize().height()
        out, block = [], doc.begin()
        while block.isValid():
            if block.text().strip() in {*chart_titles(Glossary("zh_CN")).values(), *chart_titles(Glossary("en")).values()}:
                top, bottom = layout.blockBoundingRect(block).top(), layout.blockBoundingRect(block.next()).bottom()
                if int(top // page_h) != int((bottom - 1) // page_h):
                    out.append(block.text())
            block = block.next()
        return out

    assert split(), "the hand drill's charts do fall across a page as laid out plainly: the case being tested"
    assert keep_headings_with_charts(doc) >= 1
    assert split() == [], "every chart heading starts on the page of its chart"


def test_every_heading_and_column_reads_in_the_report_s_language_only(hand_drill):
    import re

    zh, en = _report(hand_drill, "zh_CN"), _report(hand_drill, "en")
    heads = lambda html: re.findall(r"<(?:h1|h2|th)[^>]*>(.*?)</(?:h1|h2|th)>", html)  # noqa: E731
    zh_heads, en_heads = heads(zh), heads(en)
    assert "概要" in zh_heads and "Summary" in en_heads
    latin_words = [h for h in zh_heads if re.search(r"[A-Za-z]{3,}", h) and h not in ("p50", "p90", "p95")]
    # what may stay Latin in Chinese: ids, the drill's file name and a center written in Latin letters
    assert not [h for h in latin_words if not re.search(r"[\u4e00-\u9fff]", h)], latin_words
    assert not [h for h in en_heads if re.search(r"[\u4e00-\u9fff]", h) and "·" not in h], en_heads
