"""An import killed half-way leaves the database exactly as it was (DATA.md: one transaction)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from datafiles import contents, write_csv

TRANSACTIONS = 300_000
CLIENTS = 1_000


def write_transactions(path, count):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("txn_id,client_id,date,branch,amount,channel\n")
        for i in range(count):
            handle.write(f"T{i:08d},C{i % CLIENTS:05d},2026-{i % 12 + 1:02d}-{i % 28 + 1:02d},"
                         f"BR{i % 7:02d},{i % 100_000}.{i % 100:02d},counter\n")


@pytest.mark.slow
def test_killed_import_changes_nothing(cli, db_path, tmp_path):
    clients = [["client_id", "name", "home_branch"]]
    clients += [[f"C{i:05d}", f"Client {i}", "BR00"] for i in range(CLIENTS)]
    assert cli("import", "clients", write_csv(tmp_path / "clients.csv", clients)).exit_code == 0
    assert cli("import", "transactions", write_csv(tmp_path / "first.csv", [
        ["txn_id", "client_id", "date", "branch"], ["OLD1", "C00001", "2025-01-02", "BR01"]]),
    ).exit_code == 0
    big = tmp_path / "transactions.csv"
    write_transactions(big, TRANSACTIONS)
    before = contents(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    wal_at_start = wal.stat().st_size if wal.exists() else 0

    command = [sys.executable, "-m", "vipcrm", "--db", str(db_path), "import", "transactions",
               str(big)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "VIPCRM_DB": str(db_path)})
    # Uncommitted pages spill into the WAL while the rows are written: kill right then.
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > wal_at_start + (2 << 20):
            break
        time.sleep(0.005)
    assert process.poll() is None, ("the import finished before it could be killed: "
                                    + process.stderr.read().decode())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()

    assert process.returncode == -signal.SIGKILL
    assert wal.stat().st_size > wal_at_start  # the kill did hit half-written data
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    assert contents(db_path) == before
    # The file is large enough to be parsed in a worker process: it must not outlive the import.
    deadline = time.monotonic() + 30
    while _running(command) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(command)


def _running(command: list[str]) -> list[int]:
    """Live processes running exactly `command` (a forked worker has its parent's command)."""
    wanted = "\0".join(command).encode() + b"\0"
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read()
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if cmdline == wanted and state != b"Z":
            found.append(int(entry))
    return found
