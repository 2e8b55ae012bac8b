"""No output overwrites the database or an input; every file is written 0600 and whole; a read
command never creates a database; `| head` ends quietly. Real processes in a real folder: the
faults are the file system's."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from safety_support import assert_refused, copy_db, digest, fingerprint, integrity_ok, vipcrm
from test_nightly_support import TODAY, run, vipcrm_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A 50-client demo bank, made once and copied into each test's folder."""
    path = tmp_path_factory.mktemp("demo") / "vipcrm.db"
    made = run(["demo", "--clients", "50"], path)
    assert made.returncode == 0, made.stderr
    return path


@pytest.fixture
def folder(tmp_path, demo_db):
    """The database beside an input, an older backup, a note and links to the first two."""
    work = tmp_path / "work"
    work.mkdir()
    copy_db(demo_db, work / "vipcrm.db")
    shutil.copyfile(EXAMPLES / "clients_bad.csv", work / "clients.csv")
    old = sqlite3.connect(work / "old.db")
    old.execute("CREATE TABLE kept (note TEXT)")
    old.execute("INSERT INTO kept VALUES ('an older backup')")
    old.commit()
    old.close()
    (work / "notes.txt").write_text("my notes\n")
    os.symlink("vipcrm.db", work / "link.csv")
    os.link(work / "vipcrm.db", work / "hard.csv")
    os.symlink("clients.csv", work / "input-link.csv")
    return work


DATABASE = "is the database;"
REFUSALS = [
    (("export", "clients", "-o", "vipcrm.db"), "vipcrm.db " + DATABASE),
    (("export", "clients", "--unmask", "-o", "vipcrm.db"), "vipcrm.db " + DATABASE),
    (("export", "clients", "-o", "vipcrm.db-wal"), "vipcrm.db-wal is the database's write-ahead"),
    (("export", "clients", "-o", "vipcrm.db-shm"), "vipcrm.db-shm is the database's shared-mem"),
    (("export", "clients", "-o", "vipcrm.db-journal"), "is the database's rollback journal"),
    (("export", "clients", "-o", "vipcrm.db.lock"), "vipcrm.db.lock is the nightly run's lock"),
    (("export", "clients", "-o", "link.csv"), "link.csv " + DATABASE),
    (("export", "clients", "-o", "hard.csv"), "hard.csv " + DATABASE),
    (("export", "clients", "-o", "old.db"), "old.db is an SQLite database (a backup?); the export"),
    (("export", "clients", "-o", "nowhere/out.csv"), "folder nowhere does not exist"),
    (("export", "clients", "-o", "."), ". is a folder; give the export a file name"),
    (("report", "dashboard", "-o", "vipcrm.db"), "vipcrm.db is the database; the dashboard must"),
    (("report", "dashboard", "-o", "link.csv"), "link.csv " + DATABASE),
    (("report", "dashboard", "-o", "old.db"), "old.db is an SQLite database"),
    (("import", "clients", "clients.csv", "--rejects", "vipcrm.db"),
     "vipcrm.db is the database; the rejects file"),
    (("import", "clients", "clients.csv", "--rejects", "vipcrm.db-wal"), "write-ahead log"),
    (("import", "clients", "clients.csv", "--rejects", "hard.csv"), "hard.csv " + DATABASE),
    (("import", "clients", "clients.csv", "--rejects", "clients.csv"),
     "clients.csv is an input of this command"),
    (("import", "clients", "clients.csv", "--rejects", "input-link.csv"),
     "input-link.csv is an input of this command"),
    (("import", "clients", "input-link.csv", "--rejects", "clients.csv"),
     "clients.csv is an input of this command"),
    (("import", "clients", "clients.csv", "--rejects", "old.db"), "old.db is an SQLite database"),
    (("backup", "vipcrm.db"), "vipcrm.db is the database; the backup must never be written there"),
    (("backup", "link.csv"), "link.csv " + DATABASE),
    (("backup", "hard.csv"), "hard.csv " + DATABASE),
    (("backup", "vipcrm.db-shm"), "shared-memory file"),
    (("backup", "notes.txt"), "notes.txt exists and is not a database backup"),
    (("backup", "/dev/null"), "/dev/null is not a regular file; a backup must be a file"),
]


