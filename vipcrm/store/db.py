"""Opening the one SQLite file: created owner-only, WAL, foreign keys, a busy timeout, migrated."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from vipcrm.store.schema import migrations

# sqlite3 binds str, int, float and bytes directly but sends None through its adapter protocol
# (a registry miss and two attribute lookups), which made a million-row insert with a few
# blank cells per row seconds slower. A registered adapter that returns None (a C call, no
# Python frame) makes a NULL as cheap to bind as a string.
sqlite3.register_adapter(type(None), {}.get)

# Writers wait this long for another writer (a nightly run) before giving up with a clear error.
# VIPCRM_BUSY_TIMEOUT_MS overrides it (milliseconds), e.g. to fail fast in a script or a test.
BUSY_TIMEOUT_MS = 30_000


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says how to fix it."""


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only, unless it exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _busy_timeout_from_env() -> int:
    value = os.environ.get("VIPCRM_BUSY_TIMEOUT_MS", "").strip()
    if not value:
        return BUSY_TIMEOUT_MS
    if not value.isdigit():
        raise StoreError(f"VIPCRM_BUSY_TIMEOUT_MS={value!r}: give a whole number of milliseconds")
    return int(value)


def open_db(path: str | os.PathLike, *, busy_timeout_ms: int | None = None) -> Database:
    path = Path(path)
    if busy_timeout_ms is None:
        busy_timeout_ms = _busy_timeout_from_env()
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give --db the path of a database file")
    if not path.parent.exists():
        raise StoreError(f"folder {path.parent} does not exist; create it or choose another --db")
    create_private(path)
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = Database(conn)
        if migrations.pending(db):
            migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"{path} is busy (another vipcrm run is writing); try again when it has finished"
            ) from None
        raise StoreError(f"{path} is not a vipcrm database ({exc}); check --db") from None
    return db


def for_bulk_writes(db: Database) -> None:
    """A 64 MB page cache for the commands that write millions of rows (import, tiers, assign).

    A bank's tables outgrow SQLite's default 2 MB cache many times over: rows that arrive in
    file order land on a different page of each index every time, and each miss goes to the
    disk. Readers such as `plan` keep the default, so their memory stays flat.
    """
    db.conn.execute("PRAGMA cache_size = -65536")


class transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: a write lands whole or not at all.

    IMMEDIATE takes the write lock up front, so a second writer waits (busy timeout) at the
    start instead of failing half-way.
    """

    def __init__(self, db: Database):
        self.conn = db.conn

    def __enter__(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    "the database is busy (another vipcrm run is writing); "
                    "try again when it has finished"
                ) from None
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        return False


def fetch_dicts(conn, sql: str, params=()) -> list[dict]:
    """Rows of a query as dicts keyed by column name (for the few small, readable lookups)."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def fetch_dict(conn, sql: str, params=()) -> dict | None:
    rows = fetch_dicts(conn, sql, params)
    return rows[0] if rows else None
