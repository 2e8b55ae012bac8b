"""`vipcrm nightly` as real processes: the lock, SIGKILL at the worst moments then a rerun, and
readers and writers working during the run (CLI.md "Cron", exit code 4).

The process under test stops itself just before the COMMIT of a chosen step
(VIPCRM_TEST_PAUSE_AT, see `vipcrm.jobs.nightly`), so each kill lands inside that step's
transaction with all its writes made, and readers are tested while a write is open.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from test_nightly_support import (USER, audit_entries, contents, copy_inbox, demo_extracts,
                                  integrity, run, start, wait_for)

pytestmark = pytest.mark.slow


class Reference:
    """One uninterrupted run of the same inbox: what every crashed-then-rerun run must equal."""

    def __init__(self, folder, extracts):
        self.db = folder / "reference.db"
        self.outbox = folder / "plans"
        self.inbox = copy_inbox(extracts, folder / "inbox")
        done = run(nightly_args(self.inbox, self.outbox), self.db)
        assert done.returncode == 0, done.stdout + done.stderr
        self.stdout = done.stdout


def nightly_args(inbox, outbox=None) -> list[str]:
    return ["nightly", "--inbox", str(inbox)] + (["--outbox", str(outbox)] if outbox else [])


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    return demo_extracts(tmp_path_factory.mktemp("extracts"), clients=150)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, extracts):
    return Reference(tmp_path_factory.mktemp("reference"), extracts)


def plan_files(outbox) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(outbox.iterdir())
            if not p.name.startswith(".")}


def rerun_audit_extras(reference: list[tuple], got: list[tuple]) -> list[tuple]:
    """The entries of `got` beyond `reference`, which must appear in it in the same order."""
    extras, matched = [], 0
    for entry in got:
        if matched < len(reference) and entry == reference[matched]:
            matched += 1
        else:
            extras.append(entry)
    assert matched == len(reference), "an entry of the uninterrupted run is missing"
    return extras


def is_no_op(entry: tuple) -> bool:
    """A step the rerun did again over work that had landed: it changed nothing."""
    user, command, details = entry
    counts = json.loads(details)
    if command == "tier --recompute":
        return counts["changes"] == 0
    if command == "assign":
        return counts["ownership_moves"] == 0 and set(counts) <= {"kept", "ownership_moves"}
    return False


@pytest.mark.parametrize("command", ["import positions", "tier --recompute", "assign"])
def test_killed_during_a_step_then_rerun_equals_an_uninterrupted_run(
        command, reference, extracts, tmp_path):
    inbox = copy_inbox(extracts, tmp_path / "inbox")
    db, outbox = tmp_path / "vipcrm.db", tmp_path / "plans"
    killed = start(nightly_args(inbox, outbox), db, tmp_path / "killed",
                   VIPCRM_TEST_PAUSE_AT=command)
    wait_for(tmp_path / "killed.err", f"paused before committing {command}", killed)
    wal = db.with_name(db.name + "-wal")
    assert wal.stat().st_size > 0  # the step's writes are made, not committed
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    assert killed.returncode == -signal.SIGKILL
    assert integrity(db) == [("ok",)]

    rerun = run(nightly_args(inbox, outbox), db)

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert integrity(db) == [("ok",)]
    assert contents(db, skip=("audit_log",)) == contents(reference.db, skip=("audit_log",))
    extras = rerun_audit_extras(audit_entries(reference.db), audit_entries(db))
    assert all(is_no_op(entry) for entry in extras), extras
    assert plan_files(outbox) == plan_files(reference.outbox)
    # Nothing imported twice, nothing left behind.
    assert sorted(p.name for p in inbox.iterdir()) == ["done"]
    assert sorted(p.name for p in (inbox / "done").iterdir()) == sorted(
        p.name for p in extracts.iterdir())
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT kind) FROM import_log").fetchone() == (
        len(list(extracts.iterdir())),) * 2
    conn.close()


def test_two_runs_started_together_one_runs_one_exits_4(extracts, tmp_path):
    inbox = copy_inbox(extracts, tmp_path / "inbox")
    db = tmp_path / "vipcrm.db"
    # Whichever takes the lock stops at its first commit, holding it.
    runs = [start(nightly_args(inbox), db, tmp_path / f"run{i}",
                  VIPCRM_TEST_PAUSE_AT="import rms") for i in (1, 2)]
    deadline = time.monotonic() + 60
    while all(p.poll() is None for p in runs) and time.monotonic() < deadline:
        time.sleep(0.02)
    ended = [i for i, p in enumerate(runs) if p.poll() is not None]
    assert len(ended) == 1, "neither run was locked out"
    loser, winner = ended[0], 1 - ended[0]
    assert runs[loser].returncode == 4
    log = tmp_path / f"run{loser + 1}"
    assert log.with_suffix(".out").read_text() == ""
    assert log.with_suffix(".err").read_text() == (
        f"Error: another vipcrm nightly run holds {db.resolve()}.lock; it exits when done\n")

    wait_for(tmp_path / f"run{winner + 1}.err", "paused before committing import rms",
             runs[winner])
    os.kill(runs[winner].pid, signal.SIGCONT)
    assert runs[winner].wait(timeout=300) == 0
    assert sorted(p.name for p in inbox.iterdir()) == ["done"]


READER = r"""
import sys
from pathlib import Path
from typer.testing import CliRunner
from vipcrm.cli.app import app

