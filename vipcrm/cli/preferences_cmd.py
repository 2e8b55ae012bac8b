"""`vipcrm report preferences`: the demand behind each kind of product (seed §2.7)."""

from __future__ import annotations

from typing import Optional

import typer

from vipcrm.cli.common import BadArgument, EncodingOption, check_encoding, check_format
from vipcrm.cli.report_cmd import BRANCH, FORMAT, RM, TO, _ask, _show, _title
from vipcrm.core.preferences import DIMENSIONS
from vipcrm.core.text import Text
from vipcrm.formats.output import Field


def _list(text: str, allowed, option: str, most: int) -> list[str]:
    items = [item.strip().lower() for item in text.split(",") if item.strip()]
    if (not 1 <= len(items) <= most or len(set(items)) != len(items)
            or any(item not in allowed for item in items)):
        raise BadArgument(Text("{value!r}; give one or more different values of {allowed}, "
                               "comma-separated", value=text, allowed=", ".join(allowed)), option)
    return [item for item in allowed if item in items]


def preferences(
    ctx: typer.Context, end: Optional[str] = TO, branch: Optional[str] = BRANCH,
    rm: Optional[str] = RM,
    by: str = typer.Option("tier,branch", "--by", help="tier, branch or both: the groups."),
    dimension: str = typer.Option(",".join(DIMENSIONS), "--dimension",
                                  help="Which preferences: " + ", ".join(DIMENSIONS) + "."),
    fmt: str = FORMAT, encoding: Optional[str] = EncodingOption,
) -> None:
    """Clients' stated product preferences per tier and branch: how many clients, and how
    much of their AUM, want each kind of product, so product design sees the demand.

    Covers retail clients open on --to that hold a tier or assets (tier `none`: below gold),
    with their tier on --to, their ownership branch and their AUM on --to. The preferences are
    profile fields an RM records with `client update --set` (or the clients import):
    pref_protection (protected 保本 or floating 浮动), pref_term_months (the horizon in months,
    shown as short up to 12, medium 13-36, long over 36) and pref_yield_band (<3%, 3-5%, >5%).
    Each group gets one row per preference of each dimension, `unstated` included;
    clients_pct and aum_pct are the shares of the group's clients and AUM (each dimension
    shares out the whole group).

    JSON/CSV keys: tier, branch (those of --by), dimension, preference, clients, clients_pct,
    aum, aum_pct; money in CNY.

    \b
    Example:
      vipcrm report preferences --branch BJ01 --dimension protection,yield_band
    """
    from vipcrm.store.preferences import GROUPS, preferences_report

    fmt = check_format(fmt)
    groups = _list(by, GROUPS, "--by", len(GROUPS))
    dims = _list(dimension, DIMENSIONS, "--dimension", len(DIMENSIONS))
    ask = _ask(ctx, None, end, branch, rm, period=False, encoding=check_encoding(encoding, fmt))
    records = preferences_report(ask.conn, ask.config, ask.end, ask.scope, groups, dims)
    fields = [*(Field(g, "tier" if g == "tier" else "text") for g in groups),
              Field("dimension", "code"), Field("preference", "code"), Field("clients", "int"),
              Field("clients_pct", "pct"), Field("aum", "money"), Field("aum_pct", "pct")]
    _show(ask, records, fields, fmt, _title(ask, Text("Stated preferences"), period=False),
          totals=False)


def register(app: typer.Typer) -> None:
    from vipcrm.cli.report_cmd import report_app

    report_app.command("preferences")(preferences)
