"""`vipcrm nightly`: the unattended chain cron runs every night (CLI.md "Cron").

backup (checked) → import the inbox (dependency order, one transaction per file; a positions
file is the whole bank's holdings on its dates unless `import.positions_full_snapshot` is off)
→ tiers as of today → assignment → attrition scores as of today → each RM's plan for the first
working day on or after today.
Every step is idempotent and every file lands whole or not at all, so after a crash at any
point the next run simply finishes the job. A damaged database or a full disk stops the chain at once: every
later step would fail the same way, or make things worse.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from vipcrm.core.config import Config, ConfigError
from vipcrm.core.text import Code, Text, said
from vipcrm.formats.escape import printable
from vipcrm.jobs.inbox import import_inbox, outside_entries, unrecognised_files
from vipcrm.store.audit import record
from vipcrm.store.backup import quick_check, rotate_backup
from vipcrm.store.db import (Damaged, DiskFull, StoreError, damaged, db_file, store_error,
                             transaction)
from vipcrm.store.outputs import Guard

# What a step may meet that is not a bug: one line in the summary, and the chain goes on.
STEP_ERRORS = (StoreError, ValueError, OSError, sqlite3.Error)
# The core system's holdings extract is the whole bank on its date (setting, default on).
FULL_SNAPSHOT = "import.positions_full_snapshot"


@dataclass
class Step:
    name: "Text | str"
    status: str  # ok, rejects, failed, skipped
    detail: "Text | str"
    seconds: float = 0.0
    stop: bool = False  # the database is damaged or the disk full: no later step may run

    def line(self, lang: str) -> str:
        """The step's summary line in the user's language."""
        from vipcrm.formats.i18n import render

        text = Text("{step}: {status} {detail} [{seconds:.1f} s]", step=self.name,
                    status=Code("step_status", self.status), detail=self.detail,
                    seconds=self.seconds)
        if not self.detail:
            text = Text("{step}: {status} [{seconds:.1f} s]", step=self.name,
                        status=Code("step_status", self.status), seconds=self.seconds)
        # File names come from whoever fills the inbox: one step is always one line.
        return printable(render(text, lang))


@dataclass
class NightlyOptions:
    inbox: Path | None = None
    outbox: Path | None = None
    backup_dir: Path | None = None
    keep_backups: int = 7
    lang: str = "en"  # of the plan files (talking points, calendar titles) and rejects files


def exit_code(steps: list[Step]) -> int:
    statuses = {s.status for s in steps}
    if "failed" in statuses:
        return 1
    if "rejects" in statuses:
        return 3
    return 0


def run_nightly(db: Database, config_of: Callable[[], Config], today: dt.date, user: str,
                options: NightlyOptions, say: Callable[[Step], None]) -> list[Step]:
    """Run every step, saying each as it ends; the last line sums up the run."""
    steps: list[Step] = []
    started = time.perf_counter()
    path = db_file(db)

    def done(step: Step) -> None:
        steps.append(step)
        say(step)

    def stopped() -> bool:
        return any(step.stop for step in steps)

    _pause_for_tests(db.conn)
    # Nothing is written to a damaged database: the backup's copy is checked, or without a
    # backup the database itself (a line only when it fails).
    backup = None
    if options.backup_dir is not None:
        backup = _guard(Code("step", "backup"), lambda: _backup(db, options, today, user), path)
        done(backup)
    if backup is None or (backup.status == "failed" and not backup.stop):
        check = _guard(Code("step", "check"), lambda: _check(db, path), path)
        if check.status == "failed":
            done(check)
    if options.inbox is not None and not stopped():
        _import(db, options.inbox, user, done, today, path, options.lang)
    if not stopped():
        try:
            config = config_of()
        except ConfigError as exc:
            done(Step(Code("step", "config"), "failed",
                      Text("{problem}; tiers, assignment and plans not run", problem=said(exc))))
        else:
            later = [("tiers", lambda: _tiers(db, config, today, user)),
                     ("assign", lambda: _assign(db, config, today, user)),
                     ("attrition", lambda: _attrition(db, config, today, user))]
            if options.outbox is not None:
                later.append(("plans", lambda: _plans(db, config, today, options.outbox,
                                                      options.lang)))
            for name, work in later:
                if stopped():
                    break
                done(_guard(Code("step", name), work, path))
    code = exit_code(steps)
    failed = sum(s.status == "failed" for s in steps)
    say(Step(Code("step", "nightly"), {0: "ok", 1: "failed", 3: "rejects"}[code],
             Text("exit {code}: {steps} step(s), {failed} failed", code=code, steps=len(steps),
                  failed=failed),
             time.perf_counter() - started))
    return steps


def _guard(name: Code, work: Callable[[], Text], path: Path | None) -> Step:
    """A failing step is reported and the chain goes on: later steps still help the morning
    (unless the database is damaged or the disk full)."""
    start = time.perf_counter()
    try:
        return Step(name, "ok", work(), time.perf_counter() - start)
    except STEP_ERRORS as exc:
        error = store_error(exc, path or "the database") or exc
        return Step(name, "failed", said(error), time.perf_counter() - start,
                    stop=isinstance(error, (Damaged, DiskFull)))


def _check(db: Database, path: Path | None) -> Text:
    problem = quick_check(db.conn)
    if problem is not None:
        raise damaged(path, Text("quick_check: {problem}; nothing was imported", problem=problem))
    return Text("quick_check ok")


def _backup(db: Database, options: NightlyOptions, today: dt.date, user: str) -> Text:
    target, removed = rotate_backup(db, options.backup_dir, today, options.keep_backups)
    with transaction(db):
        record(db, user, "backup", {"path": str(target), "removed": len(removed)})
    if removed:
        return Text("{path} ({count} old backup(s) removed)", path=target, count=len(removed))
    return Text("{path}", path=target)


def _import(db: Database, inbox: Path, user: str, done: Callable[[Step], None],
            today: dt.date, path: Path | None, lang: str) -> None:
    from vipcrm.store.settings import load_setting
    step = Code("step", "import")
    if not inbox.is_dir():
        done(Step(step, "failed", Text("inbox {path} is not a folder", path=inbox)))
        return
    try:
        bank_snapshot = load_setting(db, FULL_SNAPSHOT)
    except ConfigError as exc:
        done(Step(step, "failed", Text("{problem}; set it with `vipcrm config set {key} "
                                       "true|false`; every file left in the inbox",
                                       problem=said(exc), key=FULL_SNAPSHOT)))
        return
    status = {"imported": "ok", "rejects": "rejects", "failed": "failed", "stopped": "failed",
              "skipped": "skipped"}
    clock = [time.perf_counter()]

    def on_file(result) -> None:
        now = time.perf_counter()
        done(Step(Text("{step} {kind} {file}", step=step, kind=Code("kind", result.kind),
                       file=result.file), status[result.status], result.detail,
                  now - clock[0], stop=result.fatal))
        clock[0] = now

    try:
        results = import_inbox(db, inbox, user, on_file=on_file, today=today, lang=lang,
                               bank_snapshot=bank_snapshot)
        strays = unrecognised_files(inbox)
        reported = {result.file for result in results}
        outside = [(e, why) for e, why in outside_entries(inbox) if e.name not in reported]
    except OSError as exc:  # the inbox itself cannot be listed or written
        full = store_error(exc, exc.filename or inbox)
        done(Step(step, "failed", said(full) if full else
                  Text("{path}: {reason}", path=exc.filename or inbox, reason=exc.strerror),
                  stop=full is not None))
        return
    for stray in strays:
        done(Step(Text("{step} {file}", step=step, file=stray.name), "skipped",
                  Text("not named after a kind (clients*, positions*, …); left in the inbox")))
    for entry, why in outside:
        done(Step(Text("{step} {file}", step=step, file=entry.name), "skipped", why))
    if not results:
        done(Step(step, "ok", Text("inbox empty")))


def _tiers(db: Database, config: Config, today: dt.date, user: str) -> Text:
    from vipcrm.jobs.refresh import recompute_tiers

    results = recompute_tiers(db, config, [today], today, user)
    if not results:
        return Text("already computed for a date after {today}; nothing to do", today=today)
    result = results[-1]
    return Text("as of {date}: {clients} client(s), {changes} change(s)", date=result.as_of,
                clients=result.clients, changes=result.changes)


def _assign(db: Database, config: Config, today: dt.date, user: str) -> Text:
    from vipcrm.store.assignment import assign_all

    run = assign_all(db, config, today, dry_run=False, user=user)
    outcome = run.outcome
    return Text("{kept} kept, {changes} change(s), {moves} ownership move(s)", kept=outcome.kept,
                changes=len(outcome.changes), moves=len(run.ownership.moves))


def _attrition(db: Database, config: Config, today: dt.date, user: str) -> Text:
    from vipcrm.store.attrition import compute, last_run

    last = last_run(db.conn)
    if last is not None and last > today:
        return Text("already computed for a date after {today}; nothing to do", today=today)
    run = compute(db, config, today, today=today, user=user)
    return Text("as of {date}: {clients} client(s) scored, {at_risk} at risk, {changes} change(s)",
                date=run.as_of, clients=run.clients, at_risk=run.at_risk, changes=run.changed)


def _plans(db: Database, config: Config, today: dt.date, outbox: Path, lang: str) -> Text:
    """Each RM's plan as CSV and ICS, talking points and titles in `lang`."""
    from vipcrm.cli.plan_cmd import FIELDS, plan_record
    from vipcrm.core.planning import plan_day
    from vipcrm.formats.ics import plan_calendar
    from vipcrm.formats.output import Unencodable, write_csv
    from vipcrm.store import planning as store

    outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
    for stale in outbox.glob(".plan-*"):  # half-written by a run that crashed (we hold the lock)
        stale.unlink()
    guard = Guard(db_file(db))
    conn = db.conn
    cal = store.load_calendar(conn)
    day = plan_day(today, cal, include_non_working=False)
    encoding = config["outbox.encoding"]
    files = lines = 0
    unwritten: list[tuple[str, Text]] = []
    for group in store.branch_plans(conn, None, [day], config, cal):
        plan_lines = [line for d in group.days for line in d.lines]
        who = group.rm.rm_id if group.rm is not None else f"unassigned-{group.branch}"
        stem = f"plan-{day.isoformat()}-{who}"
        # Plans hold client names: owner-only, and never half-written under the final name.
        try:
            with guard.open(outbox / f"{stem}.csv", Text("the plan file"),
                            encoding=encoding) as handle:
                write_csv((plan_record(line, lang) for line in plan_lines), FIELDS, handle)
        except Unencodable as exc:
            # The other RMs still get their plans; the step fails, naming this one.
            unwritten.append((f"{stem}.csv", said(exc)))
        name = Text("vipcrm plan {who} {start}", start=day, who=group.rm.rm_id
                    if group.rm is not None else Text("unassigned {branch}", branch=group.branch))
        with guard.open(outbox / f"{stem}.ics", Text("the plan file"), binary=True) as handle:
            handle.write(plan_calendar(plan_lines, name, lang))
        files += 2
        lines += len(plan_lines)
    done = Text("{day}: {lines} line(s) in {files} file(s) under {path}", day=day, lines=lines,
                files=files - len(unwritten), path=outbox)
    if unwritten:
        file, problem = unwritten[0]
        raise ValueError(Text("{done}; {count} CSV file(s) not written, the first {file}: "
                              "{problem} (`vipcrm config set outbox.encoding utf-8-sig`)",
                              done=done, count=len(unwritten), file=file, problem=problem))
    return done


def _pause_for_tests(conn: sqlite3.Connection) -> None:
    """A hook for the crash tests, inert unless VIPCRM_TEST_PAUSE_AT is set.

    VIPCRM_TEST_PAUSE_AT names an audited command (`import positions`, `tier --recompute`,
    `assign`): the process stops itself (SIGSTOP) just before the COMMIT of the transaction
    that records it, with every write of that step made and none committed, after saying so on
    stderr. The test then SIGKILLs it (a crash at the worst moment) or lets it go on (SIGCONT).
    """
    command = os.environ.get("VIPCRM_TEST_PAUSE_AT")
    if not command:
        return
    audit_row = f"'{command}', '"  # as the audit INSERT shows it, parameters expanded
    armed = False

    def trace(statement: str) -> None:
        nonlocal armed
        if statement.startswith("INSERT INTO audit_log") and audit_row in statement:
            armed = True
        elif armed and statement == "COMMIT":
            armed = False
            print(f"paused before committing {command}", file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGSTOP)

    conn.set_trace_callback(trace)
