"""Every report over the demo bank as a whole command, against `vipcrm --version`.

    python benchmarks/bench_reports.py [--clients N] [--runs 5] [--dir DIR]
    python benchmarks/bench_reports.py --scale small|full      (N = 600 | 5,000 demo clients)

Builds the demo bank (`vipcrm demo --clients N`) dated 2026-03-20, which replays two months of
nightly tier runs, the assignment and the corporate ratings, then times
each `vipcrm report …  --format json` and `report dashboard` as whole subprocesses, medians of
the runs, beside `vipcrm --version` (the start-up every command pays). Target (issue 7): every
report of the 600-client demo answers in under 2 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import BenchError, aligned, log, median_of  # noqa: E402

SCALES = {"small": 600, "full": 5_000}
TODAY = "2026-03-20"
REPORTS = (
    ("tiers",), ("tiers", "--per-branch"), ("migration", "--from", "2026-02-01"),
    ("coverage",), ("coverage", "--by", "rm"), ("rm",), ("timeshare",), ("pipeline",),
    ("kpi",), ("review",), ("completeness",), ("completeness", "--by", "rm"),
    ("segments", "--by", "tier,age_band,engagement"), ("corporates",), ("compliance",),
    ("maturities",), ("attrition",),
)
TARGET_S = 2.0
VIPCRM = str(Path(sys.executable).parent / "vipcrm")


def demo_bank(root: Path, clients: int) -> Path:
    path = root / f"demo-{clients}.db"
    if not path.exists():
        base = [VIPCRM, "--db", str(path), "--today", TODAY, "--quiet"]
        log(f"building the demo bank of {clients:,} clients into {path} …")
        subprocess.run([*base, "demo", "--clients", str(clients)], check=True)
    return path


def bench(clients: int, runs: int, root: Path) -> list[tuple]:
    db = demo_bank(root, clients)
    base = [VIPCRM, "--db", str(db), "--today", TODAY, "--quiet", "report"]
    version = median_of([VIPCRM, "--version"], runs, "version")
    rows = [("vipcrm --version", version, "", "")]
    cases = [(" ".join(args), [*base, *args, "--format", "json"]) for args in REPORTS]
    cases.append(("dashboard", [*base, "dashboard", "-o", str(root / "dashboard.html")]))
    for label, args in cases:
        timing = median_of(args, runs, label)
        rows.append((f"report {label}", timing, f"{timing.seconds / version.seconds:.1f}× version",
                     "yes" if timing.seconds < TARGET_S else "NO"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, help="demo clients (50 to 100,000)")
    parser.add_argument("--scale", choices=sorted(SCALES), help="small: 600; full: 5,000")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--dir", type=Path, help="keep the demo bank here and reuse it")
    args = parser.parse_args()
    clients = args.clients or SCALES[args.scale or "small"]
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    root = args.dir or Path(tempfile.mkdtemp(prefix="vipcrm-bench-reports-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        rows = bench(clients, args.runs, root)
    except (BenchError, subprocess.CalledProcessError) as exc:
        log(f"bench_reports: {exc}")
        return 1
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    cells = [("case", "wall s", "cpu s", "ratio", f"< {TARGET_S:.0f} s")]
    cells += [(case, f"{t.seconds:.2f}", f"{t.cpu:.2f}", ratio, ok) for case, t, ratio, ok in rows]
    print(f"reports: the demo bank of {clients:,} clients on {TODAY}; medians of {args.runs} "
          "runs of whole commands")
    print("\n".join(aligned(cells, left=(0, 3))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