@pytest.mark.parametrize("args, message", REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_an_output_never_lands_on_the_database_an_input_or_a_backup(folder, args, message):
    before = fingerprint(folder)
    result = vipcrm(folder, *args)
    line = assert_refused(result, message)
    assert line.endswith("choose another file") or "create it first" in line or \
        "file name" in line
    assert fingerprint(folder) == before  # every file as it was, nothing new (no temp file)


def test_an_export_to_dev_stdout_is_written_to_it_not_renamed_over_it(folder):
    before = fingerprint(folder)
    result = vipcrm(folder, "export", "clients", "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("client_id,name,segment")
    assert os.path.islink("/dev/stdout")
    assert fingerprint(folder) == before


def test_an_export_through_a_link_replaces_the_linked_file_privately(folder):
    (folder / "real.csv").write_text("old export\n")
    os.chmod(folder / "real.csv", 0o644)
    os.symlink("real.csv", folder / "out.csv")
    result = vipcrm(folder, "export", "clients", "-o", "out.csv")
    assert result.returncode == 0, result.stderr
    assert os.readlink(folder / "out.csv") == "real.csv"
    # A file people open: UTF-8 with the byte-order mark Excel needs.
    assert (folder / "real.csv").read_text(encoding="utf-8").startswith("\ufeffclient_id,")
    assert stat.S_IMODE((folder / "real.csv").stat().st_mode) == 0o600


def test_the_dashboard_is_owner_only_and_leaves_no_temporary_file(folder):
    (folder / "dashboard.html").write_text("last week's\n")
    os.chmod(folder / "dashboard.html", 0o644)
    result = vipcrm(folder, "report", "dashboard", "-o", "dashboard.html")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((folder / "dashboard.html").stat().st_mode) == 0o600
    assert (folder / "dashboard.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_a_backup_may_replace_an_older_backup(folder):
    result = vipcrm(folder, "backup", "old.db")
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(folder / "old.db")
    assert copy.execute("SELECT COUNT(*) FROM clients").fetchone()[0] > 0
    copy.close()
    assert stat.S_IMODE((folder / "old.db").stat().st_mode) == 0o600
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_a_plan_file_linked_to_the_database_fails_the_step_and_the_database_stays(folder):
    outbox = folder / "plans"
    outbox.mkdir()
    os.symlink("../vipcrm.db", outbox / f"plan-{TODAY}-RM1001.csv")
    result = vipcrm(folder, "nightly", "--outbox", "plans")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"plans: failed plans/plan-{TODAY}-RM1001.csv is the database; the plan file must "
            "never be written there") in result.stdout
    assert result.stderr == ""
    assert os.readlink(outbox / f"plan-{TODAY}-RM1001.csv") == "../vipcrm.db"
    assert integrity_ok(folder / "vipcrm.db")


def test_rotation_never_removes_a_live_database_named_like_a_backup(folder):
    backups = folder / "backups"
    backups.mkdir()
    os.rename(folder / "vipcrm.db", backups / "vipcrm-2026-11-20.db")
    live = digest(backups / "vipcrm-2026-11-20.db")
    result = vipcrm(folder, "nightly", "--backup-dir", "backups", "--keep", "1",
                    db="backups/vipcrm-2026-11-20.db")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in backups.iterdir() if not p.name.endswith(".lock")) == [
        "vipcrm-2026-11-20.db", f"vipcrm-{TODAY}.db"]
    assert integrity_ok(backups / "vipcrm-2026-11-20.db")
    assert "removed" not in result.stdout
    assert digest(backups / f"vipcrm-{TODAY}.db") != live  # the copy is one file, in DELETE mode


# Every command that reads, or changes what is there, on a database file that does not exist.
READERS = [
    ("plan", "today"), ("plan", "week", "--format", "json"), ("report", "tiers"),
    ("report", "kpi", "--format", "csv"), ("report", "dashboard", "-o", "dashboard.html"),
    ("tier", "list"), ("tier", "show", "C1"), ("tier", "history", "C1"), ("tier", "corporate"),
    ("tier", "--recompute"), ("client", "show", "C1"),
    ("client", "update", "C1", "--set", "occupation=doctor"), ("export", "clients"),
    ("export", "clients", "-o", "clients.csv"), ("assign",), ("assign", "list"),
    ("assign", "explain", "C1"), ("assign", "set", "C1", "RM1"),
    ("followup", "list"), ("followup", "log", "C1", "--channel", "phone"),
    ("followup", "time", "RM1", "--minutes", "5", "--category", "admin"),
    ("config", "show"), ("audit",), ("backup", "copy.db"),
    ("purge", "--ended-before", "2020-01-01"), ("nightly",),
    ("nightly", "--outbox", "plans", "--backup-dir", "backups"),
]


@pytest.mark.parametrize("args", READERS, ids=[" ".join(a) for a in READERS])
def test_a_missing_database_is_refused_and_nothing_is_created(cli, tmp_path, monkeypatch,
                                                               args):
    work = tmp_path / "work"
    work.mkdir()
    db = work / "bank.db"
    monkeypatch.chdir(work)  # relative outputs would land here
    result = cli("--db", db, "--today", TODAY.isoformat(), *args)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == (f"Error: {db} does not exist; create it with `vipcrm demo` (a demo "
                             "bank) or `vipcrm import KIND FILE`, or check --db / VIPCRM_DB\n")
    assert list(work.iterdir()) == []


def test_the_commands_that_bring_data_in_create_the_database(cli, tmp_path):
    assert cli("--db", tmp_path / "a.db", "import", "rms", EXAMPLES / "rms.csv").exit_code == 0
    assert cli("--db", tmp_path / "b.db", "config", "set", "plan.daily_capacity", "9"
               ).exit_code == 0
    (tmp_path / "inbox").mkdir()
    assert cli("--db", tmp_path / "c.db", "nightly", "--inbox", tmp_path / "inbox").exit_code == 0
    for name in ("a.db", "b.db", "c.db"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


@pytest.fixture(scope="module")
def big_demo(tmp_path_factory):
    """The default demo bank: its outputs are far larger than a pipe's buffer."""
    path = tmp_path_factory.mktemp("bigdemo") / "vipcrm.db"
    made = run(["demo"], path)
    assert made.returncode == 0, made.stderr
    return path


# Each prints hundreds of kilobytes: far more than the pipe holds when head has gone.
PIPED = [("plan", "today"), ("plan", "week", "--format", "json"), ("export", "positions"),
         ("export", "positions", "--format", "json")]


@pytest.mark.parametrize("args", PIPED, ids=[" ".join(a) for a in PIPED])
def test_a_reader_that_stops_early_ends_the_command_quietly(big_demo, args):
    """`vipcrm … | head -1`, with real processes and a real pipe."""
    env = vipcrm_env(big_demo)
    writer = subprocess.Popen([sys.executable, "-m", "vipcrm", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env)
    head = subprocess.Popen(["head", "-1"], stdin=writer.stdout, stdout=subprocess.PIPE)
    writer.stdout.close()  # head alone holds the reading end: its exit breaks the pipe
    first, _ = head.communicate(timeout=120)
    errors = writer.stderr.read().decode()
    writer.stderr.close()
    code = writer.wait(timeout=120)
    assert len(first.splitlines()) == 1
    assert "Broken pipe" not in errors and "Traceback" not in errors
    assert "Exception ignored" not in errors and "Error" not in errors, errors
    assert code == 1


def test_the_refusals_speak_the_chosen_language(cli, blank_db, tmp_path):
    result = cli("--lang", "zh", "export", "clients", "-o", blank_db)
    assert result.exit_code == 1
    assert result.stderr == f"错误: {blank_db} 是数据库本身；导出文件绝不能写在那里：请另选文件\n"
    missing = cli("--lang", "zh", "--db", tmp_path / "none.db", "plan", "today")
    assert missing.stderr.startswith(f"错误: {tmp_path / 'none.db'} 不存在；")
