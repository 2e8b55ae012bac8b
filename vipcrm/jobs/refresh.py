"""After new data: tiers as of today, then the assignment run (DOMAIN §1, §3).

The nightly run and the demo both end with this; each step is idempotent, so running it again
after a crash changes nothing that already landed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from vipcrm.core.config import Config
from vipcrm.core.tiering import TierRules
from vipcrm.store.assignment import AssignRun, assign_all
from vipcrm.store.tiering import RecomputeResult, last_run, recompute


@dataclass
class Refreshed:
    tiers: list[RecomputeResult]
    assignment: AssignRun


def recompute_tiers(db: Database, config: Config, days: list[dt.date], today: dt.date,
                    user: str) -> list[RecomputeResult]:
    """Recompute each date not yet covered by an earlier run, oldest first."""
    rules = TierRules.from_config(config)
    results = []
    for day in sorted(days):
        last = last_run(db.conn)
        if last is not None and day < last:
            continue
        results.append(recompute(db, day, rules, today=today, user=user))
    return results


def refresh(db: Database, config: Config, today: dt.date, user: str,
            history_days: list[dt.date] = ()) -> Refreshed:
    """Tiers then the assignment, for each history day not yet covered and then today, as the
    nightly runs of those days would have left them (books with a history, so a period's
    growth is credited to the RM who held the client)."""
    tiers = []
    for day in sorted(d for d in history_days if d < today):
        done = recompute_tiers(db, config, [day], today, user)
        if done:
            tiers += done
            assign_all(db, config, day, dry_run=False, user=user)
    tiers += recompute_tiers(db, config, [today], today, user)
    return Refreshed(tiers, assign_all(db, config, today, dry_run=False, user=user))
