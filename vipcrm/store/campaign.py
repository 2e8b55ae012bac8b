"""Campaigns in the database: creating one with its target list, listing, showing, closing, and
what became of the targets (core.campaign has the rules).

Whom a target counts for in `show` and `report` is decided as every report decides it: its
current RM and ownership branch (`store.reports.Scope`). A target is reached when its campaign
task was done (a contact other than no_answer from its slot day to the campaign's last day +
plan.expiry_days.campaign, and not after the day the campaign was closed) or when it bought:
sold is a sale (`followups`, stage sale) of the campaign's product from the campaign's first day
to its last (or its close), by any RM.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from sqlite_utils import Database

from vipcrm.core.campaign import (Candidate, Product, Target, exclusion, fit, ranked, spread)
from vipcrm.core.config import Config
from vipcrm.core.dates import LATEST_ISO, read_date
from vipcrm.store.audit import record
from vipcrm.store.aum import live_sql, maturity_sql
from vipcrm.store.dates import closed_sql
from vipcrm.store.db import transaction
from vipcrm.store.reports import _JOINS, BRANCH_SQL, RM_SQL, Scope

FAR = "9999-12-31"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class Ask:
    """What `campaign create` was asked for."""
    product_code: str
    name: str
    tiers: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date
    min_aum: int | None = None  # fen
    branch: str | None = None
    limit: int | None = None


@dataclass
class Created:
    campaign_id: int | None  # None on a dry run
    placed: list[tuple[Target, dt.date]]
    left_out: list[Target]
    considered: int
    excluded: Counter = field(default_factory=Counter)
    beyond_limit: int = 0
    days: int = 0  # working days in the window


def product(conn, code: str) -> dict | None:
    row = conn.execute("SELECT product_code, name, asset_class, risk_level, status, launch_date "
                       "FROM products WHERE product_code = ?", [code]).fetchone()
    keys = ("product_code", "name", "asset_class", "risk_level", "status", "launch_date")
    return dict(zip(keys, row)) if row else None


def candidates(conn, ask: Ask, today: dt.date, config: Config) -> list[Candidate]:
    """Retail clients in the tiers (and branch) with enough AUM, open on the first day, with
    their holdings' facts on `today` (set-based: one pass over their positions)."""
    tiers = ", ".join("?" * len(ask.tiers))
    where = [f"t.tier IN ({tiers})"]
    params: list = [*ask.tiers]
    if ask.min_aum is not None:
        where.append("t.aum >= ?")
        params.append(ask.min_aum)
    if ask.branch is not None:
        where.append(f"{BRANCH_SQL} = ?")
        params.append(ask.branch)
    conn.execute("DROP TABLE IF EXISTS temp.campaign_cand")
    conn.execute(f"""
        CREATE TEMP TABLE campaign_cand AS
        SELECT c.client_id, c.name, t.tier, t.aum, {RM_SQL} AS rm_id, {BRANCH_SQL} AS branch,
               c.contact_consent, c.risk_level, c.risk_assessed_on, c.product_preferences
        FROM clients c JOIN tiers t ON t.client_id = c.client_id {_JOINS}
        WHERE c.segment = 'retail' AND NOT {closed_sql('c.closed_on', '?')}
          AND {' AND '.join(where)}
    """, [_iso(ask.starts_on), *params])
    classes = ", ".join(f"'{c}'" for c in config["aum.asset_classes"])
    live = live_sql("x.as_of", "x.m", ":today")
    facts = {row[0]: row[1:] for row in conn.execute(f"""
        SELECT x.client_id,
               MAX(x.product_code = :product AND x.balance > 0 AND {live}),
               SUM(CASE WHEN x.asset_class = 'deposit' AND x.m IS NULL AND x.balance > 0
                        THEN x.balance ELSE 0 END),
               MIN(CASE WHEN x.asset_class IN ({classes}) AND x.balance > 0 AND {live}
                         AND x.m BETWEEN :start AND :end THEN x.m END)
        FROM (
            SELECT y.client_id, y.product_code, y.as_of, y.balance, y.asset_class,
                   {maturity_sql("y.")} AS m
            FROM (
                SELECT p.client_id, p.product_code, MAX(p.as_of) AS as_of, p.balance,
                       p.asset_class, p.maturity_date
                FROM temp.campaign_cand k JOIN positions p ON p.client_id = k.client_id
                WHERE p.as_of <= :today
                GROUP BY p.client_id, p.product_code
            ) y
        ) x
        GROUP BY x.client_id
    """, {"product": ask.product_code, "today": _iso(today), "start": _iso(ask.starts_on),
          "end": _iso(ask.ends_on)})}
    out = []
    for row in conn.execute("SELECT * FROM temp.campaign_cand ORDER BY client_id"):
        holds, cash, maturing = facts.get(row[0], (0, 0, None))
        out.append(Candidate(*row[:8], read_date(row[8]), row[9], bool(holds), cash or 0,
                             read_date(maturing)))
    conn.execute("DROP TABLE temp.campaign_cand")
    return out


