"""Ownership and `vipcrm assign` against a bare SQL GROUP BY, timed in the same run.

    python benchmarks/bench_assign.py N [N …] [--runs 3] [--dir DIR]
    python benchmarks/bench_assign.py --scale small|full      (N = 10,000 | 1,000,000)

For each N: build one bank (generate_assign.py: N clients, N/200 RMs, N/5,000 branches, 10N
transactions, 40% tiered) and keep it as a template. Then, per run, on a fresh copy:

- baseline: `SELECT client_id, branch, COUNT(*) … WHERE date in the window GROUP BY client_id,
  branch`, every row fetched; once as SQLite plans it, once through the covering index
  ownership uses; the faster of the two is the baseline;
- ownership: `store.ownership.compute` (count, choose, compare with the stored ownership) on a
  database that has none yet and again once it is stored (the nightly case); and, for scale,
  compute plus writing every client's first ownership (rolled back);
- assign: the real `vipcrm assign` as a subprocess on the fresh copy (a full run: every client
  placed for the first time), then again with no data change (the rerun).

Targets (at N = 1,000,000): ownership ≤ 2× the baseline, the full run ≤ 60 s, the rerun
≤ 20 s. Medians of the runs; the table goes to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate_assign import DEFAULT_SEED, DEFAULT_TODAY, build, sizes  # noqa: E402
from report import BenchError, Timing, aligned, log, timed_command  # noqa: E402

from vipcrm.core.config import Config  # noqa: E402
from vipcrm.core.ownership import window  # noqa: E402
from vipcrm.store import ownership  # noqa: E402

SCALES = {"small": 10_000, "full": 1_000_000}
RATIO_TARGET = 2.0
RUN_TARGET = 60.0
RERUN_TARGET = 20.0
BIN = Path(sys.executable).parent
BASELINE = """
    SELECT client_id, branch, COUNT(*) FROM transactions {index}
    WHERE date >= ? AND date <= ? GROUP BY client_id, branch
