"""Campaigns (新品发售, targeted lists): whom a product's campaign calls, in what order, on which day.

Who is a target: a retail client in the campaign's tiers (and branch, its ownership branch),
open on the campaign's first day, whose AUM at the latest tier recompute reaches --min-aum, and
- who agreed to marketing (contact_consent `all`: a campaign is marketing, so never a client who
  agreed to service contacts only, or to none);
- for whom the product is suitable on the campaign's first day (DOMAIN §5: product risk R ≤
  client level C with a valid assessment; no override: a campaign never proposes an unsuitable
  product, and a C1 client is only ever offered R1);
- who does not hold the product already.
An elderly client (suitability.elderly_age, or of unknown age) is a target for an R4-R5 product
too, but called on in person: the sale needs its dual recording (双录) and no phone or SMS.

Fit, 0-100: the weights `campaign.weights.*` of what holds, × 100 ÷ the sum of the weights,
rounded half up:
- preference: the client's product preferences name the product's asset class (the words
  `new_product` reads: 基金, 理财 …);
- idle_cash: demand deposits (deposits without a maturity date) of at least
  `campaign.idle_cash` CNY on the day the campaign is created;
- maturing: a counted position held that day matures within the campaign's window.
Targets rank by fit, then AUM, both highest first, then client id.

Spreading: each RM's targets, best first, open `campaign.daily_per_rm` a working day from the
campaign's first working day, less the calls other open campaigns already opened for that RM
that day; targets beyond the room of the window are left out (the lowest ranked). Clients
without an active RM are spread per branch the same way.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Iterable, Mapping, NamedTuple, Sequence

from vipcrm.core.suitability import product_risk, suitable_limit
from vipcrm.core.tasks import preferred_classes

FIT_FACTORS = ("preference", "idle_cash", "maturing")
DEFAULT_DAYS = 14  # a campaign without --to runs two weeks: long enough for every RM's round
MAX_DAYS = 366  # a campaign is a drive, not a standing list
CONSENT = "all"  # the only consent under which a client hears of a campaign
# Why a client in the campaign's tiers is not a target, in the order they are checked.
EXCLUSIONS = ("no_marketing_consent", "unsuitable", "holds_product")


class Candidate(NamedTuple):
    """A client in the campaign's tiers and branch with what the rules read; money in fen."""
    client_id: str
    name: str
    tier: str
    aum: int
    rm_id: str | None  # its active RM, if any
    branch: str
    consent: str
    risk_level: str | None
    assessed_on: dt.date | None
    preferences: str | None
    holds_product: bool
    demand_deposits: int
    maturing_on: dt.date | None  # the earliest maturity of a counted position in the window


class Target(NamedTuple):
    client_id: str
    name: str
    tier: str
    aum: int
    rm_id: str | None
    branch: str
    score: int
    preference: bool
    idle_cash: bool
    maturing_on: dt.date | None


class Product(NamedTuple):
    product_code: str
    asset_class: str
    risk_level: str | None


def exclusion(c: Candidate, product: Product, first_day: dt.date, config: Mapping) -> str | None:
    """Why the candidate is not a target (a code of EXCLUSIONS), or None."""
    if c.consent != CONSENT:
        return "no_marketing_consent"
    if product_risk(product.risk_level) > suitable_limit(c.risk_level, c.assessed_on, first_day,
                                                         config):
        return "unsuitable"
    if c.holds_product:
        return "holds_product"
    return None


def fit(c: Candidate, product: Product, config: Mapping) -> Target:
    """The candidate as a target, with its fit score."""
    preference = product.asset_class in preferred_classes(c.preferences)
    idle = c.demand_deposits >= config["campaign.idle_cash"] * 100
    maturing = c.maturing_on is not None
    weights = [config[f"campaign.weights.{f}"] for f in FIT_FACTORS]
    held = sum(w for w, holds in zip(weights, (preference, idle, maturing)) if holds)
    total = sum(weights)
    score = int(Fraction(100 * held, total) + Fraction(1, 2)) if total else 0
    return Target(c.client_id, c.name, c.tier, c.aum, c.rm_id, c.branch, score, preference,
                  idle, c.maturing_on)


def ranked(targets: Iterable[Target]) -> list[Target]:
    """Best fit first, then the higher AUM, then the client id."""
    return sorted(targets, key=lambda t: (-t.score, -t.aum, t.client_id))


def book(target: Target) -> tuple[str | None, str]:
    """Whose day a target's call takes room in: its RM's, else its branch's unassigned list."""
    return (target.rm_id, "" if target.rm_id else target.branch)


def spread(targets: Sequence[Target], days: Sequence[dt.date], per_day: int,
           used: Mapping[tuple[tuple[str | None, str], dt.date], int] | None = None
           ) -> tuple[list[tuple[Target, dt.date]], list[Target]]:
    """Each target's slot (the working day its call opens), given in rank order; and the targets
    left out for want of room. `used`: calls already opened per (book, day) by other campaigns."""
    used = used or {}
    placed: list[tuple[Target, dt.date]] = []
    left: list[Target] = []
    cursor: dict[tuple, int] = {}  # per book: the first day that may still have room
    taken: dict[tuple, int] = {}
    for target in targets:
        key = book(target)
        i = cursor.get(key, 0)
        while i < len(days) and used.get((key, days[i]), 0) + taken.get((key, days[i]), 0) >= per_day:
            i += 1
        cursor[key] = i
        if i == len(days):
            left.append(target)
            continue
        taken[(key, days[i])] = taken.get((key, days[i]), 0) + 1
        placed.append((target, days[i]))
    return placed, left
