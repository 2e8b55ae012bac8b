"""`vipcrm client`: the client 360 view and profile updates captured at a contact."""

from __future__ import annotations

from typing import List

import typer

from vipcrm.cli.common import Refused, check_format, state

client_app = typer.Typer(help="One client's whole picture, and profile updates.",
                         no_args_is_help=True)

PROFILE_KEYS = ("gender", "birth_date", "phone", "email", "id_number", "id_expiry", "risk_level",
                "risk_assessed_on", "occupation", "marital_status", "wedding_date", "family",
                "hobbies", "product_preferences", "wealth_source", "preferred_channel",
                "address", "contact_consent", "opened_on", "closed_on", "pref_protection",
                "pref_term_months", "pref_yield_band")


@client_app.command("show")
def show(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    unmask: bool = typer.Option(False, "--unmask", help="Show full phone and ID (audited)."),
) -> None:
    """Profile and completeness, tier and history, RM and ownership, holdings and AUM trend,
    open tasks, recent contacts and referrals. Phones and IDs are masked unless --unmask.

    JSON keys: profile, completeness (pct, target_pct, on_target, missing; null for corporate
    clients), tier, corporate_rating, aum_today, assignment, ownership_branch, holdings (with
    in_aum), aum_trend (aum null before the client's first position), tier_history, household
    (household_id, role, aum: its counted members' AUM today, members: client_id, name, role,
    tier, phone masked, aum, counted; null when in no household), open_tasks, recent_contacts,
    referrals; money as numbers in CNY.

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

    from vipcrm.formats.i18n import grade_name, tier_name

    out = st.out
    p = view["profile"]
    out.print(f"[bold]{p['client_id']}  {p['name']}[/bold]  ({p['segment']}, "
              f"home branch {p['home_branch']})"
              + (f"  closed {p['closed_on']}" if p.get("closed_on") else ""))
    tier, rating = view["tier"], view["corporate_rating"]
    if p["segment"] == "corporate":
        grade = "Corporate rating: " + (
            f"{'big client' if rating['big'] else 'not a big client'} {rating['review_year']} "
            f"(score {rating['score']:.1f}, rank {rating['rank']})" if rating else "not rated")
    else:
        grade = "Tier: " + tier_name(tier["tier"] if tier else None, st.lang) + (
            f" ({tier['status']}, since {tier['since']}, basis AUM {tier['basis_aum']})"
            if tier else "")
    out.print(f"{grade}   AUM today: {view['aum_today']} CNY")
    a = view["assignment"]
    if a and a["rm_id"]:
        flags = [a["reason"]] + [flag for flag, on in (
            ("pinned", a["pinned"]), ("grade gap", a["grade_gap"]),
            ("RM inactive", a["rm_active"] is False)) if on]
        rm = (f"{a['rm_id']} {a['rm_name']} ({grade_name(a['rm_grade'], st.lang)}), "
              f"since {a['since']} ({', '.join(flags)})")
    else:
        rm = "none" + (f" ({a['reason']})" if a else "")
    out.print(f"RM: {rm}   Ownership branch: {view['ownership_branch']}")
    c = view["completeness"]
    if c:
        out.print(f"Profile completeness: {c['pct']:.1f}% (target {c['target_pct']}%"
                  + (", below target" if not c["on_target"] else "") + ")"
                  + (f"; missing: {', '.join(c['missing'])}" if c["missing"] else ""))
    fields = Table(show_header=False, box=None)
    for key in PROFILE_KEYS:
        if p.get(key):
            fields.add_row(key, str(p[key]))
    out.print(fields)
    _print_household(st, view["household"])
    for title, rows, keys in (
        ("Holdings", view["holdings"], ("product_code", "name", "asset_class", "risk_level",
                                        "balance", "maturity_date", "in_aum")),
        ("AUM trend", [t for t in view["aum_trend"] if t["aum"] is not None], ("date", "aum")),
        ("Open tasks", view["open_tasks"], ("reason", "due", "channel", "overdue", "detail")),
        ("Tier history", view["tier_history"], ("effective", "from_tier", "to_tier", "reason",
                                                 "household_id")),
        ("Recent contacts", view["recent_contacts"],
         ("date", "rm_id", "channel", "outcome", "stage", "product_code", "amount", "note")),
        ("Referrals", view["referrals"], ("name", "rm_id", "created_on")),
    ):
        if not rows:
            out.print(f"{title}: none")
            continue
        table = Table(title=title, title_justify="left")
        for key in keys:
            table.add_column(key.replace("_", " "))
        for row in rows:
            table.add_row(*(_cell(row.get(k)) for k in keys))
        out.print(table)


def _print_household(st, household: dict | None) -> None:
    from rich.table import Table

    from vipcrm.core.text import Code, Text
    from vipcrm.formats.i18n import header, tier_name

    if household is None:
        return
    st.out.print(st.say(Text("Household {household} ({role}): AUM today {aum} CNY, {count} "
                             "member(s)", household=household["household_id"],
                             role=Code("role", household["role"] or "-"),
                             aum=household["aum"], count=len(household["members"]))),
                 markup=False)
    keys = ("client_id", "name", "role", "tier", "phone", "aum", "counted")
    table = Table(box=None)
    for key in keys:
        table.add_column(header(key, st.lang))
    for m in household["members"]:
        table.add_row(m["client_id"], m["name"], st.say(Code("role", m["role"])),
                      tier_name(m["tier"], st.lang), m["phone"] or "", str(m["aum"]),
                      _cell(m["counted"]))
    st.out.print(table)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@client_app.command("update")
def update(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id."),
    sets: List[str] = typer.Option(..., "--set", help="field=value, repeatable; an empty value "
                                                      "clears the field."),
) -> None:
    """Update profile fields learnt at a contact (recorded in the audit log).

    Values are read like the clients import file's cells (dates YYYY-MM-DD, risk levels C1-C5,
    consent all/service_only/none; the stated preferences pref_protection protected/floating,
    pref_term_months 1-600, pref_yield_band <3%/3-5%/>5%). A new risk_level without
    risk_assessed_on is dated today.
    A newer assessment or a later id_expiry completes the client's risk_expiry or id_expiry
    task of the old date (a contact does not).

    Example: vipcrm client update C0001 --set hobbies=golf --set occupation="Factory owner"
    """
    from vipcrm.core.tasks import DATA_REASONS
    from vipcrm.store.clients import UPDATABLE, update_profile
    from vipcrm.store.planning import client_open_tasks

    st = state(ctx)
    values = {}
    for item in sets:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in UPDATABLE:
            raise Refused(f"--set {item!r}: write field=value with a field among "
                          f"{', '.join(UPDATABLE)}")
        values[name] = value

    def compliance_tasks() -> dict:
        return {(t.reason, t.reference): t for t in client_open_tasks(
            st.db(), st.config(), client, st.today) if t.reason in DATA_REASONS}

    open_before = compliance_tasks()
    stored, before, after = update_profile(st.db(), st.config(), client, values, st.today,
                                           st.user())
    st.info(f"{client}: updated {', '.join(stored)}; profile completeness "
            f"{before:.1f}% -> {after:.1f}% (target {st.config()['profile.target_pct']}%)")
    closed = sorted(open_before.keys() - compliance_tasks().keys())
    if closed:
        st.info("closed on the new data: " + ", ".join(f"{r} [{ref}]" for r, ref in closed))


def register(app: typer.Typer) -> None:
    app.add_typer(client_app, name="client")
