"""`vipcrm plan` at bank scale: the nightly whole-bank day and one RM's morning plan.

    python benchmarks/bench_plan.py N [--runs 5] [--dir DIR]
    python benchmarks/bench_plan.py --scale small|full      (N = 20,000 | 1,000,000)

Generates (plan_data.py) a bank of N clients, N/200 RMs and 3N position rows, and a reference
bank of 10,000 clients, both dated 2026-06-30 (a day whose tasks stay within the years the
installed calendar data covers), with the attrition scores the nightly would store. Then times
whole subprocesses, medians of the runs:

- `vipcrm plan DAY --format csv` over the whole bank (the nightly `--outbox` workload);
  target ≤ 60 s at N = 1,000,000;
- `vipcrm plan DAY --rm R` for one RM (the same RM id at both sizes); target ≤ 1.2× the same
  command on the reference bank and ≤ 1.5× `vipcrm --version`;
- the same RM command on 2026-11-30, whose due dates reach into a year the calendar data does
  not cover, for the one-off cost of the computed calendar (no target);
- peak memory (the child's max RSS) of each, which must stay flat as N grows.

The table goes to stdout, progress to stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_data import DEFAULT_SEED, rm_id  # noqa: E402
from report import aligned, log, median_of, sized_main  # noqa: E402

SCALES = {"small": 20_000, "full": 1_000_000}
REFERENCE = 10_000
AS_OF = dt.date(2026, 6, 30)
LATE_DAY = dt.date(2026, 11, 30)
RM = rm_id(7)
BANK_TARGET_S = 60.0
RM_TO_REFERENCE = 1.2
RM_TO_VERSION = 1.5
VIPCRM = str(Path(sys.executable).parent / "vipcrm")
GENERATOR = Path(__file__).resolve().parent / "plan_data.py"


def bank(root: Path, n: int) -> Path:
    path = root / f"plan-{n}.db"
    if not path.exists():
        log(f"generating {n:,} clients into {path} …")
        start = time.perf_counter()
        # In a child process: the peak memory measured below is the children's own, and a
        # large parent would be counted in it.
        subprocess.run([sys.executable, str(GENERATOR), str(path), str(n), "--as-of",
                        AS_OF.isoformat(), "--seed", str(DEFAULT_SEED)], check=True)
        # The nightly stores the attrition scores that plans read (retention tasks).
        subprocess.run([VIPCRM, "--db", str(path), "--today", AS_OF.isoformat(), "--quiet",
                        "attrition", "--recompute"], check=True, stdout=subprocess.DEVNULL)
        log(f"generated in {time.perf_counter() - start:.0f}s")
    return path


def plan(db: Path, day: dt.date, *extra: str) -> list[str]:
    return [VIPCRM, "--db", str(db), "--today", day.isoformat(), "--quiet", "plan",
            day.isoformat(), *extra]


def bench(n: int, runs: int, root: Path) -> list[tuple]:
    big, ref = bank(root, n), bank(root, REFERENCE)
    version = median_of([VIPCRM, "--version"], runs, "version")
    rm_big = median_of(plan(big, AS_OF, "--rm", RM, "--format", "json"), runs, f"rm N={n:,}")
    rm_ref = median_of(plan(ref, AS_OF, "--rm", RM, "--format", "json"), runs,
                       f"rm N={REFERENCE:,}")
    rm_late = median_of(plan(big, LATE_DAY, "--rm", RM, "--format", "json"), runs,
                        f"rm N={n:,} on {LATE_DAY}")
    bank_runs = max(1, min(runs, 3))
    whole = median_of(plan(big, AS_OF, "--format", "csv"), bank_runs, f"bank N={n:,}")
    whole_ref = median_of(plan(ref, AS_OF, "--format", "csv"), bank_runs,
                          f"bank N={REFERENCE:,}")
    ok = lambda good: "yes" if good else "NO"  # noqa: E731
    return [
        ("vipcrm --version", "", version, "", ""),
        (f"plan --rm (N={REFERENCE:,})", "", rm_ref, "", ""),
        (f"plan --rm (N={n:,})", f"{rm_big.seconds / rm_ref.seconds:.2f}× ref, "
         f"{rm_big.seconds / version.seconds:.2f}× version",
         rm_big, f"≤{RM_TO_REFERENCE}× ref, ≤{RM_TO_VERSION}× version",
         ok(rm_big.seconds <= RM_TO_REFERENCE * rm_ref.seconds
            and rm_big.seconds <= RM_TO_VERSION * version.seconds)),
        (f"plan --rm on {LATE_DAY} (computed 2027 calendar)",
         f"{rm_late.seconds / rm_big.seconds:.2f}× the same on {AS_OF}", rm_late, "", ""),
        (f"plan, whole bank (N={REFERENCE:,})", "", whole_ref, "", ""),
        (f"plan, whole bank (N={n:,})",
         f"peak {whole.peak_mb / whole_ref.peak_mb:.2f}× ref", whole,
         f"≤{BANK_TARGET_S:.0f}s, flat memory",
         ok(whole.seconds <= BANK_TARGET_S and whole.peak_mb <= 1.5 * whole_ref.peak_mb)),
    ]


def table(rows: list[tuple], runs: int, n: int) -> str:
    header = ("case", "wall s", "cpu s", "peak MB", "ratio", "target", "ok")
    cells = [header] + [(case, f"{t.seconds:.2f}", f"{t.cpu:.2f}", f"{t.peak_mb:.0f}", ratio,
                         target, good) for case, ratio, t, target, good in rows]
    load = os.getloadavg()[0]
    lines = [f"plan: N={n:,} clients, {n // 200:,} RMs; medians of {runs} runs of whole commands "
             f"(whole bank: up to 3), load average {load:.1f} on {os.cpu_count()} cores"]
    lines += aligned(cells, left=(0, 4, 5))
    return "\n".join(lines)


def main() -> int:
    return sized_main("bench_plan", __doc__, SCALES, 5, bench, table)


if __name__ == "__main__":
    sys.exit(main())
