"""The pure tier rules of DOMAIN §1: qualifying tier at every floor's edge, and the decision."""

import datetime as dt

import pytest

from vipcrm.core.config import TIERS, Config
from vipcrm.core.tiering import (OK, WATCH, Decision, TierRules, basis_days, decide,
                                 grace_passed, qualifying_tier, rank)

RULES = TierRules.from_config(Config())
FLOORS = RULES.floors_fen
FEN = 100


@pytest.mark.parametrize("yuan_fen, expected", [
    (10_000_000 * FEN, "black_gold"),
    (10_000_000 * FEN - 1, "diamond"),
    (5_000_000 * FEN, "diamond"),
    (5_000_000 * FEN - 1, "premier_platinum"),
    (3_000_000 * FEN, "premier_platinum"),
    (3_000_000 * FEN - 1, "platinum"),
    (1_000_000 * FEN, "platinum"),
    (1_000_000 * FEN - 1, "premier_gold"),
    (500_000 * FEN, "premier_gold"),
    (500_000 * FEN - 1, "gold"),
    (200_000 * FEN, "gold"),
    (200_000 * FEN - 1, None),
    (0, None),
])
def test_point_basis_at_every_floor_edge(yuan_fen, expected):
    assert qualifying_tier(yuan_fen, 1, FLOORS) == expected


def test_daily_average_is_compared_as_a_sum_never_as_a_rounded_mean():
    days = 30
    # Mean of 9,999,999.995 yuan: rounds to 10,000,000.00 but is below the floor.
    assert qualifying_tier(10_000_000 * FEN * days - 15, days, FLOORS) == "diamond"
    assert qualifying_tier(10_000_000 * FEN * days, days, FLOORS) == "black_gold"
    # Exactly the floor on 29 of 30 days and one fen more on one day is enough.
    assert qualifying_tier(5_000_000 * FEN * days, days, FLOORS) == "diamond"


def test_no_day_of_data_qualifies_for_nothing_even_with_a_zero_floor():
    floors = dict(FLOORS, gold=0)
    assert qualifying_tier(0, 0, floors) is None
    assert qualifying_tier(0, 1, floors) == "gold"


def test_floors_come_from_the_configuration():
    czk = dict(zip(TIERS, (90_000, 70_000, 55_000, 40_000, 30_000, 20_000)))
    config = Config({f"tiers.{tier}.floor": floor for tier, floor in czk.items()})
    floors = TierRules.from_config(config).floors_fen
    assert qualifying_tier(90_000 * FEN, 1, floors) == "black_gold"
    assert qualifying_tier(90_000 * FEN - 1, 1, floors) == "diamond"
    assert qualifying_tier(70_000 * FEN - 1, 1, floors) == "premier_platinum"
    assert qualifying_tier(20_000 * FEN - 1, 1, floors) is None


@pytest.mark.parametrize("first, as_of, expected", [
    (None, dt.date(2026, 3, 31), 0),
    (dt.date(2026, 4, 1), dt.date(2026, 3, 31), 0),  # first snapshot after the as-of date
    (dt.date(2025, 1, 1), dt.date(2026, 3, 31), 30),  # long before: the whole window
    (dt.date(2026, 3, 2), dt.date(2026, 3, 31), 30),  # exactly the window's first day
    (dt.date(2026, 3, 3), dt.date(2026, 3, 31), 29),
    (dt.date(2026, 3, 31), dt.date(2026, 3, 31), 1),
    # A leap year's window ending on Feb 29 starts on Jan 31.
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29), 30),
    (dt.date(2024, 2, 1), dt.date(2024, 2, 29), 29),
])
def test_basis_days_count_from_the_first_snapshot(first, as_of, expected):
    assert basis_days(as_of, 30, first) == expected


def test_ranks_follow_the_tier_order():
    assert [rank(t) for t in TIERS] == [6, 5, 4, 3, 2, 1]
    assert rank(None) == 0


@pytest.mark.parametrize("sum_fen, days, expected", [
    # Platinum's 1,000,000.00 over 90 days: exactly the floor on average keeps the tier.
    (1_000_000 * FEN * 90, 90, False),
    (1_000_000 * FEN * 90 - 1, 90, True),  # one fen short over the period: no rounding
    (1_000_000 * FEN * 90 + 1, 90, False),
    # 0.5M a day with 1.2M on three month-end days: the mean is what counts.
    ((87 * 500_000 + 3 * 1_200_000) * FEN, 90, True),
    # A client known for 10 days is judged on those 10.
    (1_000_000 * FEN * 10, 10, False),
    (1_000_000 * FEN * 10 - 1, 10, True),
    # No counted day: nothing holds the tier.
    (0, 0, True),
])
def test_grace_passes_when_the_mean_daily_aum_is_below_the_floor(sum_fen, days, expected):
    assert grace_passed(sum_fen, days, FLOORS["platinum"]) is expected


@pytest.mark.parametrize("current, status, qualifying, grace_over, expected", [
    # No tier yet: the tier the basis qualifies for, or none.
    (None, None, "diamond", None, Decision("diamond", OK, "new")),
    (None, None, None, None, Decision(None, None, None)),
    # Upgrade at once, from ok or watch.
    ("gold", OK, "diamond", None, Decision("diamond", OK, "upgrade")),
    ("diamond", WATCH, "black_gold", None, Decision("black_gold", OK, "upgrade")),
    # Below the floor: watch while the grace period's mean is at or above the floor.
    ("diamond", OK, "platinum", False, Decision("diamond", WATCH, "watch")),
    ("diamond", WATCH, "platinum", False, Decision("diamond", WATCH, None)),
    # Its mean below too: down to the tier the basis qualifies for, skipping tiers.
    ("black_gold", WATCH, "platinum", True, Decision("platinum", OK, "downgrade")),
    ("diamond", OK, "premier_platinum", True, Decision("premier_platinum", OK, "downgrade")),
    ("gold", WATCH, None, True, Decision(None, None, "downgrade")),
    # At the floor: keep, and a watch is cleared.
    ("diamond", OK, "diamond", None, Decision("diamond", OK, None)),
    ("diamond", WATCH, "diamond", None, Decision("diamond", OK, "recovered")),
])
def test_decision(current, status, qualifying, grace_over, expected):
    assert decide(current, status, qualifying, grace_over) == expected


def test_ineligible_clients_lose_their_tier():
    assert decide("diamond", OK, "diamond", None, eligible=False) == Decision(None, None, "untiered")
    assert decide(None, None, "diamond", None, eligible=False) == Decision(None, None, None)


def test_below_the_floor_needs_the_grace_answer():
    with pytest.raises(ValueError):
        decide("diamond", OK, "gold", None)
