"""`vipcrm client`: the client 360 view and profile updates captured at a contact."""

from __future__ import annotations

from typing import List

import typer

from vipcrm.cli.common import Refused, check_format, state

client_app = typer.Typer(help="One client's whole picture, and profile updates.",
                         no_args_is_help=True)


@client_app.command("show")
def show(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    unmask: bool = typer.Option(False, "--unmask", help="Show full phone and ID (audited)."),
) -> None:
    """Profile and completeness, tier and history, RM and ownership, holdings and AUM trend,
    open tasks and recent contacts. Phones and IDs are masked unless --unmask.

    Example: vipcrm client show C0001
    """
    from vipcrm.store.audit import record
    from vipcrm.store.clients import client_view
    from vipcrm.store.db import transaction

    st = state(ctx)
    fmt = check_format(fmt, ("table", "json"))
    db = st.db()
    view = client_view(db, st.config(), client, st.today, unmask=unmask)
    if view is None:
        raise Refused(f"unknown client {client!r}; check the id")
    if unmask:
        with transaction(db):
            record(db, st.user(), "client show --unmask", {"client_id": client})
    if fmt == "json":
        from vipcrm.formats.output import dumps

        st.out.file.write(dumps(view) + "\n")
        return
    _print_view(st, view)


def _print_view(st, view: dict) -> None:
    from rich.table import Table

    from vipcrm.formats.i18n import tier_name

    out = st.out
    p = view["profile"]
    out.print(f"[bold]{p['client_id']}  {p['name']}[/bold]  ({p['segment']}, "
              f"home branch {p['home_branch']})")
    tier = view["tier"]
    out.print(f"Tier: {tier_name(tier['tier'] if tier else None, st.lang)}"
              + (f" ({tier['status']}, since {tier['since']}, basis AUM {tier['basis_aum']})"
                 if tier else "")
              + f"   AUM today: {view['aum_today']} CNY")
    a = view["assignment"]
    out.print(f"RM: {a['rm_id'] or '-'} ({a['reason']}{', pinned' if a['pinned'] else ''}"
              f"{', grade gap' if a['grade_gap'] else ''})   Ownership branch: "
              f"{view['ownership_branch']}" if a else
              f"RM: none   Ownership branch: {view['ownership_branch']}")
    c = view["completeness"]
    out.print(f"Profile completeness: {c['pct']:.1f}% (target {c['target_pct']}%)"
              + (f"; missing: {', '.join(c['missing'][:5])}" if c["missing"] else ""))
    fields = Table(show_header=False, box=None)
    for key in ("gender", "birth_date", "phone", "id_number", "id_expiry", "risk_level",
                "risk_assessed_on", "occupation", "marital_status", "wedding_date", "family",
                "hobbies", "product_preferences", "wealth_source", "preferred_channel",
                "address", "contact_consent"):
        if p.get(key):
            fields.add_row(key, str(p[key]))
    out.print(fields)
    for title, rows, keys in (
        ("Holdings", view["holdings"], ("product_code", "asset_class", "balance", "maturity_date")),
        ("AUM trend", view["aum_trend"], ("date", "aum")),
        ("Open tasks", view["open_tasks"], ("reason", "due", "channel", "overdue")),
        ("Tier history", view["tier_history"], ("effective", "from_tier", "to_tier", "reason")),
        ("Recent contacts", view["recent_contacts"],
         ("date", "rm_id", "channel", "outcome", "stage", "note")),
    ):
        table = Table(title=title, title_justify="left")
        for key in keys:
            table.add_column(key.replace("_", " "))
        for row in rows:
            table.add_row(*(_cell(row.get(k)) for k in keys))
        out.print(table if rows else f"{title}: none")


def _cell(value) -> str:
    if value is None:
        return ""
    return str(value)


@client_app.command("update")
def update(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id."),
    sets: List[str] = typer.Option(..., "--set", help="field=value, repeatable."),
) -> None:
    """Update profile fields learnt at a contact (recorded in the audit log).

    Example: vipcrm client update C0001 --set hobbies=golf --set occupation="Factory owner"
    """
    from vipcrm.store.clients import UPDATABLE, update_profile

    st = state(ctx)
    values = {}
    for item in sets:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in UPDATABLE:
            raise Refused(f"--set {item!r}: write field=value with a field among "
                          f"{', '.join(UPDATABLE)}")
        values[name] = value.strip()
    before, after = update_profile(st.db(), st.config(), client, values, st.today, st.user())
    st.info(f"{client}: updated {', '.join(values)}; profile completeness "
            f"{before:.1f}% -> {after:.1f}%")


def register(app: typer.Typer) -> None:
    app.add_typer(client_app, name="client")
