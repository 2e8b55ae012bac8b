"""The dates the rules reason about, and day arithmetic that cannot fail at the calendar's ends.

Commands accept dates from EARLIEST to LATEST, and every configured span is at most ten years,
so any date computed from those stays a real date. A date the database holds may lie anywhere
from 0001-01-01 to 9999-12-31: a null stand-in such as 0001-01-01 or 9999-12-31 loaded by an
older import, or a row written by hand. The rules read an optional date outside the range as
unknown, the same answer today's import gives for a stand-in. A row's own date (a snapshot's, a
contact's) is taken as it is: where a span is added to one, `shift` stops at the calendar's
ends, as do the working-day walks of core.calendar.
"""

from __future__ import annotations

import datetime as dt

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
# As stored (ISO text compares like the dates it spells), for SQL and for a check before parsing.
EARLIEST_ISO, LATEST_ISO = EARLIEST.isoformat(), LATEST.isoformat()


def read_date(text: str | None) -> dt.date | None:
    """An optional date of the database as the rules read it: None when empty or outside
    EARLIEST..LATEST (an ID "expiring" 0001-01-01 has no known expiry, an assessment dated
    9999-12-31 is no assessment)."""
    if text and EARLIEST_ISO <= text <= LATEST_ISO:
        return dt.date.fromisoformat(text)
    return None


def shift(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, stopping at the first or the last date there is: a contact
    stored as 0001-01-01 has a window opening at the start of the calendar, not an error."""
    ordinal = day.toordinal() + days
    return dt.date.fromordinal(min(max(ordinal, 1), dt.date.max.toordinal()))
