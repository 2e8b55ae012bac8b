"""A sales strategy per big corporate client (seed §3.4): each rule at its thresholds' edges."""

from fractions import Fraction

import pytest

from vipcrm.core.config import CORPORATE_FACTORS, Config
from vipcrm.core.corporate import Rating
from vipcrm.core.strategy import (StrategyRules, commission, derive, visit_minimum,
                                  years_on_list)

RULES = StrategyRules.from_config(Config())
# A big client that meets no rule: middling factors, a poor collection rate, a quality loss.
VALUES = {"contract_volume": 100, "unit_price": 100, "revenue": 100, "collection_rate": 8000,
          "profit": 100, "quality_loss": 500, "industry_influence": 3, "credit_rating": "A"}


def rating(score=65, big=True, **factors):
    scores = dict.fromkeys(CORPORATE_FACTORS, Fraction(50))
    scores.update({k: Fraction(v) for k, v in factors.items()})
    return Rating("K1", Fraction(score), 1, big, scores, ())


def test_the_defaults():
    assert RULES == StrategyRules(volume_score=70, collection_pct=95, price_score=70,
                                  stable_years=2, invest_score=80, invest_max_quality_loss=0,
                                  commission_a=80, commission_b=70)


def test_a_client_off_the_big_client_list_has_no_strategy():
    assert derive(rating(big=False, contract_volume=100), dict(VALUES, collection_rate=9900),
                  1, RULES) is None


def test_a_big_client_meeting_no_rule_is_standard_commission_c():
    found = derive(rating(), VALUES, 1, RULES)
    assert (found.strategy, found.commission, found.meets) == ("standard", "C", ())


@pytest.mark.parametrize("volume, rate, meets", [
    (70, 9500, True),  # both exactly at their thresholds
    (Fraction(6999, 100), 9500, False),  # volume just below
    (70, 9499, False),  # 94.99 %
    (100, 10000, True),
])
def test_price_concession_needs_large_volume_and_good_payment(volume, rate, meets):
    found = derive(rating(contract_volume=volume), dict(VALUES, collection_rate=rate), 1, RULES)
    assert (found.strategy == "price_concession") is meets


@pytest.mark.parametrize("missing", ["contract_volume", "collection_rate"])
def test_price_concession_is_never_granted_on_a_missing_metric(missing):
    # With the threshold at 0 a missing volume's factor (scored 0) would otherwise qualify.
    rules = RULES._replace(volume_score=0, collection_pct=0)
    values = dict(VALUES, **{missing: None})
    assert derive(rating(contract_volume=0), values, 1, rules).strategy == "standard"
    assert derive(rating(contract_volume=0), VALUES, 1, rules).strategy == "price_concession"


@pytest.mark.parametrize("years, price, meets", [
    (2, 70, True),  # this year and the one before, price exactly at its threshold
    (1, 100, False),  # new on the list: not stable yet
    (3, Fraction(6999, 100), False),
])
def test_loose_collection_needs_a_stable_high_price_client(years, price, meets):
    found = derive(rating(unit_price=price), VALUES, years, RULES)
    assert (found.strategy == "loose_collection") is meets


def test_loose_collection_needs_a_unit_price():
    found = derive(rating(unit_price=100), dict(VALUES, unit_price=None), 5, RULES)
    assert found.strategy == "standard"


@pytest.mark.parametrize("score, loss, meets", [
    (80, 0, True),  # exactly the score, no quality loss
    (Fraction(7999, 100), 0, False),
    (95, 1, False),  # one fen of quality loss
    (95, None, False),  # nobody reported the quality loss
])
def test_invest_needs_a_high_score_and_no_quality_loss(score, loss, meets):
    found = derive(rating(score), dict(VALUES, quality_loss=loss), 1, RULES)
    assert (found.strategy == "invest") is meets


def test_a_quality_loss_allowance_is_configurable_in_yuan():
    rules = StrategyRules.from_config(Config({"corporate.strategy.invest_max_quality_loss": 5}))
    assert derive(rating(90), dict(VALUES, quality_loss=500), 1, rules).strategy == "invest"
    assert derive(rating(90), dict(VALUES, quality_loss=501), 1, rules).strategy == "standard"


def test_invest_comes_first_and_every_rule_met_is_listed():
    found = derive(rating(90, contract_volume=100, unit_price=100),
                   dict(VALUES, collection_rate=9900, quality_loss=0), 2, RULES)
    assert found.strategy == "invest"
    assert found.meets == ("invest", "price_concession", "loose_collection")
    found = derive(rating(75, contract_volume=100, unit_price=100),
                   dict(VALUES, collection_rate=9900), 2, RULES)
    assert (found.strategy, found.meets) == ("price_concession",
                                             ("price_concession", "loose_collection"))


@pytest.mark.parametrize("score, expected", [
    (80, "A"), (Fraction(7999, 100), "B"), (70, "B"), (Fraction(6999, 100), "C"), (60, "C"),
])
def test_commission_bands(score, expected):
    assert commission(Fraction(score), RULES) == expected


def test_years_on_the_list_count_back_until_a_year_off_it():
    big = {2026: frozenset({"K1", "K2"}), 2025: frozenset({"K1"}), 2023: frozenset({"K1"})}
    assert years_on_list("K1", 2026, big) == 2  # 2024 was not a big year (or never rated)
    assert years_on_list("K2", 2026, big) == 1
    assert years_on_list("K3", 2026, big) == 0


def test_invest_raises_the_visit_minimums_and_never_lowers_them():
    config = Config()
    assert [visit_minimum(lv, "invest", config) for lv in ("leadership", "technical", "business")] == [2, 4, 8]
    assert [visit_minimum(lv, "standard", config) for lv in ("leadership", "technical", "business")] == [1, 2, 4]
    assert visit_minimum("business", None, config) == 4
    lower = Config({"corporate.strategy.invest_visits.business": 1})
    assert visit_minimum("business", "invest", lower) == 4
