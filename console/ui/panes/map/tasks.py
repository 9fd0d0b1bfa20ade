"""The selected incident's dispatched people on the map: a dashed line from each to it, named with an ETA."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from console.domain.model import TASK_FINAL, Incident
from console.domain.recommend import eta_seconds
from console.domain.state import State
from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.common.i18n import status_label as _status_label


class TaskLines:
    """The dashed lines (`curve`) and their name/ETA labels, on one plot."""

    def __init__(self, plot: pg.PlotWidget):
        self.plot = plot
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(theme.MAP_TASK_LINE, width=2, style=Qt.PenStyle.DashLine),
                                      antialias=True)
        self.curve.setZValue(3.5)
        plot.addItem(self.curve)
        self.labels: list[pg.TextItem] = []

    def draw(self, state: State, inc: Incident | None, visible: bool) -> None:
        """Lines and labels for the people still on their way to (or at) `inc`; none for None."""
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        xs: list[float] = []
        ys: list[float] = []
        if inc is not None:
            lang = current_lang()
            for tid in inc.tasks:
                task = state.tasks.get(tid)
                res = state.resources.get(task.resource) if task is not None else None
                if task is None or res is None or task.status in TASK_FINAL:
                    continue
                xs += [res.x, inc.x]
                ys += [res.y, inc.y]
                if task.status == "arrived":
                    text = f"{res.name} · {_status_label('on_scene')}"
                else:
                    _dist, eta = eta_seconds(res, inc.x, inc.y)
                    text = f"{res.name} · {glossary.eta(eta, lang)}"
                label = pg.TextItem(text, color=theme.MAP_TASK_LABEL, anchor=(0, 1), fill=pg.mkBrush(theme.BG))
                label.setPos(res.x, res.y)
                label.setZValue(6)
                label.setVisible(visible)
                self.plot.addItem(label)
                self.labels.append(label)
        if xs:
            self.curve.setData(np.asarray(xs, float), np.asarray(ys, float), connect="pairs")
        else:
            self.curve.setData([], [])

    def set_visible(self, on: bool) -> None:
        """Shown with the people layer."""
        for item in (self.curve, *self.labels):
            item.setVisible(on)
