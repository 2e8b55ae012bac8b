"""`vipcrm client`: the client 360 view and profile updates captured at a contact."""

from __future__ import annotations

from typing import List

import typer

from vipcrm.cli.common import Refused, check_format, state, typed_id
from vipcrm.core.text import Code, Listing, Text

client_app = typer.Typer(help="""One client's whole picture, and profile updates.

    \b
    Example:
      vipcrm client show C000001
    """, no_args_is_help=True)

PROFILE_KEYS = ("gender", "birth_date", "phone", "email", "id_number", "id_expiry", "risk_level",
                "risk_assessed_on", "occupation", "marital_status", "wedding_date", "family",
                "hobbies", "product_preferences", "wealth_source", "preferred_channel",
                "address", "contact_consent", "opened_on", "closed_on", "pref_protection",
                "pref_term_months", "pref_yield_band")


@client_app.command("show")
def show(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id.", callback=typed_id),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    unmask: bool = typer.Option(False, "--unmask", help="Show full phone and ID (audited)."),
) -> None:
    """Profile and completeness, tier and history, RM and ownership, holdings and AUM trend,
    open tasks, recent contacts and referrals; for a corporate client its rating, strategy and
    business file. Phones and IDs are masked unless --unmask (key people's phones too).

    JSON keys: profile, completeness (pct, target_pct, on_target, missing; null for corporate
    clients), tier, corporate_rating (review_year, score, rank, big, strategy,
    derived_strategy, commission, meets, overridden, override_reason), business_file (null
    for retail clients: key_people with name, role, decision_maker, phone, birth_date, note;
    products_used with product and source, held or stated; current_plan_year; plans with
    year, wallet_total, our_amount, share_pct, products, plan, owner, owner_name), aum_today,
    assignment, ownership_branch, holdings (with in_aum), aum_trend (aum null before the
    client's first position), tier_history, household (household_id, role, aum: its counted
    members' AUM today, members: client_id, name, role, tier, phone masked, aum, counted; null
    when in no household), open_tasks, recent_contacts, referrals; money as numbers in CNY.

    \b
    Example:
      vipcrm client show C000001
    """
    from vipcrm.store.audit import record
    from vipcrm.store.clients import client_view
    from vipcrm.store.db import transaction

    st = state(ctx)
    fmt = check_format(fmt, ("table", "json"))
    db = st.db()
    view = client_view(db, st.config(), client, st.today, unmask=unmask)
    if view is None:
        raise Refused(Text("unknown client {client!r}; check the id", client=client))
    for task in view["open_tasks"]:  # prose, in the user's language like the table's
        task["detail"] = st.say(task["detail"]) if task["detail"] else ""
    if unmask:
        with transaction(db):
            record(db, st.user(), "client show --unmask", {"client_id": client})
    if fmt == "json":
        from vipcrm.formats.output import dumps

        st.out.file.write(dumps(view) + "\n")
        return
    _print_view(st, view)


