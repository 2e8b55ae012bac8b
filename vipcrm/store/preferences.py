"""What `report preferences` reads: the stated preferences of the clients a report covers,
counted in one pass (core.preferences)."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from vipcrm.core.config import Config
from vipcrm.core.preferences import SHORT_MAX_MONTHS, MEDIUM_MAX_MONTHS, UNSTATED, tabulate
from vipcrm.core.reports import NONE, tier_position
from vipcrm.store.aum import aum_on_sql
from vipcrm.store.reports import (_JOINS, _OPEN, _TIER_ON, BRANCH_SQL, Scope, history_day)

GROUPS = ("tier", "branch")
_TERM = (f"CASE WHEN c.pref_term_months IS NULL THEN '{UNSTATED}' "
         f"WHEN c.pref_term_months <= {SHORT_MAX_MONTHS} THEN 'short' "
         f"WHEN c.pref_term_months <= {MEDIUM_MAX_MONTHS} THEN 'medium' ELSE 'long' END")


def preferences_report(conn, config: Config, day: dt.date, scope: Scope, by: Sequence[str],
                       dims: Sequence[str]) -> list[dict]:
    """Retail clients open on `day` that hold a tier or assets (as `report segments` covers
    them; tier `none` below gold), per group of `by` (one or both of GROUPS) and preference of
    each of `dims`: clients, AUM on `day` and their shares of the group."""
    aum_sql, aum_params = aum_on_sql(config["aum.asset_classes"], day)
    where, params = scope.clients()
    columns = {"tier": f"COALESCE(t.tier, '{NONE}')", "branch": BRANCH_SQL}
    group = ", ".join(columns[name] for name in by)
    rows = conn.execute(f"""
        WITH t AS ({_TIER_ON}), m AS ({aum_sql})
        SELECT {group}, COALESCE(c.pref_protection, '{UNSTATED}'), {_TERM},
               COALESCE(c.pref_yield_band, '{UNSTATED}'), COUNT(*), COALESCE(SUM(m.aum), 0)
        FROM clients c {_JOINS}
        LEFT JOIN t ON t.client_id = c.client_id
        LEFT JOIN m ON m.client_id = c.client_id
        WHERE c.segment = 'retail' AND {_OPEN} AND (t.tier IS NOT NULL OR m.aum > 0) AND {where}
        GROUP BY {", ".join(str(i) for i in range(1, len(by) + 4))}
    """, [_iso(history_day(conn, day)), *aum_params, _iso(day), *params])
    n = len(by)
    tallies = ((row[:n], dict(zip(("protection", "term", "yield_band"), row[n:n + 3])),
                row[n + 3], row[n + 4]) for row in rows)

    def order(key: tuple) -> tuple:
        return tuple(tier_position(v) if name == "tier" else v for name, v in zip(by, key))

    return tabulate(tallies, by, dims, order)


def _iso(day: dt.date) -> str:
    return day.isoformat()