progress, stop = Path(sys.argv[1]), Path(sys.argv[2])
runner = CliRunner()
commands = [["plan", "today", "--format", "csv"], ["report", "tiers", "--format", "json"]]
with open(progress, "a", encoding="utf-8") as out:
    while not stop.exists():
        for args in commands:
            result = runner.invoke(app, args)
            line = "ok" if result.exit_code == 0 else (
                f"FAILED {args} exit {result.exit_code}: {result.output!r} {result.exception!r}")
            out.write(line + "\n")
            out.flush()
"""


def lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def wait_lines(path, count: int, process, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(lines(path)) < count:
        assert process.poll() is None, lines(path)
        assert time.monotonic() < deadline, f"only {len(lines(path))} reads"
        time.sleep(0.05)


def test_readers_get_answers_and_writers_wait_during_a_run(extracts, tmp_path):
    db = tmp_path / "vipcrm.db"
    # Last night's data is there; tonight's extracts come from another day of the bank.
    first = run(nightly_args(copy_inbox(extracts, tmp_path / "night1")), db)
    assert first.returncode == 0, first.stdout
    tonight = demo_extracts(tmp_path / "night2", clients=150, seed=8)
    progress, stop = tmp_path / "reads.txt", tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(progress), str(stop)],
                              env={**os.environ, "VIPCRM_DB": str(db), "NO_COLOR": "1",
                                   "VIPCRM_TODAY": "2026-11-27", "VIPCRM_LANG": "en"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_lines(progress, 2, reader)
        nightly = start(nightly_args(tonight), db, tmp_path / "nightly",
                        VIPCRM_TEST_PAUSE_AT="tier --recompute")
        wait_for(tmp_path / "nightly.err", "paused before committing tier --recompute", nightly)
        # The run holds the write lock in the middle of its tier step.
        during = len(lines(progress))
        wait_lines(progress, during + 4, reader)
        for name in (db.name, db.name + "-wal", db.name + "-shm"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name

        hurried = run(["followup", "time", "RM1001", "--minutes", "30", "--category", "admin"],
                      db, VIPCRM_BUSY_TIMEOUT_MS="300")
        assert hurried.returncode == 1
        assert hurried.stderr.startswith("Error: the database is busy")
        assert hurried.stderr.count("\n") == 1 and "Traceback" not in hurried.stderr

        patient = start(["followup", "time", "RM1001", "--minutes", "30", "--category", "admin"],
                        db, tmp_path / "writer")
        time.sleep(1.0)
        assert patient.poll() is None  # waiting for the lock, not failing
        os.kill(nightly.pid, signal.SIGCONT)
        assert nightly.wait(timeout=300) == 0, (tmp_path / "nightly.out").read_text()
        assert patient.wait(timeout=120) == 0, (tmp_path / "writer.err").read_text()
        wait_lines(progress, len(lines(progress)) + 2, reader)
    finally:
        stop.touch()
        reader.wait(timeout=120)
    assert reader.returncode == 0, reader.stderr.read().decode()
    reader.stderr.close()
    reads = lines(progress)
    assert len(reads) >= 8
    assert [line for line in reads if line != "ok"] == []
    conn = sqlite3.connect(db)
    # The waiting writer's entry, or the nightly's last write when the writer got in before it.
    assert conn.execute("SELECT user, command FROM audit_log ORDER BY id DESC LIMIT 1").fetchone() \
        in {(USER, "followup time"), (USER, "attrition --recompute")}
    conn.close()