def slots_used(conn, first: dt.date, last: dt.date) -> dict[tuple, int]:
    """Campaign calls other campaigns open per (book, day) in the window (core.campaign.book);
    a closed campaign's calls after its close take no room."""
    closed_before = closed_sql("k.closed_on", "date(t.slot, '-1 day')")
    return {((rm_id, "" if rm_id else branch), dt.date.fromisoformat(slot)): n
            for rm_id, branch, slot, n in conn.execute(f"""
                SELECT t.rm_id, t.branch, t.slot, COUNT(*) FROM campaign_targets t
                JOIN campaigns k ON k.campaign_id = t.campaign_id
                WHERE t.slot BETWEEN ? AND ? AND NOT {closed_before}
                GROUP BY t.rm_id, CASE WHEN t.rm_id IS NULL THEN t.branch END, t.slot
            """, [_iso(first), _iso(last)])}


def create(db: Database, config: Config, ask: Ask, days: Sequence[dt.date], today: dt.date,
           user: str, dry_run: bool = False) -> Created:
    """Pick, rank and spread the targets over the window's working days `days`; store the
    campaign and its targets (audited) unless `dry_run` or nobody is placed. The choice and
    the writes are one transaction, so the room other campaigns took cannot change between."""
    if dry_run:
        return _choose(db.conn, config, ask, days, today)
    with transaction(db):
        result = _choose(db.conn, config, ask, days, today)
        if result.placed:
            result.campaign_id = _store(db, ask, result, today, user)
    return result


def _choose(conn, config: Config, ask: Ask, days: Sequence[dt.date], today: dt.date) -> Created:
    info = product(conn, ask.product_code)
    prod = Product(info["product_code"], info["asset_class"], info["risk_level"])
    found = candidates(conn, ask, today, config)
    excluded: Counter = Counter()
    targets = []
    for c in found:
        why = exclusion(c, prod, ask.starts_on, config)
        if why is None:
            targets.append(fit(c, prod, config))
        else:
            excluded[why] += 1
    targets = ranked(targets)
    beyond = 0
    if ask.limit is not None and len(targets) > ask.limit:
        beyond = len(targets) - ask.limit
        targets = targets[:ask.limit]
    placed, left = spread(targets, days, config["campaign.daily_per_rm"],
                          slots_used(conn, days[0], days[-1]) if days else {})
    return Created(None, placed, left, len(found), excluded, beyond, len(days))


def _store(db: Database, ask: Ask, result: Created, today: dt.date, user: str) -> int:
    conn = db.conn
    cursor = conn.execute(
        "INSERT INTO campaigns (name, product_code, starts_on, ends_on, tiers, min_aum, branch, "
        "target_limit, created_on, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [ask.name, ask.product_code, _iso(ask.starts_on), _iso(ask.ends_on),
         ",".join(ask.tiers), ask.min_aum, ask.branch, ask.limit, _iso(today), user])
    campaign_id = cursor.lastrowid
    # Ranks count every target placed or left out, in rank order (placed keeps that order).
    conn.executemany(
        "INSERT INTO campaign_targets (campaign_id, client_id, rank, score, preference, "
        "idle_cash, maturing_on, rm_id, branch, slot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(campaign_id, t.client_id, rank, t.score, int(t.preference), int(t.idle_cash),
          _iso(t.maturing_on), t.rm_id, t.branch, _iso(slot))
         for rank, (t, slot) in enumerate(result.placed, start=1)])
    record(db, user, "campaign create", {
        "campaign_id": campaign_id, "product_code": ask.product_code, "name": ask.name,
        "from": _iso(ask.starts_on), "to": _iso(ask.ends_on), "tiers": list(ask.tiers),
        "min_aum": ask.min_aum, "branch": ask.branch, "limit": ask.limit,
        "targets": len(result.placed), "left_out": len(result.left_out),
        "considered": result.considered})
    return campaign_id


