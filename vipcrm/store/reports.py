"""Reading what the reports need (DOMAIN §8): read-only queries, no transaction, no write lock.

Whom a report covers (its scope) is decided by today's facts: a client's branch is its
ownership branch (else its home branch) and its RM the current assignment. What a client was on
a date is read from the history: its tier is the `to_tier` of its latest tier-history row on or
before the date. The history starts with the first tier recompute; a date before it is read as
that first run, so that contacts and balances imported from before vipcrm was set up still count
in the tier their client was first given.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby
from typing import Iterator, Mapping, Sequence

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import CORPORATE_FACTORS, GRADES, TIERS, Config
from vipcrm.core.corporate import Rating
from vipcrm.core.corporate import review as corporate_review
from vipcrm.core.dates import read_date
from vipcrm.core.strategy import visit_minimum
from vipcrm.core.kpi import (COMPONENTS, ReviewInput, cohort, grade_review, pct1, review_groups,
                             review_median, round1, scorecard, time_share)
from vipcrm.core.profile import completeness
from vipcrm.core.reports import (NONE, CompletenessTally, Dashboard, CoverageClient, SegmentClient,
                                 StageContact, TaskRecord, TaskTally, TierCount, client_ledger,
                                 coverage, crosstab, eve, evaluation_days, funnel, is_married,
                                 migration, segment_values, tier_distribution, tier_position)
from vipcrm.core.tasks import AFTER_SALE, day_context
from vipcrm.store import planning
from vipcrm.store.assignment import rm_loads
from vipcrm.store.aum import aum_on_sql, live_sql, maturity_sql
from vipcrm.store.dates import closed_sql

BRANCH_SQL = "COALESCE(o.branch, c.home_branch)"
_JOINS = """
    LEFT JOIN ownership o ON o.client_id = c.client_id
    LEFT JOIN assignments a ON a.client_id = c.client_id
    LEFT JOIN rms r ON r.rm_id = a.rm_id
"""
# An RM holds a client only while active; an inactive RM's clients count as unassigned.
RM_SQL = "CASE WHEN r.active = 1 THEN a.rm_id END"


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Scope:
    """Which clients, RMs and contacts a report covers: a branch, an RM, or the whole bank."""
    branch: str | None = None
    rm_id: str | None = None

    def clients(self) -> tuple[str, list]:
        """A condition on clients `c` joined as in _JOINS."""
        where, params = ["1"], []
        if self.branch is not None:
            where.append(f"{BRANCH_SQL} = ?")
            params.append(self.branch)
        if self.rm_id is not None:
            where.append(f"{RM_SQL} = ?")
            params.append(self.rm_id)
        return " AND ".join(where), params

    def rms(self) -> tuple[str, list]:
        """A condition on RMs `r` (their own branch)."""
        where, params = ["1"], []
        if self.branch is not None:
            where.append("r.branch = ?")
            params.append(self.branch)
        if self.rm_id is not None:
            where.append("r.rm_id = ?")
            params.append(self.rm_id)
        return " AND ".join(where), params


# -----------------------------------------------------------------------------------------
# What the reports rest on

def first_tier_run(conn) -> dt.date | None:
    return _date(conn.execute("SELECT MIN(as_of) FROM tier_runs").fetchone()[0])


def history_day(conn, day: dt.date) -> dt.date:
    """The day whose tiers stand for `day`: the first run for any earlier day."""
    first = first_tier_run(conn)
    return max(day, first) if first else day


def known_rm(conn, rm_id: str) -> dict | None:
    row = conn.execute("SELECT rm_id, name, branch, active FROM rms WHERE rm_id = ?",
                       [rm_id]).fetchone()
    return dict(zip(("rm_id", "name", "branch", "active"), row)) if row else None


def known_branch(conn, branch: str) -> bool:
    return planning.branch_known(conn, branch)


def calendar(conn) -> WorkCalendar:
    return planning.load_calendar(conn)


def freshness(conn) -> dict[str, dt.date | None]:
    return planning.freshness(conn)


# (client_id, tier, status, since) of every client tiered at the end of day `?`; `since` is the
# day it entered that tier (its latest history row that changed the tier).
_TIER_ON = """
        SELECT client_id, to_tier AS tier, status, since FROM (
            SELECT client_id, to_tier, status,
                   ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY effective DESC, id DESC) AS rn,
                   MAX(CASE WHEN from_tier IS NOT to_tier THEN effective END)
                       OVER (PARTITION BY client_id) AS since
            FROM tier_history WHERE effective <= ?
        ) WHERE rn = 1 AND to_tier IS NOT NULL
