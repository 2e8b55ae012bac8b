"""Operations: `nightly` (cron), `backup`, `audit` and `purge`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from vipcrm.cli.common import (EXIT_LOCKED, EncodingOption, Refused, check_encoding,
                               check_format, parse_date_option, state)
from vipcrm.core.text import Text, said
from vipcrm.formats.output import Field


def nightly_command(
    ctx: typer.Context,
    inbox: Optional[Path] = typer.Option(None, "--inbox",
                                         help="Folder of extracts named after their kind "
                                              "(clients*.csv, positions*.csv, …)."),
    outbox: Optional[Path] = typer.Option(None, "--outbox",
                                          help="Write each RM's plan (CSV and ICS) here."),
    backup_dir: Optional[Path] = typer.Option(None, "--backup-dir",
                                              help="Take a dated backup here first."),
    keep: int = typer.Option(7, "--keep", min=1, max=3650,
                             help="Backups to keep in --backup-dir (1 to 3650); today's "
                                  "first, taken before the day's imports, is kept too."),
) -> None:
    """The unattended nightly chain, for cron.

    Backup (with --backup-dir: vipcrm-DAY.db, a same-day rerun's vipcrm-DAY.2.db …), import
    every inbox file in dependency order (each in its own transaction, then moved to done/ or
    failed/ with a reason; a positions file is the whole bank's holdings on its dates, so
    positions it leaves out are closed, unless import.positions_full_snapshot is off),
    recompute tiers as of today, run the assignment, and write the plans of today's first
    working day, the morning the 01:30 run prepares (with --outbox). One summary line per step on stdout. The backup's copy (or, without one, the
    database) is checked first: a damaged database, like a full disk, stops the run before
    anything more is written. Exit 0 when all went well, 3 when rows were rejected, 1 when a
    file or a step failed, 4 when another nightly run holds the lock. After a crash, run it
    again: it finishes the job and imports nothing twice.

    \b
    Example:
      vipcrm nightly --outbox plans --backup-dir backups

    \b
    In cron, at 01:30, after the core system drops its extracts into /data/inbox:
      30 1 * * * VIPCRM_DB=/data/vipcrm.db vipcrm nightly --inbox /data/inbox --outbox /data/plans
    """
    from vipcrm.jobs.lock import Locked, RunLock
    from vipcrm.jobs.nightly import NightlyOptions, exit_code, run_nightly

    from vipcrm.store.db import refuse_missing

    st = state(ctx)
    options = NightlyOptions(inbox=inbox, outbox=outbox, backup_dir=backup_dir,
                             keep_backups=keep, lang=st.lang)
    if inbox is None:
        refuse_missing(st.db_path)  # before the lock file, so a wrong --db leaves nothing
    try:
        with RunLock(st.db_path.resolve()):
            steps = run_nightly(st.db(create=inbox is not None), st.config, st.today,
                                st.user(), options,
                                say=lambda step: print(step.line(st.lang), flush=True))
    except Locked as exc:
        raise Refused(said(exc), EXIT_LOCKED) from None
    code = exit_code(steps)
    if code:
        raise typer.Exit(code)


def backup_command(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="The backup file to write."),
) -> None:
    """A consistent copy of the live database (readers and writers may go on), mode 0600.

    The copy is the database as of one moment (SQLite's backup API), taken without waiting for
    writers and checked (quick_check) before it takes PATH's name: a damaged database gives no
    backup. Then the backup is recorded in the audit log, which waits for a running write like
    any writer; a copy that cannot be recorded is deleted again. PATH may replace an older
    backup, never the database, its companion files or a file that is not a backup.

    \b
    Example:
      vipcrm backup vipcrm-copy.db
    """
    from vipcrm.store.audit import record
    from vipcrm.store.backup import backup_to
    from vipcrm.store.db import transaction

    st = state(ctx)
    db = st.db()
    backup_to(db, path)
    try:
        with transaction(db):
            record(db, st.user(), "backup", {"path": str(path)})
    except BaseException:  # busy, read-only …: an unrecorded copy is not kept
        path.unlink(missing_ok=True)
        raise
    st.info(Text("backup written to {path}", path=path))


AUDIT_FIELDS = [Field("id", "int"), Field("at"), Field("user"), Field("command"),
                Field("details", "prose")]


def audit_command(
    ctx: typer.Context,
    date_from: Optional[str] = typer.Option(None, "--from", help="From this day (YYYY-MM-DD)."),
    command: Optional[str] = typer.Option(None, "--command", help="Only commands starting so."),
    limit: int = typer.Option(200, "--limit", min=1, max=1_000_000,
                              help="The newest N entries (1 to 1,000,000)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Read the audit log: every write, who ran it, when, and what it changed.

    \b
    Example:
      vipcrm audit --command import --limit 5
    """
    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    where, params = [], []
    start = parse_date_option(date_from, "--from")
    if start:
        where.append("substr(at, 1, 10) >= ?")
        params.append(start.isoformat())
    if command:
        where.append("command LIKE ? || '%'")
        params.append(command)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = st.db().conn.execute(
        f"SELECT id, at, user, command, details FROM audit_log {clause} "
        f"ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()
    records = [dict(zip(("id", "at", "user", "command", "details"), row)) for row in reversed(rows)]
    st.emit(records, AUDIT_FIELDS, fmt, encoding=encoding,
            title=Text("{count} audit entr(ies)", count=len(records)))


def purge_command(
    ctx: typer.Context,
    ended_before: str = typer.Option(..., "--ended-before",
                                     help="Clients whose relationship ended before this day."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count them; change nothing."),
) -> None:
    """Delete the personal data of clients whose relationship ended (PIPL minimisation).

    Their names, contact details, IDs and profile are erased and their id is replaced by a
    pseudonym everywhere (the audit log included), so balances, contacts and tiers still count
    in aggregates and past KPIs but nothing identifies the person any more. The file is then
    rewritten (VACUUM) so the erased values do not linger on disk; on a big bank that takes a
    few minutes. This cannot be undone; older backups still hold the data until they rotate out.

    \b
    Examples:
      vipcrm purge --ended-before 2021-12-31 --dry-run
      vipcrm purge --ended-before 2021-12-31
    """
    from vipcrm.store.audit import record
    from vipcrm.store.db import transaction
    from vipcrm.store.purge import ended_before_ids, purge_ended

    st = state(ctx)
    cutoff = parse_date_option(ended_before, "--ended-before")
    if cutoff > st.today:
        raise Refused(Text("--ended-before {date} is after today; relationships cannot end in "
                           "the future", date=cutoff))
    db = st.db()
    conn = db.conn
    if dry_run:
        count = len(ended_before_ids(conn, cutoff))
        st.info(Text("{count} client(s) would be purged (dry run: nothing changed)", count=count))
        return
    with transaction(db):
        count = purge_ended(conn, cutoff)
        record(db, st.user(), "purge", {"ended_before": cutoff.isoformat(), "clients": count})
    if count:
        # Erased values linger on disk: in free space, in the b-tree's inner pages (as dividers
        # between keys), and in the write-ahead log. Rewrite the file and empty the log.
        conn.execute("VACUUM")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    st.info(Text("{count} client(s) purged: personal data erased, ids pseudonymised",
                 count=count))
    if busy:
        st.warn(Text("other vipcrm processes are reading: erased values stay in the write-ahead "
                     "log until they finish; run this purge again later to empty it"))


def register(app: typer.Typer) -> None:
    app.command("nightly")(nightly_command)
    app.command("backup")(backup_command)
    app.command("audit")(audit_command)
    app.command("purge")(purge_command)
