"""The dark control-room theme: palette, a compact stylesheet, status colours, CJK font.

Colours are plain hex strings so every pane (and pyqtgraph, which wants
strings or tuples) can share one table. `apply_theme(app, wall=True)` is the
same theme with type large enough to read across a room.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

# ------------------------------------------------------------------ colours

#: resource status → colour (off duty is dim; held statuses go warm as they get closer)
RESOURCE_STATUS_COLORS: dict[str, str] = {
    "off_duty": "#5c6370",
    "available": "#3fb950",
    "dispatched": "#d29922",
    "en_route": "#58a6ff",
    "on_scene": "#bc8cff",
    "busy": "#f0883e",
}

#: incident status → colour
INCIDENT_STATUS_COLORS: dict[str, str] = {
    "new": "#f85149",
    "acknowledged": "#f0883e",
    "dispatched": "#d29922",
    "en_route": "#58a6ff",
    "on_scene": "#bc8cff",
    "resolved": "#3fb950",
    "closed": "#6e7681",
    "false_alarm": "#6e7681",
    "merged": "#6e7681",
    "escalated": "#db61a2",
    "cooperation": "#39c5cf",
}

#: severity → colour
SEVERITY_COLORS: dict[str, str] = {
    "critical": "#f85149",
    "warning": "#d29922",
    "info": "#58a6ff",
}

#: one lookup for any status word (incident and resource statuses share their colours)
STATUS_COLORS: dict[str, str] = {**INCIDENT_STATUS_COLORS, **RESOURCE_STATUS_COLORS}

#: countdown colours (response / assembly promise)
COUNTDOWN_OK = "#c9d1d9"
COUNTDOWN_AMBER = "#e3b341"
COUNTDOWN_RED = "#ff4d4f"
COUNTDOWN_MET = "#3fb950"

#: mode badges: live is quiet, an exercise must never be mistaken for live
MODE_COLORS: dict[str, str] = {
    "live": "#238636",
    "exercise": "#f0883e",
    "review": "#8957e5",
}
#: a mode the console does not know yet (a newer hub's)
MODE_OTHER = "#6e7681"

#: the link's dot in the status bar (a state it does not know: LINK_OTHER)
LINK_COLORS: dict[str, str] = {"online": "#3fb950", "resuming": "#e3b341", "connecting": "#e3b341",
                               "offline": "#ff4d4f"}
LINK_OTHER = "#8b949e"
#: a status-bar figure that wants looking at (commands waiting in the outbox), or is bad (a long GUI stall)
FIGURE_WARN = COUNTDOWN_AMBER
FIGURE_BAD = COUNTDOWN_RED

BG = "#0d1117"
BG_ALT = "#161b22"
BG_RAISED = "#1f2630"
FG = "#d7dde4"
FG_DIM = "#8b949e"
#: text of people off duty, and other rows that are there but out of play
FG_OFF = "#6e7681"
ACCENT = "#2f81f7"
BORDER = "#30363d"
#: the undo toast, the offline banner, the needs-re-dispatch notice, the alarm flash
TOAST_BG = "#1f2630"
TOAST_BORDER = "#d29922"
OFFLINE_BG = "#6e4b00"
ATTENTION_BG = "#b62324"
#: the incident pane's "work done, please close" line
CLOSURE_BG = "#1f6f3a"
FLASH_BG = "#ff4d4f"
#: a row that still needs acknowledging flashes with this background (a translucent red)
ROW_FLASH = "#66ff4d4f"
#: text on a coloured badge, banner or bar
ON_COLOUR = "#ffffff"

#: a roster person or a map dot held by a dispatch the hub has not confirmed yet
PENDING_COLOR = COUNTDOWN_AMBER
PENDING_DOT = "#ffffff"

#: notice levels in Diagnostics
NOTICE_COLORS: dict[str, str] = {"info": "#58a6ff", "warning": COUNTDOWN_AMBER, "error": COUNTDOWN_RED}

# ------------------------------------------------------------------ video
#: behind a camera picture (tiles, the incident snapshot) and the empty wall
VIDEO_BG = "#07090c"
VIDEO_FG = "#e6edf3"
#: the name bar over a picture, and the veil over an offline camera (#AARRGGBB)
VIDEO_BAR = "#96000000"
VIDEO_OFFLINE_VEIL = "#8c000000"
CAMERA_ONLINE = "#3fb950"
CAMERA_OFFLINE = "#6e7681"
#: a tile's flashing border while its camera has an open alert
CAMERA_ALERT = "#ff3b30"
CAMERA_SELECTED = ACCENT
CAMERA_FOCUSED = "#f0b429"
#: AI detection boxes (a critical alert's boxes take the severity colour) and their label text
DETECTION_BOX = "#ffd33d"
DETECTION_TEXT = "#000000"
#: the empty centre while the camera wall is still being built (its words dim on the video background)
CAMERA_PLACEHOLDER_FG = BORDER
CAMERA_PLACEHOLDER_BG = "#05080c"
#: a stale tile: the veil over its frozen frame and the box behind its lines (#AARRGGBB)
STALE_VEIL = "#9614181e"
STALE_BOX = "#aa000000"
#: an idle tile's still: its dimming veil, and the bar and dot that say "still", not live
STILL_VEIL = "#460d1117"
STILL_MARK = "#57606a"
#: a stale tile's reason: the operator must act (password, address), the stream is wrong (codec, path,
#: bytes), or it is still connecting; anything else in the video text colour
STREAM_ACT = "#ff7b72"
STREAM_WRONG = "#ffa657"
STREAM_WAIT = "#8b949e"

# ------------------------------------------------------------------ map
MAP_GRID = "#2d3a4a"
MAP_TOWN = "#4a5a70"
MAP_TOWN_LABEL = "#9fb3c8"
MAP_COURSE = "#e36209"
MAP_CAMERA = "#39c5cf"
MAP_CAMERA_OFF = "#6e7681"
MAP_CAMERA_ALERT = CAMERA_ALERT
#: the ring around the selected incident or person, and the outline of incident stars
MAP_RING = "#ffffff"
#: the line from a dispatched person to the incident, and the person's name and ETA beside them
MAP_TASK_LINE = "#f0b429"
MAP_TASK_LABEL = "#ffe08a"

# ------------------------------------------------------------------ charts (KPI pane)
CHART_ALERTS = "#1f6feb"
CHART_ALERTS_FILL = "#1f6feb66"
CHART_OPEN = "#ff7b72"
CHART_TASKS = "#3fb950"
CHART_KEPT = "#3fb950"
CHART_LIMIT = COUNTDOWN_RED
CHART_UTILISATION = "#8957e5"
#: one colour per camera on the crowd-density chart
CHART_SERIES = ("#58a6ff", "#e3b341", "#3fb950", "#ff7b72", "#d2a8ff")

# ------------------------------------------------------------------ the printed report (white paper)
REPORT_SERIES = ("#1f6feb", "#d29922", "#2da44e", "#cf222e", "#8250df", "#0a7ea4", "#bf8700", "#57606a")
REPORT_ALERTS = "#9ecbff"
REPORT_OPEN = "#cf222e"
REPORT_TASKS = "#2da44e"
REPORT_KEPT = "#2da44e"
REPORT_BREACHED = "#cf222e"
REPORT_BARS = "#1f6feb"
REPORT_AXIS = "#3d444d"  # axis lines, ticks and legend words on paper

#: fonts with CJK glyphs, best first (a Latin-only default font renders Chinese as tofu)
CJK_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
                "Microsoft YaHei", "PingFang SC", "SimHei")

BASE_POINT_SIZE = 10
WALL_POINT_SIZE = 18


def color(name: str, fallback: str = FG_DIM) -> QColor:
    """A QColor for any status, severity or mode word."""
    return QColor(STATUS_COLORS.get(name) or SEVERITY_COLORS.get(name) or MODE_COLORS.get(name)
                  or fallback)


def cjk_family() -> str | None:
    """The first installed font family that has Chinese glyphs, or None."""
    families = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in families:
            return family
    for family in families:
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family):
            return family
    return None


def _palette() -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: BG,
        QPalette.ColorRole.WindowText: FG,
        QPalette.ColorRole.Base: BG_ALT,
        QPalette.ColorRole.AlternateBase: BG_RAISED,
        QPalette.ColorRole.ToolTipBase: BG_RAISED,
        QPalette.ColorRole.ToolTipText: FG,
        QPalette.ColorRole.Text: FG,
        QPalette.ColorRole.Button: BG_RAISED,
        QPalette.ColorRole.ButtonText: FG,
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#58a6ff",
        QPalette.ColorRole.PlaceholderText: FG_DIM,
    }
    for role, hex_ in roles.items():
        pal.setColor(role, QColor(hex_))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5c6370"))
    return pal


def stylesheet(wall: bool = False) -> str:
    """The compact control-room stylesheet (wall: bigger paddings and rows)."""
    pad = 8 if wall else 4
    return f"""
