"""The camera wall's toolbar: layouts, paging, the tour, the Views button, the focus line.

On a wall the focus line gets a row of its own under the buttons (`set_wall`): at wall
type the buttons leave it a few characters beside them; on its own row it has the
column's width (and ends in "…" if even that is short).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from console.ui.common import glossary, theme
from console.ui.common.i18n import current_lang
from console.ui.panes.cameras.elided import ElidedLabel
from console.video.tour import TOUR_S
from console.video.plan import LAYOUTS



class WallToolbar(QWidget):
    """The buttons over the tiles; `show_state` redraws them from the wall's state."""

    sig_layout = Signal(int)
    """A layout button was clicked (tiles per page)."""

    sig_page = Signal(int)
    """Previous (-1) or next (+1) page was clicked."""

    sig_tour = Signal(bool)
    """The tour button was switched on or off by hand."""

    sig_close_focus = Signal()
    """"Close focus" was clicked."""

    def __init__(self, layout: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._bar = bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.setSpacing(2)
        self._layout_group = QButtonGroup(self)
        self._layout_group.setExclusive(True)
        self.layout_buttons: dict[int, QToolButton] = {}
        for n in LAYOUTS:
            b = QToolButton(self)
            b.setText(str(n))
            b.setCheckable(True)
            b.setChecked(n == layout)
            b.setToolTip(QCoreApplication.translate("CameraWall", "%n camera(s) per page", "", n))
            b.setAutoRaise(True)
            b.clicked.connect(lambda _=False, n=n: self.sig_layout.emit(n))
            self._layout_group.addButton(b)
            self.layout_buttons[n] = b
            bar.addWidget(b)
        bar.addSpacing(12)
        self._prev = QToolButton(self)
        self._prev.setText("◀")
        self._prev.setToolTip(QCoreApplication.translate("CameraWall", "Previous page (PgUp)"))
        self._prev.clicked.connect(lambda: self.sig_page.emit(-1))
        self._next = QToolButton(self)
        self._next.setText("▶")
        self._next.setToolTip(QCoreApplication.translate("CameraWall", "Next page (PgDown)"))
        self._next.clicked.connect(lambda: self.sig_page.emit(1))
        self._page_label = QLabel(self)
        self._page_label.setMinimumWidth(60)
        self._page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self._prev)
        bar.addWidget(self._page_label)
        bar.addWidget(self._next)
        self.tour_button = QToolButton(self)
        self.tour_button.setText(QCoreApplication.translate("CameraWall", "Tour"))
        tour_tip = QCoreApplication.translate("CameraWall", "Camera tour: next page every %1 s")
        self.tour_button.setToolTip(tour_tip.replace("%1", f"{TOUR_S:.0f}"))
        self.tour_button.setCheckable(True)
        self.tour_button.toggled.connect(self.sig_tour.emit)
        bar.addWidget(self.tour_button)
        # a long focus/nearby line must never widen the wall (and with it the window): it ends in "…"
        # at a whole character, the full line in its tooltip
        self.focus_label = ElidedLabel(self)
        self.focus_label.setObjectName("focus_line")
        self.focus_label.setStyleSheet(f"color: {theme.CAMERA_FOCUSED}; font-weight: bold;")
        self._unfocus = QToolButton(self)
        self._unfocus.setText(QCoreApplication.translate("CameraWall", "Close focus"))
        self._unfocus.setToolTip(QCoreApplication.translate("CameraWall", "Leave the focus tile (Esc)"))
        self._unfocus.clicked.connect(self.sig_close_focus.emit)
        self.views_button = QToolButton(self)
        self.views_button.setObjectName("views_button")
        self.views_button.setToolTip(glossary.video_words("views_tip", current_lang()))
        self.views_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # the style's small menu arrow sat under the word's end and read as "Views_": an arrow in the text
        self.views_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.views_menu = QMenu(self.views_button)
        self.views_menu.setObjectName("views_menu")
        self.views_button.setMenu(self.views_menu)
        self.views_button.hide()
        bar.addWidget(self.views_button)
        bar.addWidget(self.focus_label, 1)
        bar.addWidget(self._unfocus)
        #: the wall's second row: the focus line whole across the column (set_wall)
        self._line_row = QHBoxLayout()
        self._line_row.setContentsMargins(6, 0, 4, 2)
        self._wall = False
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(0)
        rows.addLayout(bar)
        rows.addLayout(self._line_row)

    @property
    def is_wall(self) -> bool:
        """Whether the toolbar is in wall mode (no buttons shown)."""
        return self._wall

    def set_wall(self, on: bool) -> bool:
        """Wall mode: the focus line on a row of its own, always there (the grid never moves when a
        camera is focused or let go); False if it already was."""
        if on == self._wall:
            return False
        self._wall = on
        # a wall has nothing to click: layouts, paging, tour, views and "close focus" are for desks
        for i in range(self._bar.count()):
            w = self._bar.itemAt(i).widget()
            if w is not None and w is not self.focus_label:
                w.setVisible(not on)
        if on:
            self._bar.removeWidget(self.focus_label)
            self._line_row.addWidget(self.focus_label, 1)
        else:
            self._line_row.removeWidget(self.focus_label)
            self._bar.insertWidget(self._bar.indexOf(self._unfocus), self.focus_label, 1)
        return True

    def show_state(self, *, page: int, pages: int, solo: str | None, focus: str | None, focus_name: str,
                   nearby: list[tuple[str, float]], view: str, message: str) -> None:
        """Redraw from the wall: page or solo camera, paging, the focus line (or a view's message), the view."""
        lang = current_lang()
        self.views_button.setText((glossary.video_words("view_showing", lang, name=view) if view
                                   else glossary.video_words("views", lang)) + " ▾")
        self._page_label.setText(solo if solo else f"{page + 1} / {pages}")
        paging = not solo and pages > 1
        self._prev.setEnabled(paging)
        self._next.setEnabled(paging)
        if focus and not solo:
            text = QCoreApplication.translate("CameraWall", "Focus: %1").replace("%1", f"{focus} {focus_name}")
            near = [(c, d) for c, d in nearby if c != focus]
            if near:
                text += "  ·  " + QCoreApplication.translate("CameraWall", "Nearby: %1").replace(
                    "%1", ", ".join(f"{c} {glossary.metres(d, lang)}" for c, d in near))
            self.focus_label.setText(text)
            self.focus_label.show()
            self._unfocus.setVisible(not self._wall)
        else:
            # no focus tile: the line says what happened to a view (saved? cameras gone?), if anything
            self.focus_label.setText(message)
            self.focus_label.setVisible(bool(message) or self._wall)
            self._unfocus.setVisible(bool(solo) and not self._wall)
