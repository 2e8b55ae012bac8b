"""Profile completeness (DOMAIN §7): the weighted share of filled profile fields.

Planning shows the most valuable missing fields as talking points so RMs collect them at the
next contact; client views and reports reuse the same measure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from vipcrm.core.config import PROFILE_FIELDS
from vipcrm.core.suitability import assessment_valid, risk_number


@dataclass(frozen=True)
class Completeness:
    pct: float  # 0-100, one decimal
    missing: tuple[str, ...]  # most valuable first

    def top_missing(self, n: int = 3) -> tuple[str, ...]:
        return self.missing[:n]


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def field_filled(field: str, profile: Mapping[str, Any], day: dt.date, config: Mapping) -> bool:
    if field == "risk_level":
        # Only a valid assessment is worth anything: an expired one must be redone.
        return (risk_number(profile.get("risk_level"), "C") is not None
                and assessment_valid(profile.get("risk_assessed_on"), day, config))
    if field == "marital_status":
        return _filled(profile.get("marital_status")) or _filled(profile.get("wedding_date"))
    return _filled(profile.get(field))


def completeness(profile: Mapping[str, Any], day: dt.date, config: Mapping) -> Completeness:
    """`profile` maps field names (and risk_assessed_on, wedding_date as dates) to values."""
    weights = {f: config[f"profile.weights.{f}"] for f in PROFILE_FIELDS}
    total = sum(weights.values())
    missing = [f for f in PROFILE_FIELDS if not field_filled(f, profile, day, config)]
    filled = total - sum(weights[f] for f in missing)
    pct = round(100 * filled / total, 1) if total else 100.0
    # Heaviest first; equal weights keep the order of PROFILE_FIELDS (sort is stable).
    ranked = sorted((f for f in missing if weights[f] > 0), key=lambda f: -weights[f])
    return Completeness(pct, tuple(ranked))
