"""Working time: when a limit counted in working hours or working days falls due.

A case's clock runs only in the site's working hours (default 08:30–12:00 and
14:00–17:30, China time) on China's working days: Monday to Friday, minus the
statutory holidays, plus the make-up working days (调休) the State Council moves
onto a weekend. Holidays and make-up days come from `chinese-calendar`, which
carries each year's notice once it is published; a year it does not carry is
refused with `CalendarUnknown`, never guessed as "weekdays only".

N working days are N times the working time of one day: a case registered on a
Tuesday at 10:00 with one working day is due Wednesday at 10:00; one registered
after closing time starts counting at the next opening. A limit that runs out
exactly at a closing time falls due then, not at the next opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from chinese_calendar import constants as _calendar_data

from console.domain.localtime import TZ

#: the working hours a site folder gets when it names none (China time)
DEFAULT_WORK_HOURS = ("08:30-12:00", "14:00-17:30")
#: how far forward a due time is looked for before the search gives up (a limit that would
#: need more is a mistake in the site folder, not a date)
_MAX_DAYS = 3 * 366


class CalendarUnknown(ValueError):
    """The holiday calendar does not know this year, so no working time can be counted in it."""

    def __init__(self, year: int, first: int, last: int):
        super().__init__(f"the holiday calendar knows {first}–{last}, not {year}: "
                         f"update chinese-calendar once the State Council publishes {year}'s holidays")
        self.year = year
        self.first = first
        self.last = last


def known_years() -> tuple[int, int]:
    """The first and last year the installed holiday calendar carries."""
    years = [d.year for d in _calendar_data.holidays] + [d.year for d in _calendar_data.workdays]
    return min(years), max(years)


_FIRST_YEAR, _LAST_YEAR = known_years()


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day in China (weekday not on holiday, or a make-up day)."""
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise CalendarUnknown(day.year, _FIRST_YEAR, _LAST_YEAR)
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # the library's own word for a year it lacks
        raise CalendarUnknown(day.year, _FIRST_YEAR, _LAST_YEAR) from None


def parse_hours(spans: list[str] | tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """"HH:MM-HH:MM" spans as (start, end) minutes after midnight, sorted; ValueError names a bad one."""
    out: list[tuple[int, int]] = []
    for span in spans:
        try:
            a, b = (part.strip() for part in span.split("-"))
            start, end = (time.fromisoformat(p if len(p) == 5 else f"0{p}") for p in (a, b))
        except ValueError:
            raise ValueError(f"working hours {span!r} are not HH:MM-HH:MM") from None
        lo, hi = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        if hi <= lo:
            raise ValueError(f"working hours {span!r} end before they start")
        out.append((lo, hi))
    out.sort()
    for (_, end), (start, _) in zip(out, out[1:]):
        if start < end:
            raise ValueError(f"working hours {', '.join(spans)} overlap")
    if not out:
        raise ValueError("no working hours")
    return tuple(out)


@dataclass(slots=True, frozen=True)
class WorkCalendar:
    """A site's working hours on China's working days; every method takes and gives hub time."""

    hours: tuple[tuple[int, int], ...] = parse_hours(DEFAULT_WORK_HOURS)

    @classmethod
    def of(cls, spans: list[str] | tuple[str, ...] = ()) -> WorkCalendar:
        """The calendar for a site's "HH:MM-HH:MM" spans (the default hours when there are none)."""
        return cls(parse_hours(spans or DEFAULT_WORK_HOURS))

    @property
    def day_seconds(self) -> float:
        """Working seconds in one working day."""
        return 60.0 * sum(end - start for start, end in self.hours)

    def _periods(self, day: date):
        """The day's working periods as (start, end) hub times; none on a day off."""
        if not is_working_day(day):
            return
        midnight = datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp()
        for start, end in self.hours:
            yield midnight + start * 60.0, midnight + end * 60.0

    def add(self, start: float, seconds: float) -> float:
        """The hub time `seconds` of working time after `start`."""
        if seconds <= 0:
            return start
        left = float(seconds)
        day = datetime.fromtimestamp(start, TZ).date()
        for _ in range(_MAX_DAYS):
            for lo, hi in self._periods(day):
                begin = max(lo, start)
                if begin >= hi:
                    continue
                if left <= hi - begin:
                    return begin + left
                left -= hi - begin
            day += timedelta(days=1)
        raise ValueError(f"no due time within {_MAX_DAYS} days of working time")

    def add_hours(self, start: float, hours: float) -> float:
        """The hub time `hours` working hours after `start`."""
        return self.add(start, hours * 3600.0)

    def add_days(self, start: float, days: float) -> float:
        """The hub time `days` working days (each the day's working time) after `start`."""
        return self.add(start, days * self.day_seconds)

    def between(self, a: float, b: float) -> float:
        """Working seconds from `a` to `b` (0 when b is not after a)."""
        if b <= a:
            return 0.0
        total = 0.0
        day = datetime.fromtimestamp(a, TZ).date()
        last = datetime.fromtimestamp(b, TZ).date()
        while day <= last:
            for lo, hi in self._periods(day):
                total += max(0.0, min(hi, b) - max(lo, a))
            day += timedelta(days=1)
        return total
