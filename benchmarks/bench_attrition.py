"""The nightly's attrition step at bank scale: `vipcrm attrition --recompute`.

    python benchmarks/bench_attrition.py N [--runs 3] [--dir DIR]
    python benchmarks/bench_attrition.py --scale small|full      (N = 100,000 | 1,000,000)

Generates (plan_data.py) a bank of N clients dated 2026-11-30 (about 40% tiered, 3N position
rows with maturities, contacts over the last year), adds transfers to other banks for 2% of the
clients, then times whole subprocesses on a fresh copy each run, medians of the runs:

- the first night (2026-11-30): every client scored, every non-zero score a new row;
- the next night (2026-12-01) on the same database: only the changes are written.

Target at N = 1,000,000: the first night ≤ 60 s, so the nightly stays within its 15 minutes.
The table goes to stdout, progress to stderr.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_data import DEFAULT_SEED, client_id  # noqa: E402
from report import Timing, aligned, log, sized_main, timed_command  # noqa: E402

SCALES = {"small": 100_000, "full": 1_000_000}
AS_OF = dt.date(2026, 11, 30)
NEXT = AS_OF + dt.timedelta(days=1)
TARGET_N, TARGET_S = 1_000_000, 60.0
TRANSFER_SHARE = 0.02
VIPCRM = str(Path(sys.executable).parent / "vipcrm")
GENERATOR = Path(__file__).resolve().parent / "plan_data.py"


def bank(root: Path, n: int) -> Path:
    path = root / f"attrition-{n}.db"
    if path.exists():
        return path
    log(f"generating {n:,} clients into {path} …")
    subprocess.run([sys.executable, str(GENERATOR), str(path), str(n), "--as-of",
                    AS_OF.isoformat(), "--seed", str(DEFAULT_SEED)], check=True)
    rng = random.Random(DEFAULT_SEED)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO transactions (txn_id, client_id, date, branch, amount, type) "
            "VALUES (?, ?, ?, 'B0000', ?, ?)",
            ((f"X{i:08d}", client_id(rng.randrange(n)),
              (AS_OF - dt.timedelta(days=rng.randrange(120))).isoformat(),
              -rng.randrange(10_000, 5_000_000) * 100,
              "transfer_out" if rng.random() < 0.8 else "transfer_in")
             for i in range(round(n * TRANSFER_SHARE))))
    conn.close()
    return path


def attrition(db: Path, day: dt.date) -> list[str]:
    return [VIPCRM, "--db", str(db), "--today", day.isoformat(), "attrition", "--recompute"]


def bench(n: int, runs: int, root: Path) -> list[tuple]:
    source = bank(root, n)
    first, second, said = [], [], ""
    for run in range(runs):
        work = root / "work.db"
        shutil.copyfile(source, work)
        timing, said = timed_command(attrition(work, AS_OF))
        first.append(timing)
        timing, _ = timed_command(attrition(work, NEXT))
        second.append(timing)
        log(f"run {run + 1}/{runs}: first {first[-1].seconds:.1f}s (cpu {first[-1].cpu:.1f}s), "
            f"next {second[-1].seconds:.1f}s (cpu {second[-1].cpu:.1f}s); {said.strip()}")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)

    def median(items: list[Timing]) -> Timing:
        return Timing(statistics.median(t.seconds for t in items),
                      statistics.median(t.cpu for t in items), max(t.peak_mb for t in items))

    one, two = median(first), median(second)
    ok = ("yes" if one.seconds <= TARGET_S else "NO") if n >= TARGET_N else "(scale)"
    return [(f"first night ({AS_OF})", one, f"≤{TARGET_S:.0f}s at {TARGET_N:,}", ok),
            (f"next night ({NEXT})", two, "", "")]


def table(rows: list[tuple], runs: int, n: int) -> str:
    import os

    header = ("case", "wall s", "cpu s", "peak MB", "target", "ok")
    cells = [header] + [(case, f"{t.seconds:.1f}", f"{t.cpu:.1f}", f"{t.peak_mb:.0f}", target,
                         good) for case, t, target, good in rows]
    lines = [f"attrition: N={n:,} clients; medians of {runs} run(s) of the whole command, load "
             f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"]
    lines += aligned(cells, left=(0, 4))
    return "\n".join(lines)


def main() -> int:
    return sized_main("bench_attrition", __doc__, SCALES, 3, bench, table)


if __name__ == "__main__":
    sys.exit(main())
