"""`vipcrm import`: one file of one kind into the database, whole or not at all (DATA.md).

The pipeline: stream and parse the rows in Python (bad cells become rejects with the line and
column), stage the good rows in a temporary table, then check references, find duplicates,
count and apply the upsert with set-based SQL. Everything runs in one transaction; `--dry-run`
and `--strict` failures roll it back.

The bulk paths use the sqlite3 connection under sqlite-utils directly: `executemany` of plain
tuples and `INSERT … SELECT` are several times faster than `Table.insert_all` on millions of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sqlite3
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from sqlite_utils import Database

from vipcrm.core.text import Code, Joined, Text
from vipcrm.formats.csvfile import FileRefused, map_header, open_csv
from vipcrm.formats.i18n import render
from vipcrm.formats.kinds import KINDS, LONG_TERM_DATES, Kind
from vipcrm.formats.rows import RowErrors, RowParser, problem
from vipcrm.formats.values import shown
from vipcrm.store import worker
from vipcrm.store.audit import now_iso, record
from vipcrm.store.db import db_file, for_bulk_writes, transaction
from vipcrm.store.outputs import Guard, PrivateFile



@dataclass
class ImportOptions:
    dry_run: bool = False
    strict: bool = False
    rejects: Path | None = None
    encoding: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    blank_clears: bool = False
    full_snapshot: bool = False  # positions: the file is all holdings of the clients it lists
    bank_snapshot: bool = False  # positions: the file is all holdings of the bank (the nightly)
    user: str = "unknown"
    # The day the data arrives: when a replaced risk assessment or ID expiry was renewed.
    today: dt.date = field(default_factory=dt.date.today)
    demo: bool = False  # loaded by `vipcrm demo` (so a later demo knows its own data)
    lang: str = "en"  # of the reasons in the rejects file
    progress: Callable[[int, int], None] | None = None  # (bytes read, file size)


@dataclass
class ImportResult:
    kind: str
    file: str
    sha256: str = ""
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    closed: int = 0  # positions closed by a full snapshot
    created_products: int = 0
    rejects_path: Path | None = None
    warnings: list[Text] = field(default_factory=list)
    first_rejects: list[Text] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        counts = {"read": self.read, "inserted": self.inserted, "updated": self.updated,
                  "unchanged": self.unchanged, "rejected": self.rejected}
        if self.kind == "positions":
            counts["closed"] = self.closed
            counts["created_products"] = self.created_products
        return counts

    def summary(self) -> Joined:
        return counts_text(self.counts())


def counts_text(counts: dict[str, int]) -> Joined:
    """`read=3 inserted=2 …`, the counts' names in the user's language."""
    parts: list = []
    for name, count in counts.items():
        parts += [" "] if parts else []
        parts.append(Text("{name}={count}", name=Code("count", name), count=count))
    return Joined(tuple(parts))


class _Rejects:
    """Rejected rows, written as they come to a private temporary file beside the target.

    The file is created at the first rejected row, so a clean import writes nothing and works
    from a read-only inbox; a dry run never writes it. `clients` collects the client ids of rejected rows (--full-snapshot
    must not close positions whose row was bad rather than absent).
    """

    def __init__(self, header: list[str], target: Path, guard: Guard,
                 client_index: int | None = None, write: bool = True, lang: str = "en"):
        self.header = header
        self.lang = lang
        self.target = target
        self.guard = guard
        self.write = write
        self.client_index = client_index
        self.clients: set[str] = set()
        self.count = 0
        self.first: list[Text] = []
        self.file: PrivateFile | None = None
        self.writer = None

    def add(self, line: int, cells: list[str], errors: list[Text]) -> None:
        if self.file is None and self.write:
            self.file = self.guard.open(self.target, Text("the rejects file"),
                                        encoding="utf-8-sig")
            self.writer = csv.writer(self.file.handle)
            self._write(["_line", "_errors", *self.header])
        self.count += 1
        reason = Joined.between("; ", errors)
        if len(self.first) < 5:
            self.first.append(Text("line {line}: {reason}", line=line, reason=reason))
        if self.client_index is not None and self.client_index < len(cells):
            client = unicodedata.normalize("NFKC", cells[self.client_index]).strip()
            if client:  # as the import stores the id (values.parse_id)
                self.clients.add(client)
        if self.writer is not None:
            self._write([line, render(reason, self.lang), *cells])

    def _write(self, row: list) -> None:
        try:
            self.writer.writerow(row)
        except OSError as exc:  # a full disk: one line naming the rejects file, nothing kept
            raise self.file.failed(exc) from None

    def seal(self) -> None:
        """Write out what is buffered while the import can still roll back (a full disk then
        undoes the import instead of losing its rejects after the commit)."""
        if self.file is not None:
            self.file.close()

    def reset(self) -> None:
        """Forget everything: the rows are read again from the start."""
        self.finish(keep=False)
        self.clients.clear()
        self.count = 0
        self.first = []

    def finish(self, keep: bool) -> Path | None:
        """Move the rejects to the target (keep) or drop them; safe to call more than once."""
        file, self.file, self.writer = self.file, None, None
        if file is None:
            return None
        if keep:
            return file.commit()
        file.discard()
        return None


def import_file(db: Database, kind_name: str, path: str | os.PathLike,
                options: ImportOptions | None = None) -> ImportResult:
    options = options or ImportOptions()
    kind = KINDS.get(kind_name)
    if kind is None:
        raise FileRefused(Text("unknown kind {kind!r}; kinds: {kinds}", kind=kind_name,
                               kinds=", ".join(KINDS)))
    if (options.full_snapshot or options.bank_snapshot) and kind.name != "positions":
        raise FileRefused(Text("--full-snapshot applies to positions files only"))
    source = open_csv(path, options.encoding)
    header = map_header(kind, source.header, options.mapping, source.path.name)
    result = ImportResult(kind=kind.name, file=str(source.path), dry_run=options.dry_run)
    if header.ignored:
        result.warnings.append(Text("ignored column(s) not used by {kind}: {columns}",
                                    kind=kind.name, columns=", ".join(header.ignored)))
    rejects_path = options.rejects or source.path.with_name(source.path.stem + ".rejects.csv")
    guard = Guard(db_file(db), inputs=[source.path])
    if not options.dry_run:
        guard.check(rejects_path, Text("the rejects file"))  # refused before any work is done
    snapshot = options.full_snapshot or options.bank_snapshot
    client_index = header.positions["client_id"] if snapshot else None
    rejects = _Rejects(source.header, rejects_path, guard, client_index,
                       write=not options.dry_run, lang=options.lang)
    started = now_iso()
    conn = db.conn
    for_bulk_writes(db)
    try:
        with transaction(db):
            direct = _insert_directly(conn, kind, source, header.positions, rejects, result,
                                      options)
            if not direct:
                _stage(conn, kind, source, header.positions, rejects, result, options)
                _reject_in_sql(conn, kind, source, rejects, options, list(header.positions))
            result.rejected = rejects.count
            result.first_rejects = rejects.first
            rejects.seal()
            if options.strict and rejects.count:
                raise _StrictRefusal()
            if direct:
                pass
            elif kind.name == "positions":
                _apply_positions(conn, result, options, rejects.clients)
            else:
                _apply_keyed(conn, kind, list(header.positions), result, options)
            _record_freshness(conn, kind, kind.table if direct else "temp.stg")
            result.sha256 = source.sha256
            conn.execute(
                "INSERT INTO import_log(kind, file, sha256, user, started_at, finished_at, read, "
                "inserted, updated, unchanged, rejected, options, today) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [kind.name, source.path.name, source.sha256, options.user, started, now_iso(),
                 result.read, result.inserted, result.updated, result.unchanged, result.rejected,
                 json.dumps(_options_summary(options)),
                 options.today.isoformat()],
            )
            record(db, options.user, f"import {kind.name}",
                   {"file": source.path.name, **result.counts()})
            conn.execute("DROP TABLE IF EXISTS temp.stg")
            if options.dry_run:
                raise _DryRun()
    except _StrictRefusal:
        kept = rejects.finish(keep=True)
        if kept:
            raise FileRefused(Text("{file}: {count} bad row(s) and --strict: nothing imported; "
                                   "fix the rows listed in {rejects} and import again",
                                   file=source.path.name, count=rejects.count, rejects=kept)
                              ) from None
        raise FileRefused(Text("{file}: {count} bad row(s) and --strict: nothing imported; fix "
                               "the rows and import again", file=source.path.name,
                               count=rejects.count)) from None
    except _DryRun:
        pass
    except BaseException:
        rejects.finish(keep=False)
        raise
    result.rejects_path = rejects.finish(keep=True)
    if snapshot and rejects.clients:
        shown = ", ".join(sorted(rejects.clients)[:10])
        if len(rejects.clients) > 10:
            shown = Text("{clients} and {count} more", clients=shown,
                         count=len(rejects.clients) - 10)
        what = Text("full snapshot") if options.bank_snapshot else "--full-snapshot"
        result.warnings.append(Text(
            "{what}: positions of client(s) {clients} were not closed because some of their "
            "rows were rejected; fix those rows and import the file again", what=what,
            clients=shown))
    return result


class _DryRun(Exception):
    """Unwinds the transaction of a dry run after everything was computed."""


class _StrictRefusal(Exception):
    pass


def _options_summary(options: ImportOptions) -> dict:
    summary = {"dry_run": options.dry_run, "strict": options.strict,
               "blank_clears": options.blank_clears, "full_snapshot": options.full_snapshot,
               "bank_snapshot": options.bank_snapshot,
               "encoding": options.encoding, "map": options.mapping}
    if options.demo:
        summary["demo"] = True
    return summary


def _parser(conn, kind: Kind, positions: dict[str, int], width: int, today: dt.date,
            defaults: bool, watch=None) -> RowParser:
    fill = None
    if kind.name == "positions":
        # A position's class defaults to its product's: the catalogue is small, read it once.
        fill = {"asset_class": ("product_code",
                                dict(conn.execute("SELECT product_code, asset_class FROM products")))}
    return RowParser(kind, positions, width, today, defaults=defaults, fill=fill, watch=watch)


@contextmanager
def _good_rows(source, parser: RowParser, rejects: _Rejects, options: ImportOptions,
               lines: bool = False) -> Iterator[Iterator[tuple]]:
    """The parsed values of every row that parses, (line, *values) with `lines`; the other rows
    go to the rejects, blank lines are skipped. A large file is parsed in a second process
    while this one inserts (store.worker).
    """
    if worker.available(source):
        def produce(reject):
            return _parsed_rows(source, parser, reject, None, lines)
        with worker.rows_from_child(source, produce, rejects.add, options.progress) as rows:
            yield rows
    else:
        with _parsed_rows(source, parser, rejects.add, options.progress, lines) as rows:
            yield rows


@contextmanager
def _parsed_rows(source, parser: RowParser, reject: worker.RejectFn,
                 progress: Callable[[int, int], None] | None, lines: bool
                 ) -> Iterator[Iterator[tuple]]:
    """Rows flow from the C reader through `good` without a Python loop, so `executemany` (or
    the worker's batches) can pull them straight; the line of a row is where the previous one
    ended (multi-line quoted cells included).
    """
    fast, detailed = parser.fast, parser.detailed
    with source.reading(progress) as reader:
        ended = [0]  # data lines read up to the end of the previous row (header excluded)

        def good(cells: list[str]) -> tuple | None:
            line = ended[0] + 2
            ended[0] = reader.line_num
            try:
                values = fast(cells)
            except Exception:  # any problem: the plain path names it (or finds it good)
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    return None  # a blank line
                try:
                    values = detailed(cells)
                except RowErrors as exc:
                    reject(line, cells, exc.errors)
                    return None
            return (line, *values) if lines else values

        yield filter(None, map(good, reader))


# Kinds whose every reference the schema's foreign keys check (corporates also need the
# client to be corporate, which only the staged path checks).
_DIRECT_KINDS = {"clients", "positions", "products", "navs", "rms", "transactions", "followups",
                 "timesheets", "calendar"}


class _NotDirect(Exception):
    pass


def _insert_directly(conn, kind: Kind, source, positions: dict[str, int], rejects: _Rejects,
                     result: ImportResult, options: ImportOptions) -> bool:
    """Insert the rows straight into their table when all of them are new: the common case of
    a first load and of daily transactions. Any key that exists already, duplicate key, unknown
    reference (foreign keys) or, for positions, any stored history (or, for a bank snapshot,
    more than one date: a position absent on a later date closes) undoes it (a savepoint) and
    the staged path does the work instead, with its rejects and counts.
    """
    if kind.name not in _DIRECT_KINDS or options.full_snapshot:
        return False
    if kind.name == "positions" and conn.execute("SELECT EXISTS (SELECT 1 FROM positions)").fetchone()[0]:
        return False  # change points must be compared with the stored history
    parser = _parser(conn, kind, positions, len(source.header), options.today, defaults=True,
                     watch=source)
    insert = (f"INSERT INTO {kind.table} ({', '.join(parser.columns)}) "
              f"VALUES ({', '.join('?' * len(parser.columns))})")
    conn.execute("SAVEPOINT direct")
    try:
        with _good_rows(source, parser, rejects, options) as rows:
            inserted = conn.executemany(insert, rows).rowcount
        _clear_long_terms(conn, kind)
        result.read = inserted + rejects.count
        if kind.name == "positions" and conn.execute(
            "SELECT EXISTS (SELECT 1 FROM positions GROUP BY client_id, product_code "
            "HAVING COUNT(*) > 1)").fetchone()[0]:
            raise _NotDirect()  # several dates of one position: only changes may be stored
        if options.bank_snapshot and conn.execute(
                "SELECT MIN(as_of) < MAX(as_of) FROM positions").fetchone()[0]:
            raise _NotDirect()
    except (sqlite3.IntegrityError, _NotDirect):
        conn.execute("ROLLBACK TO direct")
        conn.execute("RELEASE direct")
        rejects.reset()
        result.read = 0
        return False
    conn.execute("RELEASE direct")
    result.inserted = inserted
    return True


def _stage(conn, kind: Kind, source, positions: dict[str, int], rejects: _Rejects,
           result: ImportResult, options: ImportOptions) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.stg")
    conn.execute(f"CREATE TEMP TABLE stg (_line INTEGER PRIMARY KEY, {', '.join(kind.column_names)})")
    parser = _parser(conn, kind, positions, len(source.header), options.today, defaults=False,
                     watch=source)
    with _good_rows(source, parser, rejects, options, lines=True) as rows:
        staged = conn.executemany(
            f"INSERT INTO temp.stg (_line, {', '.join(parser.columns)}) "
            f"VALUES ({', '.join('?' * (len(parser.columns) + 1))})", rows).rowcount
    result.read = staged + rejects.count


def _unknown(table: str, value: str) -> Text:
    """The reason of a reference to a row the database lacks, by the table referred to."""
    if table == "clients":
        return Text("{value} unknown client; import clients first", value=value)
    if table == "products":
        return Text("{value} unknown product; import products first", value=value)
    return Text("{value} unknown rm; import rms first", value=value)


def _reject_in_sql(conn, kind: Kind, source, rejects: _Rejects, options: ImportOptions,
                   present: list[str]) -> None:
    """Duplicate keys, unknown references and the kind's checks across columns, found
    set-based over the staged rows."""
    bad: dict[int, list[Text]] = {}
    key_words = Joined.between("/", (Code("field_code", k) for k in kind.key))
    key = ", ".join(kind.key)
    for line, first in conn.execute(
        f"SELECT s._line, f.first FROM temp.stg s JOIN (SELECT {key}, MIN(_line) AS first "
        f"FROM temp.stg GROUP BY {key} HAVING COUNT(*) > 1) f USING ({key}) WHERE s._line > f.first"
    ):
        bad.setdefault(line, []).append(Text("duplicate key {key} (first on line {first})",
                                             key=key_words, first=first))
    for column, table, key_column, condition in kind.references:
        extra = f" AND {condition}" if condition else ""
        for line, value, known in conn.execute(
            f"SELECT _line, {column}, EXISTS (SELECT 1 FROM {table} t "
            f"WHERE t.{key_column} = s.{column}) FROM temp.stg s "
            f"WHERE {column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {table} t WHERE t.{key_column} = s.{column}{extra})"
        ):
            hint = (Text("{value} is not a corporate client (segment=corporate)",
                         value=shown(value)) if known
                    else _unknown(table, shown(value)))
            bad.setdefault(line, []).append(problem(column, hint))
    if kind.checks:
        # Each row as it would be stored: its cells merged with the stored row of its key.
        merged = {c: f"s.{c}" if c in kind.key else _new_value(kind, c, options)
                  if c in present else f"t.{c}" for c in kind.column_names}
        join = " AND ".join(f"t.{k} = s.{k}" for k in kind.key)
        for column, condition, reason in kind.checks:
            for (line,) in conn.execute(
                f"SELECT s._line FROM temp.stg s LEFT JOIN {kind.table} t ON {join} "
                f"WHERE {condition.format(**merged)}"
            ):
                bad.setdefault(line, []).append(problem(column, reason))
    if kind.name == "positions":
        for (line,) in conn.execute(
            "SELECT _line FROM temp.stg s WHERE asset_class IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM products p WHERE p.product_code = s.product_code)"
        ):
            bad.setdefault(line, []).append(problem("asset_class", Text(
                "required for a product not in the catalogue (or import products first)")))
    if not bad:
        return
    conn.execute("CREATE TEMP TABLE bad_lines (line INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO temp.bad_lines VALUES (?)", [(line,) for line in bad])
    conn.execute("DELETE FROM temp.stg WHERE _line IN (SELECT line FROM temp.bad_lines)")
    conn.execute("DROP TABLE temp.bad_lines")
    # A second pass over the file recovers the original rows of these lines for the rejects file.
    again = open_csv(source.path, source.encoding)
    for line, cells in again.rows():
        if line in bad:
            rejects.add(line, cells, bad[line])


def _new_value(kind: Kind, column: str, options: ImportOptions) -> str:
    """SQL of the value a staged row `s` gives a stored row `t`'s column."""
    if (kind.name, column) in LONG_TERM_DATES:
        # A long-term ID (values.CLEARED, staged as '') replaces the stored expiry, blank or not.
        kept = f"s.{column}" if options.blank_clears else f"COALESCE(s.{column}, t.{column})"
        return f"(CASE WHEN s.{column} = '' THEN NULL ELSE {kept} END)"
    if not options.blank_clears:
        return f"COALESCE(s.{column}, t.{column})"
    # A cleared column that has a default (segment, status, …) goes back to it.
    default = kind.column(column).default
    return f"s.{column}" if default is None else f"COALESCE(s.{column}, {_sql_literal(default)})"


def _clear_long_terms(conn, kind: Kind) -> None:
    """Rows inserted as they were parsed hold '' for a long-term ID: no expiry."""
    for table_kind, column in LONG_TERM_DATES:
        if table_kind == kind.name:
            conn.execute(f"UPDATE {kind.table} SET {column} = NULL WHERE {column} = ''")


# The client fields whose replacement closes a compliance task (DOMAIN §4 risk_expiry, id_expiry).
DATA_CHANGE_FIELDS = ("risk_assessed_on", "id_expiry")


def _record_data_changes(conn, kind: Kind, present: list[str], options: ImportOptions) -> None:
    """Keep the assessment dates and ID expiries the staged rows replace, with the day; before
    the rows are applied. New clients bring first values, which need no record."""
    fields = [c for c in DATA_CHANGE_FIELDS if c in present]
    if not fields:
        return
    names = " UNION ALL ".join(f"SELECT '{c}' AS field" for c in fields)
    old = " ".join(f"WHEN '{c}' THEN t.{c}" for c in fields)
    new = " ".join(f"WHEN '{c}' THEN {_new_value(kind, c, options)}" for c in fields)
    # CROSS JOIN keeps the fields the inner loop: one pass over the staged rows for both.
    conn.execute(f"""
        INSERT INTO client_data_changes (client_id, field, old_value, new_value, changed_on,
                                         source)
        SELECT client_id, field, old, new, ?, 'import' FROM (
            SELECT s._line, t.client_id, f.field, CASE f.field {old} END AS old,
                   CASE f.field {new} END AS new
            FROM temp.stg s JOIN clients t ON t.client_id = s.client_id CROSS JOIN ({names}) f
        ) WHERE new IS NOT old ORDER BY _line, field
    """, [options.today.isoformat()])


def _apply_keyed(conn, kind: Kind, present: list[str], result: ImportResult,
                 options: ImportOptions) -> None:
    table = kind.table
    keys = list(kind.key)
    values = [c for c in present if c not in keys]
    join = " AND ".join(f"t.{k} = s.{k}" for k in keys)

    def new(column: str) -> str:
        return _new_value(kind, column, options)

    diff = " OR ".join(f"{new(c)} IS NOT t.{c}" for c in values) or "0"
    empty_target = conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
    if empty_target:
        result.inserted = conn.execute("SELECT COUNT(*) FROM temp.stg").fetchone()[0]
    else:
        inserted, updated, total = conn.execute(
            f"SELECT COALESCE(SUM(t.{keys[0]} IS NULL), 0), "
            f"COALESCE(SUM(t.{keys[0]} IS NOT NULL AND ({diff})), 0), COUNT(*) "
            f"FROM temp.stg s LEFT JOIN {table} t ON {join}"
        ).fetchone()
        result.inserted, result.updated = inserted, updated
        result.unchanged = total - inserted - updated
        if updated and kind.name == "clients":  # before the update overwrites the old values
            _record_data_changes(conn, kind, present, options)
        if updated and values:
            assignments = ", ".join(f"{c} = {new(c)}" for c in values)
            conn.execute(
                f"UPDATE {table} AS t SET {assignments} FROM temp.stg AS s WHERE {join} AND ({diff})"
            )
    if result.inserted:
        columns = keys + values + [c.name for c in kind.columns
                                   if c.default is not None and c.name not in present]
        selected = []
        for name in columns:
            default = kind.column(name).default
            selected.append(f"COALESCE(s.{name}, {_sql_literal(default)})" if default is not None
                            else f"NULLIF(s.{name}, '')" if (kind.name, name) in LONG_TERM_DATES
                            else f"s.{name}")
        where = "" if empty_target else f" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {join})"
        conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)} "
            f"FROM temp.stg s{where} ORDER BY s._line"
        )


