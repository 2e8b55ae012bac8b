"""`vipcrm config`: every number of the domain rules, shown and changed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Optional

import typer

from vipcrm.cli.common import EncodingOption, Refused, check_encoding, check_format, state
from vipcrm.core.config import KEYS, encode
from vipcrm.core.text import Text
from vipcrm.formats.output import Field

config_app = typer.Typer(help="""Show and change the configuration (stored in the database).

    \b
    Example:
      vipcrm config set plan.daily_capacity 15 && vipcrm config show
    """, no_args_is_help=True)


@config_app.command("show")
def show(ctx: typer.Context,
         fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
         encoding: Optional[str] = EncodingOption) -> None:
    """List every key with its value and default.

    \b
    Example:
      vipcrm config show --format csv
    """
    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    config = st.config()
    # On screen a list of values wraps between its items; CSV and JSON keep the stored text.
    shown = (lambda v: ", ".join(v) if isinstance(v, tuple) else encode(v)) \
        if fmt == "table" else encode
    records = [{"key": name, "value": shown(config[name]), "default": shown(key.default),
                "domain": key.domain, "meaning": key.help} for name, key in KEYS.items()]
    st.emit(records, [Field("key"), Field("value", "prose"), Field("default", "prose", drop=2),
                      Field("domain", drop=3), Field("meaning", "prose")], fmt,
            encoding=encoding)


# Negative numbers (`plan.expiry_days.cadence -1`) are values, not options.
@config_app.command("set", context_settings={"ignore_unknown_options": True})
def set_(ctx: typer.Context,
         key: str = typer.Argument(..., help="A key listed by `config show`."),
         value: str = typer.Argument(..., help="Its new value.")) -> None:
    """Change one key.

    \b
    Example:
      vipcrm config set plan.daily_capacity 15
    """
    from vipcrm.store.settings import save_settings

    st = state(ctx)
    config = save_settings(st.db(create=True), {key: value}, st.user(), f"config set {key}")
    st.info(Text("{key} = {value}", key=key, value=encode(config[key])))


@config_app.command("load")
def load(ctx: typer.Context, file: Path = typer.Argument(..., help="A TOML file of keys.")) -> None:
    """Apply a TOML file of settings, all or nothing.

    Keys may be dotted (`"plan.daily_capacity" = 15`) or nested tables (`[plan]` then
    `daily_capacity = 15`).

    \b
    Example:
      echo 'plan.daily_capacity = 15' > bank.toml && vipcrm config load bank.toml
    """
    from vipcrm.store.settings import save_settings

    st = state(ctx)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Refused(Text("{path}: no such file; check the path", path=file)) from None
    except tomllib.TOMLDecodeError as exc:
        raise Refused(Text("{path}: not valid TOML ({problem}); fix the file", path=file,
                           problem=str(exc))) from None
    values: dict = {}
    for name, value in _flatten(data):
        if name in values:
            raise Refused(Text("{path}: {key} is given twice; keep one", path=file, key=name))
        values[name] = value
    if not values:
        raise Refused(Text("{path}: no settings found", path=file))
    save_settings(st.db(create=True), values, st.user(), f"config load {file.name}")
    st.info(Text("{count} setting(s) applied from {file}", count=len(values), file=file.name))


def _flatten(data: dict, prefix: str = ""):
    for name, value in data.items():
        full = f"{prefix}{name}"
        if isinstance(value, dict) and full not in KEYS:
            yield from _flatten(value, full + ".")
        else:
            yield full, value


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
