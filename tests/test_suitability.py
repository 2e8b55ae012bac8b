"""Suitability (DOMAIN §5): R at most C, a valid assessment, unknown product risk is R5."""

import datetime as dt

import pytest

from vipcrm.core.config import Config
from vipcrm.core.suitability import (age_on, assessment_valid, needs_elderly_confirmation,
                                     suitable)

D = dt.date
CONFIG = Config()
DAY = D(2026, 11, 30)
FRESH = D(2026, 6, 1)


@pytest.mark.parametrize("client, product, expected", [
    ("C3", "R3", True), ("C3", "R2", True), ("C3", "R4", False), ("C1", "R1", True),
    ("C5", "R5", True), ("C4", None, False), ("C5", None, True), ("C4", "", False),
    (None, "R1", False), ("C9", "R1", False), ("c3", "r2", True),
])
def test_product_risk_against_client_risk(client, product, expected):
    assert suitable(client, FRESH, product, DAY, CONFIG) is expected


@pytest.mark.parametrize("assessed_on, valid", [
    (DAY - dt.timedelta(days=364), True),   # less than 365 days old
    (DAY - dt.timedelta(days=365), False),  # exactly a year: expired
    (DAY, True),
    (DAY + dt.timedelta(days=1), False),    # not made yet on the day
    (None, False),
])
def test_assessment_validity_edges(assessed_on, valid):
    assert assessment_valid(assessed_on, DAY, CONFIG) is valid
    assert suitable("C5", assessed_on, "R1", DAY, CONFIG) is valid


def test_validity_follows_the_configuration():
    config = Config({"suitability.valid_days": 180})
    assert not suitable("C5", DAY - dt.timedelta(days=180), "R1", DAY, config)
    assert suitable("C5", DAY - dt.timedelta(days=179), "R1", DAY, config)


@pytest.mark.parametrize("birth, product, needed", [
    (D(1961, 11, 30), "R4", True),    # 65 today
    (D(1961, 12, 1), "R4", False),    # 64 until tomorrow
    (D(1961, 12, 1), "R5", False),
    (None, "R4", True),               # unknown age
    (None, None, True),               # unknown product risk counts as R5
    (D(1940, 1, 1), "R3", False),     # low risk needs nothing
])
def test_elderly_confirmation(birth, product, needed):
    assert needs_elderly_confirmation(birth, product, DAY, CONFIG) is needed


def test_age_on_feb_29_birthdays():
    assert age_on(D(1948, 2, 29), D(2013, 2, 28)) == 64
    assert age_on(D(1948, 2, 29), D(2013, 3, 1)) == 65
