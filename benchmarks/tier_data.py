"""A synthetic bank for the tiering benchmark, written straight into a vipcrm database.

    python benchmarks/tier_data.py DB N [--snapshots 10] [--window 30] [--as-of 2026-11-30]

N retail clients, each with 3 positions (deposit, wealth, fund), each position with SNAPSHOTS
change points spread evenly over the WINDOW days ending on AS_OF: N × 3 × SNAPSHOTS rows in
`positions`. Every snapshot differs from the one before (a random walk), so every row is a
change point the import would have kept. Client AUM is log-normal around 400k yuan, so every
tier is populated. Rows go in through `executemany` in primary-key order, in one transaction:
generating 6M rows takes about a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vipcrm.store.db import open_db  # noqa: E402

PRODUCTS = (("BENCH-DEP", "deposit"), ("BENCH-WM", "wealth"), ("BENCH-FUND", "fund"))
BRANCHES = tuple(f"{city}{n:02d}" for city in ("BJ", "SH", "GZ", "SZ") for n in range(1, 6))
BATCH = 50_000


def client_id(index: int) -> str:
    return f"T{index:09d}"


def snapshot_dates(as_of: dt.date, window: int, snapshots: int) -> list[str]:
    start = as_of - dt.timedelta(days=window - 1)
    step = max(1, window // snapshots)
    return [(start + dt.timedelta(days=k * step)).isoformat() for k in range(snapshots)]


def positions(rng: random.Random, clients: int, dates: list[str]):
    for index in range(1, clients + 1):
        cid = client_id(index)
        total = math.exp(rng.gauss(math.log(40_000_000), 1.1))  # fen
        shares = (0.5, 0.3, 0.2)
        for (code, asset_class), share in zip(PRODUCTS, shares):
            balance = int(total * share)
            for day in dates:
                # A walk of a few percent a snapshot; now and then a large outflow or inflow.
                balance = max(0, int(balance * rng.uniform(0.9, 1.1)) + rng.randrange(1, 100))
                yield cid, code, day, balance, asset_class


def generate(db_path: Path, clients: int, snapshots: int = 10, window: int = 30,
             as_of: dt.date = dt.date(2026, 11, 30), seed: int = 7) -> int:
    rng = random.Random(seed)
    db = open_db(db_path)
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO products (product_code, name, asset_class) VALUES (?, ?, ?)",
                     [(code, code, cls) for code, cls in PRODUCTS])
    conn.executemany(
        "INSERT INTO clients (client_id, name, home_branch) VALUES (?, ?, ?)",
        ((client_id(i), f"Client {i}", BRANCHES[i % len(BRANCHES)])
         for i in range(1, clients + 1)))
    insert = ("INSERT INTO positions (client_id, product_code, as_of, balance, asset_class) "
              "VALUES (?, ?, ?, ?, ?)")
    rows = 0
    batch = []
    for row in positions(rng, clients, snapshot_dates(as_of, window, snapshots)):
        batch.append(row)
        if len(batch) >= BATCH:
            conn.executemany(insert, batch)
            rows += len(batch)
            batch.clear()
    conn.executemany(insert, batch)
    rows += len(batch)
    conn.execute("INSERT INTO freshness (feed, latest) VALUES ('positions', ?)", [as_of.isoformat()])
    conn.execute("COMMIT")
    conn.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("clients", type=int)
    parser.add_argument("--snapshots", type=int, default=10)
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.db.exists():
        sys.exit(f"{args.db} exists; give a new file")
    rows = generate(args.db, args.clients, args.snapshots, args.window, args.as_of, args.seed)
    print(f"{args.clients} clients, {rows} position rows in {args.db}")


if __name__ == "__main__":
    main()
