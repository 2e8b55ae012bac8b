"""True AUM and the go-live round as pure rules: matured positions (core.aum) in every task
rule that reads balances, and the first cadence call of clients never contacted at go-live."""

import datetime as dt

import pytest

from vipcrm.core.aum import matured, position_value
from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import Config
from vipcrm.core.tasks import (Client, Contact, Holding, NavDrop, PositionPoint, Product,
                               aum_on, aum_steps, day_context, go_live_offset, open_tasks,
                               outflow_days)

D = dt.date
CAL = WorkCalendar()
CONFIG = Config()
CLASSES = CONFIG["aum.asset_classes"]
M = 100_000_000  # one million yuan in fen
MATURES = D(2026, 11, 13)  # a Friday


def point(as_of, balance, maturity=None, cls="wealth"):
    return PositionPoint(as_of, balance, cls, maturity)


def client(*holdings, **kw):
    base = dict(client_id="C1", name="Zhao Lei", tier="platinum", tier_since=D(2020, 1, 1),
                rm_id="RM1", risk_level="C3", risk_assessed_on=D(2026, 6, 1),
                contacts=(Contact(D(2026, 11, 1), followup_id="last"),), holdings=holdings)
    base.update(kw)
    return Client(**base)


# --- the rule --------------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, maturity, day, expected", [
    (D(2026, 8, 1), None, D(2030, 1, 1), False),  # no maturity: held until a row says not
    (D(2026, 8, 1), MATURES, MATURES - dt.timedelta(days=1), False),  # the eve: still held
    (D(2026, 8, 1), MATURES, MATURES, True),  # paid out on the maturity day itself
    (D(2026, 8, 1), MATURES, D(2026, 11, 27), True),  # two weeks later
    (MATURES, MATURES, MATURES, True),  # a snapshot of the maturity day is not a renewal
    (MATURES + dt.timedelta(days=1), MATURES, D(2026, 11, 27), False),  # a row after: renewed
])
def test_a_position_matures_on_its_maturity_day_unless_a_later_row_renews_it(
        as_of, maturity, day, expected):
    assert matured(as_of, maturity, day) is expected
    value = position_value(M, "wealth", as_of, maturity, day, CLASSES)
    assert value == (0 if expected else M)


def test_negative_balances_and_uncounted_classes_still_count_0():
    assert position_value(-M, "deposit", D(2026, 1, 1), None, D(2026, 2, 1), CLASSES) == 0
    assert position_value(M, "loan", D(2026, 1, 1), None, D(2026, 2, 1), CLASSES) == 0


def test_the_issue_reproduction_one_point_one_million_not_two_point_one():
    c = client(Holding("DEP", (point(D(2026, 8, 1), 110_000_000, cls="deposit"),)),
               Holding("WM-90", (point(D(2026, 8, 1), M, MATURES),)))
    assert aum_on(c, MATURES - dt.timedelta(days=1), CLASSES) == 210_000_000
    assert aum_on(c, D(2026, 11, 27), CLASSES) == 110_000_000


def test_aum_steps_drop_at_the_maturity_and_rise_again_at_a_renewal():
    renewed = MATURES + dt.timedelta(days=3)
    c = client(Holding("DEP", (point(D(2026, 8, 1), M, cls="deposit"),)),
               Holding("WM", (point(D(2026, 8, 1), 2 * M, MATURES),
                              point(renewed, 2 * M, MATURES))))
    days, values = aum_steps(c, CLASSES, D(2026, 11, 1), D(2026, 11, 30))
    assert list(zip(days, values)) == [(D(2026, 11, 1), 3 * M), (MATURES, M), (renewed, 3 * M)]


def test_a_maturity_after_the_next_row_is_that_rows_business():
    # The product was re-dated before it matured: the new row's maturity is the one in force.
    c = client(Holding("WM", (point(D(2026, 8, 1), M, MATURES),
                              point(D(2026, 11, 10), M, D(2027, 2, 10)))))
    days, values = aum_steps(c, CLASSES, D(2026, 11, 1), D(2026, 11, 30))
    assert list(zip(days, values)) == [(D(2026, 11, 1), M), (D(2026, 11, 10), M)]
    assert aum_on(c, D(2026, 11, 27), CLASSES) == M


