"""Attrition scores, computed set-based for the whole bank and stored as change points.

A run as of day d (the nightly's, or `vipcrm attrition --recompute`) gathers every tiered
retail client's figures in a few passes, each one SQL statement over all clients:

1. AUM on d and 30, 90 and 180 days before, in one pass over the positions up to d: each
   change point holds from its date until the next one, or until its maturity (core.aum), as
   the tier basis reads them (store.tiering);
2. net transfers to other banks over the 90 days ending on d (transactions typed
   transfer_out / transfer_in, through their own small index);
3. reached contacts: the latest, and the counts in the 90 days ending on d and the 90 before;
4. the maturities of the 90 days ending on d and the money reinvested after them, by the rule
   of `report maturities` (core.maturities), for the clients holding one only.

core.attrition scores each client; a row is written for a client only when its score or a
factor's points differ from its row in force before d (no row: 0), so the table grows with the
changes, not with the nights. Plans and `report attrition` read the row in force on their day:
the latest computed on or before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from sqlite_utils import Database

from vipcrm.core.attrition import (HORIZONS, WINDOW, ZERO, Measures, Score, at_risk, score,
                                   shares, weights)
from vipcrm.core.config import ASSET_CLASSES, Config
from vipcrm.core.dates import read_date
from vipcrm.core.text import Text
from vipcrm.store.audit import now_iso, record
from vipcrm.store.dates import closed_sql
from vipcrm.store.db import for_bulk_writes, transaction
from vipcrm.store.reports import _JOINS, BRANCH_SQL, RM_SQL, Scope

TRANSFER_OUT, TRANSFER_IN = "transfer_out", "transfer_in"


class AttritionRefused(ValueError):
    """A run that must not happen; the message says why."""


@dataclass
class AttritionRun:
    as_of: dt.date
    clients: int  # scored
    at_risk: int  # at or above attrition.task_score
    changed: int  # rows written


def _iso(day: dt.date) -> str:
    return day.isoformat()


def last_run(conn) -> dt.date | None:
    value = conn.execute("SELECT MAX(as_of) FROM attrition_runs").fetchone()[0]
    return dt.date.fromisoformat(value) if value else None


def _classes_sql(classes) -> str:
    # Classes come from the validated configuration; inlined, as the tier basis inlines them.
    bad = [c for c in classes if c not in ASSET_CLASSES]
    if bad:
        raise ValueError(f"unknown asset classes {bad}")
    return "(" + ", ".join(f"'{c}'" for c in classes) + ")"


def _aum_sql(classes) -> str:
    """(client_id, aum on :d0, :d30, :d90, :d180) of the clients of temp.att_clients."""
    value = (f"CASE WHEN p.asset_class IN {_classes_sql(classes)} AND p.balance > 0 "
             "THEN p.balance ELSE 0 END")
    sums = ", ".join(f"SUM(CASE WHEN as_of <= :{d} AND e > :{d} THEN v ELSE 0 END)"
                     for d in ("d0", "d30", "d90", "d180"))
    return f"""
        SELECT client_id, {sums} FROM (
            SELECT client_id, as_of, v, CASE WHEN m >= as_of AND m < nxt THEN m ELSE nxt END AS e
            FROM (
                SELECT p.client_id, p.as_of, {value} AS v,
                       COALESCE(p.maturity_date, t.maturity_date) AS m,
                       LEAD(p.as_of, 1, :after) OVER (PARTITION BY p.client_id, p.product_code
                                                      ORDER BY p.as_of) AS nxt
                FROM positions p LEFT JOIN temp.att_maturity t ON t.product_code = p.product_code
                WHERE +p.as_of <= :d0
            )
        )
        WHERE e > :d180 AND client_id IN (SELECT client_id FROM temp.att_clients)
        GROUP BY client_id
    """


def compute(db: Database, config: Config, day: dt.date, *, today: dt.date,
            user: str) -> AttritionRun:
    """Score every tiered retail client as of `day` and store the changes (one transaction,
    audited). Refuses a day after today, and a day before the last run (its changes would
    rewrite the history later runs were compared with); the last run's day again replaces
    that run."""
    if day > today:
        raise AttritionRefused(Text("as-of date {day} is after today ({today}); scores are "
                                    "computed from data already seen", day=day, today=today))
    conn = db.conn
    conn.execute("PRAGMA temp_store = MEMORY")
    for_bulk_writes(db)
    with transaction(db):
        last = last_run(conn)
        if last is not None and day < last:
            raise AttritionRefused(Text("attrition scores were last computed as of {last}; the "
                                        "earlier date {day} would rewrite the history later runs "
                                        "were compared with: score {last} or later", last=last,
                                        day=day))
        scores = dict(_scores(conn, config, day))
        conn.execute("DELETE FROM attrition_scores WHERE as_of = ?", [_iso(day)])
        before = {row[0]: Score(*row[1:]) for row in conn.execute(
            "SELECT client_id, score, trend, outflow, contact, maturity FROM ("
            "SELECT client_id, MAX(as_of), score, trend, outflow, contact, maturity "
            "FROM attrition_scores WHERE as_of < ? GROUP BY client_id)", [_iso(day)])}
        changes = [(client_id, _iso(day), *score)
                   for client_id, score in scores.items() if before.get(client_id, ZERO) != score]
        # Clients no longer scored (untiered, closed) drop to 0.
        changes += [(client_id, _iso(day), *ZERO) for client_id, score in before.items()
                    if client_id not in scores and score != ZERO]
        conn.executemany("INSERT INTO attrition_scores (client_id, as_of, score, trend, outflow, "
                         "contact, maturity) VALUES (?, ?, ?, ?, ?, ?, ?)", changes)
        risky = sum(1 for s in scores.values() if at_risk(s.score, config))
        conn.execute("INSERT OR REPLACE INTO attrition_runs (as_of, ran_at, clients, at_risk, "
                     "changed) VALUES (?, ?, ?, ?, ?)",
                     [_iso(day), now_iso(), len(scores), risky, len(changes)])
        record(db, user, "attrition --recompute", {"as_of": _iso(day), "clients": len(scores),
                                                   "at_risk": risky, "changed": len(changes)})
        _drop_temp(conn)
    return AttritionRun(day, len(scores), risky, len(changes))


def _drop_temp(conn) -> None:
    for name in ("att_clients", "att_maturity", "att_aum", "att_transfers", "att_contacts"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _scores(conn, config: Config, day: dt.date) -> Iterator[tuple[str, Score]]:
    """(client_id, score) of every tiered retail client open on `day`."""
    _drop_temp(conn)
    iso = {"d0": _iso(day), "after": _iso(day + dt.timedelta(days=1)),
           **{f"d{h}": _iso(day - dt.timedelta(days=h)) for h in HORIZONS}}
    recent = _iso(day - dt.timedelta(days=WINDOW - 1))  # the first day of the 90 ending on d
    before = _iso(day - dt.timedelta(days=2 * WINDOW - 1))
    conn.execute(f"""
        CREATE TEMP TABLE att_clients AS
        SELECT c.client_id, t.tier, t.since FROM clients c JOIN tiers t ON t.client_id = c.client_id
        WHERE c.segment = 'retail' AND NOT {closed_sql('c.closed_on', ':d0')}
    """, iso)
    conn.execute("CREATE UNIQUE INDEX temp.att_clients_id ON att_clients(client_id)")
    conn.execute("CREATE TEMP TABLE att_maturity (product_code TEXT PRIMARY KEY, "
                 "maturity_date TEXT NOT NULL) WITHOUT ROWID")
    conn.execute("INSERT INTO temp.att_maturity SELECT product_code, maturity_date "
                 "FROM products WHERE maturity_date IS NOT NULL")
    conn.execute("CREATE TEMP TABLE att_aum (client_id TEXT PRIMARY KEY, a0, a30, a90, a180) "
                 "WITHOUT ROWID")
    conn.execute("INSERT INTO temp.att_aum " + _aum_sql(config["aum.asset_classes"]), iso)
    conn.execute("""
        CREATE TEMP TABLE att_transfers AS
        SELECT client_id,
               SUM(CASE WHEN type = :out THEN ABS(amount) ELSE 0 END) AS sent,
               SUM(CASE WHEN type = :in THEN ABS(amount) ELSE 0 END) AS received
        FROM transactions WHERE type IN (:out, :in) AND date BETWEEN :recent AND :d0
        GROUP BY client_id
    """, {"out": TRANSFER_OUT, "in": TRANSFER_IN, "recent": recent, "d0": iso["d0"]})
    conn.execute("""
        CREATE TEMP TABLE att_contacts AS
        SELECT client_id, MAX(date) AS last, SUM(date >= :recent) AS recent,
               SUM(date < :recent AND date >= :before) AS earlier
        FROM followups WHERE outcome = 'reached' AND date <= :d0
          AND client_id IN (SELECT client_id FROM temp.att_clients)
        GROUP BY client_id
    """, {"recent": recent, "before": before, "d0": iso["d0"]})
    kept = _maturities(conn, config, day)
    cadence = {tier: config.tier_value(tier, "cadence_days")
               for (tier,) in conn.execute("SELECT DISTINCT tier FROM temp.att_clients")}
    factor_weights = weights(config)
    rows = conn.execute("""
        SELECT k.client_id, k.tier, k.since, a.a0, a.a30, a.a90, a.a180, x.sent, x.received,
               f.last, f.recent, f.earlier
        FROM temp.att_clients k
        LEFT JOIN temp.att_aum a ON a.client_id = k.client_id
        LEFT JOIN temp.att_transfers x ON x.client_id = k.client_id
        LEFT JOIN temp.att_contacts f ON f.client_id = k.client_id
    """)
    for (client_id, tier, since, a0, a30, a90, a180, sent, received, last, recent_n,
         earlier_n) in rows:
        matured, reinvested = kept.get(client_id, (0, 0))
        measures = Measures(
            a0 or 0, (a30 or 0, a90 or 0, a180 or 0), sent or 0, received or 0,
            dt.date.fromisoformat(last) if last else None,
            read_date(since), cadence.get(tier, 0),
            recent_n or 0, earlier_n or 0, matured, reinvested)
        yield client_id, score(shares(measures, day, config), factor_weights)


def _maturities(conn, config: Config, day: dt.date) -> dict[str, tuple[int, int]]:
    """client_id -> (money matured, money reinvested) over the maturities of the 90 days ending
    on `day` whose retention window has ended by then (report maturities' rule)."""
    from vipcrm.store.reports import maturity_rows

    window = dt.timedelta(days=config["plan.retention_days"])
    start = day - dt.timedelta(days=WINDOW - 1)
    out: dict[str, tuple[int, int]] = {}
    for row in maturity_rows(conn, config, start, day, Scope()):
        if row.day + window > day:
            continue  # still in its retention window: money may yet come back
        matured, kept = out.get(row.client_id, (0, 0))
        out[row.client_id] = (matured + row.amount, kept + row.reinvested)
    return out


# -------------------------------------------------------------------------------------------
# Reading the scores

def run_on(conn, day: dt.date) -> dict | None:
    """The latest run on or before `day`."""
    row = conn.execute("SELECT as_of, clients, at_risk FROM attrition_runs WHERE as_of <= ? "
                       "ORDER BY as_of DESC LIMIT 1", [_iso(day)]).fetchone()
    return dict(zip(("as_of", "clients", "at_risk"), row)) if row else None


def ranking(conn, config: Config, day: dt.date, scope: Scope, top: int | None) -> list[dict]:
    """The clients of the scope whose score in force on `day` is above 0, ranked: score, then
    AUM, both highest first, then client id; equal scores share a rank."""
    where, params = scope.clients()
    rows = conn.execute(f"""
        SELECT s.client_id, c.name, tr.tier, {BRANCH_SQL}, {RM_SQL}, s.score, s.trend,
               s.outflow, s.contact, s.maturity, tr.aum, s.as_of
        FROM (SELECT client_id, MAX(as_of) AS as_of, score, trend, outflow, contact, maturity
              FROM attrition_scores WHERE as_of <= ? GROUP BY client_id) s
        JOIN clients c ON c.client_id = s.client_id
        LEFT JOIN tiers tr ON tr.client_id = c.client_id {_JOINS}
        WHERE s.score > 0 AND {where}
        ORDER BY s.score DESC, COALESCE(tr.aum, 0) DESC, s.client_id
    """, [_iso(day), *params]).fetchall()
    out, rank, previous = [], 0, None
    for i, (client_id, name, tier, branch, rm_id, points, trend, outflow, contact, maturity,
            aum, as_of) in enumerate(rows, start=1):
        if top is not None and i > top:
            break
        if points != previous:
            rank, previous = i, points
        out.append({"rank": rank, "client_id": client_id, "name": name, "tier": tier,
                    "branch": branch, "rm_id": rm_id, "score": points,
                    "trend": trend / 10, "outflow": outflow / 10, "contact": contact / 10,
                    "maturity": maturity / 10, "aum": aum, "scored_on": as_of,
                    "at_risk": at_risk(points, config)})
    return out
