"""`vipcrm import` of clients and positions against the bare baseline, timed in the same run.

    python benchmarks/bench_import.py N [N …] [--runs 3] [--dir DIR]
    python benchmarks/bench_import.py --scale small|full      (N = 50,000 | 1,000,000)

For each N: generate N clients and 3N positions once (generate.py), then for each run prepare
two fresh databases with `vipcrm import products` and time, as whole subprocesses,
`vipcrm import clients` then `vipcrm import positions` on one, and the bare baseline
(baseline_import.py: csv.reader → executemany, one transaction) of the same files on the other.
The ratio is of median wall times; the CPU-time ratio beside it is steadier on a machine
others are using, and counts vipcrm's parsing worker too (wait4 adds the children a process
has reaped). Peak memory is the largest RSS of the vipcrm process and its worker. Row counts are checked
after each load, so a run that rejected or lost rows fails instead of looking fast.

Targets (at N = 1,000,000): clients ≤ 1.5× the baseline, positions ≤ 2× (they also check
references and store change points), peak ≤ 300 MB and flat as N grows. `sqlite-utils insert
--csv` of the clients is timed once per N for scale. The table goes to stdout, progress to
stderr.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import DEFAULT_SEED, POSITIONS_PER_CLIENT, generate  # noqa: E402
from report import BenchError, Timing, aligned, log, timed  # noqa: E402

SCALES = {"small": 50_000, "full": 1_000_000}
TARGETS = {"clients": 1.5, "positions": 2.0}
PEAK_LIMIT_MB = 300
BASELINE = Path(__file__).resolve().parent / "baseline_import.py"
BIN = Path(sys.executable).parent


def vipcrm(db: Path, kind: str, file: Path) -> list[str]:
    command = [str(BIN / "vipcrm")] if (BIN / "vipcrm").exists() else [sys.executable, "-m", "vipcrm"]
    return [*command, "--db", str(db), "import", kind, str(file)]


def baseline(db: Path, table: str, file: Path) -> list[str]:
    return [sys.executable, str(BASELINE), str(db), table, str(file)]


def sqlite_utils_cli() -> str | None:
    local = BIN / "sqlite-utils"
    return str(local) if local.exists() else shutil.which("sqlite-utils")


def fresh_db(path: Path, files: dict[str, Path]) -> Path:
    """A new database with the schema and the product catalogue, as a bank would start."""
    remove_db(path)
    timed(vipcrm(path, "products", files["products"]))
    return path


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def expect_rows(db: Path, table: str, expected: int, who: str) -> None:
    conn = sqlite3.connect(db)
    try:
        found = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()
    if found != expected:
        raise BenchError(f"{who}: {table} holds {found:,} rows, expected {expected:,}")


def data_files(root: Path, n: int, seed: int) -> dict[str, Path]:
    """The generated files for n clients, reused when a previous run left them complete."""
    directory = root / f"n{n}-seed{seed}"
    files = {kind: directory / f"{kind}.csv" for kind in ("products", "clients", "positions")}
    if all(path.exists() for path in files.values()):
        return files
    log(f"generating {n:,} clients and {POSITIONS_PER_CLIENT * n:,} positions in {directory}")
    return generate(directory, n, seed)


def one_run(files: dict[str, Path], work: Path, n: int, run: int) -> dict[str, Timing]:
    timings: dict[str, Timing] = {}
    counts = {"clients": n, "positions": POSITIONS_PER_CLIENT * n}

    def load(who: str, command) -> None:
        db = fresh_db(work / f"{who}.db", files)
        for kind in ("clients", "positions"):
            timings[f"{who} {kind}"] = timed(command(db, kind, files[kind]))
            expect_rows(db, kind, counts[kind], who)
        remove_db(db)

    # Alternate who goes first, so a drift in machine load does not favour one side.
    sides = [("vipcrm", vipcrm), ("baseline", baseline)]
    for who, command in sides if run % 2 == 0 else reversed(sides):
        load(who, command)
    return timings


def sqlite_utils_clients(cli: str, files: dict[str, Path], work: Path, n: int) -> Timing:
    db = fresh_db(work / "sqlite-utils.db", files)
    timing = timed([cli, "insert", str(db), "clients", str(files["clients"]), "--csv"])
    expect_rows(db, "clients", n, "sqlite-utils")
    remove_db(db)
    return timing


def bench(n: int, runs: int, root: Path, seed: int) -> list[tuple]:
    files = data_files(root, n, seed)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.0f} MB" for p in files.values())
    log(f"N={n:,}: {sizes}")
    work = files["clients"].parent
    results: list[dict[str, Timing]] = []
    for run in range(runs):
        results.append(one_run(files, work, n, run))
        log(f"N={n:,} run {run + 1}/{runs}: " + ", ".join(
            f"{case} {t.seconds:.2f}s {t.peak_mb:.0f}MB" for case, t in results[-1].items()))
    rows = []
    for kind, target in TARGETS.items():
        ours, bare = (median(results, f"{who} {kind}", "seconds") for who in ("vipcrm", "baseline"))
        cpu = median(results, f"vipcrm {kind}", "cpu") / median(results, f"baseline {kind}", "cpu")
        peak = max(r[f"vipcrm {kind}"].peak_mb for r in results)
        ok = ours / bare <= target and peak <= PEAK_LIMIT_MB
        rows.append((kind, n, ours, bare, ours / bare, cpu, f"≤{target:g}×", peak,
                     "yes" if ok else "NO"))
    cli = sqlite_utils_cli()
    if cli:
        scale = sqlite_utils_clients(cli, files, work, n)
        bare = median(results, "baseline clients", "seconds")
        cpu = scale.cpu / median(results, "baseline clients", "cpu")
        log(f"N={n:,}: sqlite-utils insert --csv clients {scale.seconds:.2f}s")
        rows.append(("clients: sqlite-utils", n, scale.seconds, bare, scale.seconds / bare, cpu,
                     "(scale)", scale.peak_mb, ""))
    return rows


def median(results: list[dict[str, Timing]], case: str, field: str) -> float:
    return statistics.median(getattr(r[case], field) for r in results)


def table(rows: list[tuple], runs: int) -> str:
    header = ("case", "N", "vipcrm s", "baseline s", "ratio", "cpu ratio", "target", "peak MB",
              "ok")
    cells = [header] + [(case, f"{n:,}", f"{ours:.2f}", f"{bare:.2f}", f"{ratio:.2f}×",
                         f"{cpu:.2f}×", target, f"{peak:.0f}", ok)
                        for case, n, ours, bare, ratio, cpu, target, peak, ok in rows]
    load = os.getloadavg()[0]
    lines = [f"import: medians of {runs} runs of whole commands (sqlite-utils: 1 run), "
             f"load average {load:.1f} on {os.cpu_count()} cores",
             "ratio: wall time over the baseline's; cpu ratio: the same in user+system time; "
             f"peak: max RSS of the vipcrm process (limit {PEAK_LIMIT_MB} MB)"]
    lines += aligned(cells)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, metavar="N", help="numbers of clients")
    parser.add_argument("--scale", choices=sorted(SCALES), help="small: 50,000; full: 1,000,000")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per N (default 3)")
    parser.add_argument("--dir", type=Path, help="keep the generated files here and reuse them")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    sizes = args.sizes or ([SCALES[args.scale]] if args.scale else [])
    if not sizes or args.runs < 1:
        parser.error("give N (clients) or --scale small|full, and --runs of at least 1")
    root = args.dir or Path(tempfile.mkdtemp(prefix="vipcrm-bench-import-"))
    try:
        rows = [row for n in sizes for row in bench(n, args.runs, root, args.seed)]
    except BenchError as exc:
        log(f"bench_import: {exc}")
        return 1
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(table(rows, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
