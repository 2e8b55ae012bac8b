"""`vipcrm nightly`: the unattended chain cron runs every night (CLI.md "Cron").

backup → import the inbox (dependency order, one transaction per file) → tiers as of today →
assignment → each RM's plan for the first working day on or after today. Every step is
idempotent and every file lands whole or not at all, so after a crash at any point the next
run simply finishes the job.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from vipcrm.core.config import Config
from vipcrm.jobs.inbox import import_inbox, unrecognised_files
from vipcrm.store.backup import rotate_backup
from vipcrm.store.db import StoreError


@dataclass
class Step:
    name: str
    status: str  # ok, rejects, failed, skipped
    detail: str

    def line(self) -> str:
        return f"{self.name}: {self.status} {self.detail}".rstrip()


@dataclass
class NightlyOptions:
    inbox: Path | None = None
    outbox: Path | None = None
    backup_dir: Path | None = None
    keep_backups: int = 7


def exit_code(steps: list[Step]) -> int:
    statuses = {s.status for s in steps}
    if "failed" in statuses:
        return 1
    if "rejects" in statuses:
        return 3
    return 0


def run_nightly(db: Database, config_of: Callable[[], Config], today: dt.date, user: str,
                options: NightlyOptions, say: Callable[[Step], None]) -> list[Step]:
    steps: list[Step] = []

    def done(step: Step) -> None:
        steps.append(step)
        say(step)

    if options.backup_dir is not None:
        done(_guard("backup", lambda: _backup(db, options, today)))
    if options.inbox is not None:
        _import(db, options.inbox, user, done)
    config = config_of()
    done(_guard("tiers", lambda: _tiers(db, config, today, user)))
    done(_guard("assign", lambda: _assign(db, config, today, user)))
    if options.outbox is not None:
        done(_guard("plans", lambda: _plans(db, config, today, options.outbox)))
    return steps


def _guard(name: str, work: Callable[[], str]) -> Step:
    """A failing step is reported and the chain goes on: later steps still help the morning."""
    try:
        return Step(name, "ok", work())
    except (StoreError, ValueError, OSError) as exc:
        return Step(name, "failed", str(exc))


def _backup(db: Database, options: NightlyOptions, today: dt.date) -> str:
    target, removed = rotate_backup(db, options.backup_dir, today, options.keep_backups)
    return f"{target}" + (f" ({len(removed)} old backup(s) removed)" if removed else "")


def _import(db: Database, inbox: Path, user: str, done: Callable[[Step], None]) -> None:
    if not inbox.is_dir():
        done(Step("import", "failed", f"inbox {inbox} is not a folder"))
        return
    results = import_inbox(db, inbox, user, on_file=lambda r: done(Step(
        f"import {r.kind} {r.file}", {"imported": "ok", "already": "ok"}.get(r.status, r.status),
        r.detail)))
    for stray in unrecognised_files(inbox):
        done(Step(f"import {stray.name}", "skipped",
                  "not named after a kind (clients*, positions*, …); left in the inbox"))
    if not results:
        done(Step("import", "ok", "inbox empty"))


def _tiers(db: Database, config: Config, today: dt.date, user: str) -> str:
    from vipcrm.jobs.refresh import recompute_tiers

    results = recompute_tiers(db, config, [today], today, user)
    if not results:
        return f"already computed for a date after {today}; nothing to do"
    result = results[-1]
    return f"as of {result.as_of}: {result.clients} client(s), {result.changes} change(s)"


def _assign(db: Database, config: Config, today: dt.date, user: str) -> str:
    from vipcrm.store.assignment import assign_all

    run = assign_all(db, config, today, dry_run=False, user=user)
    outcome = run.outcome
    return (f"{outcome.kept} kept, {len(outcome.changes)} change(s), "
            f"{len(run.ownership.moves)} ownership move(s)")


def _plans(db: Database, config: Config, today: dt.date, outbox: Path) -> str:
    from vipcrm.cli.plan_cmd import FIELDS, plan_record
    from vipcrm.core.planning import plan_day
    from vipcrm.formats.ics import plan_calendar
    from vipcrm.formats.output import write_csv
    from vipcrm.store import planning as store

    outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = db.conn
    cal = store.load_calendar(conn)
    day = plan_day(today, cal, include_non_working=False)
    files = lines = 0
    for group in store.branch_plans(conn, None, [day], config, cal):
        plan_lines = [line for d in group.days for line in d.lines]
        who = group.rm.rm_id if group.rm is not None else f"unassigned-{group.branch}"
        stem = f"plan-{day.isoformat()}-{who}"
        _write_atomic(outbox / f"{stem}.csv", lambda handle: write_csv(
            (plan_record(line) for line in plan_lines), FIELDS, handle), text=True)
        name = f"vipcrm plan {who} {day}"
        _write_atomic(outbox / f"{stem}.ics",
                      lambda handle: handle.write(plan_calendar(plan_lines, name)), text=False)
        files += 2
        lines += len(plan_lines)
    return f"{day}: {lines} line(s) in {files} file(s) under {outbox}"


def _write_atomic(path: Path, write: Callable, text: bool) -> None:
    """Plans hold client names: owner-only, and never half-written under the final name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with (os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")) as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
