"""China's working-day calendar (DOMAIN §4 "Working days").

Three layers, strongest first: the imported `calendar` table (the official schedule a bank
loads for a year the library does not know yet), the `chinese_calendar` package (official
holidays and adjusted working days 调休 for the years its data covers — found at run time), and
for any other year the `holidays` package's computed China calendar (lunar holidays are computed
for any year; adjusted working days cannot be) plus weekends. Using that last layer for a year
without an imported schedule is reported once as a problem, never raised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

import chinese_calendar

from vipcrm.core.dates import EARLIEST, LATEST
from vipcrm.core.text import Text

ONE_DAY = dt.timedelta(days=1)

# The public holiday periods that bring a `holiday` greeting task (DOMAIN §4).
FESTIVALS = ("new_year", "spring_festival", "dragon_boat", "mid_autumn", "national_day")
LUNAR = {
    # festival: (name in chinese_calendar, name in holidays' en_US China calendar)
    "spring_festival": ("Spring Festival", "Chinese New Year (Spring Festival)"),
    "dragon_boat": ("Dragon Boat Festival", "Dragon Boat Festival"),
    "mid_autumn": ("Mid-autumn Festival", "Mid-Autumn Festival"),
}
# Generous bounds of where each festival's first day can fall, so that a plan only asks the
# calendar about a festival when its greeting window can be near (asking about a year whose
# schedule is unknown would warn for nothing). The dates themselves come from the libraries.
FESTIVAL_BOUNDS = {
    "new_year": ((1, 1), (1, 1)),
    "spring_festival": ((1, 19), (2, 21)),
    "dragon_boat": ((5, 25), (6, 28)),
    "mid_autumn": ((9, 5), (10, 10)),
    "national_day": ((10, 1), (10, 1)),
}
# The years dates computed from the ones commands accept (core.dates) can reach with the longest
# configured span (ten years). Another year is only asked about for a stored date such as a
# contact of 0001-01-01: no schedule is to be had for it, so there is nothing to warn about.
_PLANNABLE_YEARS = range(EARLIEST.year - 11, LATEST.year + 12)
# The longest run of consecutive non-working days a walk may cross (Golden Week with its
# weekends is 9); a longer run means broken override data, not a holiday.
_MAX_RUN = 40


@lru_cache(maxsize=None)
def library_covers(year: int) -> bool:
    """Whether the installed chinese_calendar data holds the official schedule of `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def first_uncovered_year(from_year: int) -> int:
    """The first year on or after `from_year` the installed data does not cover."""
    year = from_year
    while library_covers(year):
        year += 1
    return year


@dataclass(frozen=True)
class _Year:
    off: frozenset  # weekdays that are holidays
    on: frozenset  # weekend days that are working days
    anchors: Mapping[str, dt.date]  # lunar festival -> a day of its holiday
    # False past the computed calendar's own tables (holidays.China knows 1950 to 2100):
    # such a year has weekends and no public holiday at all.
    known: bool = True


@lru_cache(maxsize=64)
def _library_year(year: int) -> _Year:
    # The package's own tables (date -> holiday name) of the official schedule; reading them
    # directly costs a fraction of asking day by day.
    off = frozenset(d for d in chinese_calendar.holidays if d.year == year and d.weekday() < 5)
    on = frozenset(d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5)
    anchors: dict[str, dt.date] = {}
    wanted = {names[0]: festival for festival, names in LUNAR.items()}
    for day in sorted(d for d in chinese_calendar.holidays if d.year == year):
        festival = wanted.get(_name(chinese_calendar.holidays[day]))
        if festival and festival not in anchors:
            anchors[festival] = day
    return _Year(off, on, anchors)


def _name(holiday) -> str:
    return getattr(holiday, "value", holiday)


@lru_cache(maxsize=64)
def _computed_year(year: int, observed: bool) -> _Year:
    # Imported lazily: the package is large and only needed past the official data.
    import holidays

    china = holidays.China(years=year, observed=observed, language="en_US")
    off = frozenset(d for d in china if d.weekday() < 5)
    on = frozenset(d for d in getattr(china, "weekend_workdays", ()) if d.year == year)
    anchors = {}
    for festival, (_, name) in LUNAR.items():
        days = sorted(china.get_named(name, lookup="exact"))
        if days:
            anchors[festival] = days[0]
    return _Year(off, on, anchors, known=len(china) > 0)


class WorkCalendar:
    """Working days with China's adjusted working days; pure apart from its caches."""

    def __init__(self, overrides: Mapping[dt.date, str] | None = None):
        # overrides: day -> "holiday" | "workday", from the imported calendar table.
        self._overrides = dict(overrides or {})
        self._imported_years = {day.year for day in self._overrides}
        self._estimated_years: set[int] = set()
        self._known: dict[dt.date, bool] = {}

    # -- the layers -------------------------------------------------------------------------
    def _year(self, year: int) -> _Year:
        if library_covers(year):
            return _library_year(year)
        if year not in self._imported_years:
            if year in _PLANNABLE_YEARS:
                self._estimated_years.add(year)
            return _computed_year(year, True)
        # An imported schedule is the official one: keep only the statutory days computed,
        # not the library's guesses of bridging days off.
        return _computed_year(year, False)

    def problems(self) -> list[Text]:
        """One warning naming every year whose calendar had to be computed."""
        if not self._estimated_years:
            return []
        years = ", ".join(str(y) for y in sorted(self._estimated_years))
        unknown = ", ".join(str(y) for y in sorted(self._estimated_years)
                            if not _computed_year(y, True).known)
        fix = Text("import the State Council's schedule with `vipcrm import calendar FILE` or "
                   "update the chinesecalendar package")
        if unknown:
            return [Text("the official holiday schedule for {years} is not in the installed "
                         "calendar data; working days are computed (lunar holidays included, "
                         "adjusted working days 调休 unknown; for {unknown} no public holiday is "
                         "known at all: weekdays are working days): {fix}", years=years,
                         unknown=unknown, fix=fix)]
        return [Text("the official holiday schedule for {years} is not in the installed calendar "
                     "data; working days are computed (lunar holidays included, adjusted working "
                     "days 调休 unknown): {fix}", years=years, fix=fix)]

    @property
    def estimated_years(self) -> frozenset[int]:
        return frozenset(self._estimated_years)

    def note_estimated(self, years: Iterable[int]) -> None:
        """Years another copy of this calendar had to compute (plans made in parallel)."""
        self._estimated_years.update(years)

    # -- days -------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        # Asked millions of times over a bank's plans, for a few hundred distinct days.
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._working(day)
        return known

    def _working(self, day: dt.date) -> bool:
        kind = self._overrides.get(day)
        if kind is not None:
            return kind == "workday"
        year = self._year(day.year)
        if day in year.off:
            return False
        if day in year.on:
            return True
        return day.weekday() < 5

    def on_or_before(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the previous working day (at most the first date
        there is: a due date from a contact stored as 0001-01-01)."""
        for _ in range(_MAX_RUN):
            if self.is_working_day(day) or day == dt.date.min:
                return day
            day -= ONE_DAY
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the next working day (at most the last date)."""
        for _ in range(_MAX_RUN):
            if self.is_working_day(day) or day == dt.date.max:
                return day
            day += ONE_DAY
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        return self.on_or_before(day - ONE_DAY)

    def next_working_day(self, day: dt.date) -> dt.date:
        return self.on_or_after(day + ONE_DAY)

    def nth_working_day_before(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly before `day` (n = 1: the last one)."""
        for _ in range(n):
            day = self.previous_working_day(day)
        return day

    def nth_last_working_day(self, start: dt.date, end: dt.date, n: int) -> dt.date:
        """The n-th last working day of the period [start, end] (n = 1: its last working day).

        A period with fewer working days gives its first working day.
        """
        found = []
        day = end
        while day >= start and len(found) < n:
            if self.is_working_day(day):
                found.append(day)
            day -= ONE_DAY
        return found[-1] if found else start

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days, day = [], start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += ONE_DAY
        return days

    # -- holiday periods --------------------------------------------------------------------
    def festival_day(self, festival: str, year: int) -> dt.date | None:
        """A day of the festival's public holiday in `year` (lunar ones from the libraries)."""
        if festival == "new_year":
            return dt.date(year, 1, 1)
        if festival == "national_day":
            return dt.date(year, 10, 1)
        # The lunar date is known for any year: asking for it is no reason to warn.
        year_data = _library_year(year) if library_covers(year) else _computed_year(year, False)
        return year_data.anchors.get(festival)

    def holiday_start(self, festival: str, year: int) -> dt.date | None:
        """The first day of the festival's holiday period: the run of non-working days around
        its first day, so a festival on a Monday starts its period on the Saturday before."""
        anchor = self.festival_day(festival, year)
        if anchor is None:
            return None
        day = anchor
        for _ in range(_MAX_RUN):
            if self.is_working_day(day - ONE_DAY):
                return day
            day -= ONE_DAY
        return anchor

    def festivals_near(self, day: dt.date, before: int, after: int) -> Iterable[tuple[str, int]]:
        """(festival, year) whose first day can fall within [day - before, day + after] days,
        judged from FESTIVAL_BOUNDS without asking the calendar."""
        lo, hi = day - dt.timedelta(days=before), day + dt.timedelta(days=after)
        for year in range(lo.year, hi.year + 1):
            for festival in FESTIVALS:
                (m1, d1), (m2, d2) = FESTIVAL_BOUNDS[festival]
                if dt.date(year, m1, d1) <= hi and dt.date(year, m2, d2) >= lo:
                    yield festival, year


def calendar_from_rows(rows: Iterable[tuple[str, str]]) -> WorkCalendar:
    """A calendar over the imported (date, type) rows."""
    return WorkCalendar({dt.date.fromisoformat(d): kind for d, kind in rows})
