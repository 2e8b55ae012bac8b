"""Large files are parsed in a forked worker process (store.worker) while this one inserts.

The import modules run every test both ways (the `reading_process` fixture); these tests cover
what only the worker has: batches, a worker that fails, a parent that stops reading early, and
no process left behind.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3

import pytest

from vipcrm.store import worker
from vipcrm.store.db import open_db
from vipcrm.store.imports import ImportOptions, import_file

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker needs fork")


@pytest.fixture
def forked(monkeypatch) -> list[int]:
    """The worker for every file, in batches of 7 rows so a small file spans many; the pids of
    the workers started."""
    monkeypatch.setattr(worker, "MIN_BYTES", 0)
    monkeypatch.setattr(worker, "usable_cpus", lambda: 2)
    monkeypatch.setattr(worker, "BATCH_ROWS", 7)
    pids: list[int] = []
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return pids


def _all_ended(pids: list[int]) -> bool:
    """True when every one of these workers has ended and been reaped by the import."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def _clients_with_bad_rows(path):
    """100 rows; bad ones on both sides of batch boundaries and a multi-line quoted row."""
    lines = ["client_id,name,home_branch,birth_date,address\n"]
    for i in range(100):
        if i in (0, 6, 7, 50, 99):
            lines.append(f"C{i:03d},Name {i},B1,1990-02-30,addr\n")  # not a real date
        elif i == 20:
            lines.append(f"C{i:03d},Name {i},B1,1990-01-01,\"two\nlines\"\n")
        elif i == 21:
            lines.append(f",Name {i},B1,,\"x\ny\"\n")  # no client id, two lines
        else:
            lines.append(f"C{i:03d},Name {i},B1,1990-01-{i % 28 + 1:02d},addr {i}\n")
    path.write_text("".join(lines), encoding="utf-8", newline="")
    return path


def _import(db_path, path, **options):
    return import_file(open_db(db_path), "clients", path, ImportOptions(**options))


def _rows(db_path, table="clients"):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        conn.close()


def _rejects(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def test_batches_give_the_same_rows_rejects_and_counts_as_one_process(tmp_path, request):
    source = _clients_with_bad_rows(tmp_path / "clients.csv")
    alone = _import(tmp_path / "alone.db", source, rejects=tmp_path / "alone.rejects.csv")

    pids = request.getfixturevalue("forked")
    seen: list[tuple[int, int]] = []
    forked = _import(tmp_path / "forked.db", source, rejects=tmp_path / "forked.rejects.csv",
                     progress=lambda done, total: seen.append((done, total)))

    assert (forked.read, forked.inserted, forked.rejected) == (100, 94, 6)
    assert forked.counts() == alone.counts()
    assert _rows(tmp_path / "forked.db") == _rows(tmp_path / "alone.db")
    rejects = _rejects(tmp_path / "forked.rejects.csv")
    assert rejects == _rejects(tmp_path / "alone.rejects.csv")
    # Lines: header 1, row i on line i + 2 until the two-line row 20 (lines 22-23).
    assert [r[0] for r in rejects[1:]] == ["2", "8", "9", "24", "54", "103"]
    assert forked.sha256 == hashlib.sha256(source.read_bytes()).hexdigest() == alone.sha256
    assert seen and seen[-1] == (source.stat().st_size,) * 2
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(pids) == 1 and _all_ended(pids)


def test_a_failing_worker_is_an_error_and_changes_nothing(tmp_path, forked, monkeypatch):
    source = _clients_with_bad_rows(tmp_path / "clients.csv")
    db_path = tmp_path / "vipcrm.db"
    open_db(db_path).conn.close()

    def broken(self, cells):
        raise ZeroDivisionError("parser bug")

    monkeypatch.setattr("vipcrm.formats.rows.RowParser.detailed", broken)
    with pytest.raises(RuntimeError, match="ZeroDivisionError: parser bug"):
        _import(db_path, source)
    assert _rows(db_path) == []
    assert _rows(db_path, "import_log") == []
    assert not (tmp_path / "clients.rejects.csv").exists()
    assert len(forked) == 1 and _all_ended(forked)


def test_a_parent_that_stops_reading_early_leaves_no_worker(tmp_path, forked, monkeypatch):
    # An existing key makes the direct insert fail on the first batch: the parent rolls back,
    # stops the first worker half-way and reads the file again through a second one.
    monkeypatch.setattr(worker, "BATCH_ROWS", 2)
    db_path = tmp_path / "vipcrm.db"
    first = tmp_path / "first.csv"
    first.write_text("client_id,name,home_branch\nC005,Old,B0\n", encoding="utf-8")
    _import(db_path, first)
    lines = ["client_id,name,home_branch\n"] + [f"C{i:03d},Name {i},B1\n" for i in range(5000)]
    source = tmp_path / "clients.csv"
    source.write_text("".join(lines), encoding="utf-8")

    result = _import(db_path, source)
    assert (result.inserted, result.updated, result.rejected) == (4999, 1, 0)
    assert len(_rows(db_path)) == 5000
    # The first load, the direct attempt and the staged path: a worker each.
    assert len(forked) == 3 and _all_ended(forked)


def test_the_worker_is_for_large_files_on_machines_with_two_cores(tmp_path, monkeypatch):
    from vipcrm.formats.csvfile import open_csv

    path = tmp_path / "clients.csv"
    path.write_text("client_id,name,home_branch\nC1,A,B1\n", encoding="utf-8")
    small = open_csv(path)
    monkeypatch.setattr(worker, "usable_cpus", lambda: 2)
    assert not worker.available(small)
    monkeypatch.setattr(worker, "MIN_BYTES", small.size)
    assert worker.available(small)
    monkeypatch.setattr(worker, "usable_cpus", lambda: 1)
    assert not worker.available(small)
