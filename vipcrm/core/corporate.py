"""Corporate big clients (DOMAIN §2): a weighted, min-max-normalised score per review year.

Every factor is brought to 0–100 within the year's cohort: (value − min) / (max − min) × 100,
or (max − value) / (max − min) × 100 where lower is better. When the cohort does not spread a
factor at all (everyone equal, or a cohort of one) there is nothing to rank on: every client
that has the metric gets 100 rather than a division by zero. A missing metric scores 0 and is
reported, never guessed. The score is the weighted mean of the factor scores; exact fractions
keep the big-client threshold exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from vipcrm.core.config import CORPORATE_FACTORS
from vipcrm.core.text import Text

LOWER_IS_BETTER = frozenset({"quality_loss"})
# Credit ratings map linearly from AAA (100) down to C (0).
RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C")
CREDIT_SCORES = {grade: Fraction(100 * (len(RATINGS) - 1 - i), len(RATINGS) - 1)
                 for i, grade in enumerate(RATINGS)}


class CorporateError(ValueError):
    """The configuration cannot produce a score (e.g. every weight is 0)."""


@dataclass(frozen=True)
class Metrics:
    client_id: str
    values: Mapping[str, object]  # factor -> stored value (int, or the rating code); None: missing


@dataclass(frozen=True)
class Rating:
    client_id: str
    score: Fraction
    rank: int  # 1 = best; equal scores share a rank
    big: bool
    factors: Mapping[str, Fraction]  # factor -> its 0-100 score
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    entered: tuple[str, ...]
    stayed: tuple[str, ...]
    left: tuple[str, ...]
    left_absent: tuple[str, ...]  # left and not even in this year's cohort
    current: tuple[str, ...]


def raw_value(factor: str, value: object) -> Fraction | None:
    """A metric as a number to normalise: credit ratings through their linear map."""
    if value is None:
        return None
    if factor == "credit_rating":
        return CREDIT_SCORES[str(value)]
    return Fraction(value)  # type: ignore[arg-type]


def normalise(values: Mapping[str, Fraction | None], lower_is_better: bool) -> dict[str, Fraction]:
    """0–100 per client that has a value; clients without one are left out."""
    present = {cid: v for cid, v in values.items() if v is not None}
    if not present:
        return {}
    low, high = min(present.values()), max(present.values())
    if high == low:
        return {cid: Fraction(100) for cid in present}
    spread = high - low
    if lower_is_better:
        return {cid: (high - v) * 100 / spread for cid, v in present.items()}
    return {cid: (v - low) * 100 / spread for cid, v in present.items()}


def rate(cohort: Sequence[Metrics], weights: Mapping[str, int], threshold: int) -> list[Rating]:
    """Every client of the cohort, best score first (then client id)."""
    total = sum(weights[f] for f in CORPORATE_FACTORS)
    if total <= 0:
        raise CorporateError(Text("every corporate.weights.* is 0: set at least one weight "
                                  "above 0"))
    per_factor = {
        factor: normalise({m.client_id: raw_value(factor, m.values.get(factor)) for m in cohort},
                          factor in LOWER_IS_BETTER)
        for factor in CORPORATE_FACTORS
    }
    scored = []
    for m in cohort:
        factors = {f: per_factor[f].get(m.client_id, Fraction(0)) for f in CORPORATE_FACTORS}
        missing = tuple(f for f in CORPORATE_FACTORS if m.values.get(f) is None)
        score = sum(weights[f] * factors[f] for f in CORPORATE_FACTORS) / total
        scored.append((m.client_id, score, factors, missing))
    scored.sort(key=lambda item: (-item[1], item[0]))
    ratings: list[Rating] = []
    for position, (cid, score, factors, missing) in enumerate(scored, start=1):
        shared = ratings and ratings[-1].score == score
        ratings.append(Rating(cid, score, ratings[-1].rank if shared else position,
                              score >= threshold, factors, missing))
    return ratings


def review(previous_big: Iterable[str], ratings: Sequence[Rating]) -> Review:
    """Who entered, stayed on and left the big-client list since the previous year."""
    before = set(previous_big)
    now = [r.client_id for r in ratings if r.big]
    rated = {r.client_id for r in ratings}
    left = sorted(before - set(now))
    return Review(
        entered=tuple(c for c in now if c not in before),
        stayed=tuple(c for c in now if c in before),
        left=tuple(left),
        left_absent=tuple(c for c in left if c not in rated),
        current=tuple(now),
    )
