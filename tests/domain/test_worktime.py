"""Working time against China's calendar: weekends, statutory holidays and 调休 make-up days."""

from datetime import datetime

import pytest

from console.domain.localtime import TZ, local
from console.domain.worktime import CalendarUnknown, WorkCalendar, is_working_day, known_years

CAL = WorkCalendar.of(["08:30-12:00", "14:00-17:30"])


def at(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ).timestamp()


def shown(t: float) -> str:
    return local(t).strftime("%Y-%m-%d %H:%M")


def test_friday_evening_plus_five_working_hours_is_monday_afternoon():
    # 2026-03-06 is an ordinary Friday: counting starts Monday 08:30, 3.5 h to noon, 1.5 h after lunch
    assert shown(CAL.add_hours(at("2026-03-06 17:50"), 5)) == "2026-03-09 15:30"


def test_a_limit_within_the_day_skips_the_lunch_break():
    assert shown(CAL.add_hours(at("2026-03-10 11:00"), 2)) == "2026-03-10 15:00"


def test_a_limit_that_ends_at_closing_time_is_due_at_closing_time():
    assert shown(CAL.add_hours(at("2026-03-10 16:30"), 1)) == "2026-03-10 17:30"


def test_the_national_day_week_is_skipped():
    # 2026-09-30 (Wed) 16:40 + 2 working hours: 50 min that evening, then 1 October to 7 October
    # are holidays, so the other 70 min fall on Thursday 8 October
    assert not is_working_day(datetime(2026, 10, 5).date())
    assert shown(CAL.add_hours(at("2026-09-30 16:40"), 2)) == "2026-10-08 09:40"


def test_a_make_up_saturday_counts_as_a_working_day():
    # 2026-10-10 is a Saturday the State Council made a working day (调休) after National Day
    saturday = datetime(2026, 10, 10).date()
    assert saturday.weekday() == 5 and is_working_day(saturday)
    assert shown(CAL.add_hours(at("2026-10-09 17:50"), 5)) == "2026-10-10 15:30"
    # an ordinary Saturday is not
    assert shown(CAL.add_hours(at("2026-10-16 17:50"), 5)) == "2026-10-19 15:30"


def test_working_days_are_whole_days_of_working_time():
    assert shown(CAL.add_days(at("2026-03-10 10:00"), 1)) == "2026-03-11 10:00"
    # after closing time the first working day starts at the next opening
    assert shown(CAL.add_days(at("2026-03-06 18:00"), 1)) == "2026-03-09 17:30"
    # three working days across the Spring Festival (15–23 February 2026 off, 14 and 28 Feb make-up)
    assert shown(CAL.add_days(at("2026-02-13 09:00"), 3)) == "2026-02-25 09:00"


def test_working_seconds_between_two_moments():
    assert CAL.between(at("2026-03-06 17:00"), at("2026-03-09 09:30")) == 90 * 60
    assert CAL.between(at("2026-09-30 17:00"), at("2026-10-08 08:31")) == 31 * 60
    assert CAL.between(at("2026-03-09 09:30"), at("2026-03-06 17:00")) == 0


def test_a_year_the_calendar_does_not_know_is_refused_not_guessed():
    first, last = known_years()
    assert first <= 2026 <= last
    with pytest.raises(CalendarUnknown) as exc:
        CAL.add_hours(at(f"{last}-12-31 17:00"), 2)
    assert exc.value.year == last + 1
    assert str(last + 1) in str(exc.value)


def test_bad_working_hours_are_named():
    for spans in (["8:30-12:00", "11:00-17:30"], ["17:00-08:00"], ["nine to five"]):
        with pytest.raises(ValueError):
            WorkCalendar.of(spans)
    assert WorkCalendar.of(["8:30-12:00"]).day_seconds == 3.5 * 3600
