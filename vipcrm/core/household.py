"""Households (家庭客户): clients of one family, served as one (seed §2.7, issue 14).

A client belongs to at most one household. Only its open retail members count: a corporate or
closed member stays listed but adds nothing to the household's AUM, is not tiered by it and
takes no part in the household's assignment or visits. The household's highest member (highest
tier, then AUM, then client id) leads it: the other members join the lead's RM when the
assignment rules allow it, and `apart_reason` says why one does not.
"""

from __future__ import annotations

import datetime as dt

from vipcrm.core.config import TIERS

ROLES = ("head", "spouse", "child", "parent", "other")
# The assignment reason of a member given its household's RM.
HOUSEHOLD = "household"
# Why a member keeps an RM of its own: pinned by hand, owned by another branch than the
# household RM's, a tier above that RM's grade, or that RM's book is full.
PINNED, OTHER_BRANCH, GRADE, CAPACITY = "pinned", "other_branch", "grade", "capacity"


def counts(segment: str, closed_on: dt.date | None, day: dt.date) -> bool:
    """Whether a member adds its AUM to the household and is served with it on `day`."""
    return segment == "retail" and (closed_on is None or closed_on > day)


def lead_key(tier: str | None, aum: int, client_id: str) -> tuple:
    """Sort key putting a household's lead first: highest tier, then AUM, then client id."""
    return (TIERS.index(tier) if tier in TIERS else len(TIERS), -aum, client_id)


def apart_reason(*, pinned: bool, same_branch: bool, grade_ok: bool, room: bool) -> str | None:
    """Why a member cannot join its household's RM, or None when it can.

    Pins are kept whatever else holds (DOMAIN §3); the ownership branch stays the branch that
    serves a client, so a member owned elsewhere keeps its own RM (pin it to serve the family
    together); the RM's grade must suffice for the member's tier, and its book have room.
    """
    if pinned:
        return PINNED
    if not same_branch:
        return OTHER_BRANCH
    if not grade_ok:
        return GRADE
    if not room:
        return CAPACITY
    return None
