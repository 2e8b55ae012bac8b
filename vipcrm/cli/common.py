"""What every command shares: global state, opening the store, output, errors and exit codes."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence, TextIO

import typer
from rich.console import Console

from vipcrm.core.config import Config
from vipcrm.core.text import Listing, Text, said
from vipcrm.formats.escape import printable
from vipcrm.formats.output import CSV_ENCODINGS, Field, render, write_csv

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_REJECTS, EXIT_LOCKED = 0, 1, 2, 3, 4


class Refused(Exception):
    """A command refuses (exit 1 unless told otherwise) with one line saying what and how to fix.

    The message is a `Text`, shown in the user's language."""

    def __init__(self, message: Text, code: int = EXIT_REFUSED):
        super().__init__(str(message))
        self.message = message
        self.code = code


class BadArgument(typer.BadParameter):
    """A usage error of the project's own (exit 2): what is wrong with the value of `hint` (an
    option or argument), as a `Text` shown in the user's language. Click's own usage errors
    ("No such option") stay in Click's English."""

    def __init__(self, text: Text, hint: str):
        super().__init__(str(text), param_hint=hint)
        self.text = text

    def sentence(self) -> Text:
        return Text("Invalid value for {option}: {problem}", option=self.param_hint,
                    problem=self.text)