"""
# The client `c` is still a client at the end of day `?`.
_OPEN = f"NOT {closed_sql('c.closed_on', '?')}"


# -----------------------------------------------------------------------------------------
# 1. tiers

def tier_counts(conn, config: Config, day: dt.date, scope: Scope,
                per_branch: bool) -> list[TierCount]:
    """Retail clients open on `day` with a tier or assets, per (branch,) tier: count, watch, AUM."""
    aum_sql, aum_params = aum_on_sql(config["aum.asset_classes"], day)
    where, params = scope.clients()
    branch = BRANCH_SQL if per_branch else "NULL"
    rows = conn.execute(f"""
        WITH t AS ({_TIER_ON}), m AS ({aum_sql})
        SELECT {branch}, COALESCE(t.tier, '{NONE}'), COUNT(*), COALESCE(SUM(t.status = 'watch'), 0),
               COALESCE(SUM(m.aum), 0)
        FROM clients c {_JOINS}
        LEFT JOIN t ON t.client_id = c.client_id
        LEFT JOIN m ON m.client_id = c.client_id
        WHERE c.segment = 'retail' AND {_OPEN} AND (t.tier IS NOT NULL OR m.aum > 0) AND {where}
        GROUP BY 1, 2
    """, [_iso(history_day(conn, day)), *aum_params, _iso(day), *params])
    return [TierCount(*row) for row in rows]


# -----------------------------------------------------------------------------------------
# 2. migration

def tier_moves(conn, start: dt.date, end: dt.date, scope: Scope) -> dict[tuple[str, str], int]:
    """(tier at the eve of start, tier at end) -> clients; a closed client holds no tier."""
    where, params = scope.clients()
    before, after = eve(start), end
    rows = conn.execute(f"""
        WITH s AS ({_TIER_ON}), e AS ({_TIER_ON})
        SELECT CASE WHEN {_OPEN} THEN COALESCE(s.tier, '{NONE}') ELSE '{NONE}' END AS f,
               CASE WHEN {_OPEN} THEN COALESCE(e.tier, '{NONE}') ELSE '{NONE}' END AS t,
               COUNT(*)
        FROM clients c {_JOINS}
        LEFT JOIN s ON s.client_id = c.client_id
        LEFT JOIN e ON e.client_id = c.client_id
        WHERE c.segment = 'retail' AND (s.tier IS NOT NULL OR e.tier IS NOT NULL) AND {where}
        GROUP BY 1, 2
    """, [_iso(history_day(conn, before)), _iso(history_day(conn, after)), _iso(before),
          _iso(after), *params])
    return {(f, t): n for f, t, n in rows if not f == t == NONE}


# -----------------------------------------------------------------------------------------
# 3. coverage (and the tiered clients of other reports)

@dataclass(frozen=True)
class TieredClient:
    client_id: str
    tier: str
    since: dt.date | None
    rm_id: str | None
    branch: str
    last_reached: dt.date | None


def tiered_clients(conn, day: dt.date, scope: Scope) -> Iterator[TieredClient]:
    """Retail clients tiered and open on `day`, with their latest reached contact by then."""
    where, params = scope.clients()
    rows = conn.execute(f"""
        WITH t AS ({_TIER_ON})
        SELECT c.client_id, t.tier, t.since, {RM_SQL}, {BRANCH_SQL},
               (SELECT MAX(f.date) FROM followups f WHERE f.client_id = c.client_id
                AND f.outcome = 'reached' AND f.date <= ?)
        FROM clients c {_JOINS} JOIN t ON t.client_id = c.client_id
        WHERE c.segment = 'retail' AND {_OPEN} AND {where}
        ORDER BY c.client_id
    """, [_iso(history_day(conn, day)), _iso(day), _iso(day), *params])
    for client_id, tier, since, rm_id, branch, last in rows:
        yield TieredClient(client_id, tier, _date(since), rm_id, branch, _date(last))


def cadence_days(config: Config) -> dict[str, int]:
    return {tier: config.tier_value(tier, "cadence_days") for tier in TIERS}


# -----------------------------------------------------------------------------------------
# The task ledger (planning rules over the period)

def ledger(conn, config: Config, client_ids: Sequence[str], start: dt.date,
           end: dt.date) -> Iterator[TaskRecord]:
    """Every task of these clients seen in the period, by the planning rules (DOMAIN §4),
    read in chunks so memory stays flat in the number of clients."""
    if not client_ids:
        return
    cal = calendar(conn)
    first = start - dt.timedelta(days=max(AFTER_SALE))
    shared: dict[dt.date, object] = {}
    products, navs = None, None
    start_of_bank = planning.go_live(conn)
    for i in range(0, len(client_ids), planning.CHUNK):
        clients = planning.load_clients(conn, client_ids[i:i + planning.CHUNK], first, end, config)
        days = sorted({d for c in clients for d in evaluation_days(c, start, end)} - set(shared))
        if days:
            if products is None:
                products = planning.load_products(conn, None, first, end, config)
                navs = planning.load_navs(conn, None, first, end, config)
            for day in days:
                shared[day] = day_context(day, config, cal, products=products, navs=navs,
                                          go_live=start_of_bank)
        for client in clients:
            yield from client_ledger(client, shared, start, end)


def book_clients(conn, scope: Scope) -> dict[str, str]:
    """client_id -> RM of every client held by an active RM of the scope (the RM's branch)."""
    where, params = scope.rms()
    return dict(conn.execute(f"""
        SELECT a.client_id, a.rm_id FROM assignments a JOIN rms r ON r.rm_id = a.rm_id
        WHERE r.active = 1 AND {where} ORDER BY a.client_id
    """, params))


# -----------------------------------------------------------------------------------------
# 4. rm

def rm_books(conn, config: Config, scope: Scope) -> list[dict]:
    """Each RM's book now (store.assignment.rm_loads)."""
    books = rm_loads(conn, config, scope.branch)
    return [b for b in books if scope.rm_id is None or b["rm_id"] == scope.rm_id]


def book_aum(conn, config: Config, day: dt.date) -> dict[str, int]:
    """AUM on `day` of each RM's current book."""
    aum_sql, aum_params = aum_on_sql(config["aum.asset_classes"], day)
    return dict(conn.execute(f"""
        WITH m AS ({aum_sql})
        SELECT a.rm_id, SUM(m.aum) FROM assignments a JOIN m ON m.client_id = a.client_id
        WHERE a.rm_id IS NOT NULL GROUP BY a.rm_id
    """, aum_params))


# -----------------------------------------------------------------------------------------
# 5. timeshare

# Whether contact `f` was with a client tiered on its date; `?` is the first run, which stands
# for the days before it.
_TIERED_ON_CONTACT = """(SELECT h.to_tier FROM tier_history h WHERE h.client_id = f.client_id
               AND h.effective <= MAX(f.date, COALESCE(?, f.date))
               ORDER BY h.effective DESC, h.id DESC LIMIT 1) IS NOT NULL"""


def minutes(conn, start: dt.date, end: dt.date, scope: Scope) -> list[tuple]:
    """(rm_id, name, vip minutes, all minutes) per RM active or with time in the period.

    Contact minutes belong to the logging RM (a joint RM's time is on its own timesheet)."""
    first = first_tier_run(conn)
    where, params = scope.rms()
    period = [_iso(start), _iso(end)]
    return conn.execute(f"""
        SELECT r.rm_id, r.name,
               COALESCE(cm.vip, 0) + COALESCE(ts.vip, 0),
               COALESCE(cm.total, 0) + COALESCE(ts.total, 0)
        FROM rms r
        LEFT JOIN (SELECT f.rm_id,
                          SUM(CASE WHEN {_TIERED_ON_CONTACT} THEN COALESCE(f.minutes, 0)
                              ELSE 0 END) AS vip,
                          SUM(COALESCE(f.minutes, 0)) AS total
                   FROM followups f WHERE f.date BETWEEN ? AND ? GROUP BY f.rm_id) cm
               ON cm.rm_id = r.rm_id
        LEFT JOIN (SELECT rm_id, SUM(CASE WHEN category = 'vip' THEN minutes ELSE 0 END) AS vip,
                          SUM(minutes) AS total
                   FROM timesheets WHERE date BETWEEN ? AND ? GROUP BY rm_id) ts
               ON ts.rm_id = r.rm_id
        WHERE (r.active = 1 OR cm.total > 0 OR ts.total > 0) AND {where}
        ORDER BY r.branch, r.rm_id
    """, [_iso(first) if first else None, *period, *period, *params]).fetchall()


# -----------------------------------------------------------------------------------------
# 6. pipeline

def stage_contacts(conn, start: dt.date, end: dt.date, scope: Scope) -> list[StageContact]:
    """Contacts with a stage in the period, by RMs of the scope."""
    where, params = scope.rms()
    rows = conn.execute(f"""
        SELECT f.client_id, f.date, f.stage, f.outcome, f.amount, f.referral IS NOT NULL,
               f.override_reason IS NOT NULL
        FROM followups f JOIN rms r ON r.rm_id = f.rm_id
        WHERE f.stage IS NOT NULL AND f.date BETWEEN ? AND ? AND {where}
        ORDER BY f.date, f.followup_id
    """, [_iso(start), _iso(end), *params])
    return [StageContact(c, _date(d), s, o, a, bool(ref), bool(ov))
            for c, d, s, o, a, ref, ov in rows]


def sales_for_after_sale(conn, start: dt.date, end: dt.date, scope: Scope) -> dict[str, str]:
    """followup_id -> selling RM of the sales whose after-sale calls can fall due in the period
    (a due date moves at most a few weeks earlier off a holiday run)."""
    where, params = scope.rms()
    since = start - dt.timedelta(days=max(AFTER_SALE) + 31)
    return dict(conn.execute(f"""
        SELECT f.followup_id, f.rm_id FROM followups f JOIN rms r ON r.rm_id = f.rm_id
        WHERE f.stage = 'sale' AND f.outcome != 'no_answer' AND f.date BETWEEN ? AND ? AND {where}
    """, [_iso(since), _iso(end), *params]))


def sale_clients(conn, sale_ids: Sequence[str]) -> list[str]:
    ids = sorted(set(sale_ids))
    out: set[str] = set()
    for i in range(0, len(ids), planning.CHUNK):
        chunk = ids[i:i + planning.CHUNK]
        out.update(r[0] for r in conn.execute(
            f"SELECT client_id FROM followups WHERE followup_id IN ({', '.join('?' * len(chunk))})",
            chunk))
    return sorted(out)


def sale_of(task: TaskRecord) -> str:
    """The followup id of the sale an after-sale task is for (its reference is `<id> +<days>`)."""
    return task.reference.rsplit(" +", 1)[0]


# -----------------------------------------------------------------------------------------
# 7. kpi and 8. review

def active_rms(conn) -> list[dict]:
    keys = ("rm_id", "name", "branch", "grade", "exam_passed")
    return [dict(zip(keys, row)) for row in conn.execute(
        "SELECT rm_id, name, branch, grade, exam_passed FROM rms WHERE active = 1 "
        "ORDER BY branch, rm_id")]


def contact_metrics(conn, start: dt.date, end: dt.date) -> dict[str, dict]:
    """Per RM over the period: sales amount, referrals, joint visits (led or joined), and the
    sum and count of satisfaction ratings."""
    period = [_iso(start), _iso(end)]
    out: dict[str, dict] = {}
    for rm_id, sales, referrals, rated, satisfaction in conn.execute("""
        SELECT rm_id,
               SUM(CASE WHEN stage = 'sale' AND outcome = 'reached' THEN COALESCE(amount, 0)
                   ELSE 0 END),
               SUM(referral IS NOT NULL), COUNT(satisfaction), SUM(satisfaction)
        FROM followups WHERE date BETWEEN ? AND ? GROUP BY rm_id
    """, period):
        out[rm_id] = {"sales": sales, "referrals": referrals,
                      "satisfaction": Fraction(satisfaction, rated) if rated else None,
                      "joint_visits": 0}
    for rm_id, joint in conn.execute("""
        SELECT rm, COUNT(*) FROM (
            SELECT rm_id AS rm FROM followups
            WHERE joint_rm_id IS NOT NULL AND date BETWEEN ? AND ?
            UNION ALL
            SELECT joint_rm_id FROM followups
            WHERE joint_rm_id IS NOT NULL AND date BETWEEN ? AND ?
        ) GROUP BY rm
    """, period + period):
        out.setdefault(rm_id, {"sales": 0, "referrals": 0, "satisfaction": None})
        out[rm_id]["joint_visits"] = joint
    return out


@dataclass(frozen=True)
class Held:
    """What the clients an RM held in a period did while it held them (fen)."""
    clients: int  # holdings of a client for part of the period or all of it
    aum_growth: int
    net_new_money: int
    upgrades: int

    @property
    def market_move(self) -> int:
        return self.aum_growth - self.net_new_money


# Who held each client when, from the assignment history: a change dated D hands the client
# over after day D's balances and tiers (the nightly run tiers before it assigns), so the RM who
# held it before is credited with day D and the next RM from day D + 1. A holding is (lo, hi]:
# what happened after the end of day lo up to the end of day hi. Only clients that changed hands
# since the start of the period are read from the history; the others are held by their
# current RM throughout. `?`: the start, then the eve of the start and the end twice.
_HOLDINGS = """
    moved AS (SELECT DISTINCT client_id FROM assignment_history WHERE changed_on >= ?),
    hist AS (
        SELECT client_id, from_rm, to_rm, changed_on,
               LEAD(changed_on) OVER w AS next_change, ROW_NUMBER() OVER w AS n
        FROM assignment_history WHERE client_id IN moved
        WINDOW w AS (PARTITION BY client_id ORDER BY changed_on, id)
    ),
    held (client_id, rm_id, taken, handed) AS (
        SELECT client_id, to_rm, changed_on, next_change FROM hist WHERE to_rm IS NOT NULL
        UNION ALL
        SELECT client_id, from_rm, NULL, changed_on FROM hist WHERE n = 1 AND from_rm IS NOT NULL
        UNION ALL
        SELECT client_id, rm_id, since, NULL FROM assignments
        WHERE rm_id IS NOT NULL AND client_id NOT IN moved
    ),
    span AS (
        SELECT * FROM (
            SELECT held.client_id, held.rm_id,
                   MAX(COALESCE(taken, ?), ?) AS lo, MIN(COALESCE(handed, ?), ?) AS hi
            FROM held JOIN rms r ON r.rm_id = held.rm_id AND r.active = 1
        ) WHERE lo < hi
    )
"""


def _aum_at(day: str, class_marks: str) -> str:
    """A client's AUM at the end of `day` (a column of span s), by its positions' keys: for the
    few holdings that start or end inside the period."""
    return f"""(SELECT COALESCE(SUM(MAX(p.balance, 0)), 0) FROM positions p
            WHERE p.client_id = s.client_id AND p.as_of <= {day} AND p.asset_class IN ({class_marks})
              AND NOT EXISTS (SELECT 1 FROM positions q WHERE q.client_id = p.client_id
                              AND q.product_code = p.product_code AND q.as_of > p.as_of
                              AND q.as_of <= {day})
              AND {live_sql("p.as_of", maturity_sql("p."), day)})"""


def held_results(conn, config: Config, start: dt.date, end: dt.date) -> dict[str, Held]:
    """Per active RM: the AUM change, net new money and upgrades of the clients it held, each
    over the days it held them within the period (a client that changed hands is split).

    Net new money is the sum of a client's transaction amounts in the holding (money in is
    positive); a client with no transaction on record up to the end of the period gives its
    whole AUM change instead, as its flows cannot be told from its market moves. An upgrade
    (a move up or an entry from below gold, not the first recompute's initial tiering) counts
    for the RM holding the client on its effective date.
    """
    class_params = list(config["aum.asset_classes"])
    b_sql, b_params = aum_on_sql(class_params, eve(start))
    e_sql, e_params = aum_on_sql(class_params, end)
    classes = ", ".join("?" * len(class_params))
    first = first_tier_run(conn)
    eve_day, end_day = _iso(eve(start)), _iso(end)
    rows = conn.execute(f"""
        WITH {_HOLDINGS}, b AS ({b_sql}), e AS ({e_sql})
        SELECT rm_id, COUNT(*), SUM(hi_aum - lo_aum),
               SUM(flows + CASE WHEN has_flows THEN 0 ELSE hi_aum - lo_aum END), SUM(ups)
        FROM (
            SELECT s.rm_id,
                   CASE WHEN s.lo = ? THEN COALESCE(b.aum, 0) ELSE {_aum_at("s.lo", classes)}
                   END AS lo_aum,
                   CASE WHEN s.hi = ? THEN COALESCE(e.aum, 0) ELSE {_aum_at("s.hi", classes)}
                   END AS hi_aum,
                   (SELECT COALESCE(SUM(t.amount), 0) FROM transactions t
                    WHERE t.client_id = s.client_id AND t.date > s.lo AND t.date <= s.hi) AS flows,
                   EXISTS (SELECT 1 FROM transactions t
                           WHERE t.client_id = s.client_id AND t.date <= ?) AS has_flows,
                   (SELECT COUNT(*) FROM tier_history h
                    WHERE h.client_id = s.client_id AND h.effective > s.lo AND h.effective <= s.hi
                      AND h.reason IN ('new', 'upgrade') AND h.effective != ?) AS ups
            FROM span s LEFT JOIN b ON b.client_id = s.client_id
            LEFT JOIN e ON e.client_id = s.client_id
        ) GROUP BY rm_id
    """, [_iso(start), eve_day, eve_day, end_day, end_day, *b_params, *e_params,
          eve_day, *class_params, end_day, *class_params, end_day, _iso(first) if first else ""])
    return {rm_id: Held(n, growth, money, ups) for rm_id, n, growth, money, ups in rows}


# -----------------------------------------------------------------------------------------
# 9. completeness

_PROFILE_NAMES = (*planning.PROFILE_COLUMNS, "risk_level", "risk_assessed_on")
_PROFILE_SQL = ", ".join(f"c.{col}" for col in _PROFILE_NAMES)


def _profile(row: Sequence) -> dict:
    profile = dict(zip(_PROFILE_NAMES, row))
    for name in ("risk_assessed_on", *planning.PROFILE_DATES):
        profile[name] = read_date(profile[name])
    return profile


def tiered_profiles(conn, day: dt.date, scope: Scope) -> Iterator[tuple[str, str | None, dict]]:
    """(tier, RM, profile) of the retail clients tiered and open on `day`."""
    where, params = scope.clients()
    for row in conn.execute(f"""
        WITH t AS ({_TIER_ON})
        SELECT t.tier, {RM_SQL}, {_PROFILE_SQL}
        FROM clients c {_JOINS} JOIN t ON t.client_id = c.client_id
        WHERE c.segment = 'retail' AND {_OPEN} AND {where} ORDER BY c.client_id
    """, [_iso(history_day(conn, day)), _iso(day), *params]):
        yield row[0], row[1], _profile(row[2:])


def book_profiles(conn) -> Iterator[tuple[str, dict]]:
    """(RM, profile) of every client held by an active RM."""
    for row in conn.execute(f"""
        SELECT a.rm_id, {_PROFILE_SQL} FROM assignments a
        JOIN rms r ON r.rm_id = a.rm_id AND r.active = 1
        JOIN clients c ON c.client_id = a.client_id ORDER BY a.client_id
    """):
        yield row[0], _profile(row[1:])


def book_completeness(conn, config: Config, day: dt.date) -> dict[str, CompletenessTally]:
    """Per active RM: completeness of every client in its current book."""
    tallies: dict[str, CompletenessTally] = {}
    for rm_id, profile in book_profiles(conn):
        tallies.setdefault(rm_id, CompletenessTally()).add(
            completeness(profile, day, config), config["profile.target_pct"])
    return tallies


# -----------------------------------------------------------------------------------------
# 10. segments

def segment_clients(conn, config: Config, day: dt.date,
                    scope: Scope) -> Iterator[tuple[SegmentClient, int]]:
    """Retail clients open on `day` with a tier or assets: their segment facts and AUM."""
    classes = list(config["aum.asset_classes"])
    marks = ", ".join("?" * len(classes))
    where, params = scope.clients()
    balances = conn.execute(f"""
        SELECT client_id, asset_class, SUM(MAX(balance, 0)) FROM (
            SELECT client_id, as_of, balance, asset_class, {maturity_sql("x.")} AS m FROM (
                SELECT client_id, product_code, as_of, balance, asset_class, maturity_date,
                       ROW_NUMBER() OVER (PARTITION BY client_id, product_code
                                          ORDER BY as_of DESC) AS rn
                FROM positions WHERE as_of <= ?
            ) x WHERE rn = 1 AND asset_class IN ({marks})
        ) WHERE {live_sql("as_of", "m", "?")}
        GROUP BY client_id, asset_class ORDER BY client_id
    """, [_iso(day), *classes, _iso(day)])
    held = groupby(balances, key=lambda r: r[0])
    pending = next(held, None)
    rows = conn.execute(f"""
        WITH t AS ({_TIER_ON})
        SELECT c.client_id, COALESCE(t.tier, '{NONE}'), c.risk_level, c.birth_date,
               c.marital_status, c.wedding_date, {BRANCH_SQL},
               (SELECT MAX(f.date) FROM followups f WHERE f.client_id = c.client_id
                AND f.outcome = 'reached' AND f.date <= ?)
        FROM clients c {_JOINS} LEFT JOIN t ON t.client_id = c.client_id
        WHERE c.segment = 'retail' AND {_OPEN} AND {where}
        ORDER BY c.client_id
    """, [_iso(history_day(conn, day)), _iso(day), _iso(day), *params])
    for client_id, tier, risk, birth, marital, wedding, branch, last in rows:
        while pending is not None and pending[0] < client_id:
            pending = next(held, None)
        mix: dict[str, int] = {}
        if pending is not None and pending[0] == client_id:
            mix = {cls: fen for _, cls, fen in pending[1]}
            pending = next(held, None)
        aum = sum(mix.values())
        if tier == NONE and aum <= 0:
            continue
        yield SegmentClient(tier, risk, read_date(birth), is_married(marital, read_date(wedding)),
                            branch, mix, _date(last)), aum


# -----------------------------------------------------------------------------------------
# 11. corporates

def rated_years(conn) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT review_year FROM corporate_ratings ORDER BY review_year")]


def corporate_ratings(conn, year: int, scope: Scope) -> list[dict]:
    where, params = scope.clients()
    keys = ("client_id", "name", "score", "rank", "big", "factors", "missing", "strategy")
    # The strategy in force: set by hand, else derived (a year rated before strategies
    # existed: standard).
    rows = conn.execute(f"""
        SELECT cr.client_id, c.name, cr.score, cr.rank, cr.big, cr.factors, cr.missing,
               CASE WHEN cr.big THEN COALESCE(so.strategy, cr.strategy, 'standard') END
        FROM corporate_ratings cr JOIN clients c ON c.client_id = cr.client_id {_JOINS}
        LEFT JOIN corporate_strategy_overrides so ON so.client_id = cr.client_id
         AND so.review_year = cr.review_year
        WHERE cr.review_year = ? AND {where} ORDER BY cr.rank, cr.client_id
    """, [year, *params])
    out = []
    for row in rows:
        record = dict(zip(keys, row))
        record["factors"] = json.loads(record["factors"])
        record["missing"] = record["missing"].split(",") if record["missing"] else []
        out.append(record)
    return out


def visits(conn, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """Corporate visits per client and level in the period (reached, declined or callback)."""
    out: dict[str, dict[str, int]] = {}
    for client_id, level, n in conn.execute("""
        SELECT client_id, visit_level, COUNT(*) FROM followups
        WHERE visit_level IS NOT NULL AND outcome != 'no_answer' AND date BETWEEN ? AND ?
        GROUP BY 1, 2
    """, [_iso(start), _iso(end)]):
        out.setdefault(client_id, {})[level] = n
    return out


def previous_ratings(conn, year: int) -> tuple[int | None, Mapping[str, tuple]]:
    """The latest rated year before `year` and its (score, rank, big) per client."""
    row = conn.execute("SELECT MAX(review_year) FROM corporate_ratings WHERE review_year < ?",
                       [year]).fetchone()
    if row[0] is None:
        return None, {}
    return row[0], {cid: (score, rank, bool(big)) for cid, score, rank, big in conn.execute(
        "SELECT client_id, score, rank, big FROM corporate_ratings WHERE review_year = ?",
        [row[0]])}


# -----------------------------------------------------------------------------------------
# The reports: each one reads its rows and hands them to the core's arithmetic

def tiers_report(conn, config: Config, start: dt.date, end: dt.date, scope: Scope,
                 per_branch: bool = False) -> list[dict]:
    return tier_distribution(tier_counts(conn, config, end, scope, per_branch),
                             tier_counts(conn, config, eve(start), scope, per_branch))


def migration_report(conn, start: dt.date, end: dt.date, scope: Scope) -> list[dict]:
    return migration(tier_moves(conn, start, end, scope))


COVERAGE_GROUPS = ("tier", "rm", "branch")


def coverage_report(conn, config: Config, start: dt.date, end: dt.date, scope: Scope,
                    by: str = "tier", tasks: bool = True) -> list[dict]:
    """Coverage per tier, RM or branch on `end`; with `tasks`, the overdue tasks at the end and
    the tasks missed in the period (the planning rules over the period)."""
    group = {"tier": lambda c: c.tier, "rm": lambda c: c.rm_id, "branch": lambda c: c.branch}[by]
    clients = list(tiered_clients(conn, end, scope))
    tallies = coverage((CoverageClient(group(c), c.tier, c.since, c.last_reached)
                        for c in clients), end, cadence_days(config))
    if tasks:
        of_client = {c.client_id: group(c) for c in clients}
        task_tallies: dict = {}
        for task in ledger(conn, config, sorted(of_client), start, end):
            task_tallies.setdefault(of_client[task.client_id], TaskTally()).add(task, start, end)
        for key, tally in task_tallies.items():
            tallies[key].overdue_tasks, tallies[key].missed_tasks = tally.overdue, tally.missed
    records = [{by if by != "rm" else "rm_id": key, **tally.record()}
               for key, tally in tallies.items()]
    if by == "tier":
        return sorted(records, key=lambda r: tier_position(r["tier"]))
    if by == "rm":
        rm_names = dict(conn.execute("SELECT rm_id, name FROM rms"))
        for record in records:
            record["name"] = rm_names.get(record["rm_id"])
        return sorted(records, key=lambda r: (r["rm_id"] is None, r["rm_id"] or ""))
    return sorted(records, key=lambda r: r["branch"])


def rm_report(conn, config: Config, start: dt.date, end: dt.date, scope: Scope) -> list[dict]:
    """Each RM's book (rm_loads) with its AUM on `end` and its plan completion in the period."""
    books = rm_books(conn, config, scope)
    aum = book_aum(conn, config, end)
    held = book_clients(conn, scope)
    tallies: dict[str, TaskTally] = {}
    for task in ledger(conn, config, sorted(held), start, end):
        tallies.setdefault(held[task.client_id], TaskTally()).add(task, start, end)
    for book in books:
        tally = tallies.get(book["rm_id"], TaskTally())
        book.update(aum=aum.get(book["rm_id"], 0),
                    used_pct=None if book["used_pct"] is None else round1(
                        Fraction(100 * book["load"], book["capacity"])),
                    tasks_due=tally.due, tasks_done=tally.done,
                    plan_completion_pct=pct1(tally.done, tally.due))
    return books


def timeshare_report(conn, config: Config, start: dt.date, end: dt.date,
                     scope: Scope) -> list[dict]:
    target = config["kpi.vip_time_target_pct"]
    return [time_share(rm_id, name, vip, total, target)._asdict()
            for rm_id, name, vip, total in minutes(conn, start, end, scope)]


def pipeline_report(conn, config: Config, start: dt.date, end: dt.date,
                    scope: Scope) -> list[dict]:
    sales = sales_for_after_sale(conn, start, end, scope)
    after_sale = TaskTally()
    for task in ledger(conn, config, sale_clients(conn, list(sales)), start, end):
        if task.after_sale and sale_of(task) in sales:
            after_sale.add(task, start, end)
    return funnel(stage_contacts(conn, start, end, scope), after_sale)


def kpi_metrics(conn, config: Config, start: dt.date,
                end: dt.date) -> dict[str, dict[str, object]]:
    """The sub-metrics of DOMAIN §8 for every active RM (None: nothing to measure)."""
    rms = [rm["rm_id"] for rm in active_rms(conn)]
    contacts = contact_metrics(conn, start, end)
    results = held_results(conn, config, start, end)
    held = book_clients(conn, Scope())
    sales = sales_for_after_sale(conn, start, end, Scope())
    tasks: dict[str, TaskTally] = {}
    after_sale: dict[str, TaskTally] = {}
    clients = sorted(set(held).union(sale_clients(conn, list(sales))))
    for task in ledger(conn, config, clients, start, end):
        if task.client_id in held:
            tasks.setdefault(held[task.client_id], TaskTally()).add(task, start, end)
        if task.after_sale and sale_of(task) in sales:
            after_sale.setdefault(sales[sale_of(task)], TaskTally()).add(task, start, end)
    profiles = book_completeness(conn, config, end)
    metrics = {}
    for rm_id in rms:
        c = contacts.get(rm_id, {})
        t, a, p = tasks.get(rm_id), after_sale.get(rm_id), profiles.get(rm_id)
        r = results.get(rm_id)
        metrics[rm_id] = {
            # An RM that held no client in the period has no results to rank (not 0).
            "aum_growth": r.aum_growth if r else None,
            "net_new_money": r.net_new_money if r else None,
            "market_move": r.market_move if r else None,
            "sales": c.get("sales", 0), "upgrades": r.upgrades if r else None,
            "tasks_on_time": Fraction(t.on_time, t.due) if t and t.due else None,
            "completeness": p.average if p else None,
            "after_sale_on_time": (Fraction(a.after_sale_on_time, a.after_sale_due)
                                   if a and a.after_sale_due else None),
            "referrals": c.get("referrals", 0), "joint_visits": c.get("joint_visits", 0),
            "satisfaction": c.get("satisfaction"),
        }
    return metrics


def _share(value: Fraction | None) -> float | None:
    return None if value is None else round1(100 * value)


def kpi_report(conn, config: Config, start: dt.date, end: dt.date, scope: Scope) -> list[dict]:
    """Every active RM's scorecard, ranked among the active RMs of its grade across the bank;
    rows of the scope by grade (senior first), best first within it."""
    metrics = kpi_metrics(conn, config, start, end)
    weights = {c: config[f"kpi.weights.{c}"] for c in COMPONENTS}
    cohorts = {rm["rm_id"]: cohort(rm["grade"], bool(rm["exam_passed"]))
               for rm in active_rms(conn)}
    scores = {s.rm_id: s for s in scorecard(metrics, weights, cohorts)}
    where, params = scope.rms()
    records = []
    for rm_id, name, branch, grade, exam_passed in conn.execute(
            f"SELECT rm_id, name, branch, grade, exam_passed FROM rms r "
            f"WHERE active = 1 AND {where}", params):
        score, m = scores[rm_id], metrics[rm_id]
        records.append({
            "rm_id": rm_id, "name": name, "branch": branch, "grade": grade,
            "exam_passed": bool(exam_passed), "cohort": score.cohort,
            "cohort_rms": score.cohort_size,
            "score": None if score.total is None else round1(score.total), "rank": score.rank,
            **{c: None if score.components[c] is None else round1(score.components[c])
               for c in COMPONENTS},
            "aum_growth": m["aum_growth"], "net_new_money": m["net_new_money"],
            "market_move": m["market_move"], "sales": m["sales"], "upgrades": m["upgrades"],
            "tasks_on_time_pct": _share(m["tasks_on_time"]),
            "completeness_pct": None if m["completeness"] is None else round1(m["completeness"]),
            "after_sale_on_time_pct": _share(m["after_sale_on_time"]),
            "referrals": m["referrals"], "joint_visits": m["joint_visits"],
            "satisfaction": None if m["satisfaction"] is None else float(
                round(m["satisfaction"], 2)),
            "_score": score.total,
        })
    return sorted(records, key=lambda r: (GRADES.index(r["cohort"]), r["rank"] is None,
                                          r["rank"] or 0, r["rm_id"]))


def review_report(conn, config: Config, start: dt.date, end: dt.date,
                  scope: Scope) -> tuple[list[dict], dict[str, Fraction | None]]:
    """The grade review proposal of every active RM, run within each grade on the scores of
    `kpi_report`, and the median score of each grade."""
    everyone = kpi_report(conn, config, start, end, Scope())
    inputs = [ReviewInput(r["rm_id"], r["grade"], r["exam_passed"], r["_score"]) for r in everyone]
    groups = review_groups(inputs)
    medians = {grade: review_median(members) for grade, members in groups.items()}
    proposals = {p.rm_id: p for group in grade_review(inputs, config["kpi.review.promote_pct"],
                                                      config["kpi.review.demote_pct"]).values()
                 for p in group}
    where, params = scope.rms()
    shown = {row[0] for row in conn.execute(
        f"SELECT rm_id FROM rms r WHERE active = 1 AND {where}", params)}
    records = []
    for r in everyone:
        if r["rm_id"] not in shown:
            continue
        p = proposals[r["rm_id"]]
        median = medians[r["cohort"]]
        records.append({**r, "position": p.position,
                        "cohort_median": None if median is None else round1(median),
                        "action": p.action, "proposed_grade": p.proposed_grade,
                        "reason": p.reason})
    records.sort(key=lambda r: (GRADES.index(r["cohort"]), r["position"]))
    return records, medians


COMPLETENESS_GROUPS = ("tier", "rm")


def completeness_report(conn, config: Config, end: dt.date, scope: Scope,
                        by: str = "tier") -> list[dict]:
    target = config["profile.target_pct"]
    tallies: dict = {}
    for tier, rm_id, profile in tiered_profiles(conn, end, scope):
        key = tier if by == "tier" else rm_id
        tallies.setdefault(key, CompletenessTally()).add(completeness(profile, end, config), target)
    if by == "tier":
        return [{"tier": key, **tallies[key].record()}
                for key in sorted(tallies, key=tier_position)]
    rm_names = dict(conn.execute("SELECT rm_id, name FROM rms"))
    return [{"rm_id": key, "name": rm_names.get(key), **tallies[key].record()}
            for key in sorted(tallies, key=lambda k: (k is None, k or ""))]


def segments_report(conn, config: Config, end: dt.date, scope: Scope,
                    dims: Sequence[str]) -> list[dict]:
    cadence = cadence_days(config)
    elderly = config["suitability.elderly_age"]
    rows = ((segment_values(client, end, cadence, elderly), aum)
            for client, aum in segment_clients(conn, config, end, scope))
    return crosstab(rows, dims, elderly)


VISIT_LEVELS = ("leadership", "technical", "business")


def corporates_report(conn, config: Config, year: int, end: dt.date, scope: Scope,
                      everyone: bool = False) -> tuple[list[dict], int | None]:
    """The year's big-client list (or every rated client) with the change since the previous
    rated year and the year's visits per level against the yearly minimums."""
    rated = corporate_ratings(conn, year, scope)
    previous_year, previous = previous_ratings(conn, year)
    outcome = corporate_review(
        [cid for cid, (_, _, big) in previous.items() if big],
        [Rating(r["client_id"], Fraction(r["score"]), r["rank"], bool(r["big"]), {}, ())
         for r in rated])
    status = {cid: kind for kind in ("entered", "stayed", "left")
              for cid in getattr(outcome, kind)} if previous_year else {}
    last_day = min(end, dt.date(year, 12, 31))
    done = visits(conn, dt.date(year, 1, 1), last_day)
    left_absent = _left_absent(conn, outcome.left_absent, scope) if previous_year else []
    records = []
    for r in [*rated, *left_absent]:
        if not (everyone or r["big"] or status.get(r["client_id"]) == "left"):
            continue
        before = previous.get(r["client_id"])
        made = done.get(r["client_id"], {})
        # An invest client's minimums are raised (core.strategy).
        minimum = {level: visit_minimum(level, r.get("strategy"), config)
                   for level in VISIT_LEVELS}
        records.append({
            "rank": r["rank"], "client_id": r["client_id"], "name": r["name"],
            "score": None if r["score"] is None else round(r["score"], 2), "big": bool(r["big"]),
            "review": status.get(r["client_id"]),
            "score_change": None if before is None or r["score"] is None
            else round(r["score"] - before[0], 2),
            "previous_rank": before[1] if before else None,
            **{f: r["factors"].get(f) for f in CORPORATE_FACTORS},
            "missing": r["missing"], "strategy": r.get("strategy"),
            **{k: v for level in VISIT_LEVELS for k, v in (
                (f"{level}_visits", made.get(level, 0)), (f"{level}_min", minimum[level]))},
            "visits_short": sum(max(0, minimum[lv] - made.get(lv, 0)) for lv in VISIT_LEVELS)
            if r["big"] else None,
        })
    return records, previous_year


def _left_absent(conn, client_ids: Sequence[str], scope: Scope) -> list[dict]:
    if not client_ids:
        return []
    where, params = scope.clients()
    marks = ", ".join("?" * len(client_ids))
    return [{"client_id": cid, "name": name, "score": None, "rank": None, "big": False,
             "factors": {}, "missing": []}
            for cid, name in conn.execute(
                f"SELECT c.client_id, c.name FROM clients c {_JOINS} "
                f"WHERE c.client_id IN ({marks}) AND {where} ORDER BY c.client_id",
                [*client_ids, *params])]


def dashboard_data(conn, config: Config, start: dt.date, end: dt.date, scope: Scope) -> Dashboard:
    return Dashboard(
        start=start, end=end, scope=" · ".join(x for x in (scope.branch, scope.rm_id) if x),
        data_as_of=freshness(conn),
        tiers=tiers_report(conn, config, start, end, scope),
        migration=migration_report(conn, start, end, scope),
        coverage=coverage_report(conn, config, start, end, scope, "tier", tasks=False),
        timeshare=timeshare_report(conn, config, start, end, scope),
        rm_branches=dict(conn.execute("SELECT rm_id, branch FROM rms")),
        target_pct=config["kpi.vip_time_target_pct"],
        pipeline=pipeline_report(conn, config, start, end, scope),
        completeness=completeness_report(conn, config, end, scope, "tier"),
        profile_target_pct=config["profile.target_pct"],
    )


# -----------------------------------------------------------------------------------------
# 12. compliance

COMPLIANCE_KINDS = ("override", "elderly_high_risk", "expired_assessment")
COMPLIANCE_KEYS = ("kind", "date", "client_id", "name", "branch", "rm_id", "product_code",
                   "asset_class", "product_risk", "client_risk", "assessed_on", "age", "channel",
                   "amount", "followup_id", "override_reason", "risk_warning_id",
                   "recording_id")


def compliance_sales(conn, start: dt.date, end: dt.date, scope: Scope) -> list[dict]:
    """Sales of the period by RMs of the scope that were overridden, or that were R4-R5 (or
    unrated) products: the candidates of the first two kinds, with the client's birth date."""
    where, params = scope.rms()
    rows = conn.execute(f"""
        SELECT f.date, f.client_id, c.name, r.branch, f.rm_id, f.product_code, p.asset_class,
               p.risk_level, f.client_risk, NULL, c.birth_date, f.channel,
               f.amount, f.followup_id, f.override_reason, f.risk_warning_id, f.recording_id
        FROM followups f JOIN rms r ON r.rm_id = f.rm_id
        JOIN clients c ON c.client_id = f.client_id
        LEFT JOIN products p ON p.product_code = f.product_code
        WHERE f.stage = 'sale' AND f.outcome != 'no_answer' AND f.date BETWEEN ? AND ?
          AND (f.override_reason IS NOT NULL
               OR COALESCE(UPPER(TRIM(p.risk_level)), 'R5') NOT IN ('R1', 'R2', 'R3'))
          AND {where}
        ORDER BY f.date, f.followup_id
    """, [_iso(start), _iso(end), *params])
    keys = ("date", "client_id", "name", "branch", "rm_id", "product_code", "asset_class",
            "product_risk", "client_risk", "assessed_on", "birth_date", "channel", "amount",
            "followup_id", "override_reason", "risk_warning_id", "recording_id")
    return [dict(zip(keys, row)) for row in rows]


def unassessed_holdings(conn, config: Config, day: dt.date, scope: Scope) -> Iterator[dict]:
    """Positions of a suitability class held on `day` by open clients of the scope whose risk
    assessment is not valid on `day` (none, expired, or dated later)."""
    from vipcrm.core.suitability import RISK_CLASSES

    where, params = scope.clients()
    # Valid on d: a level C1-C5 assessed on a with d - valid_days < a <= d.
    cutoff = day - dt.timedelta(days=config["suitability.valid_days"])
    marks = ", ".join("?" * len(RISK_CLASSES))
    rows = conn.execute(f"""
        SELECT c.client_id, c.name, {BRANCH_SQL}, {RM_SQL}, h.product_code, h.asset_class,
               pr.risk_level, c.risk_level, c.risk_assessed_on, c.birth_date, h.balance
        FROM clients c {_JOINS}
        JOIN (SELECT client_id, product_code, MAX(as_of) AS as_of, balance, asset_class
              FROM positions WHERE +as_of <= ? GROUP BY client_id, product_code) h
          ON h.client_id = c.client_id
        LEFT JOIN products pr ON pr.product_code = h.product_code
        WHERE h.balance > 0 AND h.asset_class IN ({marks}) AND {_OPEN}
          AND (c.risk_assessed_on IS NULL OR c.risk_assessed_on > ? OR c.risk_assessed_on <= ?
               OR COALESCE(UPPER(TRIM(c.risk_level)), '') NOT IN ('C1', 'C2', 'C3', 'C4', 'C5'))
          AND {where}
        ORDER BY c.client_id, h.product_code
    """, [_iso(day), *RISK_CLASSES, _iso(day), _iso(day), _iso(cutoff), *params])
    for (client_id, name, branch, rm_id, product, cls, product_risk, client_risk, assessed,
         birth, balance) in rows:
        yield {"client_id": client_id, "name": name, "branch": branch, "rm_id": rm_id,
               "product_code": product, "asset_class": cls, "product_risk": product_risk,
               "client_risk": client_risk, "assessed_on": assessed, "birth_date": birth,
               "amount": balance}


def compliance_report(conn, config: Config, start: dt.date, end: dt.date,
                      scope: Scope) -> list[dict]:
    """The period's overridden sales, its R4-R5 sales to elderly clients (or of unknown age),
    and the holdings of clients without a valid assessment on `end`: one list, by kind."""
    from vipcrm.core.suitability import age_on, needs_elderly_confirmation

    records = []
    for sale in compliance_sales(conn, start, end, scope):
        day, birth = dt.date.fromisoformat(sale["date"]), read_date(sale.pop("birth_date"))
        base = {**sale, "age": age_on(birth, day)}
        if sale["override_reason"] is not None:
            records.append({**base, "kind": "override"})
        if needs_elderly_confirmation(birth, sale["product_risk"], day, config):
            records.append({**base, "kind": "elderly_high_risk"})
    for held in unassessed_holdings(conn, config, end, scope):
        birth = read_date(held.pop("birth_date"))
        records.append({**held, "kind": "expired_assessment", "date": _iso(end),
                        "age": age_on(birth, end), "channel": None, "followup_id": None,
                        "override_reason": None, "risk_warning_id": None,
                        "recording_id": None})
    records.sort(key=lambda r: (COMPLIANCE_KINDS.index(r["kind"]), r["date"], r["client_id"],
                                r["product_code"] or "", r["followup_id"] or ""))
    return [{key: r[key] for key in COMPLIANCE_KEYS} for r in records]


# -----------------------------------------------------------------------------------------
# 13. maturities

def maturing_clients(conn, start: dt.date, end: dt.date, scope: Scope) -> list[str]:
    """Clients of the scope, open at the start, holding a position or product maturing
    start..end (positions has no maturity index: one pass over it)."""
    where, params = scope.clients()
    period = [_iso(start), _iso(end)]
    return [r[0] for r in conn.execute(f"""
        WITH m AS (
            SELECT client_id FROM positions WHERE maturity_date BETWEEN ? AND ?
            UNION
            SELECT p.client_id FROM positions p JOIN products pr USING (product_code)
            WHERE pr.maturity_date BETWEEN ? AND ?
        )
        SELECT c.client_id FROM m JOIN clients c ON c.client_id = m.client_id {_JOINS}
        WHERE {_OPEN} AND {where}
        ORDER BY c.client_id
    """, [*period, *period, _iso(start), *params])]


@dataclass(frozen=True)
class MaturityRow:
    client_id: str
    name: str
    branch: str
    rm_id: str | None
    rm_name: str | None
    product_code: str
    day: dt.date
    amount: int
    reinvested: int


def maturity_rows(conn, config: Config, start: dt.date, end: dt.date,
                  scope: Scope) -> Iterator[MaturityRow]:
    """Every maturity of the period with its money reinvested (core.maturities), client by
    client, read in chunks of clients."""
    from vipcrm.core.maturities import flows, maturities, retention

    classes = config["aum.asset_classes"]
    days = config["plan.retention_days"]
    ids = maturing_clients(conn, start, end, scope)
    product_maturity = {code: read_date(m) for code, m in conn.execute(
        "SELECT product_code, maturity_date FROM products WHERE maturity_date IS NOT NULL")}
    for i in range(0, len(ids), planning.CHUNK):
        chunk = ids[i:i + planning.CHUNK]
        marks = ", ".join("?" * len(chunk))
        # From the balance on the eve of the first day: what matures on `start`.
        holdings = planning.holdings_of(conn, chunk, eve(start), end)
        codes = sorted({h.product_code for held in holdings.values() for h in held})
        navs = {code: [(dt.date.fromisoformat(d), nav) for _, d, nav in rows]
                for code, rows in groupby(conn.execute(
                    f"SELECT product_code, date, nav FROM navs WHERE product_code IN "
                    f"({', '.join('?' * len(codes))}) AND date <= ? ORDER BY product_code, date",
                    [*codes, _iso(end)]), key=lambda r: r[0])}
        facts = {row[0]: row[1:] for row in conn.execute(f"""
            SELECT c.client_id, c.name, {BRANCH_SQL}, {RM_SQL}, r.name FROM clients c {_JOINS}
            WHERE c.client_id IN ({marks})""", chunk)}
        for client_id in chunk:
            held = holdings.get(client_id, [])
            due = maturities(client_id, held, product_maturity, classes, start, end)
            if not due:
                continue
            kept = retention(due, flows(held, classes, start, end, navs), days, end)
            name, branch, rm_id, rm_name = facts[client_id]
            for m, reinvested in zip(due, kept):
                yield MaturityRow(client_id, name, branch, rm_id, rm_name if rm_id else None,
                                  m.product_code, m.day, m.amount, reinvested)


def maturities_report(conn, config: Config, start: dt.date, end: dt.date, scope: Scope,
                      details: bool = False) -> list[dict]:
    """Per branch and RM (or, with `details`, per maturity): maturities of the period, the
    money matured and reinvested, the retention rate, and the maturities whose window runs
    past `end` (their retention may still rise)."""
    days = dt.timedelta(days=config["plan.retention_days"])
    rows = list(maturity_rows(conn, config, start, end, scope))
    if details:
        return [{"branch": r.branch, "rm_id": r.rm_id, "client_id": r.client_id,
                 "name": r.name, "product_code": r.product_code,
                 "maturity_date": _iso(r.day), "amount": r.amount,
                 "reinvested": r.reinvested, "retention_pct": pct1(r.reinvested, r.amount),
                 "window_end": _iso(r.day + days), "pending": r.day + days > end}
                for r in sorted(rows, key=lambda r: (r.branch, r.rm_id is None, r.rm_id or "",
                                                     r.day, r.client_id, r.product_code))]
    groups: dict[tuple, dict] = {}
    for r in rows:
        g = groups.setdefault((r.branch, r.rm_id), {
            "branch": r.branch, "rm_id": r.rm_id, "name": r.rm_name, "maturities": 0,
            "clients": set(), "matured": 0, "reinvested": 0, "pending": 0})
        g["maturities"] += 1
        g["clients"].add(r.client_id)
        g["matured"] += r.amount
        g["reinvested"] += r.reinvested
        g["pending"] += r.day + days > end
    records = []
    for key in sorted(groups, key=lambda k: (k[0], k[1] is None, k[1] or "")):
        g = groups[key]
        records.append({**g, "clients": len(g["clients"]),
                        "retention_pct": pct1(g["reinvested"], g["matured"])})
    return [{k: r[k] for k in ("branch", "rm_id", "name", "maturities", "clients", "matured",
                               "reinvested", "retention_pct", "pending")} for r in records]