def _sql_literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(int(value))  # type: ignore[arg-type]


def _apply_positions(conn, result: ImportResult, options: ImportOptions,
                     keep_open: set[str]) -> None:
    """Store only change points: a snapshot equal to what carry-forward gives is not stored."""
    result.created_products = conn.execute(
        "INSERT INTO products (product_code, name, asset_class) "
        "SELECT product_code, product_code, MIN(asset_class) FROM temp.stg s "
        "WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.product_code = s.product_code) "
        "GROUP BY product_code"
    ).rowcount
    conn.execute("CREATE INDEX temp.stg_position ON stg (client_id, product_code, as_of)")
    # Each staged row is compared with the state in force just before it: the previous row of
    # the same position in this file, or the latest stored point on or before its date,
    # whichever is later (a file row replaces a stored point of the same date). An empty
    # maturity means "unknown" and keeps the maturity in force, unless --blank-clears. A row
    # dated after the maturity of the state in force is stored even with the same values: it
    # says the position was renewed, and without it the position counts as matured (core.aum).
    keep_maturity = "0" if options.blank_clears else "1"
    conn.execute("DROP TABLE IF EXISTS temp.dated_products")
    conn.execute("CREATE TEMP TABLE dated_products (product_code TEXT PRIMARY KEY, "
                 "maturity_date TEXT) WITHOUT ROWID")
    conn.execute("INSERT INTO temp.dated_products SELECT product_code, maturity_date "
                 "FROM products WHERE maturity_date IS NOT NULL")
    conn.execute(f"""
        CREATE TEMP TABLE pos_plan AS
        WITH in_force AS (
            SELECT s.client_id, s.product_code, s.as_of, s.balance, s.asset_class,
                   s.maturity_date, p.as_of AS d_as_of, p.balance AS d_balance,
                   p.asset_class AS d_class, p.maturity_date AS d_maturity,
                   dp.maturity_date AS product_maturity
            FROM temp.stg s LEFT JOIN positions p
              ON p.client_id = s.client_id AND p.product_code = s.product_code
             AND p.as_of = (SELECT MAX(x.as_of) FROM positions x
                            WHERE x.client_id = s.client_id AND x.product_code = s.product_code
                              AND x.as_of <= s.as_of)
            LEFT JOIN temp.dated_products dp ON dp.product_code = s.product_code
        ), given AS (
            SELECT *, MAX(CASE WHEN maturity_date IS NOT NULL THEN as_of || maturity_date END)
                      OVER (PARTITION BY client_id, product_code ORDER BY as_of
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS f_given
            FROM in_force
        ), filled AS (
            SELECT client_id, product_code, as_of, balance, asset_class, d_as_of, d_balance,
                   d_class, d_maturity, product_maturity,
                   CASE WHEN maturity_date IS NOT NULL OR NOT {keep_maturity} THEN maturity_date
                        WHEN substr(f_given, 1, 10) >= COALESCE(d_as_of, '') THEN substr(f_given, 11)
                        ELSE d_maturity END AS maturity_date
            FROM given
        ), chained AS (
            SELECT *, LAG(as_of) OVER w AS f_as_of, LAG(balance) OVER w AS f_balance,
                   LAG(asset_class) OVER w AS f_class, LAG(maturity_date) OVER w AS f_maturity
            FROM filled WINDOW w AS (PARTITION BY client_id, product_code ORDER BY as_of)
        )
        SELECT client_id, product_code, as_of, balance, asset_class, maturity_date,
               CASE WHEN f_as_of >= COALESCE(d_as_of, '') THEN
                         CASE WHEN balance = f_balance AND asset_class = f_class
                                   AND maturity_date IS f_maturity
                                   AND NOT {_renews("f_as_of", "f_maturity")}
                              THEN 'unchanged' ELSE 'insert' END
                    WHEN balance = d_balance AND asset_class = d_class
                         AND maturity_date IS d_maturity
                         AND NOT {_renews("d_as_of", "d_maturity")} THEN 'unchanged'
                    WHEN d_as_of = as_of THEN 'update'
                    ELSE 'insert' END AS action
        FROM chained
    """)
    conn.execute("DROP TABLE temp.dated_products")
    counts = dict(conn.execute("SELECT action, COUNT(*) FROM temp.pos_plan GROUP BY action"))
    result.inserted = counts.get("insert", 0)
    result.updated = counts.get("update", 0)
    result.unchanged = counts.get("unchanged", 0)
    conn.execute("""
        UPDATE positions AS p SET balance = a.balance, asset_class = a.asset_class,
               maturity_date = a.maturity_date
        FROM temp.pos_plan a
        WHERE a.action = 'update' AND p.client_id = a.client_id
          AND p.product_code = a.product_code AND p.as_of = a.as_of
    """)
    conn.execute("""
        INSERT INTO positions (client_id, product_code, as_of, balance, asset_class, maturity_date)
        SELECT client_id, product_code, as_of, balance, asset_class, maturity_date
        FROM temp.pos_plan WHERE action = 'insert' ORDER BY client_id, product_code, as_of
    """)
    conn.execute("DROP TABLE temp.pos_plan")
    if options.full_snapshot or options.bank_snapshot:
        conn.execute("CREATE INDEX temp.stg_day ON stg (as_of, client_id)")
        days = [day for (day,) in conn.execute("SELECT DISTINCT as_of FROM temp.stg ORDER BY 1")]
        close = _close_absent_in_bank if options.bank_snapshot else _close_absent
        # Date by date, so a position already closed on an earlier date of the file is not
        # closed again.
        result.closed = sum(close(conn, day, keep_open) for day in days)


