"""The pane table: every pane of the window declared once.

A row says how the pane is built, where it sits (the centre or a dock, beside or
under which other dock), how the UI tick refreshes it (every tick, staggered on
alternate ticks, or only when something changed), which modes show it (desk,
wall, review), what it does in wall mode, and the hooks the window calls on it
(bring a camera forward, centre the map). The window, the UI tick, the wall and
the deferred build all read this table; none of them names a pane's method by a
string or asks a pane what it has.

Adding a pane is one row here (and its title in the translations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QWidget

from console.domain.state import ChangeSet

if TYPE_CHECKING:
    from console.client.controller import Controller
    from console.client.replica import Replica
    from console.ui.shell.flow import ActionFlow
    from console.ui.shell.selection import Selection

#: the modes a pane can be shown in: a commander's desk, a wall display, a recorded session's review
DESK, WALL, REVIEW = "desk", "wall", "review"

_Area = Qt.DockWidgetArea


class Pane(Protocol):
    """What the window asks of every pane widget: draw what one UI tick changed.

    A `ChangeSet(baseline=True)` means "draw everything from the replica" (a new pane, a
    window made over a running session).
    """

    def refresh(self, changes: ChangeSet) -> None: ...


@dataclass(frozen=True, slots=True)
class PaneContext:
    """What a pane is built from: the one replica, controller and selection of the window, the
    decoded-frame pool (None until it is loaded) and the window's action flow (one desk, one undo)."""

    replica: Replica
    controller: Controller
    selection: Selection
    frames: object
    flow: ActionFlow


@dataclass(frozen=True, slots=True)
class PaneLinks:
    """What the window offers a pane's signals: the hooks a row's `connect` wires them to."""

    #: a new critical alert popped in the queue (incident id)
    critical: Callable[[str], None]
    #: show a camera on the map (camera id)
    show_on_map: Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PaneSpec:
    """One pane of the window, declared once."""

    #: the pane's key: `window.panes[name]`, the dock's object name (`dock_<name>`), saved layouts
    name: str
    #: the dock's title, an English source string the window says through `tr` (context "MainWindow")
    title: str
    #: makes the pane's widget; the pane's module is imported inside, so the first frame needs none
    build: Callable[[PaneContext], QWidget]
    #: the dock area it starts in; None: the window's centre (the camera wall)
    area: Qt.DockWidgetArea | None = None
    #: built with the window's first frame (the rest are built just after it with `defer_panes`)
    first_frame: bool = False
    #: refreshed on every tick, also when nothing changed (it pulls video or follows a clock)
    every_tick: bool = False
    #: staggered: refreshed only on ticks whose number % 2 is this, with what piled up meanwhile
    phase: int | None = None
    #: the queue: refreshed at once for a new critical alert (the early tick), before any other pane
    urgent: bool = False
    #: the modes whose window shows its dock; a pane shown only in review follows the link's mode
    modes: frozenset[str] = frozenset({DESK, WALL})
    #: docked as a tab behind this pane's dock
    tab_with: str | None = None
    #: docked under this pane's dock, taking `under_share` of the column
    under: str | None = None
    under_share: float = 0.35
    #: the desk's default width (share of the window) of a side dock, height of a bottom dock
    width_share: float | None = None
    height_share: float | None = None
    #: the wall's fixed column width (share of the window)
    wall_width: float | None = None
    #: the wall's fixed height of a top dock (share of its column: the dock and the centre under it)
    wall_height: float | None = None
    #: what the pane does in wall mode (large type across a room, nothing to click that acts)
    on_wall: Callable[[Any], None] | None = None
    #: bring a camera forward (a critical alert's camera)
    focus_camera: Callable[[Any, str], None] | None = None
    #: centre the pane on a point of the local plane (metres)
    center_on: Callable[[Any, float, float], None] | None = None
    #: connects the pane's signals to the window's links
    connect: Callable[[Any, PaneLinks], None] | None = None

    @property
    def docked(self) -> bool:
        """Whether the pane lives in a dock (else in the centre)."""
        return self.area is not None

    @property
    def review_only(self) -> bool:
        """Shown only while the hub replays a recorded session (the drill bar)."""
        return self.modes == frozenset({REVIEW})

    def shown_in(self, wall: bool) -> bool:
        """Whether a desk's (or a wall's) window shows this pane's dock when it opens."""
        return (WALL if wall else DESK) in self.modes


# ---------------------------------------------------------------- builders (imports deferred on purpose)

def _alerts(c: PaneContext) -> QWidget:
    from console.ui.panes.alerts.widget import AlertQueue

    return AlertQueue(c.replica, c.controller, c.selection, flow=c.flow)


def _incident(c: PaneContext) -> QWidget:
    from console.ui.panes.incident.widget import IncidentPane

    return IncidentPane(c.replica, c.controller, c.selection, flow=c.flow, frames=c.frames)


def _cameras(c: PaneContext) -> QWidget:
    from console.ui.panes.cameras.widget import CameraWall

    return CameraWall(c.replica, c.controller, c.selection, c.frames)


def _map(c: PaneContext) -> QWidget:
    from console.ui.panes.map.widget import MapPane

    return MapPane(c.replica, c.selection)


