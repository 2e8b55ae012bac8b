"""Shared by the nightly, backup, purge and privacy tests: the demo bank as an inbox of extracts,
whole-database comparison without the run timestamps, and vipcrm run as a real process."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from vipcrm.core.config import Config
from vipcrm.demo import write_extract
from vipcrm.demo.bank import build_bank
from vipcrm.formats.kinds import IMPORT_ORDER

TODAY = dt.date(2026, 11, 27)  # a Friday, a working day
USER = "nightly-test"

# Columns that say when something ran, not what it did: a rerun after a crash writes other
# values there and nothing else differs.
VOLATILE = {
    "audit_log": {"at"},
    "import_log": {"started_at", "finished_at"},
    "tier_runs": {"ran_at"},
    "attrition_runs": {"ran_at"},
    "settings": {"changed_at"},
    "_sqlite_migrations": {"applied_at"},
}


def demo_extracts(folder: Path, clients: int = 120, seed: int = 7, today: dt.date = TODAY) -> Path:
    """The demo bank written as the bank's nightly extracts, one file per kind."""
    folder.mkdir(parents=True, exist_ok=True)
    bank = build_bank(today, clients, seed, Config())
    for kind in IMPORT_ORDER:
        if bank.rows.get(kind):
            write_extract(folder, kind, bank.rows[kind])
    return folder


def copy_inbox(source: Path, inbox: Path) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        shutil.copy(path, inbox / path.name)
    return inbox


def contents(db_path: Path, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every table's rows without the volatile columns, sorted, so whole databases compare."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if name not in skip and name != "sqlite_sequence"]
        result = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')
                       if row[1] not in VOLATILE.get(table, ())]
            quoted = ", ".join(f'"{c}"' for c in columns)
            result[table] = sorted(conn.execute(f'SELECT {quoted} FROM "{table}"'), key=repr)
        return result
    finally:
        conn.close()


def audit_entries(db_path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT user, command, details FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


def integrity(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall() + \
            conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()


def vipcrm_env(db_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "VIPCRM_DB": str(db_path), "VIPCRM_TODAY": TODAY.isoformat(),
           "VIPCRM_USER": USER, "VIPCRM_LANG": "en", "NO_COLOR": "1"}
    env.pop("VIPCRM_TEST_PAUSE_AT", None)
    env.update(extra)
    return env


def start(args: list[str], db_path: Path, log: Path, **extra: str) -> subprocess.Popen:
    """`python -m vipcrm ARGS` in the background; stdout to LOG.out, stderr to LOG.err."""
    out = open(log.with_suffix(".out"), "wb")
    err = open(log.with_suffix(".err"), "wb")
    try:
        return subprocess.Popen([sys.executable, "-m", "vipcrm", *args], stdout=out, stderr=err,
                                env=vipcrm_env(db_path, **extra))
    finally:
        out.close()
        err.close()


def run(args: list[str], db_path: Path, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vipcrm", *args], capture_output=True,
                          text=True, env=vipcrm_env(db_path, **extra), timeout=timeout)


def wait_for(path: Path, text: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until TEXT shows in the file PATH; fails if the process ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return
        if process.poll() is not None:
            raise AssertionError(f"the process ended ({process.returncode}) before {text!r}: "
                                 + path.read_text(errors="replace"))
        time.sleep(0.02)
    raise AssertionError(f"no {text!r} in {path} after {timeout} s")
