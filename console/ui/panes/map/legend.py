"""The map's colour key and layer switches (over the plot); wall mode hides them both.

They set the pane's minimum width at large type, and a wall is not switched by hand.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.common.i18n import status_label as _status_label
from console.ui.common.theme import RESOURCE_STATUS_COLORS, SEVERITY_COLORS
from console.ui.panes.map.heat import HEAT_MAX, HEAT_MIN, HEAT_WINDOW_S, LEGEND_MARKS

#: the layer switches, in the order shown
LAYERS = ("base", "grids", "cameras", "people", "incidents", "heat")



def heat_legend_html(lang: str) -> str:
    """The heat scale: its words, then one coloured block per mark (people/m²)."""
    from console.ui.panes.map.heat import colour_map

    cmap = colour_map()
    cells = []
    for mark in LEGEND_MARKS:
        f = min(max((mark - HEAT_MIN) / (HEAT_MAX - HEAT_MIN), 0.0), 1.0)
        c = cmap.map(f, mode="qcolor")
        c.setAlpha(255)
        cells.append(f"<span style='background:{c.name()}; color:#000'>&nbsp;{mark}{'+' if mark == HEAT_MAX else ''}&nbsp;</span>")
    words = glossary.map_word("heat_legend", lang, min=int(HEAT_WINDOW_S // 60))
    return f"{words} " + "".join(cells)


class MapLegend(QWidget):
    """The colour key (people's states; cameras, incidents, the heat scale and "Fit"), then one switch per layer."""

    sig_fit = Signal()
    """"Fit" was clicked: show the whole area."""

    sig_layer = Signal(str, bool)
    """A layer's switch was turned (layer, on)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        bars = QVBoxLayout(self)
        bars.setContentsMargins(0, 0, 0, 0)
        bars.setSpacing(0)
        # Three short rows, not two long ones: in English one row of the whole key and one of the
        # layers with the heat scale made the map pane 825 px wide at least, and the desk 1935 px.
        key_row = QWidget(self)
        bars.addWidget(key_row)
        legend = QHBoxLayout(key_row)
        legend.setContentsMargins(6, 2, 6, 0)
        legend.setSpacing(10)
        for status in ("available", "dispatched", "en_route", "on_scene", "busy", "off_duty"):
            lab = QLabel(f"<span style='color:{RESOURCE_STATUS_COLORS.get(status, theme.FG_DIM)}'>●</span> "
                         f"{_status_label(status)}")
            legend.addWidget(lab)
        legend.addStretch(1)
        marks_row = QWidget(self)
        bars.addWidget(marks_row)
        marks = QHBoxLayout(marks_row)
        marks.setContentsMargins(6, 0, 6, 2)
        marks.setSpacing(10)
        camera_word = QCoreApplication.translate("MapPane", "camera")
        incident_word = QCoreApplication.translate("MapPane", "open incident")
        marks.addWidget(QLabel(f"<span style='color:{theme.MAP_CAMERA}'>▼</span> {camera_word}"))
        marks.addWidget(QLabel(f"<span style='color:{SEVERITY_COLORS['critical']}'>★</span> {incident_word}"))
        self.heat_legend = QLabel(heat_legend_html(current_lang()), marks_row)
        marks.addWidget(self.heat_legend)
        marks.addStretch(1)
        fit = QToolButton(self)
        fit.setText(QCoreApplication.translate("MapPane", "Fit"))
        fit.setToolTip(QCoreApplication.translate("MapPane", "Show the whole area"))
        fit.clicked.connect(self.sig_fit.emit)
        marks.addWidget(fit)

        #: the layer switches and the heat scale
        self.layer_bar = QWidget(self)
        bars.addWidget(self.layer_bar)
        row = QHBoxLayout(self.layer_bar)
        row.setContentsMargins(6, 0, 6, 2)
        row.setSpacing(4)
        lang = current_lang()
        self.layer_buttons: dict[str, QToolButton] = {}
        for name in LAYERS:
            b = QToolButton(self.layer_bar)
            b.setText(glossary.map_word(f"layer_{name}", lang))
            b.setToolTip(glossary.map_word("layers_tip", lang))
            b.setCheckable(True)
            b.setChecked(True)
            b.toggled.connect(lambda on, n=name: self.sig_layer.emit(n, on))
            row.addWidget(b)
            self.layer_buttons[name] = b
        self.layer_buttons["base"].setEnabled(False)  # until a base map is attached
        # on reads lit, off reads dim: the switch's state is visible without hovering it
        self.layer_bar.setStyleSheet(
            f"QToolButton {{ padding: 1px 6px; border: 1px solid {theme.BORDER}; color: {theme.FG_DIM}; }}"
            f"QToolButton:checked {{ background: {theme.ACCENT}; border-color: {theme.ACCENT}; "
            f"color: {theme.ON_COLOUR}; }}"
            f"QToolButton:disabled {{ color: {theme.BORDER}; }}")
        row.addStretch(1)
