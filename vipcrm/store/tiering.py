"""Tier recompute, set-based over the change-point positions table (DOMAIN §1).

A recompute as of day d runs in four steps, each one SQL statement over all clients:

1. the basis per client: for `daily_avg`, each position's balance intervals (a change point
   holds until the next one, or until its maturity: `vipcrm.core.aum`) intersected with the
   window give the window's sum of daily AUM (when most rows lie before the window, only the
   window's rows go through the window function and older rows only give the balance carried
   in); for `point`, the latest change point of each position on or before d;
2. the tier that basis qualifies for, compared exactly in fen (sum ≥ floor × days);
3. for the clients whose basis is below their current tier's floor only, the sum of daily AUM
   over that tier's grace period, from the same intervals: the grace period has passed when
   its mean is below the floor (sum < floor × days, days counted as the basis counts them);
With `tiering.household` on, between steps 2 and 3 the basis of every open retail member of a
household with two or more such members is replaced by the household's: the members' window
sums added up, over the days of its longest-known member (days before a member's first
snapshot add 0), and the qualifying tier recomputed from it; step 3 then sums the daily AUM of
all the household's members. Both are set-based statements over the members only.

4. the decision of `vipcrm.core.tiering.decide`, asked once per distinct combination of
   (current tier, status, qualifying tier, grace passed, eligible) — a few dozen — and joined
   back to every client, then applied as set-based writes to `tiers`, `tier_history` and
   `tier_runs`.

Clients below gold have no `tiers` row; the history records their way in and out with a
NULL tier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlite_utils import Database

from vipcrm.core.config import ASSET_CLASSES, TIERS
from vipcrm.core.text import Text
from vipcrm.core.tiering import (DOWNGRADE, NEW, RECOVERED, UNTIERED, UPGRADE, WATCHED,
                                 TierRules, decide, rank, window_start)
from vipcrm.store.audit import record
from vipcrm.store.dates import closed_sql
from vipcrm.store.db import fetch_dict, fetch_dicts, for_bulk_writes, transaction

TIER_CHANGES = (NEW, UPGRADE, DOWNGRADE)


class TieringRefused(ValueError):
    """A recompute that must not run; the message says why and how to proceed."""


@dataclass
class RecomputeResult:
    as_of: dt.date
    basis: str
    dry_run: bool
    replayed: list[dt.date] = field(default_factory=list)  # earlier run dates replayed first
    summary: list[dict] = field(default_factory=list)  # per tier, the state after and the diff
    clients: int = 0
    changes: int = 0


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _classes_sql(classes) -> str:
    # Classes come from the validated configuration; inlining them keeps the query plan simple.
    bad = [c for c in classes if c not in ASSET_CLASSES]
    if bad:
        raise ValueError(f"unknown asset classes {bad}")
    return "(" + ", ".join(f"'{c}'" for c in classes) + ")"


def _value_sql(classes, row: str = "") -> str:
    """A position row's contribution to AUM while not matured: its balance if counted and
    positive, else 0."""
    return (f"CASE WHEN {row}asset_class IN {_classes_sql(classes)} AND {row}balance > 0 "
            f"THEN {row}balance ELSE 0 END")


def _maturity_sql(row: str) -> str:
    """A position row's effective maturity (core.aum): its own, else its product's, looked up
    in temp.tier_maturity (the few products that have one). `row` qualifies the columns (an
    unqualified product_code would be the lookup table's own)."""
    return (f"COALESCE({row}maturity_date, (SELECT t.maturity_date FROM temp.tier_maturity t "
            f"WHERE t.product_code = {row}product_code))")


# The products' maturities joined to a position row `p` (a seek in a small table, cheaper than
# a subquery per row).
_PRODUCT_MATURITY = "LEFT JOIN temp.tier_maturity t ON t.product_code = p.product_code"
_MATURITY = "COALESCE(p.maturity_date, t.maturity_date)"

# Where a row's value stops: at the next change point `nxt`, or earlier at its maturity m when
# the row is dated on or before m (core.aum: from m on the position counts 0).
_END = "CASE WHEN m >= as_of AND m < nxt THEN m ELSE nxt END"

_BASIS_COLUMNS = """
        SELECT client_id, basis_sum,
               CASE WHEN first IS NULL THEN 0
                    ELSE CAST(julianday(:d) - julianday(MAX(first, :w0)) AS INTEGER) + 1 END AS days,
               aum
"""


def _rows_sql(classes, where: str, source: str = "positions p", owner: str | None = None) -> str:
    """Each position row `p` up to :d with its value, whether its class counts, and `e`, the
    day its value stops (_END); `source` and `where` choose the rows. `owner` names whose sum
    the row goes to when that is not the position's client (a household's member)."""
    counted = f"p.asset_class IN {_classes_sql(classes)}"
    partition = "p.client_id, p.product_code" if owner is None else \
        f"{owner}, p.client_id, p.product_code"
    return f"""
        SELECT client_id, as_of, v, counted, {_END} AS e FROM (
            SELECT {owner or "p.client_id"} AS client_id, p.as_of AS as_of,
                   {_value_sql(classes, "p.")} AS v, {counted} AS counted, {_MATURITY} AS m,
                   LEAD(p.as_of, 1, :after) OVER (PARTITION BY {partition}
                                                  ORDER BY p.as_of) AS nxt
            FROM {source} {_PRODUCT_MATURITY} WHERE {where}
        )
    """


def daily_avg_basis_sql(classes) -> str:
    """(client_id, basis_sum, days, aum) for parameters :d, :w0 (window start), :after (d + 1).

    One pass over every position row up to :d, in primary-key order (`+as_of` keeps the planner
    on it), which the window function needs: best when most rows fall in the window.
    """
    return _BASIS_COLUMNS + f"""
        FROM (
            SELECT client_id,
                   SUM(CASE WHEN e > :w0 THEN v * CAST(julianday(e) - julianday(MAX(as_of, :w0))
                                                       AS INTEGER) ELSE 0 END) AS basis_sum,
                   SUM(CASE WHEN e = :after THEN v ELSE 0 END) AS aum,
                   MIN(CASE WHEN counted THEN as_of END) AS first
            FROM ({_rows_sql(classes, "+p.as_of <= :d")})
            GROUP BY client_id
        )
    """


def daily_avg_split_basis_sql(classes) -> str:
    """The same result for a long history: the window function only sees the window's rows.

    Rows before the window are only grouped per position (a cheap streaming pass): their latest
    row is the balance carried into the window, from :w0 until the position's first row in it
    (or its maturity, if sooner).
    """
    counted = f"asset_class IN {_classes_sql(classes)}"
    value = _value_sql(classes, "p.")
    return _BASIS_COLUMNS + f"""
        FROM (
            SELECT client_id, SUM(s) AS basis_sum, SUM(aum) AS aum, MIN(first) AS first
            FROM (
                SELECT client_id, v * CAST(julianday(e) - julianday(as_of) AS INTEGER) AS s,
                       CASE WHEN e = :after THEN v ELSE 0 END AS aum,
                       CASE WHEN counted THEN as_of END AS first
                FROM ({_rows_sql(classes, "p.as_of >= :w0 AND p.as_of <= :d")})
                UNION ALL
                SELECT client_id,
                       CASE WHEN e > :w0 THEN v * CAST(julianday(e) - julianday(:w0) AS INTEGER)
                            ELSE 0 END,
                       CASE WHEN e = :after THEN v ELSE 0 END,
                       first
                FROM (
                    SELECT client_id, v, first, {_END} AS e FROM (
                        SELECT o.client_id, {value} AS v, o.first, p.as_of,
                               {_maturity_sql("p.")} AS m, COALESCE(o.first_in, :after) AS nxt
                        FROM (
                            SELECT client_id, product_code, MAX(as_of) AS carried,
                                   MIN(CASE WHEN {counted} THEN as_of END) AS first,
                                   (SELECT MIN(r.as_of) FROM positions r
                                     WHERE r.client_id = x.client_id
                                       AND r.product_code = x.product_code
                                       AND r.as_of >= :w0 AND r.as_of <= :d) AS first_in
                            FROM positions x WHERE +as_of < :w0
                            GROUP BY client_id, product_code
                        ) o
                        JOIN positions p ON p.client_id = o.client_id
                                        AND p.product_code = o.product_code
                                        AND p.as_of = o.carried
                    )
                )
            )
            GROUP BY client_id
        )
    """


def _prefer_split(conn, params) -> bool:
    """Whether most rows up to the as-of date lie before the window.

    The split plan then pays a sort of the window's rows to keep the window function off the
    older ones. Counting stops as soon as the answer is known, so a window that holds most rows
    (the nightly case with a short history) costs a glance at the index.
    """
    older = conn.execute("SELECT COUNT(*) FROM positions WHERE as_of < :w0", params).fetchone()[0]
    recent = conn.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM positions WHERE as_of >= :w0 AND as_of <= :d "
        "LIMIT :older)", {**params, "older": older}).fetchone()[0]
    return recent < older


