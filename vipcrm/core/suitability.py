"""Suitability of a product for a client (DOMAIN §5).

A product is suitable when its risk level R is at most the client's level C and the client's
assessment is less than `suitability.valid_days` old on the day. No or an expired assessment
makes nothing suitable; a product without a risk level counts as R5. Follow-up code reuses
these rules for sales; planning uses them so that no unsuitable product is ever proposed.
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping

RISKIEST = 5
# From this product level up, an elderly client (or one of unknown age) must confirm a sale.
ELDERLY_CONFIRM_FROM = 4
# Asset classes sold under the suitability rules: every product with investment risk, not
# deposits (nor loans and credit, which are not holdings).
RISK_CLASSES = ("wealth", "fund", "insurance", "bond", "metal")


def risk_number(level: str | None, prefix: str) -> int | None:
    """'C3' -> 3 (prefix 'C'), 'r5' -> 5; None for anything else."""
    if not level:
        return None
    text = level.strip().upper()
    if len(text) == 2 and text[0] == prefix and text[1] in "12345":
        return int(text[1])
    return None


def product_risk(level: str | None) -> int:
    """A product's risk 1-5; unknown counts as the riskiest."""
    return risk_number(level, "R") or RISKIEST


def assessment_expires(assessed_on: dt.date | None, config: Mapping) -> dt.date | None:
    """The first day the assessment is no longer valid."""
    if assessed_on is None:
        return None
    return assessed_on + dt.timedelta(days=config["suitability.valid_days"])


def assessment_valid(assessed_on: dt.date | None, day: dt.date, config: Mapping) -> bool:
    """Valid on `day`: made on or before it and less than valid_days old."""
    if assessed_on is None or assessed_on > day:
        return False
    return day < assessment_expires(assessed_on, config)


def suitable_limit(client_risk: str | None, assessed_on: dt.date | None, day: dt.date,
                   config: Mapping) -> int:
    """The riskiest product level (1-5) suitable for the client on `day`; 0 for none."""
    client = risk_number(client_risk, "C")
    if client is None or not assessment_valid(assessed_on, day, config):
        return 0
    return client


def suitable(client_risk: str | None, assessed_on: dt.date | None, product_risk_level: str | None,
             day: dt.date, config: Mapping) -> bool:
    return product_risk(product_risk_level) <= suitable_limit(client_risk, assessed_on, day, config)


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    if birth_date is None:
        return None
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def needs_elderly_confirmation(birth_date: dt.date | None, product_risk_level: str | None,
                               day: dt.date, config: Mapping) -> bool:
    """An R4-R5 sale to a client aged elderly_age or over, or of unknown age, needs an explicit
    confirmation."""
    if product_risk(product_risk_level) < ELDERLY_CONFIRM_FROM:
        return False
    age = age_on(birth_date, day)
    return age is None or age >= config["suitability.elderly_age"]