def typed_id(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """An id typed on the command line as the import stores ids (values.parse_id): Ｃ０１ finds
    client C01; a zero-width or control character is a usage error, not a new id."""
    if value is None:
        return None
    from vipcrm.formats.values import BadValue, parse_id
    try:
        return parse_id(value)
    except BadValue as exc:
        hint = param.opts[0] if param.param_type_name == "option" else (param.name or "").upper()
        raise BadArgument(said(exc), hint) from None


def plain() -> bool:
    """Colour and progress only on a terminal with NO_COLOR unset (CLI.md)."""
    return bool(os.environ.get("NO_COLOR")) or not sys.stderr.isatty()


@dataclass
class State:
    db_path: Path = Path("vipcrm.db")
    today: dt.date = field(default_factory=dt.date.today)
    lang: str = "en"
    quiet: bool = False
    verbose: bool = False
    _db: object = None
    _config: Config | None = None

    @property
    def out(self) -> Console:
        return Console(file=sys.stdout, no_color=plain(), highlight=False, width=screen_width(),
                       soft_wrap=False)

    @property
    def err(self) -> Console:
        # In a log, one message is one line however long (a terminal wraps it at words).
        tty = sys.stderr.isatty()
        return Console(file=sys.stderr, no_color=plain(), highlight=False,
                       width=None if tty else 200, soft_wrap=not tty)

    def db(self, *, create: bool = False):
        """The database, opened on first use; only the commands that bring data in (`demo`,
        `import`, `nightly --inbox`, `config set/load`) may create it."""
        if self._db is None:
            from vipcrm.store.db import open_db

            self._db = open_db(self.db_path, create=create)
        return self._db

    def config(self) -> Config:
        if self._config is None:
            from vipcrm.store.settings import load_config

            self._config = load_config(self.db())
        return self._config

    def say(self, text: "Text | str") -> str:
        """A message in the user's language."""
        from vipcrm.formats.i18n import render

        return render(text, self.lang)

    # Messages name files and values from outside: each is one line, escapes shown, not run.
    def info(self, text: "Text | str") -> None:
        if not self.quiet:
            self.err.print(printable(self.say(text)), markup=False)

    def debug(self, text: "Text | str") -> None:
        if self.verbose:
            self.err.print(printable(self.say(text)), markup=False)

    def warn(self, text: "Text | str") -> None:
        self.err.print(printable(self.say(Text("Warning: {message}", message=text))),
                       markup=False)

    def emit(self, records: Sequence[dict], fields: Sequence[Field], fmt: str, *,
             title: "Text | str | None" = None, totals: bool = False,
             encoding: str | None = None) -> None:
        if fmt == "csv":
            with csv_stdout(encoding) as out:
                write_csv(records, fields, out)
            return
        self.left_out(render(records, fields, fmt, console=self.out, lang=self.lang,
                             title=self.say(title) if fmt == "table" and title is not None
                             else None, totals=totals))

    def left_out(self, labels: Sequence[str]) -> None:
        """Says which columns a table too wide for the screen left out."""
        if labels:
            self.info(Text("not shown at {width} columns: {columns}; --format csv has every "
                           "column", width=screen_width(), columns=Listing(labels)))

    def user(self) -> str:
        from vipcrm.store.audit import current_user

        return current_user()


# COLUMNS outside this range is a mistake: narrower, no table is readable; wider, no screen.
NARROWEST, WIDEST = 40, 1000
# The width of output that goes to no terminal (a file, a pipe, a pager): readable on a laptop
# and in an editor, and what most reports fit in whole.
PIPED_WIDTH = 120


def screen_width() -> int:
    """The width tables are laid out for: COLUMNS when set (as every terminal program reads
    it), else the terminal's when stdout is one, else 120."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and columns.isascii() and int(columns) > 0:
        return min(max(int(columns), NARROWEST), WIDEST)
    if sys.stdout.isatty():
        return min(max(shutil.get_terminal_size().columns, NARROWEST), WIDEST)
    return PIPED_WIDTH


EncodingOption = typer.Option(
    None, "--encoding", metavar="E",
    help="Encoding of the CSV: utf-8-sig (UTF-8 that Excel recognises; the default in a "
         "file), gbk, gb18030 or utf-8 (the default on a pipe or terminal).")


def check_encoding(encoding: str | None, fmt: str) -> str | None:
    """A CSV encoding chosen on the command line: one of CSV_ENCODINGS, and only for CSV."""
    if encoding is None:
        return None
    chosen = encoding.strip().lower()
    if chosen not in CSV_ENCODINGS:
        raise BadArgument(Text("{value!r}; choose one of {choices}", value=encoding,
                               choices=", ".join(CSV_ENCODINGS)), "--encoding")
    if fmt != "csv":
        raise BadArgument(Text("{value} applies to --format csv only, not {format}",
                               value=encoding, format=fmt), "--encoding")
    return chosen


def stdout_is_new_file() -> bool:
    """stdout is an empty regular file (`> plan.csv`), so what goes there is a file for
    people; a pipe, a terminal or a file appended to is not."""
    try:
        info = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False  # no file descriptor at all (a test runner's capture)
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def csv_file_encoding(path: Path, encoding: str | None) -> str:
    """The encoding of a CSV written to `path`: as chosen, else utf-8-sig for a file (people
    open it in Excel) and utf-8 for a device or a pipe (`-o /dev/stdout | …`)."""
    if encoding is not None:
        return encoding
    return "utf-8-sig" if not path.exists() or path.is_file() else "utf-8"


@contextmanager
def csv_stdout(encoding: str | None) -> Iterator[TextIO]:
    """stdout for a CSV, in `encoding` or by default utf-8-sig when it is a new file (what a
    person opens in Excel) and utf-8 on a pipe or a terminal (what a program reads). GBK is
    written to a spool first, so a character it lacks leaves stdout empty."""
    chosen = encoding or ("utf-8-sig" if stdout_is_new_file() else "utf-8")
    sys.stdout.flush()
    raw = sys.stdout.buffer
    if chosen != "gbk":
        out = io.TextIOWrapper(raw, encoding=chosen, newline="")
        try:
            yield out
        finally:
            out.detach()  # flushed, and stdout itself stays open
        return
    with tempfile.TemporaryFile() as spool:
        out = io.TextIOWrapper(spool, encoding=chosen, newline="")
        try:
            yield out
        finally:
            out.detach()
        spool.seek(0)
        shutil.copyfileobj(spool, raw)
        raw.flush()


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


FormatOption = typer.Option("table", "--format", "-f", help="table, csv or json",
                            case_sensitive=False)


def check_format(fmt: str, allowed: Sequence[str] = ("table", "csv", "json")) -> str:
    fmt = fmt.lower()
    if fmt not in allowed:
        raise BadArgument(Text("{value!r}; choose one of {choices}", value=fmt,
                               choices=", ".join(allowed)), "--format")
    return fmt


# The dates a command accepts: wide enough for any plan, report or history, narrow enough that
# every configured span (at most ten years) added to them stays a real date.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
# Contacts and RM time are records of work done: none before the bank kept them electronically.
FIRST_RECORD = dt.date(1990, 1, 1)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date_option(value: str | None, name: str, *, earliest: dt.date = EARLIEST,
                      latest: dt.date = LATEST, accepted: Text | None = None) -> dt.date | None:
    """A date typed on the command line: YYYY-MM-DD only (the import's other forms are for
    files) within [earliest, latest]; anything else is a usage error naming the option, the
    value, the format and the range. `accepted` words the range when it is not two dates."""
    if value is None:
        return None
    accepted = accepted or Text("from {earliest} to {latest}", earliest=earliest, latest=latest)
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise BadArgument(Text("{value!r} is not a date; write it as YYYY-MM-DD, {accepted}",
                               value=value, accepted=accepted), name)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadArgument(Text("{value!r} is not a real date; write it as YYYY-MM-DD, "
                               "{accepted}", value=value, accepted=accepted), name) from None
    if not earliest <= day <= latest:
        raise BadArgument(Text("{value} is out of range; give a date YYYY-MM-DD {accepted}",
                               value=text, accepted=accepted), name)
    return day


def parse_record_date(value: str | None, name: str, today: dt.date) -> dt.date:
    """The day of a contact or of RM time (default today): work done, so not before
    FIRST_RECORD nor after today."""
    if value is None:
        if today < FIRST_RECORD:
            raise BadArgument(Text("not given, so today ({today}), which is before {first}; "
                                   "records start there: give --today or {option} from {first} "
                                   "on", today=today, first=FIRST_RECORD, option=name), name)
        return today
    return parse_date_option(value, name, earliest=FIRST_RECORD, latest=today,
                             accepted=Text("from {earliest} to today ({today})",
                                           earliest=FIRST_RECORD, today=today))