def _daily_avg_plan(conn, classes, params) -> str:
    if _prefer_split(conn, params):
        return daily_avg_split_basis_sql(classes)
    return daily_avg_basis_sql(classes)


def point_basis_sql(classes) -> str:
    """(client_id, basis_sum, days, aum) on :d; the latest change point of each position wins.

    SQLite gives the bare columns of an aggregate query with a single MAX() the values of the
    row holding that maximum: here, the position's latest row on or before :d. The maturity is
    checked once per position, in the sum over the client's positions.
    """
    counted = f"asset_class IN {_classes_sql(classes)}"
    live = f"NOT COALESCE(p.as_of <= {_MATURITY} AND {_MATURITY} <= :d, 0)"
    return f"""
        SELECT client_id, SUM(v) AS basis_sum, MAX(counted) AS days, SUM(v) AS aum
        FROM (
            SELECT p.client_id, CASE WHEN {live} THEN p.v ELSE 0 END AS v, p.counted
            FROM (
                SELECT client_id, product_code, MAX(as_of) AS as_of, maturity_date,
                       {_value_sql(classes)} AS v, {counted} AS counted
                FROM positions WHERE +as_of <= :d
                GROUP BY client_id, product_code
            ) p {_PRODUCT_MATURITY}
        )
        GROUP BY client_id
    """


