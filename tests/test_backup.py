"""`vipcrm backup PATH` and `nightly --backup-dir DIR --keep N`: consistent online copies, 0600."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat

import pytest

from datafiles import SAMPLES, load_samples, write_csv
from test_nightly_support import contents, integrity
from vipcrm.store.backup import backup_to, dated_backups
from vipcrm.store.db import open_db


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loaded(cli, tmp_path):
    load_samples(cli, tmp_path)
    assert cli("--today", "2026-11-27", "tier", "--recompute").exit_code == 0


def test_backup_is_a_private_self_contained_copy_that_records_itself(cli, loaded, db_path,
                                                                    tmp_path, sql):
    target = tmp_path / "copies" / "vipcrm-2026-11-27.db"
    target.parent.mkdir()

    result = cli("backup", target)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"backup written to {target}\n"
    assert mode(target) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no -wal, no .partial
    assert integrity(target) == [("ok",)]
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    live = contents(db_path)
    copy = contents(target)
    recorded = [row for row in live["audit_log"] if row[2] == "backup"]
    assert len(recorded) == 1  # in the live database, after the copy was taken
    live["audit_log"].remove(recorded[0])
    assert copy == live
    user, command, details = sql("SELECT user, command, details FROM audit_log "
                                 "ORDER BY id DESC LIMIT 1")[0]
    assert command == "backup" and str(target) in details and user
    # A backup opens as a database of its own.
    assert cli("--db", target, "--today", "2026-11-27", "tier", "list", "--format", "csv"
               ).stdout == cli("--today", "2026-11-27", "tier", "list", "--format", "csv").stdout


def test_backup_takes_the_last_commit_and_does_not_wait_for_a_writer(cli, loaded, db_path,
                                                                    tmp_path):
    before = contents(db_path)
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM positions")
    writer.execute("INSERT INTO calendar VALUES ('2027-03-01', 'holiday', 'not committed')")
    try:
        db = open_db(db_path, busy_timeout_ms=50)  # would fail if it had to wait
        backup_to(db, tmp_path / "copy.db")
        db.conn.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert contents(tmp_path / "copy.db") == before


def test_backup_that_cannot_be_recorded_is_deleted(cli, loaded, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("VIPCRM_BUSY_TIMEOUT_MS", "50")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        result = cli("backup", tmp_path / "copy.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the database is busy")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("where, message", [
    ("self", "is the database; the backup must never be written there: choose another file"),
    ("missing/copy.db", "does not exist; create it first"),
    ("folder", "is a folder; give the backup a file name"),
])
def test_backup_refusals(cli, loaded, db_path, tmp_path, where, message):
    (tmp_path / "folder").mkdir()
    target = db_path if where == "self" else tmp_path / where
    before = contents(db_path)
    result = cli("backup", target)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert contents(db_path) == before


def test_nightly_keeps_the_last_n_backups(cli, tmp_path, sql):
    folder = tmp_path / "backups"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    days = [dt.date(2026, 11, 23) + dt.timedelta(days=n) for n in range(4)]
    for day in days:
        write_csv(inbox / "calendar.csv", [SAMPLES["calendar"][0],
                                           [day.isoformat(), "holiday", f"day {day}"]])
        result = cli("--today", day.isoformat(), "nightly", "--inbox", inbox,
                     "--backup-dir", folder, "--keep", "2")
        assert result.exit_code == 0, result.stdout
        assert result.stdout.startswith(f"backup: ok {folder / f'vipcrm-{day}.db'}")

    assert sorted(p.name for p in folder.iterdir()) == [f"vipcrm-{d}.db" for d in days[-2:]]
    assert mode(folder) == 0o700
    assert all(mode(p) == 0o600 for p in folder.iterdir())
    # Each night's backup was taken before that night's import.
    conn = sqlite3.connect(folder / f"vipcrm-{days[-1]}.db")
    assert conn.execute("SELECT date FROM calendar ORDER BY date").fetchall() == [
        (d.isoformat(),) for d in days[:-1]]
    conn.close()
    assert "1 old backup(s) removed" in result.stdout
    assert [command for (command,) in sql(
        "SELECT command FROM audit_log WHERE command = 'backup'")] == ["backup"] * 4


def test_a_same_day_rerun_keeps_the_days_first_backup_and_numbers_the_next(cli, tmp_path):
    folder = tmp_path / "backups"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = []
    for run in range(3):
        write_csv(inbox / "calendar.csv", [SAMPLES["calendar"][0],
                                           [f"2027-01-0{run + 1}", "holiday", f"run {run}"]])
        result = cli("--today", "2026-11-27", "nightly", "--inbox", inbox,
                     "--backup-dir", folder)
        assert result.exit_code == 0, result.stdout
        names.append(result.stdout.split()[2])
    assert names == [str(folder / name) for name in (
        "vipcrm-2026-11-27.db", "vipcrm-2026-11-27.2.db", "vipcrm-2026-11-27.3.db")]
    # Each copy was taken before its run's import: the first is the day's rollback point.
    for n, name in enumerate(names):
        conn = sqlite3.connect(name)
        assert conn.execute("SELECT COUNT(*) FROM calendar").fetchone()[0] == n
        conn.close()


def test_rotation_never_removes_the_days_first_backup_however_often_it_reruns(cli, tmp_path):
    """The day's first copy is the state before the day's imports: reruns past --keep rotate
    out the later copies of the day instead."""
    folder = tmp_path / "backups"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for run in range(4):
        write_csv(inbox / "calendar.csv", [SAMPLES["calendar"][0],
                                           [f"2027-01-0{run + 1}", "holiday", f"run {run}"]])
        result = cli("--today", "2026-11-27", "nightly", "--inbox", inbox,
                     "--backup-dir", folder, "--keep", "2")
        assert result.exit_code == 0, result.stdout
    assert sorted(p.name for p in folder.iterdir()) == [
        "vipcrm-2026-11-27.3.db", "vipcrm-2026-11-27.4.db", "vipcrm-2026-11-27.db"]
    conn = sqlite3.connect(folder / "vipcrm-2026-11-27.db")
    assert conn.execute("SELECT COUNT(*) FROM calendar").fetchone()[0] == 0
    conn.close()
    # The next day, the rotation goes back to the newest --keep.
    result = cli("--today", "2026-11-28", "nightly", "--backup-dir", folder, "--keep", "2")
    assert result.exit_code == 0, result.stdout
    assert sorted(p.name for p in folder.iterdir()) == [
        "vipcrm-2026-11-27.4.db", "vipcrm-2026-11-28.db"]


def test_rotation_orders_backups_by_day_then_run_and_ignores_other_names(cli, tmp_path,
                                                                         db_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    assert cli("config", "set", "plan.daily_capacity", "12").exit_code == 0
    for name in ("vipcrm-2026-11-25.db", "vipcrm-2026-11-25.9.db", "vipcrm-2026-11-25.10.db",
                 "vipcrm-2026-11-26.db", "vipcrm-manual.db", "notes.txt",
                 # half-written by backups that crashed: cleared (the run holds the lock)
                 ".vipcrm-2026-11-26.db.k3j2x1", "vipcrm-2026-11-24.db.partial"):
        (folder / name).write_bytes(db_path.read_bytes())
    result = cli("--today", "2026-11-27", "nightly", "--backup-dir", folder, "--keep", "3")
    assert result.exit_code == 0, result.stdout
    assert "2 old backup(s) removed" in result.stdout
    # By name, .10 sorts before .9 and would have gone first.
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt", "vipcrm-2026-11-25.10.db", "vipcrm-2026-11-26.db", "vipcrm-2026-11-27.db",
        "vipcrm-manual.db"]


def test_dated_backups_are_ordered_by_day_and_number(tmp_path):
    for name in ("vipcrm-2026-11-27.2.db", "vipcrm-2026-11-26.10.db", "vipcrm-2026-11-27.db",
                 "vipcrm-2026-11-26.9.db", "vipcrm-2026-02-30.db", "vipcrm-2026-11-27.db-wal",
                 ".vipcrm-2026-11-27.db.x1y2"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for _, _, p in dated_backups(tmp_path)] == [
        "vipcrm-2026-11-26.9.db", "vipcrm-2026-11-26.10.db", "vipcrm-2026-11-27.db",
        "vipcrm-2026-11-27.2.db"]


def test_a_backup_is_checked_before_it_takes_its_name(cli, loaded, db_path, tmp_path,
                                                      monkeypatch):
    from vipcrm.store import backup

    monkeypatch.setattr(backup, "quick_check", lambda conn: "Page 7: btreeInitPage() error")
    result = cli("backup", tmp_path / "copy.db")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {db_path} is damaged (quick_check of its copy: Page 7: btreeInitPage() error; "
        "the copy was deleted, older backups are kept); restore it from a backup (the latest "
        "good vipcrm-DATE.db of the nightly --backup-dir folder, or a copy taken with "
        "`vipcrm backup`)\n")
    assert list(tmp_path.glob("*copy*")) == [] and not list(tmp_path.glob(".*"))