QMainWindow, QDialog {{ background: {BG}; }}
QDockWidget {{ color: {FG}; titlebar-close-icon: none; }}
QDockWidget::title {{ background: {BG_RAISED}; padding: {pad}px; border-bottom: 1px solid {BORDER}; }}
QTableView, QTreeView, QListView, QTreeWidget, QListWidget {{
    background: {BG_ALT}; alternate-background-color: {BG_RAISED}; gridline-color: {BORDER};
    border: 1px solid {BORDER}; selection-background-color: {ACCENT};
}}
QHeaderView::section {{
    background: {BG_RAISED}; color: {FG_DIM}; border: none; border-right: 1px solid {BORDER};
    padding: {pad}px;
}}
QPushButton {{
    background: {BG_RAISED}; color: {FG}; border: 1px solid {BORDER}; border-radius: 3px;
    padding: {pad}px {pad * 2}px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:pressed {{ background: {ACCENT}; }}
QPushButton:disabled {{ color: #5c6370; border-color: #22272e; }}
QPushButton[role="primary"] {{ background: #1f6feb; border-color: #388bfd; color: white; font-weight: bold; }}
QPushButton[role="danger"] {{ background: #5a1e1e; border-color: #a03030; }}
QPushButton[role="undo"] {{ background: #9e6a03; border-color: #d29922; color: white; font-weight: bold; }}
QComboBox, QLineEdit {{
    background: {BG_ALT}; color: {FG}; border: 1px solid {BORDER}; border-radius: 3px; padding: 2px {pad}px;
}}
QGroupBox {{ border: 1px solid {BORDER}; border-radius: 4px; margin-top: 1.2em; padding-top: {pad}px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; color: {FG_DIM}; }}
QStatusBar {{ background: {BG_RAISED}; color: {FG}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ padding: 0 {pad}px; }}
QMenuBar, QMenu {{ background: {BG_RAISED}; color: {FG}; }}
QMenu::item:selected, QMenuBar::item:selected {{ background: {ACCENT}; }}
QTabBar::tab {{ background: {BG_RAISED}; color: {FG_DIM}; padding: {pad}px {pad * 2}px; border: 1px solid {BORDER}; }}
QTabBar::tab:selected {{ color: {FG}; border-bottom: 2px solid {ACCENT}; }}
QLabel#banner {{ background: #8b1a1a; color: white; font-weight: bold; padding: {pad + 2}px; }}
QLabel#banner[level="info"] {{ background: #1f4f8b; }}
QLabel#banner[level="critical"] {{ background: #b62324; }}
QLabel#badge {{ border-radius: 3px; padding: 1px 8px; font-weight: bold; color: white; }}
QFrame#toast {{ background: {TOAST_BG}; border: 1px solid {TOAST_BORDER}; border-radius: 4px; }}
QFrame#toast QLabel {{ color: {FG}; font-weight: bold; padding: 0 {pad}px; }}
QLabel#offline_banner {{ background: {OFFLINE_BG}; color: white; font-weight: bold; padding: {pad + 2}px; }}
QLabel#attention {{ background: {ATTENTION_BG}; color: white; font-weight: bold; padding: {pad}px; }}
QLabel#closure {{ background: {CLOSURE_BG}; color: white; font-weight: bold; padding: {pad}px; }}
QFrame#dispatch_line {{ background: {BG_RAISED}; border: 1px solid {ACCENT}; border-radius: 4px; }}
QLabel#banner[flash="on"] {{ background: {FLASH_BG}; }}
QToolTip {{ background: {BG_RAISED}; color: {FG}; border: 1px solid {BORDER}; }}
"""


def apply_theme(app: QApplication, wall: bool = False, point_size: float | None = None) -> str | None:
    """Apply the dark theme (wall: large type, or `point_size`); returns the CJK font family used, if any.

    The font is set before the stylesheet: setting the stylesheet re-polishes every
    widget, so widgets made before a size change take the new size too.
    """
    app.setStyle("Fusion")
    app.setPalette(_palette())
    family = cjk_family()
    font = QFont(family) if family else QFont(app.font())
    font.setPointSizeF(point_size or (WALL_POINT_SIZE if wall else BASE_POINT_SIZE))
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    app.setStyleSheet("")  # a changed size must reach widgets polished under the old sheet
    app.setStyleSheet(stylesheet(wall))
    return family