# -------------------------------------------------------------------------------------------
# Reading campaigns back

_CAMPAIGN_COLUMNS = ("campaign_id", "name", "product_code", "starts_on", "ends_on", "tiers",
                     "min_aum", "branch", "target_limit", "created_on", "created_by", "closed_on")


def campaign(conn, campaign_id: int) -> dict | None:
    row = conn.execute(f"SELECT {', '.join(_CAMPAIGN_COLUMNS)} FROM campaigns "
                       "WHERE campaign_id = ?", [campaign_id]).fetchone()
    return dict(zip(_CAMPAIGN_COLUMNS, row)) if row else None


def status(c: Mapping, today: dt.date) -> str:
    """planned, running, ended or closed, on `today`."""
    if read_date(c["closed_on"]):
        return "closed"
    if today < dt.date.fromisoformat(c["starts_on"]):
        return "planned"
    if today > dt.date.fromisoformat(c["ends_on"]):
        return "ended"
    return "running"


def list_campaigns(conn, today: dt.date) -> list[dict]:
    rows = conn.execute(f"""
        SELECT {', '.join('k.' + c for c in _CAMPAIGN_COLUMNS)}, p.name,
               (SELECT COUNT(*) FROM campaign_targets t WHERE t.campaign_id = k.campaign_id)
        FROM campaigns k JOIN products p ON p.product_code = k.product_code
        ORDER BY k.campaign_id
    """).fetchall()
    out = []
    for row in rows:
        c = dict(zip(_CAMPAIGN_COLUMNS, row))
        out.append({**c, "product_name": row[-2], "targets": row[-1],
                    "status": status(c, today)})
    return out


def target_rows(conn, config: Config, today: dt.date, campaign_ids: Sequence[int],
                scope: Scope) -> list[dict]:
    """Every target of the campaigns in the scope, with its current RM and branch and what
    became of it by `today`: reached, sold (and the amount sold), and its status."""
    if not campaign_ids:
        return []
    where, params = scope.clients()
    expiry = config["plan.expiry_days.campaign"]
    # The last day a contact completes the campaign's task; a sale counts to the campaign's end.
    # A closing date outside the known dates is unknown: the campaign is open (core.dates).
    closed = (f"CASE WHEN {closed_sql('k.closed_on', repr(LATEST_ISO))} THEN k.closed_on "
              f"ELSE '{FAR}' END")
    reach_end = (f"MIN(CASE WHEN ? < 0 THEN '{FAR}' ELSE date(k.ends_on, '+' || ? || ' days') END, "
                 f"{closed}, ?)")
    sale_end = f"MIN(k.ends_on, {closed}, ?)"
    rows = conn.execute(f"""
        SELECT t.campaign_id, t.rank, c.client_id, c.name, tr.tier, {BRANCH_SQL}, {RM_SQL},
               r.name, t.score, t.preference, t.idle_cash, t.maturing_on, t.slot, k.ends_on,
               k.closed_on,
               EXISTS (SELECT 1 FROM followups f WHERE f.client_id = t.client_id
                       AND f.outcome != 'no_answer' AND f.date >= t.slot
                       AND f.date <= {reach_end}),
               (SELECT COUNT(*) || ' ' || COALESCE(SUM(f.amount), 0) FROM followups f
                WHERE f.client_id = t.client_id AND f.stage = 'sale'
                AND f.outcome != 'no_answer' AND f.product_code = k.product_code
                AND f.date >= k.starts_on AND f.date <= {sale_end})
        FROM campaign_targets t JOIN campaigns k ON k.campaign_id = t.campaign_id
        JOIN clients c ON c.client_id = t.client_id
        LEFT JOIN tiers tr ON tr.client_id = c.client_id {_JOINS}
        WHERE t.campaign_id IN ({', '.join('?' * len(campaign_ids))}) AND {where}
        ORDER BY t.campaign_id, t.rank
    """, [expiry, expiry, _iso(today), _iso(today), *campaign_ids, *params]).fetchall()
    out = []
    for (campaign_id, rank, client_id, name, tier, branch, rm_id, rm_name, score, preference,
         idle, maturing, slot, ends_on, closed_on, reached, sales) in rows:
        count, amount = (int(x) for x in sales.split())
        sold = count > 0
        out.append({
            "campaign_id": campaign_id, "rank": rank, "client_id": client_id, "name": name,
            "tier": tier, "branch": branch, "rm_id": rm_id, "rm_name": rm_name if rm_id else None,
            "score": score, "preference": bool(preference), "idle_cash": bool(idle),
            "maturing_on": maturing, "slot": slot, "reached": bool(reached) or sold,
            "sold": sold, "amount": amount if sold else None,
            "status": _target_status(slot, ends_on, closed_on, bool(reached), sold, expiry,
                                     today)})
    return out


