"""The rules' reading of stored dates (core.dates) in SQL, for the queries that filter on them."""

from __future__ import annotations

from vipcrm.core.dates import EARLIEST_ISO


def closed_sql(column: str, day: str) -> str:
    """SQL, 1 or 0: the client whose closing date is `column` had closed by the end of `day`
    (a parameter or a column, never after core.dates.LATEST). A closing date outside the known
    dates is unknown (core.dates.read_date), so that client is open: a stand-in 0001-01-01
    neither closes a client nor lets `purge` erase it."""
    return f"COALESCE({column} BETWEEN '{EARLIEST_ISO}' AND {day}, 0)"
