"""The `vipcrm` program: global options, the command groups, and errors turned into exit codes."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path
from typing import Optional

import click
import typer
from typer.core import TyperGroup

from vipcrm import __version__
from vipcrm.cli.common import EXIT_REFUSED, Refused, State, plain
from vipcrm.core.text import Text, said
from vipcrm.formats.escape import printable
from vipcrm.formats.i18n import default_lang

try:  # Typer 0.28 runs on its own copy of Click, whose exceptions are not click's
    from typer._click import exceptions as click_errors
    from typer._click.core import ParameterSource
except ImportError:  # pragma: no cover - older Typer on Click itself
    from click import exceptions as click_errors
    from click.core import ParameterSource


class VipcrmGroup(TyperGroup):
    """Turns the project's own errors into one `Error: …` line and the exit code of CLI.md."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click_errors.UsageError as exc:
            _usage(exc)

    def invoke(self, ctx: click.Context):
        from vipcrm.core.config import ConfigError
        from vipcrm.formats.csvfile import FileRefused
        from vipcrm.formats.output import Unencodable
        from vipcrm.store.db import StoreError, store_error

        try:
            return super().invoke(ctx)
        except click_errors.UsageError as exc:
            _usage(exc)
        except Refused as exc:
            _fail(ctx, exc.message, exc.code)
        except (FileRefused, StoreError, ConfigError, Unencodable) as exc:
            _fail(ctx, said(exc), EXIT_REFUSED)
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                _fail(ctx, Text("the database is busy (another vipcrm run is writing); "
                                "try again when it has finished"), EXIT_REFUSED)
            path = ctx.obj.db_path if isinstance(ctx.obj, State) else "the database"
            error = store_error(exc, path)
            # Anything else SQLite says at run time is the file's or the disk's fault; the
            # errors of a wrong statement (IntegrityError, ProgrammingError …) are bugs.
            if error is None and type(exc) in (sqlite3.OperationalError, sqlite3.DatabaseError):
                error = StoreError(Text("{path}: {detail}; check the file, or restore it from a "
                                        "backup", path=path, detail=str(exc)))
            if error is None:
                raise
            _fail(ctx, said(error), EXIT_REFUSED)
        except BrokenPipeError:
            _reader_gone()
        except OSError as exc:
            error = store_error(exc, exc.filename or "standard output")
            _fail(ctx, said(error) if error else
                  Text("{name}: {reason}; check the path and its permissions",
                       name=exc.filename or "", reason=exc.strerror), EXIT_REFUSED)


def _usage(exc) -> None:
    """A usage error as one line (exit 2), like every other error: the reason, then where the
    command's options are explained, instead of Click's usage block."""
    from vipcrm.cli.common import BadArgument

    if isinstance(exc, click_errors.NoArgsIsHelpError):
        raise exc  # a group called alone shows its help
    ctx = exc.ctx
    message = exc.sentence() if isinstance(exc, BadArgument) else exc.format_message()
    if ctx is not None:
        message = Text("{message} (see '{command} --help')", message=message,
                       command=ctx.command_path)
    _fail(ctx, message, exc.exit_code)


def _reader_gone() -> None:
    """`vipcrm plan today | head -1`: the reader closed the pipe, which is no error to report.

    Python's recipe: point stdout at /dev/null, so the flush at exit cannot fail again and
    print "Broken pipe" after all, and exit 1.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is no file descriptor (a test runner's capture): nothing left to flush
    raise typer.Exit(1)


def _fail(ctx: click.Context | None, message: "Text | str", code: int) -> None:
    from vipcrm.formats.i18n import render

    root = ctx.find_root() if ctx is not None else None
    lang = root.obj.lang if root is not None and isinstance(root.obj, State) else "en"
    click.echo(printable(render(Text("Error: {message}", message=message), lang)), err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=VipcrmGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    help="""A bank's VIP client service from one SQLite file.

    Import the bank's extracts, tier clients by AUM, give each to an RM of matching grade, plan
    each RM's day, log follow-ups and report the KPIs.

    \b
    Example:
      vipcrm demo && vipcrm plan today
    """,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vipcrm {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    db: Path = typer.Option(Path("vipcrm.db"), "--db", envvar="VIPCRM_DB",
                            help="The database file, mode 0600 (created by demo, import, "
                                 "nightly --inbox and config set/load)."),
    today: Optional[str] = typer.Option(None, "--today", envvar="VIPCRM_TODAY",
                                        help="The date to treat as today (YYYY-MM-DD)."),
    lang: Optional[str] = typer.Option(None, "--lang", envvar="VIPCRM_LANG",
                                       help="en or zh: language of tables and messages."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Less on stderr."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="More on stderr."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    from vipcrm.cli.common import BadArgument, parse_date_option

    chosen_lang = (lang or default_lang()).lower()
    if chosen_lang not in ("en", "zh"):
        raise BadArgument(Text("{value!r}; choose en or zh", value=lang), "--lang")
    # The state first, so that an error in --today speaks the chosen language.
    ctx.obj = State(db_path=db, lang=chosen_lang, quiet=quiet, verbose=verbose)
    hint = "--today"
    if ctx.get_parameter_source("today") == ParameterSource.ENVIRONMENT:
        hint = "VIPCRM_TODAY"
    elif today is None and os.environ.get("VIPCRM_TODAY") is not None:
        # Click skips an empty variable; a cron line `VIPCRM_TODAY=$DAY` with DAY unset
        # must not quietly run as the system date.
        today, hint = os.environ["VIPCRM_TODAY"], "VIPCRM_TODAY"
    ctx.obj.today = parse_date_option(today, hint) or dt.date.today()


def _register() -> None:
    from vipcrm.cli import (assign_cmd, attrition_cmd, campaign_cmd, client_cmd, config_cmd,
                            data_cmd, demo_cmd, followup_cmd, household_cmd, ops_cmd, plan_cmd,
                            preferences_cmd, report_cmd, tier_cmd)

    for module in (demo_cmd, data_cmd, config_cmd, tier_cmd, assign_cmd, plan_cmd, followup_cmd,
                   client_cmd, household_cmd, report_cmd, preferences_cmd, attrition_cmd,
                   campaign_cmd, ops_cmd):
        module.register(app)


_register()


def main() -> None:
    if plain():
        os.environ.setdefault("TERM", "dumb")
    app(prog_name="vipcrm")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
