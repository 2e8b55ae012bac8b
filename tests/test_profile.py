"""Profile completeness (DOMAIN §7): weighted filled fields, the most valuable missing first."""

import datetime as dt

import pytest

from vipcrm.core.config import PROFILE_FIELDS, Config
from vipcrm.core.profile import completeness

DAY = dt.date(2026, 11, 30)
CONFIG = Config()
FULL = {
    "phone": "13800001234", "birth_date": "1970-01-01", "gender": "F", "risk_level": "C3",
    "risk_assessed_on": dt.date(2026, 6, 1), "occupation": "Doctor", "marital_status": "married",
    "family": "two children", "hobbies": "golf", "product_preferences": "fund",
    "wealth_source": "salary", "preferred_channel": "phone", "address": "Beijing",
}


def test_weights_sum_to_100():
    assert sum(CONFIG[f"profile.weights.{f}"] for f in PROFILE_FIELDS) == 100


def test_a_full_profile_is_complete():
    result = completeness(FULL, DAY, CONFIG)
    assert result.pct == 100.0 and result.missing == ()


def test_missing_fields_by_weight_then_field_order():
    profile = dict(FULL, phone=None, family="  ", hobbies="", gender=None)
    result = completeness(profile, DAY, CONFIG)
    assert result.missing == ("phone", "family", "hobbies", "gender")
    assert result.top_missing() == ("phone", "family", "hobbies")
    assert result.pct == 100 - 15 - 7 - 6 - 5


def test_an_expired_risk_assessment_counts_as_missing():
    profile = dict(FULL, risk_assessed_on=DAY - dt.timedelta(days=365))
    assert completeness(profile, DAY, CONFIG).missing == ("risk_level",)


@pytest.mark.parametrize("marital, wedding, filled", [
    ("married", None, True), (None, dt.date(2000, 5, 1), True), (None, None, False),
])
def test_marital_status_or_wedding_date(marital, wedding, filled):
    profile = dict(FULL, marital_status=marital, wedding_date=wedding)
    assert ("marital_status" not in completeness(profile, DAY, CONFIG).missing) is filled


def test_weights_come_from_the_configuration():
    config = Config({"profile.weights.address": 40})
    result = completeness(dict(FULL, address=None, phone=None), DAY, config)
    assert result.missing == ("address", "phone")
    assert result.pct == round(100 * (135 - 55) / 135, 1)  # 100 - 5 + 40 in all
