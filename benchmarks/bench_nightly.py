"""`vipcrm nightly` at bank scale: the whole unattended chain, step by step, against bare baselines.

    python benchmarks/bench_nightly.py N [--dir DIR] [--seed S]
    python benchmarks/bench_nightly.py --scale small|full      (N = 50,000 | 1,000,000)

Writes a bank's inbox for N clients: generate.py's products, clients and 3N positions, plus
N/200 RMs, 5N transactions over the last year, N/2 follow-ups, a month of timesheets and 60 days
of NAVs, all dated AS_OF. Then runs, as one subprocess each:

- the first night: `vipcrm nightly --inbox --outbox --backup-dir` on a new database (every row
  new: the heaviest night, a bank's first);
- the next night, on the next working day: that day's positions for every client (a tenth of
  the balances moved), the day's transactions and a clients delta (1% changed).

Each step's wall time comes from the command's own summary lines; the whole command's wall
time, CPU time and peak RSS from wait4. Baselines on the same files, schema and pragmas:
`baseline_import.py` (csv.reader → executemany, one transaction) for each import, the bare SQL
of the daily_avg basis (bench_tier.py's) for the tiers, and the bare GROUP BY of transactions per
client and branch in the ownership window for the assignment. Backup and plans have none.

Target: the first night at N = 1,000,000 within 15 minutes (900 s). The table goes to stdout,
progress to stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import (BRANCHES, CLIENT_HEADER, DEFAULT_SEED, POSITION_HEADER, PRODUCTS,  # noqa: E402
                      client_id, generate, write_csv)
from report import BenchError, aligned, log  # noqa: E402

SCALES = {"small": 50_000, "full": 1_000_000}
AS_OF = dt.date(2026, 11, 30)  # a Monday
NEXT_DAY = dt.date(2026, 12, 1)
TARGET_S = 900.0
TARGET_N = 1_000_000
CLIENTS_PER_RM = 200
GRADES = (("senior", 5), ("l1", 10), ("l2", 15), ("l3", 20), ("l4", 25), ("trainee", 25))
TRANSACTIONS_PER_CLIENT = 5
OWNERSHIP_DAYS = 365
BIN = Path(sys.executable).parent
# Tables the kinds load into (all of them have the kind's name).
KIND_ORDER = ("rms", "products", "clients", "positions", "navs", "transactions", "followups",
              "timesheets")
STEP = re.compile(r"^(?P<name>[^:]+): (?P<status>ok|rejects|failed|skipped)(?: (?P<detail>.*))? "
                  r"\[(?P<seconds>\d+\.\d) s\]$")


class Run(NamedTuple):
    steps: list[tuple[str, str, float]]  # (name, detail, seconds)
    seconds: float
    cpu: float
    peak_mb: float


def rm_id(i: int) -> str:
    return f"RM{i:06d}"


# --- the inbox ------------------------------------------------------------------------------

def first_night(inbox: Path, n: int, seed: int) -> dict[str, int]:
    """Every extract of the first night; returns the row count per kind."""
    inbox.mkdir(parents=True, exist_ok=True)
    generate(inbox, n, seed, AS_OF)
    rng = random.Random(seed + 2)
    n_rms = max(len(BRANCHES), n // CLIENTS_PER_RM)
    counts = {"clients": n, "positions": 3 * n, "products": len(PRODUCTS)}
    counts["rms"] = write_csv(inbox / "rms.csv", (
        "rm_id", "name", "branch", "grade", "exam_passed", "active", "hired_on"), (
        (rm_id(i), f"客户经理{i}", BRANCHES[i % len(BRANCHES)],
         rng.choices([g for g, _ in GRADES], [w for _, w in GRADES])[0],
         "true" if rng.random() < 0.95 else "false", "true",
         (AS_OF - dt.timedelta(days=rng.randrange(100, 5000))).isoformat())
        for i in range(1, n_rms + 1)))
    homes = home_branches(inbox / "clients.csv")
    by_branch = {b: [i for i in range(1, n_rms + 1) if BRANCHES[i % len(BRANCHES)] == b]
                 for b in BRANCHES}
    counts["transactions"] = write_csv(inbox / "transactions.csv", (
        "txn_id", "client_id", "date", "branch", "amount", "channel"),
        transactions(rng, homes, TRANSACTIONS_PER_CLIENT * n, AS_OF - dt.timedelta(days=360),
                     AS_OF, 0))
    counts["followups"] = write_csv(inbox / "followups.csv", (
        "followup_id", "client_id", "rm_id", "date", "channel", "minutes", "outcome"), (
        (f"F{k:010d}", client_id(c), rm_id(rng.choice(by_branch[homes[c - 1]])),
         (AS_OF - dt.timedelta(days=rng.randrange(120))).isoformat(),
         rng.choice(("phone", "visit", "wechat")), rng.randrange(5, 90), "reached")
        for k in range(1, n // 2 + 1) for c in [rng.randrange(1, n + 1)]))
    days = [AS_OF - dt.timedelta(days=d) for d in range(31) if (AS_OF - dt.timedelta(days=d)).weekday() < 5]
    counts["timesheets"] = write_csv(inbox / "timesheets.csv", (
        "rm_id", "date", "category", "minutes"), (
        (rm_id(i), day.isoformat(), category, rng.randrange(60, 300))
        for i in range(1, n_rms + 1) for day in days for category in ("vip", "admin")))
    funds = [p.code for p in PRODUCTS if p.asset_class == "fund"]
    counts["navs"] = write_csv(inbox / "navs.csv", ("product_code", "date", "nav"), (
        (code, (AS_OF - dt.timedelta(days=d)).isoformat(), f"{rng.uniform(0.8, 1.6):.4f}")
        for code in funds for d in range(60)))
    return counts


def home_branches(clients_csv: Path) -> list[str]:
    with open(clients_csv, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        column = next(reader).index("home_branch")
        return [row[column] for row in reader]


def transactions(rng: random.Random, homes: list[str], count: int, first: dt.date, last: dt.date,
                 offset: int) -> Iterator[tuple]:
    span = (last - first).days + 1
    for k in range(1, count + 1):
        c = rng.randrange(1, len(homes) + 1)
        branch = homes[c - 1] if rng.random() < 0.8 else rng.choice(BRANCHES)
        yield (f"T{offset + k:011d}", client_id(c),
               (first + dt.timedelta(days=rng.randrange(span))).isoformat(), branch,
               f"{rng.randrange(-500_000, 1_000_000)}.{rng.randrange(100):02d}",
               rng.choice(("counter", "mobile", "online")))


def next_night(first: Path, inbox: Path, n: int, seed: int) -> dict[str, int]:
    """The next working day's extracts: positions, transactions, a clients delta."""
    inbox.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 3)
    day = NEXT_DAY.isoformat()

    def moved_positions() -> Iterator[list[str]]:
        with open(first / "positions.csv", newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            for row in reader:
                row[2] = day
                if rng.random() < 0.1:
                    yuan = float(row[3].replace(",", "").replace("¥", ""))
                    row[3] = f"{yuan * rng.uniform(0.8, 1.2):.2f}"
                yield row

    def changed_clients() -> Iterator[list[str]]:
        with open(first / "clients.csv", newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            phone = CLIENT_HEADER.index("phone")
            for row in reader:
                if rng.random() < 0.01:
                    row[phone] = f"139{rng.randrange(10**8):08d}"
                    yield row

    counts = {
        "clients": write_csv(inbox / f"clients_{day}.csv", CLIENT_HEADER, changed_clients()),
        "positions": write_csv(inbox / f"positions_{day}.csv", POSITION_HEADER,
                               moved_positions()),
        "transactions": write_csv(inbox / f"transactions_{day}.csv", (
            "txn_id", "client_id", "date", "branch", "amount", "channel"),
            transactions(rng, home_branches(first / "clients.csv"), max(1, n // 20), NEXT_DAY,
                         NEXT_DAY, TRANSACTIONS_PER_CLIENT * n)),
    }
    return counts


# --- running ----------------------------------------------------------------------------------

def nightly(db: Path, today: dt.date, inbox: Path, outbox: Path, backups: Path) -> Run:
    command = [str(BIN / "vipcrm")] if (BIN / "vipcrm").exists() else [sys.executable, "-m", "vipcrm"]
    args = [*command, "--db", str(db), "--today", today.isoformat(), "nightly", "--inbox",
            str(inbox), "--outbox", str(outbox), "--backup-dir", str(backups), "--keep", "2"]
    env = dict(os.environ, NO_COLOR="1", VIPCRM_LANG="en")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise BenchError(f"{' '.join(args)} exited with {code}:\n{stdout}\n"
                             f"{err.read().decode('utf-8', 'replace')[-2000:]}")
    steps = []
    for line in stdout.splitlines():
        log(f"  {line}")
        match = STEP.match(line)
        if match and match["name"] != "nightly":
            steps.append((match["name"], match["detail"] or "", float(match["seconds"])))
    return Run(steps, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def baseline_imports(inbox: Path, work: Path) -> dict[str, float]:
    """Seconds of the bare load of each file of the first night, in dependency order, timed in
    this process like the command times its steps (no interpreter start on either side)."""
    from baseline_import import load

    db = work / "baseline.db"
    seconds = {}
    for kind in KIND_ORDER:
        start = time.perf_counter()
        load(str(db), kind, str(inbox / f"{kind}.csv"))
        seconds[kind] = time.perf_counter() - start
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return seconds


def baseline_tiers(db: Path, day: dt.date) -> float:
    from bench_tier import BASELINE, WINDOW

    params = {"d": day.isoformat(), "after": (day + dt.timedelta(days=1)).isoformat(),
              "w0": (day - dt.timedelta(days=WINDOW - 1)).isoformat(), "days": WINDOW}
    return _timed_query(db, BASELINE["daily_avg"], params)


def baseline_ownership(db: Path, day: dt.date) -> float:
    return _timed_query(db, "SELECT client_id, branch, COUNT(*) FROM transactions "
                            "WHERE date >= ? AND date <= ? GROUP BY client_id, branch",
                        [(day - dt.timedelta(days=OWNERSHIP_DAYS)).isoformat(), day.isoformat()])


def _timed_query(db: Path, sql: str, params) -> float:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("PRAGMA temp_store = MEMORY")
    start = time.perf_counter()
    conn.execute(sql, params).fetchall()
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


# --- the table --------------------------------------------------------------------------------

class Row(NamedTuple):
    step: str
    rows: int | None
    seconds: float
    baseline: float | None = None
    note: str = ""
    ok: str = ""


def rows_of(night: str, run: Run, bare: dict[str, float], n: int, target: bool) -> list[Row]:
    rows = []
    for name, detail, seconds in run.steps:
        words = name.split()
        key = words[1] if words[0] == "import" and len(words) > 2 else name
        read = re.search(r"(?:read=|: )(\d+) (?:line|client)|read=(\d+)", detail)
        count = next((int(g) for g in read.groups() if g), None) if read else None
        rows.append(Row(f"{night}: {name.split()[0]} {key}" if key != name else f"{night}: {name}",
                        count, seconds, bare.get(key)))
    note = f"cpu {run.cpu:.0f} s, peak {run.peak_mb:.0f} MB"
    ok = ""
    if target:
        note += f"; target ≤{TARGET_S:.0f} s at {TARGET_N:,}"
        ok = ("yes" if run.seconds <= TARGET_S else "NO") if n >= TARGET_N else "(scale)"
    rows.append(Row(f"{night}: whole command", n, run.seconds, None, note, ok))
    return rows


def table(rows: list[Row], sizes: str) -> str:
    header = ("step", "rows", "vipcrm s", "baseline s", "ratio", "", "ok")
    cells = [header]
    for row in rows:
        # Steps under 0.1 s (a small scale) are too short for a ratio to mean anything.
        ratio = f"{row.seconds / row.baseline:.2f}×" if row.baseline and row.seconds >= 0.1 \
            and row.baseline >= 0.01 else ""
        cells.append((row.step, f"{row.rows:,}" if row.rows is not None else "",
                      f"{row.seconds:.1f}", f"{row.baseline:.2f}" if row.baseline else "", ratio,
                      row.note, row.ok))
    lines = [f"nightly: {sizes}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
             "steps as the command reports them; whole command: wall time from start to exit; "
             "baselines: baseline_import.py per file (first night), bare daily_avg SQL (tiers), "
             "bare GROUP BY of the ownership window (assign)"]
    lines += aligned(cells)
    return "\n".join(lines)


def bench(n: int, root: Path, seed: int) -> str:
    first, second = root / f"inbox-{n}-{seed}", root / f"next-{n}-{seed}"
    if not (first / "timesheets.csv").exists():  # the last file written
        log(f"writing the first night's inbox for {n:,} clients in {first}")
        shutil.rmtree(first, ignore_errors=True)
        first_night(first, n, seed)
    if not (second / f"transactions_{NEXT_DAY}.csv").exists():
        shutil.rmtree(second, ignore_errors=True)
        next_night(first, second, n, seed)
    megabytes = sum(p.stat().st_size for p in first.iterdir()) / 2**20
    work = root / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    inbox, inbox2 = work / "inbox", work / "inbox2"
    shutil.copytree(first, inbox)
    shutil.copytree(second, inbox2)
    db, outbox, backups = work / "vipcrm.db", work / "plans", work / "backups"

    log(f"first night, {n:,} clients ({megabytes:.0f} MB of extracts)")
    night1 = nightly(db, AS_OF, inbox, outbox, backups)
    bare = baseline_imports(first, work)
    bare["tiers"] = baseline_tiers(db, AS_OF)
    bare["assign"] = baseline_ownership(db, AS_OF)
    log(f"next night, {NEXT_DAY}")
    night2 = nightly(db, NEXT_DAY, inbox2, outbox, backups)
    bare2 = {"tiers": baseline_tiers(db, NEXT_DAY), "assign": baseline_ownership(db, NEXT_DAY)}
    size = db.stat().st_size / 2**20
    shutil.rmtree(work, ignore_errors=True)
    rows = rows_of("first night", night1, bare, n, True) + rows_of("next night", night2, bare2, n,
                                                                    False)
    return table(rows, f"N = {n:,} clients, {megabytes:.0f} MB of extracts, database "
                       f"{size:.0f} MB after two nights")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="?", type=int, metavar="N", help="number of clients")
    parser.add_argument("--scale", choices=sorted(SCALES), help="small: 50,000; full: 1,000,000")
    parser.add_argument("--dir", type=Path, help="keep the generated inboxes here and reuse them")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    n = args.size or (SCALES[args.scale] if args.scale else None)
    if not n:
        parser.error("give N (clients) or --scale small|full")
    root = args.dir or Path(tempfile.mkdtemp(prefix="vipcrm-bench-nightly-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        print(bench(n, root, args.seed))
    except (BenchError, subprocess.CalledProcessError) as exc:
        log(str(exc))
        return 1
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