def _print_view(st, view: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    from vipcrm.formats.i18n import header
    from vipcrm.formats.output import Field, print_table, table_cell

    out = st.out
    p = view["profile"]
    where = Text("  ({segment}, home branch {branch})", segment=Code("segment", p["segment"]),
                 branch=p["home_branch"])
    if p.get("closed_on"):
        where += Text("  closed {date}", date=p["closed_on"])
    out.print(f"[bold]{escape(p['client_id'])}  {escape(p['name'])}[/bold]"
              + escape(st.say(where)))
    tier, rating = view["tier"], view["corporate_rating"]
    strategy = None
    if p["segment"] == "corporate":
        if rating:
            standing = Text("{big} {year} (score {score:.1f}, rank {rank})",
                            big=Text("big client") if rating["big"] else Text("not a big client"),
                            year=rating["review_year"], score=rating["score"], rank=rating["rank"])
            if rating["strategy"]:
                strategy = Text("Strategy: {strategy}", strategy=_strategy_text(rating))
        else:
            standing = Text("not rated")
        grade = Text("Corporate rating: {standing}", standing=standing)
    elif tier:
        grade = Text("Tier: {tier} ({status}, since {since}, basis AUM {aum})",
                     tier=Code("tier", tier["tier"]), status=Code("status", tier["status"]),
                     since=tier["since"], aum=tier["basis_aum"])
    else:
        grade = Text("Tier: {tier}", tier=Code("tier", None))
    out.print(st.say(Text("{standing}   AUM today: {aum} CNY", standing=grade,
                          aum=view["aum_today"])), markup=False)
    if strategy is not None:
        out.print(st.say(strategy), markup=False)
    a = view["assignment"]
    if a and a["rm_id"]:
        flags = [Code("assign_reason", a["reason"])] + [flag for flag, on in (
            (Text("pinned"), a["pinned"]), (Text("grade gap"), a["grade_gap"]),
            (Text("RM inactive"), a["rm_active"] is False)) if on]
        rm = Text("{rm} {name} ({grade}), since {since} ({flags})", rm=a["rm_id"],
                  name=a["rm_name"], grade=Code("grade", a["rm_grade"]), since=a["since"],
                  flags=Listing(flags))
    elif a:
        rm = Text("none ({reason})", reason=Code("assign_reason", a["reason"]))
    else:
        rm = Text("none")
    out.print(st.say(Text("RM: {rm}   Ownership branch: {branch}", rm=rm,
                          branch=view["ownership_branch"])), markup=False)
    c = view["completeness"]
    if c:
        done = Text("Profile completeness: {pct:.1f}% (target {target}%)", pct=c["pct"],
                    target=c["target_pct"])
        if not c["on_target"]:
            done = Text("Profile completeness: {pct:.1f}% (target {target}%, below target)",
                        pct=c["pct"], target=c["target_pct"])
        if c["missing"]:
            done += Text("; missing: {fields}",
                         fields=Listing(Code("field_code", f) for f in c["missing"]))
        out.print(st.say(done), markup=False)
    fields = Table(show_header=False, box=None)
    for key in PROFILE_KEYS:
        if p.get(key):
            # A stated protection preference is a code: a word in the user's language.
            value = Code("protection", p[key]) if key == "pref_protection" else p[key]
            fields.add_row(st.say(Code("field_code", key)), st.say(value))
    out.print(fields)
    business = view["business_file"]
    sections = [] if business is None else [
        (Text("Key people"), business["key_people"],
         (Field("name"), Field("role"), Field("decision_maker", "bool"), Field("phone"),
          Field("birth_date"), Field("note"))),
        (Text("Products used"), business["products_used"],
         (Field("product"), Field("source", family="product_source"))),
        (Text("Share of wallet and plan"), business["plans"],
         (Field("year"), Field("wallet_total", "num"), Field("our_amount", "num"),
          Field("share_pct", "pct"),
          Field("owner"), Field("products"), Field("plan"))),
    ]
    _print_household(st, view["household"])
    for title, rows, columns in (
        *sections,
        (Text("Holdings"), view["holdings"],
         (Field("product_code"), Field("name"), Field("asset_class", family="asset_class"),
          Field("risk_level"), Field("balance", "num"), Field("maturity_date"),
          Field("in_aum", "bool"))),
        (Text("AUM trend"), [t for t in view["aum_trend"] if t["aum"] is not None],
         (Field("date"), Field("aum", "num"))),
        (Text("Open tasks"), view["open_tasks"],
         (Field("reason", family="reason"), Field("due"), Field("channel", family="channel"),
          Field("overdue", "bool"), Field("detail", "prose"))),
        (Text("Tier history"), view["tier_history"],
         (Field("effective"), Field("from_tier", family="tier_code"),
          Field("to_tier", family="tier_code"),
          Field("reason", family="tier_reason"), Field("household_id"))),
        (Text("Recent contacts"), view["recent_contacts"],
         (Field("date"), Field("rm_id"), Field("channel", family="channel"),
          Field("outcome", family="outcome"), Field("stage", family="stage"),
          Field("product_code"), Field("amount", "num"), Field("note", "prose"))),
        (Text("Referrals"), view["referrals"],
         (Field("name"), Field("rm_id"), Field("created_on"))),
    ):
        if not rows:
            out.print(st.say(Text("{title}: none", title=title)), markup=False)
            continue
        st.left_out(print_table(out, columns, [header(f.key, st.lang) for f in columns],
                                [[table_cell(row.get(f.key), f, st.lang) for f in columns]
                                 for row in rows], title=st.say(title)))


def _print_household(st, household: dict | None) -> None:
    from vipcrm.formats.i18n import header
    from vipcrm.formats.output import Field, print_table, table_cell

    if household is None:
        return
    st.out.print(st.say(Text("Household {household} ({role}): AUM today {aum} CNY, {count} "
                             "member(s)", household=household["household_id"],
                             role=Code("role", household["role"] or "-"),
                             aum=household["aum"], count=len(household["members"]))),
                 markup=False)
    columns = (Field("client_id"), Field("name"), Field("role", family="role"),
               Field("tier", "tier"), Field("phone"), Field("aum", "num"),
               Field("counted", "bool"))
    # "role" heads a key person's job in a business file: here it is the household role.
    labels = [header("household_role" if f.key == "role" else f.key, st.lang) for f in columns]
    st.left_out(print_table(st.out, columns, labels,
                            [[table_cell(m.get(f.key), f, st.lang) for f in columns]
                             for m in household["members"]]))


def _strategy_text(rating: dict) -> Text:
    """invest, commission A (overridden: REASON; derived standard); also meets …"""
    text = Text("{strategy}, commission {commission}",
                strategy=Code("strategy", rating["strategy"]), commission=rating["commission"])
    if rating["overridden"]:
        text += Text(" (overridden: {reason}; derived {derived})",
                     reason=rating["override_reason"],
                     derived=Code("strategy", rating["derived_strategy"]))
    others = [rule for rule in rating["meets"] if rule != rating["strategy"]]
    if others:
        text += Text("; also meets {rules}", rules=Listing(Code("strategy", r) for r in others))
    return text


@client_app.command("update")
def update(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id.", callback=typed_id),
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

    \b
    Example:
      vipcrm client update C000001 --set hobbies=golf --set occupation="Factory owner"
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
            raise Refused(Text("--set {item!r}: write field=value with a field among {fields}",
                               item=item, fields=", ".join(UPDATABLE)))
        values[name] = value

    def compliance_tasks() -> dict:
        return {(t.reason, t.reference): t for t in client_open_tasks(
            st.db(), st.config(), client, st.today) if t.reason in DATA_REASONS}

    open_before = compliance_tasks()
    stored, before, after = update_profile(st.db(), st.config(), client, values, st.today,
                                           st.user())
    if not stored:
        st.info(Text("{client}: nothing to update, the profile already holds these values",
                     client=client))
        return
    st.info(Text("{client}: updated {fields}; profile completeness {before:.1f}% -> "
                 "{after:.1f}% (target {target}%)", client=client,
                 fields=Listing(Code("field_code", name) for name in stored),
                 before=before, after=after, target=st.config()['profile.target_pct']))
    closed = sorted(open_before.keys() - compliance_tasks().keys())
    if closed:
        st.info(Text("closed on the new data: {tasks}", tasks=Listing(
            Text("{reason} [{reference}]", reason=Code("reason", r), reference=ref)
            for r, ref in closed)))


def register(app: typer.Typer) -> None:
    app.add_typer(client_app, name="client")
