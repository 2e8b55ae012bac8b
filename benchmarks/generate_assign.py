"""A deterministic bank for the assignment benchmark, written straight into a vipcrm database.

    python benchmarks/generate_assign.py N DB [--seed 7] [--today 2026-11-30]

N clients, N/200 RMs in N/5,000 branches (25 RMs a branch) and 10 transactions per client on
average over the 500 days before today, three in four at the client's home branch and the rest
at one other branch, so that about a fifth of the clients are owned away from home. About 40% of
the retail clients have a `tiers` row (most gold, a few black gold), as `vipcrm tier --recompute`
would leave them; 1% are corporate, 1% closed. RMs: every grade, 5% without the exam, 2% gone.
At N = 1,000,000: 5,000 RMs, 200 branches, about 10,000,000 transactions.

Rows stream into the database in batches, so memory stays flat whatever N is; the same seed
gives the same bank.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from vipcrm.core.config import GRADES, TIERS, Config  # noqa: E402
from vipcrm.store.db import open_db  # noqa: E402

DEFAULT_SEED = 7
DEFAULT_TODAY = dt.date(2026, 11, 30)
CLIENTS_PER_RM = 200
RMS_PER_BRANCH = 25
TRANSACTIONS_PER_CLIENT = 10
HISTORY_DAYS = 500
GRADE_WEIGHTS = (5, 10, 15, 20, 25, 25)  # senior … trainee
TIER_WEIGHTS = (2, 3, 5, 15, 25, 50)  # black gold … gold
TIERED_SHARE = 0.4
BATCH = 50_000


def client_id(i: int) -> str:
    return f"C{i:08d}"


def sizes(n: int) -> tuple[int, int]:
    """(RMs, branches) for n clients."""
    rms = max(1, n // CLIENTS_PER_RM)
    return rms, max(1, rms // RMS_PER_BRANCH)


def _batched(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


def build(path: Path, n: int, seed: int = DEFAULT_SEED, today: dt.date = DEFAULT_TODAY,
          log=lambda text: None) -> dict[str, int]:
    """Write the bank into a new database at `path`; returns the row counts."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_db(path)
    conn = db.conn
    conn.execute("PRAGMA cache_size = -200000")
    rnd = random.Random(seed)
    n_rms, n_branches = sizes(n)
    branches = [f"B{i:03d}" for i in range(n_branches)]
    config = Config()
    counts = {"clients": n, "rms": n_rms, "transactions": 0, "tiers": 0}

    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO rms (rm_id, name, branch, grade, exam_passed, active) VALUES (?,?,?,?,?,?)",
        ((f"R{i:05d}", f"RM {i}", branches[i % n_branches],
          rnd.choices(GRADES, GRADE_WEIGHTS)[0], int(rnd.random() > 0.05),
          int(rnd.random() > 0.02)) for i in range(n_rms)))

    homes = [rnd.randrange(n_branches) for _ in range(n)]
    closed_on = (today - dt.timedelta(days=30)).isoformat()
    segments = []
    for batch in _batched(range(n)):
        rows = []
        for i in batch:
            roll = rnd.random()
            segment = "corporate" if roll < 0.01 else "retail"
            segments.append(segment)
            rows.append((client_id(i), f"Client {i}", branches[homes[i]], segment,
                         closed_on if 0.01 <= roll < 0.02 else None))
        conn.executemany("INSERT INTO clients (client_id, name, home_branch, segment, closed_on) "
                         "VALUES (?,?,?,?,?)", rows)
    log(f"{n:,} clients, {n_rms:,} RMs in {n_branches:,} branches")

    def tier_rows() -> Iterator[tuple]:
        for i in range(n):
            if segments[i] == "retail" and rnd.random() < TIERED_SHARE:
                tier = rnd.choices(TIERS, TIER_WEIGHTS)[0]
                floor = config.floor_fen(tier)
                aum = floor + rnd.randrange(floor // 2 + 1)
                yield client_id(i), tier, aum, aum, today.isoformat(), today.isoformat()

    for batch in _batched(tier_rows()):
        conn.executemany("INSERT INTO tiers (client_id, tier, status, basis_aum, aum, since, "
                         "as_of) VALUES (?, ?, 'ok', ?, ?, ?, ?)", batch)
        counts["tiers"] += len(batch)
    log(f"{counts['tiers']:,} tiers")

    def transaction_rows() -> Iterator[tuple]:
        serial = 0
        for i in range(n):
            home = branches[homes[i]]
            away = branches[rnd.randrange(n_branches)]
            # a fifth of the clients do most of their business away from home
            away_share = 0.75 if rnd.random() < 0.2 else 0.1
            for _ in range(rnd.randrange(2 * TRANSACTIONS_PER_CLIENT + 1)):
                day = today - dt.timedelta(days=rnd.randrange(HISTORY_DAYS))
                serial += 1
                yield (f"T{serial:09d}", client_id(i), day.isoformat(),
                       away if rnd.random() < away_share else home, rnd.randrange(1, 10**7))

    for batch in _batched(transaction_rows()):
        conn.executemany("INSERT INTO transactions (txn_id, client_id, date, branch, amount) "
                         "VALUES (?,?,?,?,?)", batch)
        counts["transactions"] += len(batch)
        if counts["transactions"] % (20 * BATCH) < BATCH:
            log(f"  {counts['transactions']:,} transactions")
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    log(f"{counts['transactions']:,} transactions")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of clients")
    parser.add_argument("db", type=Path, help="the database to create (replaced if present)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    args = parser.parse_args()
    counts = build(args.db, args.n, args.seed, args.today,
                   log=lambda text: print(text, file=sys.stderr, flush=True))
    print(", ".join(f"{kind} {count:,}" for kind, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