"""


def timed_call(work: Callable[[], object]) -> Timing:
    start, cpu = time.perf_counter(), time.process_time()
    work()
    return Timing(time.perf_counter() - start, time.process_time() - cpu)


def vipcrm_assign(db: Path, today: dt.date) -> list[str]:
    command = [str(BIN / "vipcrm")] if (BIN / "vipcrm").exists() else [sys.executable, "-m",
                                                                        "vipcrm"]
    return [*command, "--db", str(db), "--today", today.isoformat(), "assign"]


def copy_db(template: Path, target: Path) -> Path:
    remove_db(target)
    shutil.copyfile(template, target)
    return target


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def template(root: Path, n: int, seed: int, today: dt.date) -> Path:
    """The generated bank for n clients, reused when a previous run left it complete."""
    path = root / f"assign-n{n}-seed{seed}-{today}.db"
    done = path.with_suffix(".done")
    if not done.exists():
        log(f"generating the bank for N={n:,} in {path}")
        build(path, n, seed, today, log=log)
        done.touch()
    return path


def baseline(db: Path, today: dt.date, index: str) -> Timing:
    start, end = window(today, Config()["ownership.window_days"])
    sql = BASELINE.format(index=index)
    conn = sqlite3.connect(db)
    try:
        return timed_call(lambda: conn.execute(sql, [start.isoformat(), end.isoformat()])
                          .fetchall())
    finally:
        conn.close()


def ownership_fresh(db: Path, today: dt.date) -> Timing:
    conn = sqlite3.connect(db)
    try:
        return timed_call(lambda: ownership.compute(conn, today,
                                                    Config()["ownership.window_days"]))
    finally:
        conn.close()


def ownership_written(db: Path, today: dt.date) -> tuple[Timing, int]:
    """compute + save on a database without ownership, rolled back so the copy stays fresh."""
    conn = sqlite3.connect(db, isolation_level=None)
    moved = 0
    try:
        def work():
            nonlocal moved
            conn.execute("BEGIN IMMEDIATE")
            found = ownership.compute(conn, today, Config()["ownership.window_days"])
            ownership.save(conn, found, today)
            moved = len(found.moves)
        timing = timed_call(work)
        conn.execute("ROLLBACK")
        return timing, moved
    finally:
        conn.close()


def ownership_settled(db: Path, today: dt.date) -> Timing:
    conn = sqlite3.connect(db)
    try:
        def work():
            found = ownership.compute(conn, today, Config()["ownership.window_days"])
            if found.changes:
                raise BenchError(f"settled ownership still has {len(found.changes)} changes")
        return timed_call(work)
    finally:
        conn.close()


def one_run(path: Path, work: Path, today: dt.date) -> dict[str, Timing]:
    db = copy_db(path, work / "run.db")
    timings: dict[str, Timing] = {}
    timings["baseline planned"] = baseline(db, today, "")
    timings["baseline covering"] = baseline(
        db, today, "INDEXED BY transactions_client_branch_date")
    timings["ownership fresh"] = ownership_fresh(db, today)
    timings["ownership + writes"], moved = ownership_written(db, today)
    timings["assign full"], text = timed_command(vipcrm_assign(db, today))
    log(f"  full run: {last_line(text)} ({moved:,} owned away from home)")
    timings["ownership settled"] = ownership_settled(db, today)
    timings["assign rerun"], text = timed_command(vipcrm_assign(db, today))
    if "new 0, moved 0, unassigned 0, grade gap changes 0, released 0" not in text:
        raise BenchError(f"the rerun changed something: {last_line(text)}")
    log(f"  rerun: {last_line(text)}")
    remove_db(db)
    return timings


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith("assign:")]
    return lines[-1] if lines else text.strip()[-300:]


def median(results: list[dict[str, Timing]], case: str, field: str = "seconds") -> float:
    return statistics.median(getattr(r[case], field) for r in results)


def bench(n: int, runs: int, root: Path, seed: int, today: dt.date) -> list[tuple]:
    path = template(root, n, seed, today)
    conn = sqlite3.connect(path)
    txns = conn.execute("SELECT COUNT(*) FROM transactions").fetchone()[0]
    conn.close()
    n_rms, n_branches = sizes(n)
    log(f"N={n:,}: {n_rms:,} RMs, {n_branches:,} branches, {txns:,} transactions, "
        f"{path.stat().st_size / 2**20:.0f} MB")
    results = []
    for run in range(runs):
        results.append(one_run(path, root, today))
        log(f"N={n:,} run {run + 1}/{runs}: " + ", ".join(
            f"{case} {t.seconds:.2f}s" for case, t in results[-1].items()))
    bare_case = min(("baseline planned", "baseline covering"), key=lambda c: median(results, c))
    bare, bare_cpu = median(results, bare_case), median(results, bare_case, "cpu")
    rows = [(f"{case.removeprefix('baseline ')} GROUP BY" if case.startswith("baseline")
             else case, n, median(results, case), median(results, case) / bare,
             median(results, case, "cpu") / bare_cpu, "", None, "")
            for case in ("baseline planned", "baseline covering")]
    for case, target in (("ownership fresh", RATIO_TARGET), ("ownership settled", RATIO_TARGET),
                         ("ownership + writes", None)):
        seconds = median(results, case)
        ok = "" if target is None else "yes" if seconds / bare <= target else "NO"
        rows.append((case, n, seconds, seconds / bare, median(results, case, "cpu") / bare_cpu,
                     f"≤{target:g}× baseline" if target else "(scale)", None, ok))
    for case, target in (("assign full", RUN_TARGET), ("assign rerun", RERUN_TARGET)):
        seconds = median(results, case)
        peak = max(r[case].peak_mb for r in results)
        rows.append((case, n, seconds, seconds / bare, median(results, case, "cpu") / bare_cpu,
                     f"≤{target:g} s", peak, "yes" if seconds <= target else "NO"))
    return rows


def table(rows: list[tuple], runs: int) -> str:
    header = ("case", "N", "seconds", "× baseline", "cpu ×", "target", "peak MB", "ok")
    cells = [header] + [(case, f"{n:,}", f"{seconds:.2f}", f"{ratio:.2f}×", f"{cpu:.2f}×",
                         target, f"{peak:.0f}" if peak is not None else "", ok)
                        for case, n, seconds, ratio, cpu, target, peak, ok in rows]
    lines = [f"assign: medians of {runs} runs, load average {os.getloadavg()[0]:.1f} on "
             f"{os.cpu_count()} cores; baseline: the faster bare GROUP BY over the window",
             "ownership: in-process count, choose and compare (fresh: nothing stored yet; "
             "settled: stored; + writes: storing every client's first); assign: the whole "
             "`vipcrm assign` subprocess, ownership included; peak: its max RSS"]
    lines += aligned(cells)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, metavar="N", help="numbers of clients")
    parser.add_argument("--scale", choices=sorted(SCALES), help="small: 10,000; full: 1,000,000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where the banks are kept (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    args = parser.parse_args()
    ns = args.sizes or [SCALES[args.scale or "small"]]
    root = args.dir or Path(tempfile.mkdtemp(prefix="vipcrm-bench-assign-"))
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in ns:
            rows += bench(n, args.runs, root, args.seed, args.today)
    except BenchError as exc:
        log(str(exc))
        return 1
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(table(rows, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