def _grace_sql(classes, household: bool = False) -> str:
    """Whether each candidate's grace period is over (temp.tier_cand): its mean daily AUM over
    [g0, :d], counted from its first snapshot of a counted class as the basis is, is below its
    floor (core.tiering.grace_passed), compared exactly as sum < floor × days. With
    `household`, a member's daily AUM is its household's (temp.tier_sources: whose positions
    count for each candidate).
    """
    if household:
        rows = _rows_sql(classes, "p.as_of <= :d",
                         "temp.tier_cand c JOIN temp.tier_sources s ON s.client_id = c.client_id "
                         "JOIN positions p ON p.client_id = s.source_id", owner="c.client_id")
    else:
        rows = _rows_sql(classes, "p.as_of <= :d",
                         "temp.tier_cand c JOIN positions p ON p.client_id = c.client_id")
    return f"""
        WITH sums AS (
            SELECT r.client_id,
                   SUM(CASE WHEN r.e > c.g0 THEN r.v * CAST(julianday(r.e)
                                                            - julianday(MAX(r.as_of, c.g0))
                                                            AS INTEGER) ELSE 0 END) AS total,
                   MIN(CASE WHEN r.counted THEN r.as_of END) AS first
            FROM ({rows}) r JOIN temp.tier_cand c ON c.client_id = r.client_id
            GROUP BY r.client_id
        )
        SELECT c.client_id,
               CASE WHEN x.first IS NULL THEN 1
                    ELSE x.total < c.floor * (CAST(julianday(:d) - julianday(MAX(x.first, c.g0))
                                                   AS INTEGER) + 1) END AS passed
        FROM temp.tier_cand c LEFT JOIN sums x ON x.client_id = c.client_id
    """


def last_run(conn) -> dt.date | None:
    value = conn.execute("SELECT MAX(as_of) FROM tier_runs").fetchone()[0]
    return dt.date.fromisoformat(value) if value else None


