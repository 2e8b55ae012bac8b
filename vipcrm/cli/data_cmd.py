"""`vipcrm import` and `vipcrm export`: the bank's extracts in and out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from vipcrm.cli.common import (EXIT_REJECTS, BadArgument, EncodingOption, check_encoding,
                               check_format, csv_file_encoding, csv_stdout, plain, state)
from vipcrm.core.text import Code, Text
from vipcrm.formats.kinds import KINDS
from vipcrm.formats.output import Field

KIND_LIST = ", ".join(KINDS)


def _mapping(items: List[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        theirs, sep, ours = item.rpartition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise BadArgument(Text("{item!r}; write it as 'Their Header=column'", item=item),
                                "--map")
        mapping[theirs.strip()] = ours.strip()
    return mapping


def import_command(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help=f"One of: {KIND_LIST}."),
    file: Path = typer.Argument(..., help="The CSV file (UTF-8, UTF-8 with BOM or GBK/GB18030)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and report; write nothing."),
    strict: bool = typer.Option(False, "--strict", help="Any bad row refuses the whole file."),
    rejects: Optional[Path] = typer.Option(None, "--rejects",
                                           help="Where rejected rows go (default "
                                                "FILE.rejects.csv); never the input or a "
                                                "database."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Override the detected encoding."),
    map_: List[str] = typer.Option([], "--map", help="'Their Header=column', repeatable."),
    blank_clears: bool = typer.Option(False, "--blank-clears",
                                      help="Empty optional cells erase known values."),
    full_snapshot: bool = typer.Option(False, "--full-snapshot",
                                       help="positions: the file holds all holdings of the "
                                            "clients it lists on its dates; their absent "
                                            "positions are closed (nightly closes those of "
                                            "the whole bank: import.positions_full_snapshot)."),
    fmt: str = typer.Option("table", "--format", "-f", help="Summary as table, csv or json."),
) -> None:
    """Import one extract file of one kind, in one transaction.

    Bad rows go to a rejects file with their line and reason (exit 3); a file that cannot be
    read at all is refused whole (exit 1, database unchanged). Re-importing a file changes
    nothing: the RMs exported and imported back, for instance.

    \b
    Example:
      vipcrm export rms -o rms.csv && vipcrm import rms rms.csv --rejects rms-bad.csv
    """
    from vipcrm.store.imports import ImportOptions

    st = state(ctx)
    fmt = check_format(fmt)
    if kind not in KINDS:
        raise BadArgument(Text("{value!r}; choose one of {choices}", value=kind,
                                 choices=KIND_LIST), "KIND")
    options = ImportOptions(dry_run=dry_run, strict=strict, rejects=rejects, encoding=encoding,
                            mapping=_mapping(map_), blank_clears=blank_clears,
                            full_snapshot=full_snapshot, user=st.user(), today=st.today,
                            lang=st.lang)
    result = _run_with_progress(st, kind, file, options)
    for warning in result.warnings:
        st.warn(warning)
    for line in result.first_rejects:
        st.info(Text("  rejected {line}", line=line))
    if result.rejected > len(result.first_rejects):
        st.info(Text("  … and {count} more rejected row(s)",
                     count=result.rejected - len(result.first_rejects)))
    counts = result.counts()
    summary = Text("{kind} {file}: {counts}", kind=Code("kind", kind), file=file.name,
                   counts=result.summary())
    st.info(summary + Text(" (dry run: nothing written)") if dry_run else summary)
    if result.rejects_path:
        st.info(Text("rejected rows written to {path}", path=result.rejects_path))
    if fmt != "table":
        fields = [Field("kind"), Field("file")] + [Field(k, "int") for k in counts]
        st.emit([{"kind": kind, "file": file.name, **counts}], fields, fmt)
    if result.rejected:
        raise typer.Exit(EXIT_REJECTS)


def _run_with_progress(st, kind, file, options):
    from vipcrm.store.imports import import_file

    if plain() or st.quiet or not file.exists() or file.stat().st_size < 5_000_000:
        return import_file(st.db(create=True), kind, file, options)
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TimeRemainingColumn(), console=st.err, transient=True) as progress:
        task = progress.add_task(st.say(Text("import {kind}", kind=Code("kind", kind))),
                                 total=file.stat().st_size)
        options.progress = lambda done, total: progress.update(task, completed=done)
        return import_file(st.db(create=True), kind, file, options)


def export_command(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help=f"One of: {KIND_LIST}."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default stdout)."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv or json."),
    unmask: bool = typer.Option(False, "--unmask",
                                help="Show full phone and ID numbers (recorded in the audit log)."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Export one kind as CSV or JSON, in the import format.

    Phones and ID numbers are masked unless --unmask (which is audited); cells that a spreadsheet
    would run as formulas get a leading quote. An unmasked CSV export imports back unchanged.
    The -o file is written whole and owner-only, never over the database, its companion files
    or any other database file. A CSV file is UTF-8 with a byte-order mark unless --encoding
    says otherwise (Excel then reads its Chinese right); on a pipe it is plain UTF-8.

    \b
    Examples:
      vipcrm export clients -o clients.csv
      vipcrm export positions --format json -o positions.json
    """
    from vipcrm.store.audit import record
    from vipcrm.store.db import transaction
    from vipcrm.store.exports import write_export
    from vipcrm.store.outputs import Guard

    st = state(ctx)
    fmt = check_format(fmt, ("csv", "json"))
    encoding = check_encoding(encoding, fmt)
    if kind not in KINDS:
        raise BadArgument(Text("{value!r}; choose one of {choices}", value=kind,
                                 choices=KIND_LIST), "KIND")
    guard = Guard(st.db_path)
    if output is not None:
        guard.check(output, Text("the export"))  # before the audit entry: a refusal changes nothing
    db = st.db()

    def audit() -> None:
        if unmask:
            with transaction(db):
                record(db, st.user(), f"export {kind} --unmask",
                       {"output": str(output or "stdout")})

    if output is None and fmt == "json":
        audit()
        count = write_export(db, kind, sys.stdout, fmt, unmask)
    elif output is None:
        audit()
        with csv_stdout(encoding) as out:
            count = write_export(db, kind, out, fmt, unmask)
    else:
        # Recorded once the file is written and before it takes its name, so a full disk
        # leaves neither a file nor an entry, and an entry that cannot be written no file.
        chosen = csv_file_encoding(output, encoding) if fmt == "csv" else "utf-8"
        with guard.open(output, Text("the export"), encoding=chosen) as handle:
            count = write_export(db, kind, handle, fmt, unmask)
            handle.flush()  # a full disk shows here, before the entry is recorded
            audit()
    if unmask:
        st.info(Text("exported {count} {kind} row(s)", count=count, kind=Code("kind", kind)))
    else:
        st.info(Text("exported {count} {kind} row(s) (phones and IDs masked)", count=count,
                     kind=Code("kind", kind)))


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
