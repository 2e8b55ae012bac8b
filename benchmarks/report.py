"""What every benchmark prints: progress on stderr and its final table aligned in columns."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Collection, NamedTuple, Sequence


class BenchError(RuntimeError):
    """A benchmark could not run (a command failed, a count did not match)."""


class Timing(NamedTuple):
    seconds: float  # wall
    cpu: float  # user + system: steadier than wall time when others load the machine
    peak_mb: float | None = None


def timed_command(args: list[str]) -> tuple[Timing, str]:
    """Wall time, CPU time and peak RSS of one subprocess, and its stderr; a failure raises
    with the tail of its stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise BenchError(f"{' '.join(args)} exited with {code}:\n{text[-2000:]}")
    # ru_maxrss is in KiB on Linux.
    return Timing(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024), text


def timed(args: list[str]) -> Timing:
    return timed_command(args)[0]


def median_of(args: list[str], runs: int, label: str) -> Timing:
    """Medians of wall and CPU time over `runs` runs of one command, and the largest peak."""
    results = []
    for run in range(runs):
        results.append(timed(args))
        log(f"{label} run {run + 1}/{runs}: {results[-1].seconds:.2f}s "
            f"cpu {results[-1].cpu:.2f}s {results[-1].peak_mb:.0f}MB")
    return Timing(statistics.median(r.seconds for r in results),
                  statistics.median(r.cpu for r in results),
                  max(r.peak_mb for r in results))


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def aligned(cells: Sequence[Sequence[str]], left: Collection[int] = (0,)) -> list[str]:
    """The rows (header first) as lines, each column padded to its widest cell."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(cell.ljust(w) if i in left else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
            for row in cells]


def sized_main(name: str, doc: str, scales: dict[str, int], runs: int,
               bench: Callable[[int, int, Path], list], table: Callable[[list, int, int], str]
               ) -> int:
    """The command line of a benchmark over N clients: `N` or `--scale`, `--runs` and `--dir`
    (generated banks kept there and reused; without it, a temporary folder removed at the end).
    `bench(n, runs, root)` gives the rows that `table(rows, runs, n)` prints."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("size", nargs="?", type=int, metavar="N", help="number of clients")
    parser.add_argument("--scale", choices=sorted(scales),
                        help="; ".join(f"{k}: {v:,}" for k, v in scales.items()))
    parser.add_argument("--runs", type=int, default=runs, help=f"timed runs (default {runs})")
    parser.add_argument("--dir", type=Path, help="keep the generated banks here and reuse them")
    args = parser.parse_args()
    n = args.size or (scales[args.scale] if args.scale else None)
    if not n or args.runs < 1:
        parser.error("give N (clients) or --scale small|full, and --runs of at least 1")
    root = args.dir or Path(tempfile.mkdtemp(prefix=f"vipcrm-{name}-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        rows = bench(n, args.runs, root)
    except BenchError as exc:
        log(f"{name}: {exc}")
        return 1
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(table(rows, args.runs, n))
    return 0