def recompute(db: Database, as_of: dt.date, rules: TierRules, *, today: dt.date, user: str,
              dry_run: bool = False, rebuild: bool = False) -> RecomputeResult:
    """Recompute every client's tier as of `as_of`; with `rebuild`, replay later runs too.

    Refuses an as-of date after `today`, and one before the last run unless `rebuild`: that
    rolls the tiers back to the eve of `as_of` from the history, then recomputes `as_of` and
    every later date that had a run, in order, with the current data and configuration.
    """
    if as_of > today:
        raise TieringRefused(Text("as-of date {date} is after today ({today}); tiers can only "
                                  "be computed from data already seen", date=as_of,
                                  today=today))
    conn = db.conn
    conn.execute("PRAGMA temp_store = MEMORY")
    for_bulk_writes(db)
    with _writing(db, dry_run):
        last = last_run(conn)
        if last and as_of < last and not rebuild:
            raise TieringRefused(Text(
                "tiers were last recomputed as of {last}; recomputing the earlier date {date} "
                "would rewrite history: add --rebuild to replay it from that date", last=last,
                date=as_of))
        replay: list[dt.date] = []
        if rebuild and last and as_of <= last:
            replay = [dt.date.fromisoformat(d) for (d,) in conn.execute(
                "SELECT as_of FROM tier_runs WHERE as_of > ? ORDER BY as_of", [_iso(as_of)])]
            _roll_back_to(conn, as_of)
        dates = [as_of, *replay]
        result = RecomputeResult(as_of=dates[-1], basis=rules.basis, dry_run=dry_run,
                                 replayed=dates[:-1])
        for index, day in enumerate(dates):
            _evaluate(conn, day, rules)
            if index < len(dates) - 1 or not dry_run:
                clients, changes = _apply(conn, day, rules.basis)
            else:
                clients, changes = conn.execute(
                    "SELECT COUNT(*), COUNT(reason) FROM temp.tier_outcome").fetchone()
            result.clients = clients
            result.changes += changes
        result.summary = _summary(conn)
        if not dry_run:
            record(db, user, "tier --recompute" + (" --rebuild" if rebuild else ""),
                   {"as_of": _iso(as_of), "basis": rules.basis, "clients": result.clients,
                    "changes": result.changes, "replayed": [_iso(d) for d in replay]})
        _drop_temp(conn)
    return result


class _writing:
    """The recompute's transaction: IMMEDIATE and committed, or for a dry run DEFERRED (no
    write lock while a nightly run writes) and always rolled back."""

    def __init__(self, db: Database, dry_run: bool):
        self.db = db
        self.inner = None if dry_run else transaction(db)

    def __enter__(self):
        if self.inner:
            return self.inner.__enter__()
        self.db.conn.execute("BEGIN")
        return self.db.conn

    def __exit__(self, exc_type, exc, tb):
        if self.inner:
            return self.inner.__exit__(exc_type, exc, tb)
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")
        return False


