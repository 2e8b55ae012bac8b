"""A synthetic bank for the planning benchmark, written straight into a vipcrm database.

    python benchmarks/plan_data.py DB N [--as-of 2026-11-30] [--seed 7]

N clients (1% corporate), N/200 RMs in branches of 10, 3N position rows (change points over
the last 90 days, with maturities and a few outflows), 400 products with 120 days of NAVs for
the funds, about 40% of retail clients tiered (the tiers and assignments rows the tiering and
assignment runs would write, ~2% of them left without an RM), one to three contacts per tiered
client over the last year (some with a next date, some sales), and the big-client ratings.
Rows go in through `executemany` in primary-key order, in one transaction: memory stays flat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vipcrm.store.db import open_db  # noqa: E402

DEFAULT_AS_OF = dt.date(2026, 11, 30)
DEFAULT_SEED = 7
CLIENTS_PER_RM = 200
RMS_PER_BRANCH = 10
TIERED_SHARE = 0.4
UNASSIGNED_SHARE = 0.02
PRODUCTS = 400
NAV_DAYS = 120
TIER_MIX = (("black_gold", 2), ("diamond", 3), ("premier_platinum", 5), ("platinum", 15),
            ("premier_gold", 25), ("gold", 50))
FLOORS = {"black_gold": 10_000_000, "diamond": 5_000_000, "premier_platinum": 3_000_000,
          "platinum": 1_000_000, "premier_gold": 500_000, "gold": 200_000}
CLASSES = ("deposit", "wealth", "fund", "insurance", "bond")
BATCH = 20_000


def client_id(i: int) -> str:
    return f"P{i:08d}"


def rm_id(i: int) -> str:
    return f"RM{i:05d}"


def branch_of_rm(i: int) -> str:
    return f"B{i // RMS_PER_BRANCH:04d}"


def product_code(i: int) -> str:
    return f"PR{i:04d}"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _batched(conn, sql: str, rows) -> int:
    batch, count = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    if batch:
        conn.executemany(sql, batch)
        count += len(batch)
    return count


def products(rng: random.Random, as_of: dt.date):
    for i in range(PRODUCTS):
        cls = CLASSES[i % len(CLASSES)]
        launch = as_of - dt.timedelta(days=rng.randrange(0, 700))
        maturity = None
        if cls in ("wealth", "bond"):
            maturity = as_of + dt.timedelta(days=rng.randrange(-20, 400))
        status = "on_sale" if rng.random() < 0.8 else "closed"
        yield (product_code(i), f"Product {i}", cls, f"R{1 + i % 5}", _iso(launch),
               _iso(maturity), status, 100_000)


def navs(rng: random.Random, as_of: dt.date):
    for i in range(PRODUCTS):
        if CLASSES[i % len(CLASSES)] != "fund":
            continue
        nav = 1_000_000
        for k in range(NAV_DAYS, -1, -1):
            nav = max(1, int(nav * rng.uniform(0.985, 1.015)))
            yield (product_code(i), _iso(as_of - dt.timedelta(days=k)), nav)


def rms(n_rms: int):
    grades = ("senior", "l1", "l2", "l3", "l4", "trainee")
    for i in range(n_rms):
        yield (rm_id(i), f"RM {i}", branch_of_rm(i), grades[i % len(grades)], 1, 1, None)


def clients(rng: random.Random, n: int, n_rms: int, as_of: dt.date):
    """(client row, tier or None, rm index or None) per client, in id order."""
    tiers = [t for t, w in TIER_MIX for _ in range(w)]
    for i in range(n):
        corporate = i % 100 == 99
        rm = rng.randrange(n_rms)
        birth = as_of - dt.timedelta(days=rng.randrange(25 * 365, 80 * 365))
        wedding = birth + dt.timedelta(days=rng.randrange(22 * 365, 35 * 365)) if rng.random() < 0.6 else None
        assessed = as_of - dt.timedelta(days=rng.randrange(0, 500)) if rng.random() < 0.9 else None
        id_expiry = as_of + dt.timedelta(days=rng.randrange(-30, 3650))
        consent = rng.choices(("all", "service_only", "none"), (90, 8, 2))[0]
        row = (client_id(i), f"Client {i}", "corporate" if corporate else "retail",
               rng.choice("MF"), _iso(birth), _iso(wedding), f"138{i:08d}"[:11], _iso(id_expiry),
               branch_of_rm(rm), rng.choice(("C1", "C2", "C3", "C4", "C5")), _iso(assessed),
               rng.choice((None, "Doctor", "Engineer", "Owner")),
               rng.choice((None, "fund", "wealth, insurance", "理财")), consent)
        tier = None
        if not corporate and rng.random() < TIERED_SHARE:
            tier = rng.choice(tiers)
        yield row, tier, rm


def positions(rng: random.Random, i: int, tier: str | None, as_of: dt.date):
    """Three change points per client on average: two products, 1-2 points each."""
    base = FLOORS[tier] * 100 * rng.uniform(1.0, 1.8) if tier else rng.randrange(1_000_00, 150_000_00)
    picks = sorted(rng.sample(range(PRODUCTS), 2))
    for k, p in enumerate(picks):
        cls = CLASSES[p % len(CLASSES)]
        balance = int(base * (0.6 if k == 0 else 0.4))
        first = as_of - dt.timedelta(days=rng.randrange(60, 90))
        maturity = None
        if cls in ("wealth", "bond") and rng.random() < 0.3:
            maturity = as_of + dt.timedelta(days=rng.randrange(-10, 60))
        yield (client_id(i), product_code(p), _iso(first), balance, cls, _iso(maturity))
        if rng.random() < 0.5:
            later = as_of - dt.timedelta(days=rng.randrange(1, 40))
            # Now and then a large outflow.
            factor = 0.5 if rng.random() < 0.05 else rng.uniform(0.95, 1.05)
            yield (client_id(i), product_code(p), _iso(later), int(balance * factor), cls,
                   _iso(maturity))


def contacts(rng: random.Random, i: int, rm: int, as_of: dt.date):
    for k in range(rng.randrange(1, 4)):
        day = as_of - dt.timedelta(days=rng.randrange(1, 365))
        outcome = rng.choices(("reached", "no_answer", "declined", "callback"), (70, 15, 5, 10))[0]
        stage = rng.choice(("plan", "assess", "sale", "after_sale", None))
        nxt = day + dt.timedelta(days=rng.randrange(7, 60)) if rng.random() < 0.3 else None
        yield (f"F{i:08d}-{k}", client_id(i), rm_id(rm), _iso(day), "phone", 10, outcome, stage,
               "Talked about the portfolio", _iso(nxt))


def generate(db_path: Path, n: int, as_of: dt.date = DEFAULT_AS_OF, seed: int = DEFAULT_SEED) -> None:
    rng = random.Random(seed)
    n_rms = max(1, n // CLIENTS_PER_RM)
    db = open_db(db_path)
    conn = db.conn
    conn.execute("BEGIN")
    _batched(conn, "INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?)", products(rng, as_of))
    _batched(conn, "INSERT INTO navs VALUES (?, ?, ?)", navs(rng, as_of))
    _batched(conn, "INSERT INTO rms (rm_id, name, branch, grade, exam_passed, active, "
                   "daily_capacity) VALUES (?, ?, ?, ?, ?, ?, ?)", rms(n_rms))
    client_sql = ("INSERT INTO clients (client_id, name, segment, gender, birth_date, wedding_date, "
                  "phone, id_expiry, home_branch, risk_level, risk_assessed_on, occupation, "
                  "product_preferences, contact_consent) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    pos, tiers, assigns, fups, ratings = [], [], [], [], []
    since = _iso(as_of - dt.timedelta(days=200))

    def flush():
        conn.executemany("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)", pos)
        conn.executemany("INSERT INTO tiers VALUES (?, ?, ?, ?, ?, ?, ?)", tiers)
        conn.executemany("INSERT INTO assignments (client_id, rm_id, pinned, grade_gap, reason, "
                         "since) VALUES (?, ?, 0, 0, 'new', ?)", assigns)
        conn.executemany("INSERT INTO followups (followup_id, client_id, rm_id, date, channel, "
                         "minutes, outcome, stage, note, next_date) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fups)
        # Big clients on the list with the strategy a rating of 70 derives (plans read it).
        conn.executemany("INSERT INTO corporate_ratings (client_id, review_year, score, big, rank, "
                         "factors, strategy, commission) "
                         "VALUES (?, ?, 70, 1, ?, '{}', 'standard', 'B')", ratings)
        for rows in (pos, tiers, assigns, fups, ratings):
            rows.clear()

    batch = []
    for i, (row, tier, rm) in enumerate(clients(rng, n, n_rms, as_of)):
        batch.append(row)
        pos.extend(positions(rng, i, tier, as_of))
        if tier:
            status = "watch" if rng.random() < 0.03 else "ok"
            aum = FLOORS[tier] * 100
            tiers.append((row[0], tier, status, aum, aum, since, _iso(as_of)))
            if rng.random() >= UNASSIGNED_SHARE:
                assigns.append((row[0], rm_id(rm), since))
            fups.extend(contacts(rng, i, rm, as_of))
        elif row[2] == "corporate":
            ratings.append((row[0], as_of.year - 1, 1 if rng.random() < 0.3 else 0))
            assigns.append((row[0], rm_id(rm), since))
        if len(batch) >= BATCH:
            conn.executemany(client_sql, batch)
            batch.clear()
            flush()
    if batch:
        conn.executemany(client_sql, batch)
    flush()
    latest = _iso(as_of - dt.timedelta(days=1))
    conn.execute("INSERT INTO freshness VALUES ('positions', ?), ('transactions', ?) "
                 "ON CONFLICT (feed) DO UPDATE SET latest = excluded.latest", [latest, latest])
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("clients", type=int)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; give a new path")
    generate(args.db, args.clients, args.as_of, args.seed)


if __name__ == "__main__":
    main()
