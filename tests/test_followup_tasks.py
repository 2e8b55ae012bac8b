"""Follow-up tasks from contacts (DOMAIN §4 `followup_due`, §6): next dates and after-sale care,
moved off non-working days without ever being completed by the contact that asked for them."""

from __future__ import annotations

import datetime as dt

import pytest

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import Config
from vipcrm.core.tasks import Client, Contact, day_context, open_tasks

D = dt.date
CONFIG = Config()
CALENDAR = WorkCalendar()


def followups(contacts: list[Contact], day: dt.date) -> list[tuple[str, dt.date]]:
    client = Client("C1", "Client", tier="gold", tier_since=D(2026, 1, 1),
                    contacts=tuple(contacts))
    return [(t.reference, t.due) for t in open_tasks(client, day_context(day, CONFIG, CALENDAR))
            if t.reason == "followup_due"]


def test_a_next_date_on_a_weekend_moves_to_the_friday_before():
    call = Contact(D(2026, 11, 25), next_date=D(2026, 11, 28), followup_id="F1")  # Wed -> Sat
    assert followups([call], D(2026, 11, 26)) == []
    assert followups([call], D(2026, 11, 27)) == [("F1 next", D(2026, 11, 27))]


def test_a_next_date_that_would_move_back_onto_its_own_call_moves_forward():
    # Friday's call asks for a call on Sunday: Friday would be the call itself, so Monday.
    call = Contact(D(2026, 11, 27), next_date=D(2026, 11, 29), followup_id="F1")
    assert followups([call], D(2026, 11, 27)) == []
    assert followups([call], D(2026, 11, 30)) == [("F1 next", D(2026, 11, 30))]
    # ... and the next call completes it
    done = Contact(D(2026, 11, 30), followup_id="F2")
    assert followups([call, done], D(2026, 11, 30)) == []


@pytest.mark.parametrize("sale_day, plus7, plus30, quiet_until", [
    (D(2026, 11, 27), D(2026, 12, 4), D(2026, 12, 25), D(2026, 12, 3)),  # +30 is a Sunday
    (D(2026, 11, 30), D(2026, 12, 7), D(2026, 12, 30), D(2026, 12, 6)),
    # +7 falls in the National Day week, whose previous working day is the sale's own day:
    # due on the first working day after the holiday, its window opening on the holiday
    (D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 30), D(2026, 10, 6)),
])
def test_after_sale_care_at_plus_7_and_plus_30(sale_day, plus7, plus30, quiet_until):
    sale = Contact(sale_day, stage="sale", followup_id="S1")
    assert followups([sale], sale_day) == []
    assert followups([sale], quiet_until) == []
    assert followups([sale], plus7) == [("S1 +7", plus7)]
    call = Contact(plus7, stage="after_sale", followup_id="F1")
    assert followups([sale, call], plus30 - dt.timedelta(days=1)) == []
    assert followups([sale, call], plus30) == [("S1 +30", plus30)]


def test_an_unanswered_sale_brings_no_care_and_a_missed_call_leaves_the_task_open():
    sale = Contact(D(2026, 11, 30), stage="sale", followup_id="S1")
    no_answer = Contact(D(2026, 12, 7), outcome="no_answer", followup_id="F1")
    assert followups([sale, no_answer], D(2026, 12, 7)) == [("S1 +7", D(2026, 12, 7))]
    # open until due + plan.expiry_days.followup_due, then missed
    expiry = CONFIG["plan.expiry_days.followup_due"]
    last = D(2026, 12, 7) + dt.timedelta(days=expiry)
    assert ("S1 +7", D(2026, 12, 7)) in followups([sale, no_answer], last)
    assert ("S1 +7", D(2026, 12, 7)) not in followups([sale, no_answer],
                                                      last + dt.timedelta(days=1))