def _renews(in_force_as_of: str, in_force_maturity: str) -> str:
    """SQL: the staged row is dated after the maturity of the point in force before it, which
    had matured (core.aum); NULL-safe, false without a maturity."""
    maturity = f"COALESCE({in_force_maturity}, product_maturity)"
    return (f"COALESCE({in_force_as_of} <= {maturity} AND {maturity} < as_of, 0)")


def _close_absent(conn, day: str, keep_open: set[str]) -> int:
    """--full-snapshot: a listed client's open position absent from the file on `day` closes."""
    return conn.execute("""
        INSERT INTO positions (client_id, product_code, as_of, balance, asset_class)
        SELECT held.client_id, held.product_code, :day, 0, p.asset_class
        FROM (SELECT DISTINCT x.client_id, x.product_code
              FROM (SELECT DISTINCT client_id FROM temp.stg WHERE as_of = :day) listed
              JOIN positions x ON x.client_id = listed.client_id
              WHERE listed.client_id NOT IN (SELECT value FROM json_each(:keep_open))) held
        JOIN positions p ON p.client_id = held.client_id AND p.product_code = held.product_code
         AND p.as_of = (SELECT MAX(y.as_of) FROM positions y
                        WHERE y.client_id = held.client_id AND y.product_code = held.product_code
                          AND y.as_of <= :day)
        WHERE p.balance <> 0
          AND NOT EXISTS (SELECT 1 FROM temp.stg s WHERE s.client_id = held.client_id
                          AND s.product_code = held.product_code AND s.as_of = :day)
        ON CONFLICT (client_id, product_code, as_of) DO UPDATE SET balance = 0
    """, {"day": day, "keep_open": json.dumps(sorted(keep_open))}).rowcount


