"""What every command shares: global state, opening the store, output, errors and exit codes."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import typer
from rich.console import Console

from vipcrm.core.config import Config
from vipcrm.core.text import Text
from vipcrm.formats.escape import printable
from vipcrm.formats.output import Field, render

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
        # Data on stdout; a wide virtual terminal when piped so tables do not wrap.
        return Console(file=sys.stdout, no_color=plain(), highlight=False,
                       width=None if sys.stdout.isatty() else 200, soft_wrap=False)

    @property
    def err(self) -> Console:
        return Console(file=sys.stderr, no_color=plain(), highlight=False,
                       width=None if sys.stderr.isatty() else 200)

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
             title: "Text | str | None" = None, totals: bool = False) -> None:
        render(records, fields, fmt, console=self.out, lang=self.lang,
               title=self.say(title) if fmt == "table" and title is not None else None,
               totals=totals)

    def user(self) -> str:
        from vipcrm.store.audit import current_user

        return current_user()


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
