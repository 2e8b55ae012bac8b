"""Retail tiers (DOMAIN §1): which tier a basis AUM qualifies for, and how a client moves.

Upgrade fast, downgrade slowly: a client rises to a higher tier on the first recompute whose
basis reaches its floor, but leaves a tier only once its mean daily AUM over the tier's grace
period is below that tier's floor; until then it keeps the tier with status `watch`. A mean,
not every day: a balance parked for the month-end count does not reset the grace period. The
decision looks only at the data and the current tier, never at which nights ran, so a skipped
night changes nothing.

A client with no tier (below gold, or never tiered) has no tier at all here: `None`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, NamedTuple

from vipcrm.core.config import TIERS, Config

OK, WATCH = "ok", "watch"
# Reasons recorded in the tier history.
NEW, UPGRADE, DOWNGRADE, WATCHED, RECOVERED, UNTIERED = (
    "new", "upgrade", "downgrade", "watch", "recovered", "untiered",
)


def rank(tier: str | None) -> int:
    """Higher is better: black_gold 6 … gold 1, no tier 0."""
    return len(TIERS) - TIERS.index(tier) if tier else 0


class TierRules(NamedTuple):
    """The numbers of DOMAIN §1 taken from the configuration."""

    floors_fen: Mapping[str, int]
    grace_days: Mapping[str, int]
    basis: str
    window_days: int
    asset_classes: tuple[str, ...]
    # tiering.household: each open retail member of a household of two or more such members is
    # tiered by the household's basis (the sum of its members' daily AUM), grace included.
    household: bool = False

    @classmethod
    def from_config(cls, config: Config) -> "TierRules":
        return cls(
            floors_fen={tier: config.floor_fen(tier) for tier in TIERS},
            grace_days={tier: config.tier_value(tier, "grace_days") for tier in TIERS},
            basis=config["tiering.basis"],
            window_days=config["tiering.window_days"],
            asset_classes=tuple(config["aum.asset_classes"]),
            household=config["tiering.household"] == "on",
        )


def qualifying_tier(basis_sum_fen: int, days: int, floors_fen: Mapping[str, int]) -> str | None:
    """The highest tier whose floor the basis reaches, compared exactly: sum ≥ floor × days.

    `basis_sum_fen` is the sum of the daily AUM over `days` days (for the point basis: the AUM
    on the as-of date and 1 day). A client with no day of data (days ≤ 0) qualifies for nothing.
    """
    if days <= 0:
        return None
    for tier in TIERS:
        if basis_sum_fen >= floors_fen[tier] * days:
            return tier
    return None


def window_start(as_of: dt.date, days: int) -> dt.date:
    """First day of the `days` days ending on `as_of` (both included)."""
    return as_of - dt.timedelta(days=days - 1)


def basis_days(as_of: dt.date, window_days: int, first_snapshot: dt.date | None) -> int:
    """Days of the daily_avg window that count: those on or after the client's first snapshot."""
    if first_snapshot is None or first_snapshot > as_of:
        return 0
    return (as_of - max(first_snapshot, window_start(as_of, window_days))).days + 1


def grace_passed(sum_fen: int, days: int, floor_fen: int) -> bool:
    """Whether a client below its tier's floor has had its grace: the mean daily AUM over the
    grace period is below the floor, compared exactly (sum < floor × days, no rounding).

    `days` counts the grace period's days on or after the client's first snapshot, as the basis
    counts its window (`basis_days`): days before it are unknown, not zero, so a client new to
    the bank, or every client in the months after go-live, gets the same protection from the
    days it has. No counted day at all: nothing holds the tier.
    """
    return days <= 0 or sum_fen < floor_fen * days


@dataclass(frozen=True)
class Decision:
    tier: str | None
    status: str | None  # ok or watch when tiered, None when not
    reason: str | None  # what to record in the history; None: nothing changed


def decide(current: str | None, status: str | None, qualifying: str | None,
           grace_over: bool | None, *, eligible: bool = True) -> Decision:
    """The tier a client holds after a recompute.

    `current`/`status`: the client's tier and status before; `qualifying`: the tier its basis
    AUM qualifies for; `grace_over`: `grace_passed` for the current tier's floor over that
    tier's grace period ending on the as-of date (only consulted when the basis is below the
    current floor). `eligible` is false for corporate clients and closed relationships, which
    are not tiered by AUM and lose any tier they had.
    """
    if not eligible:
        return Decision(None, None, UNTIERED if current else None)
    if current is None:
        return Decision(qualifying, OK, NEW) if qualifying else Decision(None, None, None)
    if rank(qualifying) > rank(current):
        return Decision(qualifying, OK, UPGRADE)
    if rank(qualifying) < rank(current):
        if grace_over is None:
            raise ValueError("grace_over is needed when the basis is below the floor")
        if grace_over:
            return Decision(qualifying, OK if qualifying else None, DOWNGRADE)
        return Decision(current, WATCH, WATCHED if status != WATCH else None)
    return Decision(current, OK, RECOVERED if status == WATCH else None)