def _close_absent_in_bank(conn, day: str, keep_open: set[str]) -> int:
    """A bank snapshot: every open position absent from the file on `day` closes, whether its
    client is listed or not (a client who redeemed everything is absent from the extract).

    One pass over the positions in key order, as the point basis of the tiers makes.
    """
    return conn.execute("""
        INSERT INTO positions (client_id, product_code, as_of, balance, asset_class)
        SELECT held.client_id, held.product_code, :day, 0, held.asset_class
        FROM (SELECT client_id, product_code, MAX(as_of) AS as_of, balance, asset_class
              FROM positions WHERE +as_of <= :day
              GROUP BY client_id, product_code) held
        WHERE held.balance <> 0
          AND held.client_id NOT IN (SELECT value FROM json_each(:keep_open))
          AND NOT EXISTS (SELECT 1 FROM temp.stg s WHERE s.client_id = held.client_id
                          AND s.product_code = held.product_code AND s.as_of = :day)
        ON CONFLICT (client_id, product_code, as_of) DO UPDATE SET balance = 0
    """, {"day": day, "keep_open": json.dumps(sorted(keep_open))}).rowcount


_FRESHNESS = {"positions": "as_of", "transactions": "date", "navs": "date"}


def _record_freshness(conn, kind: Kind, rows: str) -> None:
    column = _FRESHNESS.get(kind.name)
    if column is None:
        return
    conn.execute(
        f"INSERT INTO freshness (feed, latest) SELECT ?, MAX({column}) FROM {rows} "
        f"HAVING MAX({column}) IS NOT NULL "
        "ON CONFLICT (feed) DO UPDATE SET latest = MAX(latest, excluded.latest)",
        [kind.name],
    )
