"""Opening the one SQLite file: created owner-only, WAL, foreign keys, a busy timeout, migrated."""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from vipcrm.core.text import Text
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


class DiskFull(StoreError):
    """The disk holding a file vipcrm writes is full; what was being written was dropped."""


class Damaged(StoreError):
    """The database file is corrupt: it has to be restored from a backup."""


SQLITE_HEADER = b"SQLite format 3\x00"

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_CODES_IN_TEXT = (("locked", _BUSY), ("busy", _BUSY), ("malformed", _CORRUPT),
                  ("not a database", _NOTADB), ("disk is full", _FULL), ("readonly", _READONLY),
                  ("disk i/o error", _IOERR), ("unable to open", _CANTOPEN))


def is_sqlite_file(path: str | os.PathLike) -> bool:
    """True for a regular file that starts with SQLite's header (a database or a backup)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def disk_full(path: str | os.PathLike) -> DiskFull:
    return DiskFull(Text("the disk holding {path} is full: free space and run again; nothing "
                         "was changed", path=path))


def damaged(path: str | os.PathLike | None, detail: "Text | str") -> Damaged:
    return Damaged(Text("{path} is damaged ({detail}); restore it from a backup (the latest "
                        "good vipcrm-DATE.db of the nightly --backup-dir folder, or a copy "
                        "taken with `vipcrm backup`)", path=path, detail=detail))


def store_error(exc: BaseException, path: str | os.PathLike) -> StoreError | None:
    """The one line for a fault of the disk or of the database file `path`, or None.

    Every command, the nightly steps and the opening of the database describe SQLite's and the
    file system's faults through this one function, so each fault reads the same everywhere.
    """
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError):
        return disk_full(path) if exc.errno in (errno.ENOSPC, errno.EDQUOT) else None
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    text = str(exc)
    if text == "integer overflow":
        return too_large(path)
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        code = next((c for words, c in _CODES_IN_TEXT if words in text.lower()), None)
    code = None if code is None else code & 0xFF
    if code in (_BUSY, _LOCKED):
        return StoreError(Text("{path} is busy (another vipcrm run is writing); try again "
                               "when it has finished", path=path))
    if code == _FULL:
        return disk_full(path)
    if code == _CORRUPT:
        return damaged(path, text)
    if code == _NOTADB:
        if is_sqlite_file(path):
            return damaged(path, text)
        return StoreError(Text("{path} is not a vipcrm database (not an SQLite file); check "
                               "--db", path=path))
    if code == _READONLY:
        return StoreError(Text("{path} is read-only: make it writable (chmod u+w) or run as "
                               "a user who may write it; nothing was changed", path=path))
    if code == _IOERR:
        if _nearly_full(path):  # SQLite reports a full disk as an I/O error when it meets it
            return disk_full(path)  # while setting up its shared-memory or log file
        return StoreError(Text("disk I/O error on {path} ({detail}): check the disk and its "
                               "free space, then run again; nothing was changed", path=path,
                               detail=text))
    if code == _CANTOPEN:
        return StoreError(Text("{path} cannot be opened ({detail}); check that the file and "
                               "its folder may be read, and written by commands that change "
                               "data", path=path, detail=text))
    return None


# The money SQL adds up (fen), with what names a row of it: the overflow message points at the
# largest value of them.
_SUMMED_AMOUNTS = (
    ("positions", "balance",
     "'client ' || client_id || ', product ' || product_code || ', ' || as_of"),
    ("transactions", "amount", "'transaction ' || txn_id"),
    ("followups", "amount", "'contact ' || followup_id"),
)


def too_large(path: str | os.PathLike) -> StoreError:
    """SQLite's SUM() stops at 2^63 - 1 fen (about 92 quadrillion yuan), far beyond a bank's
    money but not beyond a file of absurd amounts: the one line names the largest amount held
    (read again here, as the failed statement says nothing of its rows)."""
    from vipcrm.formats.output import yuan_grouped

    found = None
    try:
        conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
        try:
            for table, column, row in _SUMMED_AMOUNTS:
                hit = conn.execute(f"SELECT ABS({column}), {column}, {row} FROM {table} "
                                   f"WHERE {column} IS NOT NULL ORDER BY 1 DESC, 3 LIMIT 1"
                                   ).fetchone()
                if hit is not None and (found is None or hit[0] > found[0]):
                    found = (hit[0], f"{table}.{column}", hit[1], hit[2])
        finally:
            conn.close()
    except sqlite3.Error:  # unreadable, or ABS() of the one value it cannot negate (-2^63)
        found = None
    if found is None:
        return StoreError(Text("the amounts in {path} add up past what the database can count "
                               "(about 92 quadrillion yuan): some balance or amount is far "
                               "too large; correct it in the bank's extract (at most 10 "
                               "trillion yuan a row) and import it again", path=path))
    _, column, fen, row = found
    return StoreError(Text("the amounts in {path} add up past what the database can count "
                           "(about 92 quadrillion yuan): the largest is {column} {amount} CNY "
                           "({row}); correct such amounts in the bank's extract (at most 10 "
                           "trillion yuan a row) and import them again", path=path,
                           column=column, amount=yuan_grouped(fen), row=row))


def _nearly_full(path: str | os.PathLike) -> bool:
    try:
        space = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except OSError:
        return False
    return space.f_bavail * space.f_frsize < 256 * 1024


def db_file(db: Database) -> Path | None:
    """The file behind a connection as SQLite opened it (for messages and the output guard);
    None for a database in memory."""
    for _, name, file in db.conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    return None


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
        raise StoreError(Text("VIPCRM_BUSY_TIMEOUT_MS={value!r}: give a whole number of "
                              "milliseconds", value=value))
    return int(value)


def refuse_missing(path: str | os.PathLike) -> None:
    """Commands that only read (or change what is there) never create a database by mistake."""
    if not os.path.lexists(path):
        raise StoreError(Text("{path} does not exist; create it with `vipcrm demo` (a demo "
                              "bank) or `vipcrm import KIND FILE`, or check --db / VIPCRM_DB",
                              path=path))


def open_db(path: str | os.PathLike, *, busy_timeout_ms: int | None = None,
            create: bool = True) -> Database:
    """Open (with `create`, create) the database and bring its schema up to date."""
    path = Path(path)
    if busy_timeout_ms is None:
        busy_timeout_ms = _busy_timeout_from_env()
    if path.is_dir():
        raise StoreError(Text("{path} is a folder; give --db the path of a database file",
                              path=path))
    if not create:
        refuse_missing(path)
    if not path.parent.exists():
        raise StoreError(Text("folder {folder} does not exist; create it or choose another --db",
                              folder=path.parent))
    create_private(path)
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # No sqlite-utils plugins are used: skip their discovery (a scan of every installed
        # package's entry points, a third of a short command's time).
        db = Database(conn, execute_plugins=False)
        _refuse_newer_schema(db, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            _switch_to_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        if migrations.pending(db):
            migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise (store_error(exc, path)
               or StoreError(Text("{path} is not a vipcrm database ({detail}); check --db",
                                  path=path, detail=str(exc)))) from None
    return db


def _switch_to_wal(conn: sqlite3.Connection) -> None:
    # A backup is a one-file database (rollback journal); opened read-only it stays one, and
    # readers need no write-ahead log.
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF != _READONLY:
            raise


@functools.cache
def _known_migrations() -> frozenset[str]:
    # Every registered step is pending on an empty database (Migrations lists no other way).
    return frozenset(m.name for m in migrations.pending(Database(memory=True, execute_plugins=False)))


def _refuse_newer_schema(db: Database, path: Path) -> None:
    """A file migrated by a later vipcrm may hold what this one would misread or overwrite."""
    unknown = [m.name for m in migrations.applied(db) if m.name not in _known_migrations()]
    if unknown:
        raise StoreError(Text("{path} was written by a newer vipcrm (unknown migration "
                              "{names}); upgrade vipcrm to open it", path=path,
                              names=", ".join(unknown)))


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
                raise StoreError(Text(
                    "the database is busy (another vipcrm run is writing); "
                    "try again when it has finished"
                )) from None
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
