"""Qt's item data roles as plain ints, for the `data()` of models painted under load.

A view asks its model for seven roles of every cell it paints (the queue is painted for every
new alert, the roster on every tick of a flood). Each `Qt.ItemDataRole.X` in Python is an enum
attribute look-up, ten times the cost of comparing two ints (0.25 against 0.025 µs), and a
`data()` made several of them a call.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FONT = int(Qt.ItemDataRole.FontRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
USER = int(Qt.ItemDataRole.UserRole)

#: a number cell's alignment (the value TextAlignmentRole answers)
ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
