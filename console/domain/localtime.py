"""The center's local time: one time zone and one way to write times and durations.

Hub times are UTC epoch seconds; a command center reads them on its wall clock.
Every pane, the report and the synthetic frames write times with these functions,
so a duration reads the same everywhere.

The one rounding rule: durations drop the fraction (whole seconds, toward zero),
so a countdown shows 0:00 only in its last second and a figure never reads
longer than it was. Words around a figure ("overdue", "left") are the UI's.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: China Standard Time (UTC+8, no daylight saving): every center this console serves
TZ = timezone(timedelta(hours=8))


def local(t: float) -> datetime:
    """Hub time as a local datetime."""
    return datetime.fromtimestamp(t, TZ)


def clock(t: float | None, fmt: str = "%H:%M:%S") -> str:
    """Hub time on the wall clock (default HH:MM:SS); "—" when there is none."""
    return "—" if t is None else local(t).strftime(fmt)


def whole_seconds(seconds: float) -> int:
    """The one rounding of every shown figure: whole seconds toward zero (queue, pane, wall, report)."""
    return int(seconds)


def duration(seconds: float | None) -> str:
    """Seconds as m:ss (h:mm:ss from an hour), whole seconds toward zero; "-" before a negative; "—" for None."""
    if seconds is None:
        return "—"
    s = whole_seconds(abs(seconds))
    sign = "-" if seconds < 0 and s else ""
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    body = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    return sign + body
