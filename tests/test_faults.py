"""Faults of the disk and of the database file, as real processes: a full disk, a read-only file,
a damaged page, a schema from a newer vipcrm. Each is one line and exit 1, no traceback, and
nothing changed: the database byte for byte (or, where SQLite had started to write, intact with
the same rows), and no partial or temporary file left behind."""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3

import pytest

from conftest import EXAMPLES
from safety_support import (DAMAGED_HINT, assert_refused, copy_db, digest, fingerprint,
                            integrity_ok, read_only_runner, small_disk, vipcrm)
from test_nightly_support import TODAY, contents, demo_extracts, run

pytestmark = pytest.mark.slow
_ = small_disk  # a fixture

FULL = "is full: free space and run again; nothing was changed"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "vipcrm.db"
    made = run(["demo", "--clients", "50"], path)
    assert made.returncode == 0, made.stderr
    return path


@pytest.fixture
def folder(tmp_path, demo_db):
    work = tmp_path / "work"
    work.mkdir()
    copy_db(demo_db, work / "vipcrm.db")
    shutil.copyfile(EXAMPLES / "clients_bad.csv", work / "clients.csv")
    return work


def transactions_file(path, rows: int):
    """Many new transactions of a demo client: an import that needs room in the database."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["txn_id", "client_id", "date", "branch", "amount", "channel"])
        for n in range(rows):
            out.writerow([f"X{n:07d}", "C000001", "2026-11-20", "BJ01", "1234.56",
                          "counter with a long description of the channel"])
    return path


# ---------------------------------------------------------------- full disk: /dev/full

DEV_FULL = [
    ("export", "clients", "-o", "/dev/full"),
    ("export", "positions", "--format", "json", "-o", "/dev/full"),
    ("--quiet", "report", "dashboard", "-o", "/dev/full"),  # no "Period …" line first
    ("import", "clients", "clients.csv", "--rejects", "/dev/full"),
]


@pytest.mark.parametrize("args", DEV_FULL, ids=[" ".join(a) for a in DEV_FULL])
def test_a_full_output_device_is_one_line_and_changes_nothing(folder, args):
    before = fingerprint(folder)
    assert_refused(vipcrm(folder, *args), f"the disk holding /dev/full {FULL}")
    assert fingerprint(folder) == before  # the import's rows were rolled back with its rejects


# ---------------------------------------------------------------- full disk: a small tmpfs

OUTPUTS_ON_A_FULL_DISK = [
    ("export", "positions", "-o", "disk/positions.csv"),
    ("export", "clients", "--unmask", "-o", "disk/clients.csv"),
    ("--quiet", "report", "dashboard", "-o", "disk/dashboard.html"),
    ("backup", "disk/copy.db"),
    ("import", "clients", "clients.csv", "--rejects", "disk/rejects.csv"),
]


@pytest.mark.parametrize("args", OUTPUTS_ON_A_FULL_DISK,
                         ids=[" ".join(a) for a in OUTPUTS_ON_A_FULL_DISK])
def test_an_output_on_a_full_disk_leaves_no_file_and_the_database_unchanged(
        folder, small_disk, args):
    os.symlink(small_disk.folder, folder / "disk")
    small_disk.fill()
    before = fingerprint(folder)  # the audit log has no --unmask entry either
    assert_refused(vipcrm(folder, *args), f"the disk holding {args[-1]} {FULL}")
    assert fingerprint(folder) == before
    assert sorted(p.name for p in small_disk.folder.iterdir()) == ["filler"]


def test_an_import_that_fills_the_disk_of_the_database_is_undone(folder, small_disk):
    db = small_disk.folder / "vipcrm.db"
    copy_db(folder / "vipcrm.db", db)
    rows = transactions_file(folder / "transactions.csv", 30_000)
    before = contents(db)
    small_disk.fill(leave=300_000)

    result = vipcrm(folder, "import", "transactions", rows, db=str(db))

    assert_refused(result, f"the disk holding {db} {FULL}")
    small_disk.free()
    assert integrity_ok(db)
    assert contents(db) == before
    assert sorted(p.name for p in small_disk.folder.iterdir()) == ["vipcrm.db"]


def test_a_command_on_a_full_disk_cannot_open_the_database_and_says_why(folder, small_disk):
    db = small_disk.folder / "vipcrm.db"
    copy_db(folder / "vipcrm.db", db)
    small_disk.fill()
    before = digest(db)
    assert_refused(vipcrm(folder, "tier", "--recompute", db=str(db)),
                   f"the disk holding {db} {FULL}")
    assert digest(db) == before


@pytest.fixture
def inbox(folder):
    return demo_extracts(folder / "inbox", clients=50, seed=11)


def test_nightly_stops_when_the_backup_disk_is_full(folder, small_disk, inbox):
    os.symlink(small_disk.folder, folder / "backups")
    small_disk.fill()
    before_db, before_inbox = digest(folder / "vipcrm.db"), fingerprint(inbox)

    result = vipcrm(folder, "nightly", "--inbox", "inbox", "--backup-dir", "backups")

    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith(f"backup: failed the disk holding backups/vipcrm-{TODAY}.db "
                               f"{FULL} [")
    assert lines[1].startswith("nightly: failed exit 1: 1 step(s), 1 failed [")
    assert digest(folder / "vipcrm.db") == before_db  # nothing imported without its backup
    assert fingerprint(inbox) == before_inbox
    assert sorted(p.name for p in small_disk.folder.iterdir()) == ["filler"]


def test_nightly_stops_when_an_import_fills_the_disk_of_the_database(folder, small_disk, inbox):
    db = small_disk.folder / "vipcrm.db"
    copy_db(folder / "vipcrm.db", db)
    small_disk.fill(leave=300_000)
    before = contents(db)

    result = vipcrm(folder, "nightly", "--inbox", "inbox", db=str(db))

    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    stopped = [line for line in lines if FULL in line]
    assert len(stopped) == 1 and " failed the disk holding " in stopped[0]
    assert "left in the inbox for the next run" in stopped[0]
    assert lines[-1].startswith("nightly: failed exit 1:")
    assert lines[-2] == stopped[0]  # no tiers, assignment or plans after it
    small_disk.free()
    assert integrity_ok(db)
    kind = stopped[0].split()[1]
    assert (inbox / f"{kind}.csv").exists()  # the file that met the full disk waits
    done = contents(db)
    assert done["tier_runs"] == before["tier_runs"]


def test_nightly_stops_when_the_plans_fill_the_disk(folder, small_disk):
    os.symlink(small_disk.folder, folder / "plans")
    small_disk.fill()
    result = vipcrm(folder, "nightly", "--outbox", "plans")
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[-2].startswith("plans: failed the disk holding plans/plan-")
    assert FULL in lines[-2]
    assert sorted(p.name for p in small_disk.folder.iterdir()) == ["filler"]


# ---------------------------------------------------------------- a read-only database file

@pytest.fixture
def read_only(folder):
    preexec = read_only_runner()
    os.chmod(folder / "vipcrm.db", 0o400)
    return preexec


@pytest.mark.parametrize("args", [("plan", "today"), ("plan", "week", "--format", "json"),
                                  ("report", "tiers"), ("report", "kpi", "--format", "csv"),
                                  ("tier", "list"), ("client", "show", "C000001"),
                                  ("export", "clients")])
def test_a_read_only_database_still_answers_the_reading_commands(folder, read_only, args):
    before = digest(folder / "vipcrm.db")
    result = vipcrm(folder, *args, preexec_fn=read_only)
    assert result.returncode == 0, result.stderr
    assert result.stdout and "Error" not in result.stderr
    assert digest(folder / "vipcrm.db") == before


WRITERS = [("tier", "--recompute"), ("assign",), ("config", "set", "plan.daily_capacity", "9"),
           ("import", "rms", str(EXAMPLES / "rms.csv")),
           ("followup", "time", "RM1001", "--minutes", "5", "--category", "admin"),
           ("client", "update", "C000001", "--set", "occupation=doctor"),
           ("export", "clients", "--unmask"), ("backup", "copy.db")]


@pytest.mark.parametrize("args", WRITERS, ids=[" ".join(a) for a in WRITERS])
def test_a_write_to_a_read_only_database_is_refused_in_one_line(folder, read_only, args):
    before = digest(folder / "vipcrm.db")
    result = vipcrm(folder, *args, preexec_fn=read_only)
    assert_refused(result, "vipcrm.db is read-only: make it writable (chmod u+w) or run as a "
                           "user who may write it; nothing was changed")
    assert digest(folder / "vipcrm.db") == before
    assert not (folder / "copy.db").exists()


def test_nightly_on_a_read_only_database_fails_each_step_in_one_line(folder, read_only):
    before = digest(folder / "vipcrm.db")
    result = vipcrm(folder, "nightly", preexec_fn=read_only)
    assert result.returncode == 1 and result.stderr == ""
    assert "tiers: failed " in result.stdout and "is read-only" in result.stdout
    assert digest(folder / "vipcrm.db") == before


# ---------------------------------------------------------------- a damaged database file

def damage(db, *tables: str, middle: bool = True) -> None:
    """Overwrite the root page of each table, and a run of pages in the middle of the file."""
    conn = sqlite3.connect(db)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'"))
    conn.close()
    size = os.path.getsize(db)
    with open(db, "r+b") as handle:
        for table in tables:
            handle.seek((roots[table] - 1) * page)
            handle.write(b"\xa5" * page)
        if middle:
            handle.seek(size // 2 // page * page)
            handle.write(b"\x5a" * page * 4)


@pytest.fixture
def damaged(folder):
    damage(folder / "vipcrm.db", "clients", "positions")
    return folder


DAMAGE_MET = [("plan", "today"), ("tier", "list"), ("client", "show", "C000001"),
              ("report", "tiers"), ("export", "clients"), ("export", "positions", "-o", "p.csv"),
              ("report", "dashboard", "-o", "d.html"), ("tier", "--recompute"), ("assign",),
              ("import", "clients", "clients.csv"), ("backup", "copy.db")]


@pytest.mark.parametrize("args", DAMAGE_MET, ids=[" ".join(a) for a in DAMAGE_MET])
def test_a_damaged_page_is_named_with_the_way_back_in_one_line(damaged, args):
    before = fingerprint(damaged)
    result = vipcrm(damaged, "--quiet", *args)
    assert_refused(result, "vipcrm.db is damaged (", DAMAGED_HINT)
    assert fingerprint(damaged) == before  # no export, dashboard, rejects or backup file


def test_without_quiet_the_damage_is_still_the_only_error_and_the_last_line(damaged):
    result = vipcrm(damaged, "plan", "today")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [result.stderr.splitlines()[-1]]
    assert "vipcrm.db is damaged (database disk image is malformed)" in errors[0]


@pytest.mark.parametrize("how, message", [
    ("schema", "vipcrm.db is damaged ("),
    ("header", "vipcrm.db is not a vipcrm database (not an SQLite file); check --db"),
])
def test_a_damaged_first_page_refuses_every_command_at_open(folder, how, message):
    db = folder / "vipcrm.db"
    with open(db, "r+b") as handle:
        handle.seek(0 if how == "header" else 100)
        handle.write(b"\xa5" * (100 if how == "header" else 3000))
    before = fingerprint(folder)
    for args in (("config", "show"), ("audit",), ("plan", "today"), ("tier", "--recompute")):
        assert_refused(vipcrm(folder, *args), message)
    assert fingerprint(folder) == before


def test_backup_of_a_damaged_database_keeps_nothing(damaged):
    result = vipcrm(damaged, "backup", "copy.db")
    assert_refused(result, "is damaged (quick_check of its copy:",
                   "the copy was deleted, older backups are kept")
    assert not (damaged / "copy.db").exists()
    assert not [p for p in damaged.iterdir() if p.name.startswith(".")]


def test_nightly_never_rotates_a_good_backup_out_for_a_damaged_copy(damaged, inbox, demo_db):
    backups = damaged / "backups"
    backups.mkdir()
    copy_db(demo_db, backups / "vipcrm-2026-11-26.db")
    kept, waiting = fingerprint(backups), fingerprint(inbox)

    result = vipcrm(damaged, "nightly", "--inbox", "inbox", "--backup-dir", "backups",
                    "--keep", "1")

    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("backup: failed ")
    assert "is damaged (quick_check of its copy" in lines[0]
    assert lines[1].startswith("nightly: failed exit 1: 1 step(s), 1 failed")
    assert fingerprint(backups) == kept  # the good backup stays, no bad copy beside it
    assert fingerprint(inbox) == waiting  # nothing imported into a damaged database


def test_nightly_without_a_backup_checks_the_database_before_importing(damaged, inbox):
    before, waiting = digest(damaged / "vipcrm.db"), fingerprint(inbox)
    result = vipcrm(damaged, "nightly", "--inbox", "inbox")
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) == 2, result.stdout
    assert lines[0].startswith("check: failed ") and "is damaged (quick_check:" in lines[0]
    assert "nothing was imported" in lines[0] and DAMAGED_HINT in lines[0]
    assert digest(damaged / "vipcrm.db") == before
    assert fingerprint(inbox) == waiting


# ---------------------------------------------------------------- a newer schema

@pytest.mark.parametrize("args", [("config", "show"), ("plan", "today"),
                                  ("config", "set", "plan.daily_capacity", "9"),
                                  ("import", "clients", "clients.csv"), ("demo", "--force"),
                                  ("nightly", "--inbox", "inbox"), ("backup", "copy.db")])
def test_a_database_of_a_newer_vipcrm_is_refused_before_anything_is_written(folder, args):
    (folder / "inbox").mkdir()
    conn = sqlite3.connect(folder / "vipcrm.db")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('vipcrm', 'm999_from_the_future', '2030-01-01 00:00:00')")
    conn.commit()
    conn.close()
    before = digest(folder / "vipcrm.db")
    assert_refused(vipcrm(folder, *args),
                   "vipcrm.db was written by a newer vipcrm (unknown migration "
                   "m999_from_the_future); upgrade vipcrm to open it")
    assert digest(folder / "vipcrm.db") == before
    assert not (folder / "copy.db").exists()


def test_nightly_checks_the_database_itself_when_the_backup_could_not_be_taken(damaged, inbox):
    (damaged / "backups").write_text("a file where the backup folder should be\n")
    waiting = fingerprint(inbox)
    result = vipcrm(damaged, "nightly", "--inbox", "inbox", "--backup-dir", "backups")
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) == 3, result.stdout
    assert lines[0].startswith("backup: failed ")
    assert lines[1].startswith("check: failed ") and "is damaged (quick_check:" in lines[1]
    assert fingerprint(inbox) == waiting
