"""Times as the incident pane writes them: hub time of day, and durations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: the console shows Chongqing time whatever the machine's zone
CST = timezone(timedelta(hours=8))


def hhmmss(ts: float) -> str:
    """Hub time as HH:MM:SS in UTC+8."""
    return datetime.fromtimestamp(ts, CST).strftime("%H:%M:%S")


def mmss(seconds: float) -> str:
    """Seconds as M:SS (negative → -M:SS)."""
    sign = "-" if seconds < 0 else ""
    s = int(round(abs(seconds)))
    return f"{sign}{s // 60}:{s % 60:02d}"
