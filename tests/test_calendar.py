"""China's working-day calendar: official data, adjusted working days, overrides, fallback."""

import datetime as dt

import chinese_calendar
import pytest

from vipcrm.core.calendar import (FESTIVALS, WorkCalendar, first_uncovered_year,
                                  library_covers)

D = dt.date


@pytest.fixture
def cal():
    return WorkCalendar()


@pytest.mark.parametrize("day, working", [
    (D(2026, 2, 13), True),    # Friday before Spring Festival
    (D(2026, 2, 14), True),    # adjusted working Saturday (调休)
    (D(2026, 2, 15), False),   # Sunday, first day of the holiday
    (D(2026, 2, 17), False),   # Spring Festival
    (D(2026, 2, 23), False),   # Monday, last day off
    (D(2026, 2, 24), True),
    (D(2026, 2, 28), True),    # adjusted working Saturday
    (D(2026, 3, 7), False),    # ordinary Saturday
    (D(2026, 10, 1), False),
    (D(2026, 10, 8), True),
])
def test_official_days(cal, day, working):
    assert cal.is_working_day(day) is working
    assert cal.problems() == []


def test_previous_and_next_working_day(cal):
    assert cal.on_or_before(D(2026, 10, 3)) == D(2026, 9, 30)
    assert cal.on_or_before(D(2026, 9, 30)) == D(2026, 9, 30)
    assert cal.on_or_after(D(2026, 2, 15)) == D(2026, 2, 24)
    assert cal.previous_working_day(D(2026, 2, 15)) == D(2026, 2, 14)
    assert cal.next_working_day(D(2026, 2, 13)) == D(2026, 2, 14)


def test_nth_working_day_before_and_nth_last_of_a_period(cal):
    assert cal.nth_working_day_before(D(2026, 2, 15), 1) == D(2026, 2, 14)
    assert cal.nth_working_day_before(D(2026, 2, 15), 5) == D(2026, 2, 10)
    # December 2026: the 31st is a Thursday; ten working days back skips two weekends.
    assert cal.nth_last_working_day(D(2026, 12, 1), D(2026, 12, 31), 1) == D(2026, 12, 31)
    assert cal.nth_last_working_day(D(2026, 12, 1), D(2026, 12, 31), 10) == D(2026, 12, 18)
    # September 2026 ends on a Wednesday before National Day; the 20th is an adjusted Sunday.
    days = cal.working_days(D(2026, 9, 18), D(2026, 9, 30))
    assert D(2026, 9, 20) in days and D(2026, 9, 19) not in days


@pytest.mark.parametrize("festival, year, start", [
    ("spring_festival", 2026, D(2026, 2, 15)),
    ("dragon_boat", 2026, D(2026, 6, 19)),
    ("mid_autumn", 2026, D(2026, 9, 25)),
    ("national_day", 2026, D(2026, 10, 1)),
    ("new_year", 2023, D(2022, 12, 31)),     # Sunday holiday: the period starts Saturday
    ("mid_autumn", 2025, D(2025, 10, 1)),    # merged with National Day
    ("national_day", 2025, D(2025, 10, 1)),
])
def test_holiday_period_starts(cal, festival, year, start):
    assert cal.holiday_start(festival, year) == start
    assert cal.is_working_day(start - dt.timedelta(days=1))
    assert not cal.is_working_day(start)


def test_imported_rows_override_the_library():
    cal = WorkCalendar({D(2026, 3, 2): "holiday", D(2026, 3, 7): "workday"})
    assert not cal.is_working_day(D(2026, 3, 2))
    assert cal.is_working_day(D(2026, 3, 7))
    assert cal.is_working_day(D(2026, 3, 3))


def test_coverage_is_found_at_run_time():
    year = first_uncovered_year(2026)
    assert not library_covers(year) and library_covers(year - 1)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(year, 6, 1))


def test_a_year_past_the_official_data_is_computed_with_one_warning():
    year = first_uncovered_year(2026)
    cal = WorkCalendar()
    assert cal.is_working_day(D(year, 1, 1)) is False  # statutory New Year
    for festival in FESTIVALS:
        first = cal.festival_day(festival, year)
        assert first is not None and first.year == year
        assert not cal.is_working_day(first)
    spring = cal.festival_day("spring_festival", year)
    assert D(year, 1, 21) <= spring <= D(year, 2, 20)
    # Weekdays around are ordinary, weekends are off (adjusted working days are unknown).
    assert cal.is_working_day(D(year, 3, 10)) is (D(year, 3, 10).weekday() < 5)
    cal.is_working_day(D(year, 7, 1))
    problems = cal.problems()
    assert len(problems) == 1 and str(year) in str(problems[0])
    assert cal.estimated_years == {year}


def test_an_imported_schedule_for_that_year_silences_the_warning():
    year = first_uncovered_year(2026)
    saturday = next(D(year, 3, d) for d in range(1, 28) if D(year, 3, d).weekday() == 5)
    cal = WorkCalendar({saturday: "workday", D(year, 1, 2): "holiday"})
    assert cal.is_working_day(saturday)
    assert not cal.is_working_day(D(year, 1, 2))
    assert not cal.is_working_day(cal.festival_day("spring_festival", year))
    assert cal.problems() == []


@pytest.mark.parametrize("year", [1900, 1949, 2101])
def test_a_year_past_every_calendar_table_has_weekends_only_and_says_so(year):
    # holidays.China computes 1950 to 2100; the commands accept dates from 1900 to 2100, and
    # `plan week` from 2100-12-31 looks into 2101.
    cal = WorkCalendar()
    monday = next(D(year, 2, d) for d in range(1, 8) if D(year, 2, d).weekday() == 0)
    assert cal.working_days(monday, monday + dt.timedelta(days=6)) == [
        monday + dt.timedelta(days=k) for k in range(5)]
    assert cal.festival_day("spring_festival", year) is None
    assert cal.holiday_start("mid_autumn", year) is None
    [problem] = map(str, cal.problems())
    assert f"for {year} no public holiday is known at all: weekdays are working days" in problem


def test_the_warning_names_computed_and_unknown_years_in_one_line():
    cal = WorkCalendar()
    cal.working_days(D(2100, 12, 25), D(2101, 1, 6))
    [problem] = map(str, cal.problems())
    assert "schedule for 2100, 2101 is not in the installed calendar data" in problem
    assert "for 2101 no public holiday is known at all" in problem
    assert "for 2100, 2101 no public" not in problem


def test_lunar_festivals_come_from_the_library_for_far_years(cal):
    # 2100 is far beyond any official data; the lunar dates are still computed.
    assert cal.festival_day("spring_festival", 2100) == D(2100, 2, 9)
    assert cal.festival_day("mid_autumn", 2100) == D(2100, 9, 18)


def test_festivals_near_only_names_festivals_whose_dates_can_be_close(cal):
    assert set(cal.festivals_near(D(2026, 11, 30), before=23, after=30)) == set()
    near = set(cal.festivals_near(D(2026, 12, 5), before=23, after=30))
    assert near == {("new_year", 2027)}
    near = set(cal.festivals_near(D(2026, 1, 25), before=23, after=30))
    assert near == {("spring_festival", 2026)}
