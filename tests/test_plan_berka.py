"""Birthday tasks of Berka clients (real birth numbers) against an independent computation."""

import datetime as dt

import chinese_calendar
import pytest

from tests.conftest import BERKA, requires_berka
from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import Config
from vipcrm.core.tasks import Client, client_tasks, day_context

pytestmark = requires_berka()


def berka_births():
    """client_id -> birth date from birth_number YYMMDD (women: month + 50), years 19YY."""
    births = {}
    with open(BERKA / "client.asc", encoding="ascii") as f:
        next(f)
        for line in f:
            client_id, number, _ = line.strip().split(";")
            number = number.strip('"')
            year, month, day = int(number[:2]), int(number[2:4]), int(number[4:6])
            births[client_id] = dt.date(1900 + year, month - 50 if month > 50 else month, day)
    return births


def expected_due(birth: dt.date, year: int) -> dt.date:
    """Independently: Feb 29 -> Feb 28 in common years, then back to a working day by
    chinese_calendar itself."""
    month, day = birth.month, birth.day
    if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        day = 28
    due = dt.date(year, month, day)
    while not chinese_calendar.is_workday(due):
        due -= dt.timedelta(days=1)
    return due


# The week of 2026-02-23: Spring Festival ends on Monday the 23rd, and Saturday the 28th is an
# adjusted working day, on which the Feb 29 births fall in this common year.
WEEK = [dt.date(2026, 2, 23) + dt.timedelta(days=i) for i in range(7)]


def test_birthday_tasks_of_a_week_match_an_independent_computation():
    births = berka_births()
    assert len(births) == 5369
    feb29 = {cid for cid, b in births.items() if (b.month, b.day) == (2, 29)}
    assert len(feb29) == 3
    config, cal = Config(), WorkCalendar()
    clients = [Client(cid, f"Berka {cid}", tier="gold", birth_date=b, tier_since=dt.date(2026, 1, 1))
               for cid, b in births.items()]
    got = set()
    for day in WEEK:
        ctx = day_context(day, config, cal)
        for client in clients:
            got |= {(t.client_id, t.due) for t in client_tasks(client, ctx)
                    if t.reason == "birthday" and WEEK[0] <= t.due <= WEEK[-1]}
    want = {(cid, expected_due(b, 2026)) for cid, b in births.items()}
    want = {(cid, due) for cid, due in want if WEEK[0] <= due <= WEEK[-1]}
    assert got == want
    assert {(cid, dt.date(2026, 2, 28)) for cid in feb29} <= got
    assert len(got) > 50


@pytest.mark.parametrize("year", [2026, 2028])
def test_the_three_feb_29_births(year):
    births = berka_births()
    cal = WorkCalendar()
    for cid, birth in births.items():
        if (birth.month, birth.day) != (2, 29):
            continue
        client = Client(cid, "x", tier="gold", birth_date=birth)
        day = dt.date(year, 2, 28) if year == 2026 else dt.date(year, 2, 29)
        [task] = [t for t in client_tasks(client, day_context(day, Config(), cal))
                  if t.reason == "birthday"]
        assert task.reference == str(year) and task.due == day