def _roster(c: PaneContext) -> QWidget:
    from console.ui.panes.roster.widget import RosterPane

    return RosterPane(c.replica, c.controller, c.selection, flow=c.flow)


def _diagnostics(c: PaneContext) -> QWidget:
    from console.ui.panes.diagnostics.widget import DiagnosticsPane

    return DiagnosticsPane(c.replica, c.frames)


def _kpi(c: PaneContext) -> QWidget:
    from console.ui.panes.kpi.widget import KpiPane

    return KpiPane(c.replica)


def _cases(c: PaneContext) -> QWidget:
    from console.ui.panes.cases.widget import CasesPane

    return CasesPane(c.replica, search=c.controller.search_cases, open_incident=c.selection.select_incident)


def _drills(c: PaneContext) -> QWidget:
    from console.ui.panes.drills.widget import DrillsPane

    return DrillsPane(c.replica)


def _board(c: PaneContext) -> QWidget:
    from console.ui.wall.board import WallBoard

    return WallBoard(c.replica)


def _drillbar(c: PaneContext) -> QWidget:
    from console.ui.panes.drillbar.widget import DrillBar

    return DrillBar(c.replica, c.controller)


#: every pane, in the order docks are added (and the View menu lists them) and a tick refreshes them
PANES: tuple[PaneSpec, ...] = (
    PaneSpec("alerts", QT_TRANSLATE_NOOP("MainWindow", "Alert queue"), _alerts, _Area.LeftDockWidgetArea,
             first_frame=True, urgent=True, width_share=0.31, modes=frozenset({DESK}),
             connect=lambda p, links: p.sig_critical.connect(links.critical)),
    PaneSpec("incident", QT_TRANSLATE_NOOP("MainWindow", "Incident"), _incident, _Area.RightDockWidgetArea,
             width_share=0.29, modes=frozenset({DESK})),
    # Video is not a domain change: the camera wall pulls frames on every tick.
    PaneSpec("cameras", QT_TRANSLATE_NOOP("MainWindow", "Camera wall"), _cameras, None, every_tick=True,
             modes=frozenset({DESK, WALL, REVIEW}), on_wall=lambda p: p.set_wall(True),
             focus_camera=lambda p, camera: p.focus_camera(camera),
             connect=lambda p, links: p.sig_show_on_map.connect(links.show_on_map)),
    # Map, roster, KPIs: heavy, and seconds matter less there than in the queue: every other tick.
    PaneSpec("map", QT_TRANSLATE_NOOP("MainWindow", "Map"), _map, _Area.RightDockWidgetArea, phase=1,
             under="incident", under_share=0.35, wall_width=0.55,
             on_wall=lambda p: p.set_wall(True), center_on=lambda p, x, y: p.center_on(x, y)),
    # A wall is read from across the room: the roster's fine print is for desks.
    PaneSpec("roster", QT_TRANSLATE_NOOP("MainWindow", "Resources"), _roster, _Area.BottomDockWidgetArea,
             phase=0, modes=frozenset({DESK}), height_share=0.28),
    PaneSpec("diagnostics", QT_TRANSLATE_NOOP("MainWindow", "Diagnostics"), _diagnostics,
             _Area.BottomDockWidgetArea, modes=frozenset(), tab_with="roster"),
    PaneSpec("kpi", QT_TRANSLATE_NOOP("MainWindow", "KPIs"), _kpi, _Area.BottomDockWidgetArea, phase=1,
             modes=frozenset({DESK}), tab_with="roster"),
    # Cases (一办到底): stages, the overdue list, figures per town/grid/worker; a review shows a drill's too.
    PaneSpec("cases", QT_TRANSLATE_NOOP("MainWindow", "Cases"), _cases, _Area.BottomDockWidgetArea, phase=0,
             modes=frozenset({DESK, REVIEW}), tab_with="roster"),
    # The wall's own board (console/ui/wall): what it follows, the day's figures, every countdown. It takes
    # the place of the queue and the incident, which are for desks; above the camera, left of the map.
    PaneSpec("board", QT_TRANSLATE_NOOP("MainWindow", "Situation"), _board, _Area.TopDockWidgetArea,
             every_tick=True, modes=frozenset({WALL}), wall_height=0.5, on_wall=lambda p: p.set_wall(True)),
    # No-notice drills (演练) on the live path: their scores, and on a district console the towns compared.
    PaneSpec("drills", QT_TRANSLATE_NOOP("MainWindow", "Drills"), _drills, _Area.BottomDockWidgetArea, phase=0,
             modes=frozenset({DESK, REVIEW}), tab_with="roster"),
    # Shown when the hub says it replays a recording; the position moves between hub messages, so it
    # redraws on every tick (cheap).
    PaneSpec("drillbar", QT_TRANSLATE_NOOP("MainWindow", "Drill replay"), _drillbar, _Area.TopDockWidgetArea,
             every_tick=True, modes=frozenset({REVIEW})),
)

_BY_NAME = {spec.name: spec for spec in PANES}


def spec(name: str) -> PaneSpec:
    """The row of a pane by name (KeyError for a pane the table does not have)."""
    return _BY_NAME[name]


def build(names: tuple[str, ...] | None, context: PaneContext) -> dict[str, QWidget]:
    """The widgets of the named panes (all when None), in the table's order."""
    return {s.name: s.build(context) for s in PANES if names is None or s.name in names}