def _target_status(slot: str, ends_on: str, closed_on: str | None, reached: bool, sold: bool,
                   expiry: int, today: dt.date) -> str:
    """sold, reached, waiting (slot to come), open, withdrawn (closed first) or missed."""
    if sold:
        return "sold"
    if reached:
        return "reached"
    if today < dt.date.fromisoformat(slot):
        return "waiting"
    closed = read_date(closed_on)
    if closed is not None and today > closed:
        return "withdrawn"
    if expiry >= 0 and today > dt.date.fromisoformat(ends_on) + dt.timedelta(days=expiry):
        return "missed"
    return "open"


def report(conn, config: Config, today: dt.date, campaign_ids: Sequence[int], scope: Scope,
           by: str) -> list[dict]:
    """Per campaign and RM (with its branch) or per campaign and branch: targets, reached,
    sold, amount, reached_pct and conversion_pct (sold ÷ targets)."""
    from vipcrm.core.kpi import pct1

    products = dict(conn.execute("SELECT campaign_id, product_code FROM campaigns"))
    groups: dict[tuple, dict] = {}
    for t in target_rows(conn, config, today, campaign_ids, scope):
        key = (t["campaign_id"], t["branch"]) + ((t["rm_id"],) if by == "rm" else ())
        g = groups.setdefault(key, {
            "campaign_id": t["campaign_id"], "product_code": products[t["campaign_id"]],
            "branch": t["branch"], **({"rm_id": t["rm_id"], "name": t["rm_name"]}
                                      if by == "rm" else {}),
            "targets": 0, "reached": 0, "sold": 0, "amount": 0})
        g["targets"] += 1
        g["reached"] += t["reached"]
        g["sold"] += t["sold"]
        g["amount"] += t["amount"] or 0
    out = []
    # Campaign, branch, then the RM (a branch's clients without an RM last).
    for key in sorted(groups, key=lambda k: (k[0], k[1], *((k[2] is None, k[2] or "")
                                                           for _ in k[2:3]))):
        g = groups[key]
        out.append({**g, "reached_pct": pct1(g["reached"], g["targets"]),
                    "conversion_pct": pct1(g["sold"], g["targets"])})
    return out


def close(db: Database, campaign_id: int, today: dt.date, user: str) -> int:
    """Close the campaign today (its calls leave the plans from tomorrow); returns its number of
    targets."""
    conn = db.conn
    with transaction(db):
        conn.execute("UPDATE campaigns SET closed_on = ? WHERE campaign_id = ?",
                     [_iso(today), campaign_id])
        targets = conn.execute("SELECT COUNT(*) FROM campaign_targets WHERE campaign_id = ?",
                               [campaign_id]).fetchone()[0]
        record(db, user, "campaign close", {"campaign_id": campaign_id, "closed_on": _iso(today),
                                            "targets": targets})
    return targets


def campaign_ids(conn) -> list[int]:
    return [r[0] for r in conn.execute("SELECT campaign_id FROM campaigns ORDER BY campaign_id")]