def test_money_that_matures_and_leaves_the_bank_is_an_outflow():
    gone = client(Holding("DEP", (point(D(2026, 8, 1), M // 2, cls="deposit"),)),
                  Holding("WM", (point(D(2026, 8, 1), 2 * M, MATURES),)))
    assert outflow_days(gone, D(2026, 11, 27), CONFIG) == {"2026-11": MATURES}
    # Paid into the current account the same day: no outflow.
    paid_in = client(Holding("DEP", (point(D(2026, 8, 1), M // 2, cls="deposit"),
                                     point(MATURES, M // 2 + 2 * M, cls="deposit"))),
                     Holding("WM", (point(D(2026, 8, 1), 2 * M, MATURES),)))
    assert outflow_days(paid_in, D(2026, 11, 27), CONFIG) == {}


def test_a_matured_product_is_not_held_for_nav_drops_or_new_products():
    fund = Product("FUND-A", "A fund", "fund", "R2")
    launch = Product("FUND-NEW", "New fund", "fund", "R2", launch_date=D(2026, 11, 20))
    c = client(Holding("FUND-A", (point(D(2026, 8, 1), M, MATURES, cls="fund"),)),
               Holding("DEP", (point(D(2026, 8, 1), M, cls="deposit"),)))
    ctx = day_context(D(2026, 11, 23), CONFIG, CAL, products={"FUND-A": fund, "FUND-NEW": launch})
    ctx.nav_drops = {"FUND-A": [NavDrop(D(2026, 11, 20), 900_000, 1_000_000)]}
    reasons = {t.reason for t in open_tasks(c, ctx)}
    assert "nav_drop" not in reasons  # it matured before the drop
    assert "new_product" not in reasons  # no fund held any more, none named in preferences
    before = day_context(D(2026, 11, 12), CONFIG, CAL, products={"FUND-A": fund})
    before.nav_drops = {"FUND-A": [NavDrop(D(2026, 11, 12), 900_000, 1_000_000)]}
    assert "nav_drop" in {t.reason for t in open_tasks(c, before)}


# --- the go-live round -----------------------------------------------------------------------

GO_LIVE = D(2026, 11, 27)  # a Friday


def never_contacted(client_id, tier="platinum", since=GO_LIVE):
    return client(client_id=client_id, tier=tier, tier_since=since, contacts=())


def cadence_task(c, day, go_live=GO_LIVE):
    ctx = day_context(day, CONFIG, CAL, go_live=go_live)
    found = [t for t in open_tasks(c, ctx) if t.reason == "cadence"]
    assert len(found) <= 1
    return found[0] if found else None


def first_due(c, go_live=GO_LIVE, horizon=200):
    """The first day the client's cadence task is open, and the task."""
    for n in range(horizon):
        day = go_live + dt.timedelta(days=n)
        task = cadence_task(c, day, go_live)
        if task is not None:
            return day, task
    raise AssertionError("no cadence task within the horizon")


@pytest.mark.parametrize("tier, cadence", [("black_gold", 30), ("platinum", 90), ("gold", 180)])
def test_in_its_tier_at_go_live_the_first_call_falls_within_one_cadence(tier, cadence):
    for n in range(40):
        c = never_contacted(f"C{n:06d}", tier)
        offset = go_live_offset(c.client_id, cadence)
        assert 0 <= offset < cadence
        day, task = first_due(c)
        spread = GO_LIVE + dt.timedelta(days=offset)
        # A weekend or holiday moves it to the next working day, so go-live day keeps its share.
        assert task.due == CAL.on_or_after(spread)
        assert task.window_start == spread == day
        assert task.reference == spread.isoformat()
        assert "go-live" in str(task.detail)


def test_the_offset_is_a_stable_function_of_the_client_id():
    assert go_live_offset("C000172", 60) == go_live_offset("C000172", 60)
    spread = {go_live_offset(f"C{n:06d}", 30) for n in range(600)}
    assert spread == set(range(30))  # every day of the cadence gets clients


def test_entering_the_tier_after_go_live_is_due_that_day_as_before():
    later = D(2026, 12, 8)
    c = never_contacted("C1", since=later)
    task = cadence_task(c, later)
    assert (task.due, task.window_start, task.reference) == (later, later, later.isoformat())
    assert str(task.detail) == "never contacted since entering the tier"


def test_without_a_go_live_date_the_old_rule_holds():
    c = never_contacted("C1", since=D(2026, 11, 2))
    task = cadence_task(c, D(2026, 11, 30), go_live=None)
    assert task.due == D(2026, 11, 2)


def test_a_contacted_client_follows_its_last_contact_whatever_the_go_live():
    c = client(client_id="C1", tier_since=D(2026, 1, 1),
               contacts=(Contact(D(2026, 10, 1), followup_id="F1"),))
    task = cadence_task(c, D(2026, 12, 30), go_live=D(2026, 6, 1))
    assert task.due == D(2026, 12, 30)  # 2026-10-01 + 90 days
