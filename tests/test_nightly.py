"""`vipcrm nightly` in-process: inbox naming and order, done/ and failed/, exit codes, reruns,
the lock, the outbox (CLI.md "Cron", DATA.md)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import stat

import pytest

from datafiles import write_csv
from test_nightly_support import TODAY, copy_inbox, demo_extracts
from vipcrm.formats.kinds import IMPORT_ORDER
from vipcrm.jobs.inbox import kind_of
from vipcrm.jobs.lock import RunLock

LINE = re.compile(r"^[^:]+: (ok|rejects|failed|skipped)( .*)? \[\d+\.\d s\]$")


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    return demo_extracts(tmp_path_factory.mktemp("extracts"), clients=80)


@pytest.fixture
def inbox(extracts, tmp_path):
    return copy_inbox(extracts, tmp_path / "inbox")


def nightly(cli, *args, today=TODAY):
    return cli("--today", today.isoformat(), "nightly", *args)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name, kind", [
    ("clients.csv", "clients"),
    ("Clients_20261127.CSV", "clients"),
    ("positions-2026-11-27.txt", "positions"),
    ("rms.tsv", "rms"),
    ("timesheets.csv", "timesheets"),
    ("transactions.csv", "transactions"),
    ("client.csv", None),
    ("clients.xlsx", None),
    ("readme.md", None),
    ("daily_clients.csv", None),
])
def test_a_file_is_of_the_kind_its_name_starts_with(name, kind):
    assert kind_of(name) == kind


def test_every_file_imported_in_dependency_order_then_tiers_assign_plans(cli, inbox, tmp_path, sql):
    (inbox / "readme.md").write_text("not an extract\n")
    (inbox / ".clients.csv.part").write_text("still being written\n")
    outbox = tmp_path / "plans"

    result = nightly(cli, "--inbox", inbox, "--outbox", outbox)

    assert result.exit_code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert all(LINE.match(line) for line in lines), lines
    imported = [line.split()[1] for line in lines if line.startswith("import ") and ": ok" in line]
    assert imported == [k for k in IMPORT_ORDER if (inbox / "done" / f"{k}.csv").exists()]
    assert len(imported) >= 8
    assert [line.split(":")[0] for line in lines[-5:]] == ["tiers", "assign", "attrition",
                                                          "plans", "nightly"]
    assert lines[-1].startswith("nightly: ok exit 0")
    assert "import readme.md: skipped" in result.stdout
    # Everything imported moved to done/, once; strays and half-written files stay.
    assert sorted(p.name for p in inbox.iterdir()) == [".clients.csv.part", "done", "readme.md"]
    assert sql("SELECT kind, COUNT(*) FROM import_log GROUP BY kind HAVING COUNT(*) > 1") == []
    assert sql("SELECT COUNT(*) FROM tier_runs WHERE as_of = ?", [TODAY.isoformat()]) == [(1,)]
    assert sql("SELECT COUNT(*) FROM assignments WHERE rm_id IS NOT NULL")[0][0] > 0
    assert sql("SELECT COUNT(*) FROM attrition_runs WHERE as_of = ?", [TODAY.isoformat()]) == [(1,)]


def test_rows_rejected_file_goes_to_done_with_its_rejects_and_exit_3(cli, inbox, sql):
    write_csv(inbox / "positions_extra.csv", [
        ["client_id", "product_code", "as_of", "balance", "asset_class"],
        ["C000001", "DEP-EXTRA", "2026-11-27", "100.00", "deposit"],
        ["NOBODY", "DEP-EXTRA", "2026-11-27", "100.00", "deposit"],
    ])

    result = nightly(cli, "--inbox", inbox)

    assert result.exit_code == 3, result.stderr
    assert ("import positions positions_extra.csv: rejects read=2 inserted=1 updated=0 "
            "unchanged=0 rejected=1") in result.stdout
    assert result.stdout.splitlines()[-1].startswith("nightly: rejects exit 3")
    done = inbox / "done"
    assert (done / "positions_extra.csv").exists()
    rejects = done / "positions_extra.rejects.csv"
    assert mode(rejects) == 0o600
    assert "NOBODY" in rejects.read_text(encoding="utf-8-sig")
    assert sql("SELECT balance FROM positions WHERE product_code = 'DEP-EXTRA'") == [(10000,)]


def test_refused_file_goes_to_failed_with_a_reason_and_the_chain_goes_on(cli, inbox):
    write_csv(inbox / "clients_broken.csv", [["client", "who"], ["C9", "X"]])

    result = nightly(cli, "--inbox", inbox)

    assert result.exit_code == 1
    failed = inbox / "failed"
    assert sorted(p.name for p in failed.iterdir()) == ["clients_broken.csv",
                                                       "clients_broken.csv.reason.txt"]
    reason = (failed / "clients_broken.csv.reason.txt").read_text()
    assert "clients_broken.csv" in reason and len(reason.strip().splitlines()) == 1
    assert f"import clients clients_broken.csv: failed {reason.strip()}" in result.stdout
    assert "tiers: ok" in result.stdout and "assign: ok" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("nightly: failed exit 1")


def test_a_file_imported_before_the_crash_is_moved_not_imported_again(cli, inbox, sql):
    assert nightly(cli, "--inbox", inbox).exit_code == 0
    logged = sql("SELECT COUNT(*) FROM import_log")
    # A crash after a file's commit and before its move leaves it in the inbox.
    shutil.copy(inbox / "done" / "transactions.csv", inbox / "transactions.csv")
    shutil.copy(inbox / "done" / "corporates.csv", inbox / "corporates.csv")

    result = nightly(cli, "--inbox", inbox)

    assert result.exit_code == 0, result.stdout
    assert "import transactions transactions.csv: ok imported before (rejected=0); moved to done/" \
        in result.stdout
    assert sql("SELECT COUNT(*) FROM import_log") == logged
    assert (inbox / "done" / "transactions.1.csv").exists()
    assert not (inbox / "transactions.csv").exists()


def test_a_file_whose_data_came_back_is_imported_again(cli, tmp_path, sql):
    header = ["rm_id", "name", "branch", "grade", "active"]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for night, active in enumerate(["true", "false", "true"]):
        write_csv(inbox / "rms.csv", [header, ["RM9", "Wang Fang", "BJ01", "senior", active]])
        result = nightly(cli, "--inbox", inbox)
        assert result.exit_code == 0, result.stdout
        assert "imported before" not in result.stdout
        assert sql("SELECT active FROM rms") == [(1 if active == "true" else 0,)]
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["rms.1.csv", "rms.2.csv",
                                                                 "rms.csv"]


def test_a_busy_database_stops_the_import_and_leaves_the_files_for_the_next_run(
        blank_db, cli, inbox, db_path, monkeypatch):
    monkeypatch.setenv("VIPCRM_BUSY_TIMEOUT_MS", "100")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = nightly(cli, "--inbox", inbox)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("import rms rms.csv: failed the database is busy")
    assert "left in the inbox for the next run" in lines[0]
    assert not any(line.startswith("import clients") for line in lines)  # stopped after rms
    assert not (inbox / "failed").exists()
    assert (inbox / "rms.csv").exists() and (inbox / "positions.csv").exists()

    again = nightly(cli, "--inbox", inbox)
    assert again.exit_code == 0, again.stdout
    assert sorted(p.name for p in inbox.iterdir()) == ["done"]


def test_missing_inbox_is_a_failed_step_and_the_rest_still_runs(cli, tmp_path):
    result = nightly(cli, "--inbox", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"import: failed inbox {tmp_path / 'nowhere'} is not a folder")
    assert "tiers: ok" in result.stdout


def test_empty_inbox(cli, tmp_path):
    (tmp_path / "inbox").mkdir()
    result = nightly(cli, "--inbox", tmp_path / "inbox")
    assert result.exit_code == 0
    assert result.stdout.startswith("import: ok inbox empty")


def test_a_second_run_while_one_holds_the_lock_exits_4_at_once(cli, inbox, db_path):
    with RunLock(db_path.resolve()):
        result = nightly(cli, "--inbox", inbox)
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (f"Error: another vipcrm nightly run holds {db_path.resolve()}.lock; "
                             "it exits when done\n")
    assert not db_path.exists()  # locked out before it opened anything
    assert sorted(p.name for p in inbox.iterdir()) == sorted(
        f"{k}.csv" for k in IMPORT_ORDER if (inbox / f"{k}.csv").exists())
    # The lock goes with its holder: no file left behind blocks the next run.
    assert nightly(cli, "--inbox", inbox).exit_code == 0
    assert mode(db_path.with_name(db_path.name + ".lock")) == 0o600


def test_outbox_plans_for_the_first_working_day_on_or_after_today(cli, inbox, tmp_path):
    saturday = TODAY + dt.timedelta(days=1)
    outbox = tmp_path / "plans"
    outbox.mkdir(mode=0o700)
    (outbox / ".plan-2026-11-27-RM1001.csv.x1y2z3").write_text("left by a run that crashed")
    result = nightly(cli, "--inbox", inbox, "--outbox", outbox, today=saturday)
    assert result.exit_code == 0, result.stdout

    monday = "2026-11-30"
    files = sorted(p.name for p in outbox.iterdir())
    assert files and all(name.startswith(f"plan-{monday}-") for name in files)
    assert {name.rsplit(".", 1)[1] for name in files} == {"csv", "ics"}
    assert len(files) % 2 == 0
    assert mode(outbox) == 0o700
    assert all(mode(outbox / name) == 0o600 for name in files)
    assert f"plans: ok {monday}:" in result.stdout
    # Each RM's file is exactly what the RM would see with `plan`.
    rm = files[0][len(f"plan-{monday}-"):-len(".csv")]
    assert not rm.startswith("unassigned")
    shown = cli("--today", saturday.isoformat(), "plan", monday, "--rm", rm, "--format", "csv")
    # The same rows, in a file Excel reads right (outbox.encoding: UTF-8 with its BOM).
    assert (outbox / files[0]).read_text(encoding="utf-8") == "\ufeff" + shown.stdout
    ics = (outbox / files[1]).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR")
