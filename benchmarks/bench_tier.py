"""Benchmark: `vipcrm tier --recompute` against a bare-SQL computation of the same basis.

    python benchmarks/bench_tier.py N [--basis daily_avg|point] [--snapshots 10] [--runs 3]
                                      [--dir DIR]
    python benchmarks/bench_tier.py --scale small|full      (N = 20,000 | 200,000)

Builds a database of N clients × 3 positions × SNAPSHOTS change points over a 30-day window
(benchmarks/tier_data.py), then, RUNS times each, on a fresh copy of it:

- first night: the real command, `vipcrm tier --recompute` as a subprocess (every client new);
- next night: the same command one day later on that copy (tiers in place: updates, watch,
  the grace check for clients below their floor);
- baseline: the bare SQL of the same basis in this process, on the same pragmas, all rows
  fetched: for `daily_avg` each position's balance intervals intersected with the window,
  summed per client and divided by the days; for `point` the latest row of each position
  summed per client (one GROUP BY over the positions).

Prints the medians and the ratios to the baseline. Targets (issue): daily_avg with
N = 200,000 (6M rows) ≤ 30 s and ≤ 3× the baseline; point with N = 1,000,000 ≤ 2× the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tier_data  # noqa: E402

AS_OF = dt.date(2026, 11, 30)
SCALES = {"small": 20_000, "full": 200_000}  # for benchmarks/run
WINDOW = 30
CLASSES = "('deposit', 'wealth', 'fund', 'insurance', 'bond', 'metal', 'custody')"

BASELINE = {
    "daily_avg": f"""
        SELECT client_id, SUM(v * (julianday(nxt) - julianday(MAX(as_of, :w0)))) / :days
        FROM (
            SELECT client_id, as_of, MAX(balance, 0) AS v,
                   LEAD(as_of, 1, :after) OVER (PARTITION BY client_id, product_code
                                                ORDER BY as_of) AS nxt
            FROM positions WHERE +as_of <= :d AND asset_class IN {CLASSES}
        )
        WHERE nxt > :w0
        GROUP BY client_id
    """,
    "point": f"""
        SELECT client_id, SUM(MAX(balance, 0)) FROM (
            SELECT client_id, MAX(as_of), balance, asset_class FROM positions
            WHERE +as_of <= :d GROUP BY client_id, product_code
        )
        WHERE asset_class IN {CLASSES}
        GROUP BY client_id
    """,
}


def vipcrm(db: Path, today: dt.date, *args: str) -> float:
    command = [sys.executable, "-m", "vipcrm", "--db", str(db), "--today", today.isoformat(),
               "--quiet", *args]
    env = dict(os.environ, NO_COLOR="1")
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return elapsed


def baseline(db: Path, basis: str) -> tuple[float, int]:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA temp_store = MEMORY")  # as the command runs
    params = {"d": AS_OF.isoformat(), "after": (AS_OF + dt.timedelta(days=1)).isoformat(),
              "w0": (AS_OF - dt.timedelta(days=WINDOW - 1)).isoformat(), "days": WINDOW}
    start = time.perf_counter()
    rows = conn.execute(BASELINE[basis], params).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, len(rows)


def fresh_copy(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clients", type=int, nargs="?")
    parser.add_argument("--scale", choices=sorted(SCALES),
                        help="small: 20,000 clients; full: 200,000 (the daily_avg target)")
    parser.add_argument("--basis", choices=("daily_avg", "point"), default="daily_avg")
    parser.add_argument("--snapshots", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="Where the databases go (default: a temp dir).")
    args = parser.parse_args()
    args.clients = args.clients or SCALES.get(args.scale)
    if not args.clients:
        parser.error("give the number of clients or --scale small|full")

    folder = args.dir or Path(tempfile.mkdtemp(prefix="vipcrm-bench-tier-"))
    folder.mkdir(parents=True, exist_ok=True)
    pristine = folder / f"tier-{args.clients}-{args.snapshots}.db"
    if not pristine.exists():
        start = time.perf_counter()
        rows = tier_data.generate(pristine, args.clients, args.snapshots, WINDOW, AS_OF)
        print(f"generated {args.clients:,} clients, {rows:,} position rows "
              f"in {time.perf_counter() - start:.1f} s ({pristine})")
    work = folder / "work.db"
    fresh_copy(pristine, work)
    vipcrm(work, AS_OF, "config", "set", "tiering.basis", args.basis)
    configured = folder / f"configured-{args.basis}.db"
    shutil.copyfile(work, configured)

    first, nxt, base, start = [], [], [], []
    for run in range(args.runs):
        start.append(vipcrm(work, AS_OF, "--version"))
        fresh_copy(configured, work)
        first.append(vipcrm(work, AS_OF, "tier", "--recompute"))
        tomorrow = AS_OF + dt.timedelta(days=1)
        nxt.append(vipcrm(work, tomorrow, "tier", "--recompute"))
        seconds, clients = baseline(configured, args.basis)
        base.append(seconds)
        print(f"run {run + 1}: first night {first[-1]:.2f} s, next night {nxt[-1]:.2f} s, "
              f"baseline {seconds:.2f} s ({clients:,} clients)")
    m_first, m_next, m_base, m_start = (statistics.median(x) for x in (first, nxt, base, start))
    print(f"\nbasis {args.basis}, {args.clients:,} clients × 3 positions × {args.snapshots} "
          f"snapshots, median of {args.runs}:")
    print(f"  tier --recompute, first night  {m_first:8.2f} s  {m_first / m_base:5.2f}× baseline")
    print(f"  tier --recompute, next night   {m_next:8.2f} s  {m_next / m_base:5.2f}× baseline")
    print(f"  bare SQL baseline              {m_base:8.2f} s")
    print(f"  (of the command's time, {m_start:.2f} s is starting Python: `vipcrm --version`)")
    work.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