def _drop_temp(conn) -> None:
    for name in ("tier_eval", "tier_cand", "tier_decide", "tier_outcome",
                 "tier_ranks", "tier_maturity", "tier_members", "tier_households",
                 "tier_sources"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _evaluate(conn, day: dt.date, rules: TierRules) -> None:
    """temp.tier_outcome: every client with positions or a tier, before and after."""
    _drop_temp(conn)
    params = {"d": _iso(day), "after": _iso(day + dt.timedelta(days=1)),
              "w0": _iso(window_start(day, rules.window_days))}
    # The products with a maturity date: a small table the basis looks each position row up in.
    conn.execute("CREATE TEMP TABLE tier_maturity (product_code TEXT PRIMARY KEY, "
                 "maturity_date TEXT NOT NULL) WITHOUT ROWID")
    conn.execute("INSERT INTO temp.tier_maturity SELECT product_code, maturity_date "
                 "FROM products WHERE maturity_date IS NOT NULL")
    if rules.basis == "daily_avg":
        basis_sql = _daily_avg_plan(conn, rules.asset_classes, params)
    else:
        basis_sql = point_basis_sql(rules.asset_classes)
    conn.execute("CREATE TEMP TABLE tier_ranks (tier TEXT PRIMARY KEY, rank INTEGER, "
                 "floor INTEGER, grace INTEGER)")
    conn.executemany("INSERT INTO temp.tier_ranks VALUES (?, ?, ?, ?)",
                     [(t, rank(t), rules.floors_fen[t], rules.grace_days[t]) for t in TIERS])
    qualifying = _qualifying_sql(rules, "b.")
    eligible = f"(c.segment = 'retail' AND NOT {closed_sql('c.closed_on', ':d')})"
    # CROSS JOIN keeps the basis (one pass over the positions) as the outer loop.
    conn.execute(f"""
        CREATE TEMP TABLE tier_eval AS
        SELECT b.client_id, b.basis_sum, b.days, b.aum,
               CASE WHEN b.days > 0 THEN b.basis_sum / b.days ELSE 0 END AS basis_aum,
               {eligible} AS eligible,
               t.tier AS cur_tier, t.status AS cur_status, t.since AS cur_since,
               CASE WHEN b.days > 0 THEN {qualifying} END AS qual,
               NULL AS grace_passed, NULL AS household_id
        FROM ({basis_sql}) b CROSS JOIN clients c ON c.client_id = b.client_id
        LEFT JOIN tiers t ON t.client_id = b.client_id
    """, params)
    conn.execute("CREATE UNIQUE INDEX temp.tier_eval_client ON tier_eval(client_id)")
    # A tiered client with no position on or before d still has to be decided.
    conn.execute(f"""
        INSERT INTO temp.tier_eval
        SELECT t.client_id, 0, 0, 0, 0, {eligible}, t.tier, t.status, t.since, NULL, NULL, NULL
        FROM tiers t JOIN clients c ON c.client_id = t.client_id
        WHERE NOT EXISTS (SELECT 1 FROM temp.tier_eval e WHERE e.client_id = t.client_id)
    """, params)
    if rules.household:
        _household_basis(conn, rules, params, eligible)

    conn.execute("""
        CREATE TEMP TABLE tier_cand (client_id TEXT PRIMARY KEY, g0 TEXT, floor INTEGER)
        WITHOUT ROWID
    """)
    conn.execute("""
        INSERT INTO temp.tier_cand
        SELECT e.client_id, date(:d, '-' || (cur.grace - 1) || ' days'), cur.floor
        FROM temp.tier_eval e JOIN temp.tier_ranks cur ON cur.tier = e.cur_tier
        LEFT JOIN temp.tier_ranks q ON q.tier = e.qual
        WHERE e.eligible AND COALESCE(q.rank, 0) < cur.rank
    """, params)
    if rules.household:
        # Whose positions make each candidate's daily AUM: its household's counted members,
        # or itself.
        conn.execute("CREATE TEMP TABLE tier_sources (client_id TEXT, source_id TEXT, "
                     "PRIMARY KEY (client_id, source_id)) WITHOUT ROWID")
        conn.execute("""
            INSERT INTO temp.tier_sources
            SELECT c.client_id, COALESCE(o.client_id, c.client_id)
            FROM temp.tier_cand c JOIN temp.tier_eval e ON e.client_id = c.client_id
            LEFT JOIN temp.tier_members o ON o.household_id = e.household_id
        """)
    conn.execute(f"""
        UPDATE temp.tier_eval SET grace_passed = g.passed
        FROM ({_grace_sql(rules.asset_classes, rules.household)}) g
        WHERE temp.tier_eval.client_id = g.client_id
    """, params)

    key = ("COALESCE(cur_tier, '') || '/' || COALESCE(cur_status, '') || '/' || "
           "COALESCE(qual, '') || '/' || COALESCE(grace_passed, '') || '/' || eligible")
    conn.execute("CREATE TEMP TABLE tier_decide (key TEXT PRIMARY KEY, new_tier TEXT, "
                 "new_status TEXT, reason TEXT) WITHOUT ROWID")
    combos = conn.execute(
        f"SELECT DISTINCT {key}, cur_tier, cur_status, qual, grace_passed, eligible "
        "FROM temp.tier_eval").fetchall()
    decisions = []
    for combo, cur_tier, cur_status, qual, grace_passed, is_eligible in combos:
        decision = decide(cur_tier, cur_status, qual,
                          None if grace_passed is None else bool(grace_passed),
                          eligible=bool(is_eligible))
        decisions.append((combo, decision.tier, decision.status, decision.reason))
    conn.executemany("INSERT INTO temp.tier_decide VALUES (?, ?, ?, ?)", decisions)
    conn.execute(f"""
        CREATE TEMP TABLE tier_outcome AS
        SELECT e.client_id, e.basis_aum, e.aum, e.eligible, e.cur_tier, e.cur_status,
               e.cur_since, d.new_tier, d.new_status, d.reason, e.household_id
        FROM temp.tier_eval e JOIN temp.tier_decide d ON d.key = ({key})
    """)


def _qualifying_sql(rules: TierRules, row: str) -> str:
    """SQL: the tier a basis (`row`basis_sum over `row`days) qualifies for, compared exactly
    with floor × days; the floors are whole numbers from the configuration."""
    return "CASE " + " ".join(
        f"WHEN {row}basis_sum >= {int(rules.floors_fen[t])} * {row}days THEN '{t}'"
        for t in TIERS) + " END"


def _household_basis(conn, rules: TierRules, params: dict, eligible: str) -> None:
    """tiering.household: every counted member of a household with two or more of them takes
    the household's basis, and names the household (temp.tier_members lists them).

    The household's window sum is its members' sums added up, over the days of its
    longest-known member (core.tiering.basis_days: a member before its first snapshot adds 0
    to each day); for the point basis, their AUM on the day. A member without any position yet
    is tiered with its household too.
    """
    conn.execute("CREATE TEMP TABLE tier_members (client_id TEXT PRIMARY KEY, "
                 "household_id TEXT NOT NULL) WITHOUT ROWID")
    conn.execute(f"""
        INSERT INTO temp.tier_members
        SELECT h.client_id, h.household_id FROM household_members h
        JOIN clients c ON c.client_id = h.client_id
        WHERE {eligible} AND h.household_id IN (
            SELECT x.household_id FROM household_members x
            JOIN clients c ON c.client_id = x.client_id
            WHERE {eligible} GROUP BY x.household_id HAVING COUNT(*) > 1)
    """, params)
    conn.execute("CREATE INDEX temp.tier_members_household ON tier_members(household_id)")
    conn.execute("""
        INSERT INTO temp.tier_eval
        SELECT m.client_id, 0, 0, 0, 0, 1, NULL, NULL, NULL, NULL, NULL, NULL
        FROM temp.tier_members m
        WHERE NOT EXISTS (SELECT 1 FROM temp.tier_eval e WHERE e.client_id = m.client_id)
    """)
    conn.execute("""
        CREATE TEMP TABLE tier_households AS
        SELECT m.household_id, SUM(e.basis_sum) AS basis_sum, MAX(e.days) AS days
        FROM temp.tier_members m JOIN temp.tier_eval e ON e.client_id = m.client_id
        GROUP BY m.household_id
    """)
    conn.execute(f"""
        UPDATE temp.tier_eval
        SET basis_sum = h.basis_sum, days = h.days,
            basis_aum = CASE WHEN h.days > 0 THEN h.basis_sum / h.days ELSE 0 END,
            qual = CASE WHEN h.days > 0 THEN {_qualifying_sql(rules, "h.")} END,
            household_id = m.household_id
        FROM temp.tier_members m JOIN temp.tier_households h ON h.household_id = m.household_id
        WHERE temp.tier_eval.client_id = m.client_id
    """)


def _apply(conn, day: dt.date, basis: str) -> tuple[int, int]:
    """Write temp.tier_outcome: history rows for the changes, the tiers table, the run."""
    d = _iso(day)
    changes = conn.execute("""
        INSERT INTO tier_history (client_id, effective, from_tier, to_tier, status, basis_aum,
                                  reason, household_id)
        SELECT client_id, ?, cur_tier, new_tier, new_status, basis_aum, reason, household_id
        FROM temp.tier_outcome WHERE reason IS NOT NULL ORDER BY client_id
    """, [d]).rowcount
    conn.execute("""
        DELETE FROM tiers WHERE client_id IN
            (SELECT client_id FROM temp.tier_outcome WHERE new_tier IS NULL AND cur_tier IS NOT NULL)
    """)
    changed_tier = ", ".join(f"'{r}'" for r in TIER_CHANGES)
    conn.execute(f"""
        INSERT INTO tiers (client_id, tier, status, basis_aum, aum, since, as_of)
        SELECT client_id, new_tier, new_status, basis_aum, aum,
               CASE WHEN reason IN ({changed_tier}) THEN :d ELSE cur_since END, :d
        FROM temp.tier_outcome WHERE new_tier IS NOT NULL ORDER BY client_id
        ON CONFLICT (client_id) DO UPDATE SET
            tier = excluded.tier, status = excluded.status, basis_aum = excluded.basis_aum,
            aum = excluded.aum, since = excluded.since, as_of = excluded.as_of
    """, {"d": d})
    clients = conn.execute("SELECT COUNT(*) FROM temp.tier_outcome").fetchone()[0]
    # A second run for the same date adds its changes to the first one's.
    conn.execute("""
        INSERT INTO tier_runs (as_of, basis, ran_at, clients, changes)
        VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'), ?, ?)
        ON CONFLICT (as_of) DO UPDATE SET basis = excluded.basis, ran_at = excluded.ran_at,
            clients = excluded.clients, changes = tier_runs.changes + excluded.changes
    """, [d, basis, clients, changes])
    return clients, changes


def _summary(conn) -> list[dict]:
    """Per tier (highest first, then `none`): clients, watch, AUM, and what moved into it."""
    rows = conn.execute(f"""
        SELECT COALESCE(new_tier, 'none') AS tier,
               SUM(eligible) AS clients,
               SUM(new_status IS 'watch') AS watch,
               SUM(CASE WHEN eligible THEN basis_aum ELSE 0 END) AS basis_aum,
               SUM(CASE WHEN eligible THEN aum ELSE 0 END) AS aum,
               SUM(reason IS '{NEW}') AS new,
               SUM(reason IS '{UPGRADE}') AS upgraded,
               SUM(reason IS '{DOWNGRADE}') AS downgraded,
               SUM(reason IS '{WATCHED}') AS new_watch,
               SUM(reason IS '{RECOVERED}') AS recovered,
               SUM(reason IS '{UNTIERED}') AS untiered
        FROM temp.tier_outcome GROUP BY 1
    """)
    names = [c[0] for c in rows.description]
    found = {row[0]: dict(zip(names, row)) for row in rows}
    empty = {name: 0 for name in names}
    return [found.get(tier, {**empty, "tier": tier}) for tier in (*TIERS, "none")]


def _roll_back_to(conn, day: dt.date) -> None:
    """Put every client back in the tier and status it held at the end of the eve of `day`."""
    d = _iso(day)
    conn.execute("DROP TABLE IF EXISTS temp.tier_redo")
    conn.execute("CREATE TEMP TABLE tier_redo AS "
                 "SELECT DISTINCT client_id FROM tier_history WHERE effective >= ?", [d])
    conn.execute("DELETE FROM tiers WHERE client_id IN (SELECT client_id FROM temp.tier_redo)")
    conn.execute("""
        INSERT INTO tiers (client_id, tier, status, basis_aum, aum, since, as_of)
        SELECT h.client_id, h.to_tier, h.status, h.basis_aum, h.basis_aum,
               (SELECT MAX(s.effective) FROM tier_history s
                 WHERE s.client_id = h.client_id AND s.effective < :d
                   AND s.from_tier IS NOT s.to_tier),
               h.effective
        FROM temp.tier_redo r JOIN tier_history h ON h.id = (
            SELECT x.id FROM tier_history x WHERE x.client_id = r.client_id AND x.effective < :d
            ORDER BY x.effective DESC, x.id DESC LIMIT 1)
        WHERE h.to_tier IS NOT NULL
    """, {"d": d})
    conn.execute("DELETE FROM tier_history WHERE effective >= ?", [d])
    conn.execute("DELETE FROM tier_runs WHERE as_of >= ?", [d])
    conn.execute("DROP TABLE temp.tier_redo")


# --- reading -------------------------------------------------------------------------------

_RANK_SQL = "CASE t.tier " + " ".join(f"WHEN '{t}' THEN {rank(t)}" for t in TIERS) + " END"
_LIST_SQL = """
    SELECT t.client_id, c.name, t.tier, t.status, t.basis_aum, t.aum, t.since, t.as_of,
           COALESCE(o.branch, c.home_branch) AS branch
    FROM tiers t JOIN clients c ON c.client_id = t.client_id
    LEFT JOIN ownership o ON o.client_id = t.client_id
"""




def list_tiers(conn, *, tiers: list[str] | None = None, branch: str | None = None,
               status: str | None = None) -> list[dict]:
    """Tiered clients, highest tier first, then highest basis AUM, then client id."""
    where, params = [], []
    if tiers:
        where.append(f"t.tier IN ({', '.join('?' * len(tiers))})")
        params += tiers
    if branch:
        where.append("COALESCE(o.branch, c.home_branch) = ?")
        params.append(branch)
    if status:
        where.append("t.status = ?")
        params.append(status)
    sql = _LIST_SQL + (" WHERE " + " AND ".join(where) if where else "")
    sql += f" ORDER BY {_RANK_SQL} DESC, t.basis_aum DESC, t.client_id"
    return fetch_dicts(conn, sql, params)


def client_tier(conn, client_id: str) -> dict | None:
    """The client's tier row joined with its name and branch; None if it holds no tier."""
    return fetch_dict(conn, _LIST_SQL + " WHERE t.client_id = ?", [client_id])


def client_history(conn, client_id: str) -> list[dict]:
    return fetch_dicts(
        conn, "SELECT effective, from_tier, to_tier, status, basis_aum, reason, household_id "
        "FROM tier_history WHERE client_id = ? ORDER BY effective, id", [client_id])

