"""Attrition early warning (客户流失预警): a score from 0 to 100 per tiered retail client.

Four factors, each a share from 0 to 1 of its weight (`attrition.weights.*`):

- trend: AUM on the day against AUM 30, 90 and 180 days before (DOMAIN §1 AUM). A horizon
  counts when the AUM at its start was positive (a client that held nothing then has no trend
  over it); the factor is the share of the counted horizons over which AUM fell by
  `attrition.trend_pct` or more (AUM now × 100 ≤ AUM then × (100 − pct)).
- outflow: net transfers to other banks over the 90 days ending on the day (transactions of
  type transfer_out minus transfer_in, never below 0), against the AUM 90 days before: full
  at `attrition.outflow_pct` of it, in proportion below; full when there was no AUM then.
- contact: 1 when the client's latest reached contact (never reached: the day it entered its
  tier) is more than its tier's cadence before the day; else 1/2 when the 90 days ending on
  the day hold fewer reached contacts than the 90 days before them; else 0.
- maturity: the share of the money matured over the 90 days ending on the day that was not
  reinvested, by the retention rule of `report maturities` (core.maturities): new money within
  `plan.retention_days` of each maturity. Maturities whose retention window is still running
  are left out.

A factor contributes weight × share × 100 ÷ the sum of the weights; the score is the exact sum
of the contributions rounded half up (so 100 when every factor is full). Contributions are kept
and shown in tenths of a point, rounded half up.
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping, NamedTuple, Sequence

from vipcrm.core.text import Listing, Text

FACTORS = ("trend", "outflow", "contact", "maturity")
HORIZONS = (30, 90, 180)  # days back the AUM trend looks
WINDOW = 90  # days of transfers, contacts and maturities


class Measures(NamedTuple):
    """What the factors read of one client on one day; money in fen."""
    aum: int
    aum_then: Sequence[int]  # AUM 30, 90 and 180 days before (HORIZONS)
    transfers_out: int = 0
    transfers_in: int = 0
    last_reached: dt.date | None = None
    tier_since: dt.date | None = None
    cadence: int = 0
    reached_recent: int = 0  # reached contacts in the WINDOW days ending on the day
    reached_before: int = 0  # … and in the WINDOW days before those
    matured: int = 0
    reinvested: int = 0


class Score(NamedTuple):
    score: int  # 0-100
    trend: int  # each factor's contribution, in tenths of a point
    outflow: int
    contact: int
    maturity: int


ZERO = Score(0, 0, 0, 0, 0)
# A factor's share as a fraction (numerator, denominator > 0) of whole numbers: exact, and
# cheap for the hundreds of thousands of clients a night scores.
Share = tuple[int, int]
NONE: Share = (0, 1)
FULL: Share = (1, 1)
HALF: Share = (1, 2)


def trend_share(aum: int, aum_then: Sequence[int], pct: int) -> Share:
    counted = fallen = 0
    for then in aum_then:
        if then > 0:
            counted += 1
            fallen += aum * 100 <= then * (100 - pct)
    return (fallen, counted) if fallen else NONE


def outflow_share(transfers_out: int, transfers_in: int, aum_before: int, pct: int) -> Share:
    net = transfers_out - transfers_in
    if net <= 0:
        return NONE
    full = aum_before * pct  # in fen × 100, as net × 100 below
    if full <= 0 or net * 100 >= full:
        return FULL
    return (net * 100, full)


def contact_share(m: Measures, day: dt.date) -> Share:
    last = m.last_reached or m.tier_since
    if last is not None and (day - last).days > m.cadence:
        return FULL
    if m.reached_recent < m.reached_before:
        return HALF
    return NONE


def maturity_share(matured: int, reinvested: int) -> Share:
    if matured <= 0 or reinvested >= matured:
        return NONE
    return (matured - reinvested, matured)


def shares(m: Measures, day: dt.date, config: Mapping) -> tuple[Share, ...]:
    """Each factor's share (0-1), in FACTORS order."""
    return (trend_share(m.aum, m.aum_then, config["attrition.trend_pct"]),
            outflow_share(m.transfers_out, m.transfers_in, m.aum_then[1],
                          config["attrition.outflow_pct"]),
            contact_share(m, day),
            maturity_share(m.matured, m.reinvested))


def weights(config: Mapping) -> tuple[int, ...]:
    return tuple(config[f"attrition.weights.{factor}"] for factor in FACTORS)


def score(parts: Sequence[Share], factor_weights: Sequence[int]) -> Score:
    """The score of the factors' shares under these weights (all 0 when no weight is set)."""
    total = sum(factor_weights)
    if total == 0 or not any(n for n, _ in parts):
        return ZERO
    # Contribution i = weight_i × 100 × n_i / (d_i × total): over one common denominator the
    # sum is exact, and halves round up as floor(x + 1/2).
    common = total
    for _, d in parts:
        common *= d
    numerators = [w * 100 * n * (common // (d * total))
                  for w, (n, d) in zip(factor_weights, parts)]
    return Score((2 * sum(numerators) + common) // (2 * common),
                 *((20 * x + common) // (2 * common) for x in numerators))


def at_risk(score_value: int, config: Mapping) -> bool:
    return score_value >= config["attrition.task_score"]


def describe(points: Sequence[int]) -> Listing:
    """A score's factors as a talking point: 'AUM trend 26.7, transfers out 30.0' (tenths
    shown), in FACTORS order."""
    shown = [f"{p / 10:.1f}" for p in points]
    parts = (Text("AUM trend {points}", points=shown[0]),
             Text("transfers out {points}", points=shown[1]),
             Text("contact {points}", points=shown[2]),
             Text("maturities not reinvested {points}", points=shown[3]))
    return Listing(part for part, p in zip(parts, points) if p)
