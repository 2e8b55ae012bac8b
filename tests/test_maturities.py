"""Maturities and the money reinvested after them (issue point 7), as pure rules."""

import datetime as dt

import pytest

from vipcrm.core.maturities import Flow, Maturity, flows, maturities, retention
from vipcrm.core.tasks import Holding, PositionPoint

D = dt.date
COUNTED = ("deposit", "wealth", "fund", "insurance", "bond", "metal", "custody")
K = 100_000  # a thousand CNY in fen


def holding(code, *points, cls="wealth"):
    """points: (as_of, balance) or (as_of, balance, maturity)."""
    return Holding(code, tuple(PositionPoint(p[0], p[1], cls, p[2] if len(p) > 2 else None)
                               for p in points))


WM = holding("WM", (D(2026, 1, 1), 1000 * K, D(2026, 3, 10)), (D(2026, 3, 10), 0, D(2026, 3, 10)))


@pytest.mark.parametrize("start, end, found", [
    (D(2026, 3, 10), D(2026, 3, 10), True),
    (D(2026, 3, 1), D(2026, 3, 9), False),
    (D(2026, 3, 11), D(2026, 3, 31), False),
])
def test_a_maturity_is_dated_in_the_period(start, end, found):
    assert (maturities("C1", [WM], {}, COUNTED, start, end)
            == ([Maturity("C1", "WM", D(2026, 3, 10), 1000 * K)] if found else []))


def test_the_amount_is_the_balance_the_day_before_and_must_be_held_in_a_counted_class():
    grown = holding("WM", (D(2026, 1, 1), 100 * K, D(2026, 3, 10)),
                    (D(2026, 3, 9), 120 * K, D(2026, 3, 10)))
    [m] = maturities("C1", [grown], {}, COUNTED, D(2026, 3, 1), D(2026, 3, 31))
    assert m.amount == 120 * K
    sold = holding("WM", (D(2026, 1, 1), 100 * K, D(2026, 3, 10)), (D(2026, 3, 2), 0))
    assert maturities("C1", [sold], {}, COUNTED, D(2026, 3, 1), D(2026, 3, 31)) == []
    loan = holding("LN", (D(2026, 1, 1), 100 * K, D(2026, 3, 10)), cls="loan")
    assert maturities("C1", [loan], {}, COUNTED, D(2026, 3, 1), D(2026, 3, 31)) == []


def test_the_product_maturity_serves_when_the_position_has_none():
    plain = holding("BD", (D(2026, 1, 1), 50 * K), cls="bond")
    assert maturities("C1", [plain], {"BD": D(2026, 3, 20)}, COUNTED, D(2026, 3, 1),
                      D(2026, 3, 31)) == [Maturity("C1", "BD", D(2026, 3, 20), 50 * K)]


def test_new_money_is_new_positions_and_rises_not_falls():
    found = flows([holding("F1", (D(2026, 3, 5), 60 * K), (D(2026, 3, 6), 80 * K),
                           (D(2026, 3, 7), 10 * K), (D(2026, 3, 8), 30 * K), cls="fund")],
                  COUNTED, D(2026, 3, 1), D(2026, 3, 31))
    assert found == [Flow(D(2026, 3, 5), 60 * K), Flow(D(2026, 3, 6), 20 * K),
                     Flow(D(2026, 3, 8), 20 * K)]


def test_a_rise_the_nav_explains_is_no_new_money():
    fund = holding("F1", (D(2026, 1, 1), 100 * K), (D(2026, 3, 5), 110 * K),
                   (D(2026, 3, 6), 160 * K), cls="fund")
    navs = {"F1": [(D(2026, 1, 1), 1_000_000), (D(2026, 3, 5), 1_100_000)]}
    assert flows([fund], COUNTED, D(2026, 3, 1), D(2026, 3, 31), navs) == [
        Flow(D(2026, 3, 6), 50 * K)]
    # without NAVs the balance is all there is
    assert flows([fund], COUNTED, D(2026, 3, 1), D(2026, 3, 31))[0] == Flow(D(2026, 3, 5), 10 * K)


def test_cash_accounts_and_uncounted_classes_bring_no_new_money():
    demand = holding("DEP", (D(2026, 1, 1), 10 * K), (D(2026, 3, 10), 1010 * K), cls="deposit")
    custody = holding("SEC", (D(2026, 3, 10), 500 * K), cls="custody")
    time_deposit = holding("TD", (D(2026, 3, 11), 300 * K, D(2027, 3, 11)), cls="deposit")
    loan = holding("LN", (D(2026, 3, 11), 300 * K), cls="loan")
    assert flows([demand, custody, time_deposit, loan], COUNTED, D(2026, 3, 1),
                 D(2026, 3, 31)) == [Flow(D(2026, 3, 11), 300 * K)]


def test_a_position_renewed_for_a_new_term_counts_whole():
    rolled = holding("TD", (D(2026, 1, 1), 500 * K, D(2026, 3, 12)),
                     (D(2026, 3, 12), 500 * K, D(2026, 9, 12)), cls="deposit")
    assert flows([rolled], COUNTED, D(2026, 3, 1), D(2026, 3, 31)) == [Flow(D(2026, 3, 12), 500 * K)]
    # a maturity date corrected before it passed is not a renewal
    corrected = holding("TD", (D(2026, 1, 1), 500 * K, D(2026, 3, 12)),
                        (D(2026, 3, 2), 500 * K, D(2026, 3, 20)), cls="deposit")
    assert flows([corrected], COUNTED, D(2026, 3, 1), D(2026, 3, 31)) == []


M1 = Maturity("C1", "P1", D(2026, 3, 5), 100 * K)
M2 = Maturity("C1", "P2", D(2026, 3, 6), 100 * K)


@pytest.mark.parametrize("day, kept", [
    (D(2026, 3, 4), 0),  # before the maturity
    (D(2026, 3, 5), 80 * K),  # on it
    (D(2026, 3, 12), 80 * K),  # m + 7
    (D(2026, 3, 13), 0),  # m + 8
])
def test_the_window_is_the_maturity_day_and_the_n_days_after(day, kept):
    assert retention([M1], [Flow(day, 80 * K)], 7, D(2026, 3, 31)) == [kept]


def test_reinvestment_is_capped_and_each_rise_counts_once():
    assert retention([M1], [Flow(D(2026, 3, 6), 300 * K)], 7, D(2026, 3, 31)) == [100 * K]
    # one purchase after two maturities: the earlier is served first, the rest to the next
    assert retention([M1, M2], [Flow(D(2026, 3, 7), 150 * K)], 7, D(2026, 3, 31)) == [
        100 * K, 50 * K]
    # a rise outside the earlier's window goes to the later
    assert retention([M1, M2], [Flow(D(2026, 3, 13), 40 * K)], 7, D(2026, 3, 31)) == [0, 40 * K]


def test_no_money_after_the_end_of_the_period_counts():
    assert retention([M1], [Flow(D(2026, 3, 8), 50 * K)], 7, D(2026, 3, 7)) == [0]
    assert retention([M1], [Flow(D(2026, 3, 8), 50 * K)], 0, D(2026, 3, 31)) == [0]
    assert retention([M1], [Flow(D(2026, 3, 5), 50 * K)], 0, D(2026, 3, 31)) == [50 * K]
