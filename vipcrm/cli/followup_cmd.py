"""`vipcrm followup`: log contacts through the five-step process, list them, record other time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional

import typer

from vipcrm.cli.common import (EXIT_USAGE, LATEST, BadArgument, EncodingOption, Refused,
                               check_encoding, check_format, parse_date_option,
                               parse_record_date, state, typed_id)
from vipcrm.core.dates import read_date
from vipcrm.core.text import Code, Listing, Text, said
from vipcrm.formats.output import Field, yuan_grouped

followup_app = typer.Typer(help="""Log contacts, list them and their prospects, and record RM
    time outside client work.

    \b
    Example:
      vipcrm followup list --rm RM1001 --stage sale
    """, no_args_is_help=True)


def _amount(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    from vipcrm.formats.values import BadValue, parse_money

    try:
        return parse_money(text.strip())
    except BadValue as exc:
        raise BadArgument(Text("{problem}", problem=said(exc)), "--amount") from None


def _check_rm(conn, rm_id: str, what: "Text | str", fix: Text | None = None) -> None:
    from vipcrm.store.followup import rm_active

    active = rm_active(conn, rm_id)
    if active is None:
        raise Refused(Text("unknown RM {rm!r} ({what}); check the RM id (vipcrm assign list)",
                           rm=rm_id, what=what))
    if not active:
        raise Refused(Text("RM {rm} ({what}) is no longer active; {fix}", rm=rm_id, what=what,
                           fix=fix or Text("record it under an active RM")))


def _lower(text: Optional[str]) -> Optional[str]:
    return text.strip().lower() if text is not None else None


def _given(text: Optional[str]) -> Optional[str]:
    """An id as given, or None for a missing or blank one."""
    return (text.strip() or None) if text is not None else None


@followup_app.command("log")
def log(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id.", callback=typed_id),
    channel: str = typer.Option(..., "--channel", help="phone, sms, visit, event, wechat or email."),
    rm: Optional[str] = typer.Option(None, "--rm", help="The RM (default: the client's RM).",
                                     callback=typed_id),
    date: Optional[str] = typer.Option(None, "--date",
                                       help="Day of the contact, YYYY-MM-DD from 1990-01-01 to "
                                            "today (default today; at most "
                                            "followup.max_backdate_days, 7, days back)."),
    minutes: Optional[int] = typer.Option(None, "--minutes", help="Time spent, 0 to 1440."),
    stage: Optional[str] = typer.Option(None, "--stage",
                                        help="plan, assess, sale, after_sale or celebrate."),
    outcome: str = typer.Option("reached", "--outcome",
                                help="reached, no_answer, declined or callback."),
    note: Optional[str] = typer.Option(None, "--note"),
    product: Optional[str] = typer.Option(None, "--product", help="Product code (sales)."),
    amount: Optional[str] = typer.Option(None, "--amount", help="Amount in CNY (sales)."),
    satisfaction: Optional[int] = typer.Option(None, "--satisfaction", help="1 to 5."),
    next_date: Optional[str] = typer.Option(None, "--next",
                                            help="Next follow-up date (a followup_due task), "
                                                 "YYYY-MM-DD after the contact's date."),
    referral: Optional[str] = typer.Option(None, "--referral",
                                           help="Name of a person the client referred (a prospect)."),
    joint_rm: Optional[str] = typer.Option(None, "--joint-rm", help="A second RM on the contact.",
                                           callback=typed_id),
    level: Optional[str] = typer.Option(None, "--level",
                                        help="Corporate visit level: leadership, technical, business."),
    override_reason: Optional[str] = typer.Option(None, "--override-reason",
                                                  help="Why an unsuitable sale goes ahead "
                                                       "(recorded; not for wealth products or "
                                                       "C1 clients)."),
    risk_warning_id: Optional[str] = typer.Option(None, "--risk-warning-id",
                                                  help="The risk warning the client confirmed "
                                                       "for an override (recorded)."),
    recording_id: Optional[str] = typer.Option(None, "--recording-id",
                                               help="The sale's dual recording (双录); needed "
                                                    "for R4-R5 sales to clients aged "
                                                    "suitability.elderly_age (65) or over, or of "
                                                    "unknown age."),
    confirm_elderly: bool = typer.Option(False, "--confirm-elderly", hidden=True),
    for_sale: Optional[str] = typer.Option(None, "--for-sale",
                                           help="celebrate: the sale's followup id (default: the "
                                                "client's latest sale)."),
    recognise: Optional[str] = typer.Option(None, "--recognise",
                                            help="celebrate: who is recognised (default: the "
                                                 "selling RM)."),
) -> None:
    """Log one contact; it completes the client's open tasks (unless nobody answered), but not
    the risk-assessment and ID-expiry tasks, which close when the new data arrives.

    A sale is checked for compliance: an unsuitable wealth product, or anything above C1 for a
    C1 client, is refused outright; another unsuitable sale needs --override-reason and
    --risk-warning-id; an R4-R5 sale to a client aged 65 or over (or of unknown age) needs
    --recording-id and a channel other than phone or SMS; the amount must reach the product's
    minimum. A sale records the end of its cooling-off period (suitability.cooling_off_hours
    after the end of its day) and brings after-sale calls at +7 and +30 days; a celebrate entry
    names the sale and who is recognised; a referral creates a prospect. --date may go back at most
    followup.max_backdate_days (7) calendar days; older contact history is imported
    (`vipcrm import followups`).

    \b
    Example:
      vipcrm followup log E00001 --rm RM1001 --channel visit --level business --note "cash plan"
    """
    from vipcrm.core.followup import (Contact, after_sale_dates, check_contact, check_sale,
                                      cooling_off_until)
    from vipcrm.core.suitability import needs_elderly_confirmation
    from vipcrm.core.tasks import DATA_REASONS
    from vipcrm.store.audit import record
    from vipcrm.store.db import transaction
    from vipcrm.store.followup import find_sale, save_contact, subject
    from vipcrm.store.planning import load_calendar

    st = state(ctx)
    if confirm_elderly:
        raise Refused(Text("--confirm-elderly is retired: an R4-R5 sale to an elderly client "
                           "(suitability.elderly_age) or one of unknown age needs its "
                           "dual-recording (双录) id, --recording-id ID, and a channel other than "
                           "phone or SMS"), EXIT_USAGE)
    day = parse_record_date(date, "--date", st.today)
    next_day = parse_date_option(next_date, "--next", earliest=day + dt.timedelta(days=1),
                                 accepted=Text("after the contact's date {day}, up to {latest}",
                                               day=day, latest=LATEST))
    amount_fen = _amount(amount)
    db = st.db()
    conn = db.conn
    config = st.config()
    who = subject(conn, client)
    if who is None:
        raise Refused(Text("unknown client {client!r}; check the id (vipcrm client show ID)",
                           client=client))
    closed_on = read_date(who.closed_on)
    if closed_on is not None and closed_on <= day:
        raise Refused(Text("client {client} closed its relationship on {date}; contacts after "
                           "that are not logged", client=client, date=who.closed_on))
    rm_id = rm or who.rm_id
    if rm_id is None:
        raise Refused(Text("client {client} has no RM; say who made the contact with --rm",
                           client=client))
    if rm:
        _check_rm(conn, rm_id, "--rm")
    else:
        _check_rm(conn, rm_id, Text("the RM of {client}", client=client),
                  Text("say who made the contact with --rm"))
    if joint_rm:
        _check_rm(conn, joint_rm, "--joint-rm")
    product_risk = asset_class = min_amount = None
    if product:
        found = conn.execute("SELECT risk_level, asset_class, min_amount FROM products "
                             "WHERE product_code = ?", [product]).fetchone()
        if found is None:
            raise Refused(Text("unknown product {product!r}; import it first (vipcrm import "
                               "products)", product=product))
        product_risk, asset_class, min_amount = found
    contact = Contact(
        client_id=client, rm_id=rm_id, date=day, channel=_lower(channel), outcome=_lower(outcome),
        stage=_lower(stage), minutes=minutes, note=note, product_code=product, amount=amount_fen,
        satisfaction=satisfaction, next_date=next_day, referral=referral, joint_rm_id=joint_rm,
        visit_level=_lower(level), override_reason=override_reason,
        risk_warning_id=_given(risk_warning_id), recording_id=_given(recording_id),
    )
    problems = check_contact(contact, st.today, corporate=who.segment == "corporate",
                             max_backdate_days=config["followup.max_backdate_days"])
    cooling_off = None
    if not problems and contact.stage == "sale":
        problems = check_sale(contact, who.risk, product_risk, config, asset_class=asset_class,
                              min_amount=min_amount)
        cooling_off = cooling_off_until(day, config)
        contact = dataclasses.replace(contact, elderly_confirmed=needs_elderly_confirmation(
            who.risk.birth_date, product_risk, day, config))
    if problems:
        raise Refused(problems[0])
    sale = None
    if contact.stage == "celebrate":
        sale = find_sale(conn, client, day, for_sale)
        if sale is None and for_sale:
            raise Refused(Text("no sale {sale} of client {client} on or before {date} to "
                               "celebrate; log the sale first or name it with --for-sale",
                               sale=for_sale, client=client, date=day))
        if sale is None:
            raise Refused(Text("no sale of client {client} on or before {date} to celebrate; log "
                               "the sale first or name it with --for-sale", client=client,
                               date=day))
    elif for_sale or recognise:
        raise Refused(Text("--for-sale and --recognise are for a celebrate entry (--stage "
                           "celebrate)"))
    recognised = (recognise or sale.rm_id) if sale else None

    before = _open_tasks(st, client, day)
    with transaction(db):
        followup_id = save_contact(conn, contact, sale_id=sale.followup_id if sale else None,
                                   recognised=recognised, cooling_off_until=cooling_off,
                                   client_risk=who.risk.risk_level if cooling_off else None)
        record(db, st.user(), "followup log", {
            "followup_id": followup_id, "client_id": client, "rm_id": rm_id,
            "stage": contact.stage, "outcome": contact.outcome,
            "override_reason": override_reason, "risk_warning_id": contact.risk_warning_id,
            "recording_id": contact.recording_id,
            "elderly_confirmed": contact.elderly_confirmed})
    after = _open_tasks(st, client, day)

    channel, outcome = Code("channel", contact.channel), Code("outcome", contact.outcome)
    if contact.stage:
        st.info(Text("logged {followup}: {client} {channel} {outcome} ({stage}) by {rm}",
                     followup=followup_id, client=client, channel=channel, outcome=outcome,
                     stage=Code("stage", contact.stage), rm=rm_id))
    else:
        st.info(Text("logged {followup}: {client} {channel} {outcome} by {rm}",
                     followup=followup_id, client=client, channel=channel, outcome=outcome,
                     rm=rm_id))
    done = [before[key] for key in sorted(before.keys() - after.keys())]
    if done:
        st.info(Text("completed: {tasks}", tasks=_tasks(done)))
    elif contact.outcome == "no_answer" and before:
        st.info(Text("no answer: open tasks stay open: {reasons}", reasons=Listing(
            Code("reason", reason) for reason in sorted({t.reason for t in before.values()}))))
    waiting = [after[key] for key in sorted(after) if after[key].reason in DATA_REASONS]
    if waiting and contact.outcome != "no_answer":
        st.info(Text("open until the new data arrives (import, or client update --set "
                     "risk_level=…/id_expiry=…): {tasks}", tasks=_tasks(waiting)))
    if override_reason:
        st.warn(Text("unsuitable sale of {product} recorded with override: {reason} (risk "
                     "warning {warning})", product=product, reason=override_reason,
                     warning=contact.risk_warning_id))
    if contact.stage == "sale":
        st.info(Text("cooling-off until {until:%Y-%m-%d %H:%M}: the client may cancel until "
                     "then", until=cooling_off))
        first, second = after_sale_dates(day, load_calendar(conn))
        st.info(Text("after-sale care due {first} and {second}", first=first, second=second))
    if sale:
        st.info(Text("recognised {rm} for sale {sale} of {date} ({product}, {amount} CNY)",
                     rm=recognised, sale=sale.followup_id, date=sale.date,
                     product=sale.product_code, amount=yuan_grouped(sale.amount)))
    if referral:
        st.info(Text("prospect {name!r} recorded, referred by {client} to {rm}", name=referral,
                     client=client, rm=rm_id))


def _tasks(tasks) -> Listing:
    """`cadence [2026-10-30], maturity [WM-90A 2026-12-04]`: the reasons as words."""
    return Listing(Text("{reason} [{reference}]", reason=Code("reason", t.reason),
                        reference=t.reference) for t in tasks)


def _open_tasks(st, client_id: str, day: dt.date) -> dict:
    """The client's open tasks on `day` by (reason, reference), from the same rules as `plan`."""
    from vipcrm.store.planning import client_open_tasks

    return {(t.reason, t.reference): t
            for t in client_open_tasks(st.db(), st.config(), client_id, day)}


LIST_FIELDS = [Field("followup_id"), Field("date"), Field("client_id"), Field("rm_id"),
               Field("channel", family="channel"), Field("minutes", "int"),
               Field("outcome", family="outcome"), Field("stage", family="stage"),
               Field("product_code"), Field("amount", "money"), Field("satisfaction", "int"),
               Field("next_date"), Field("joint_rm_id"), Field("visit_level"), Field("referral"),
               Field("client_risk"), Field("override_reason", "prose"), Field("risk_warning_id"),
               Field("elderly_confirmed", "bool"), Field("recording_id"),
               Field("cooling_off_until"), Field("sale_id"), Field("recognised"), Field("source"),
               Field("note", "prose")]
# The table keeps what an RM reads at a glance; CSV and JSON carry every field.
TABLE_KEYS = ("followup_id", "date", "client_id", "rm_id", "channel", "minutes", "outcome",
              "stage", "product_code", "amount", "satisfaction", "next_date", "note")


@followup_app.command("list")
def list_(
    ctx: typer.Context,
    client: Optional[str] = typer.Option(None, "--client"),
    rm: Optional[str] = typer.Option(None, "--rm", help="Contacts the RM led or joined.",
                                     callback=typed_id),
    stage: Optional[str] = typer.Option(None, "--stage",
                                        help="plan, assess, sale, after_sale or celebrate."),
    date_from: Optional[str] = typer.Option(None, "--from"),
    date_to: Optional[str] = typer.Option(None, "--to"),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """List logged and imported contacts, filtered by client, RM, stage and period.

    JSON/CSV keys: followup_id, date, client_id, rm_id, channel, minutes, outcome, stage,
    product_code, amount, satisfaction, next_date, joint_rm_id, visit_level, referral,
    client_risk (its risk level when it bought, sales logged here), override_reason,
    risk_warning_id, elderly_confirmed (an elderly client's R4-R5 sale made
    with its dual recording), recording_id, cooling_off_until (YYYY-MM-DDTHH:MM, sales logged
    here), sale_id, recognised, source (cli or import), note.

    \b
    Example:
      vipcrm followup list --rm RM1001 --stage sale --format csv
    """
    from vipcrm.core.followup import STAGES
    from vipcrm.store.followup import list_followups, rm_active

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    start = parse_date_option(date_from, "--from")
    end = parse_date_option(date_to, "--to")
    stage = _lower(stage)
    if stage is not None and stage not in STAGES:
        raise Refused(Text("{what} {value!r}: use one of {choices}", what=Code("field", "stage"),
                           value=stage, choices=", ".join(STAGES)))
    if start and end and start > end:
        raise Refused(Text("--from {start} is after --to {end}; swap them", start=start,
                           end=end))
    db = st.db()
    if client and not db.conn.execute("SELECT 1 FROM clients WHERE client_id = ?",
                                      [client]).fetchone():
        raise Refused(Text("unknown client {client!r}; check the id", client=client))
    if rm and rm_active(db.conn, rm) is None:
        raise Refused(Text("unknown RM {rm!r}; check the RM id", rm=rm))
    records = list_followups(db, client=client, rm=rm, stage=stage, date_from=start,
                             date_to=end)
    fields = LIST_FIELDS if fmt != "table" else [f for f in LIST_FIELDS if f.key in TABLE_KEYS]
    st.emit(records, fields, fmt, title=Text("{count} contact(s)", count=len(records)),
            encoding=encoding)


@followup_app.command("prospects")
def prospects(
    ctx: typer.Context,
    client: Optional[str] = typer.Option(None, "--client", help="Referred by this client."),
    rm: Optional[str] = typer.Option(None, "--rm", help="Brought to this RM.", callback=typed_id),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """List prospects brought by referrals, with the referring client and RM.

    JSON/CSV keys: id, name, referred_by, referrer_name, rm_id, followup_id, created_on.

    \b
    Example:
      vipcrm followup prospects --rm RM1001
    """
    from vipcrm.store.followup import list_prospects

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    records = list_prospects(st.db(), client=client, rm=rm)
    fields = [Field("id", "int"), Field("name"), Field("referred_by"), Field("referrer_name"),
              Field("rm_id"), Field("followup_id"), Field("created_on")]
    st.emit(records, fields, fmt, title=Text("{count} prospect(s)", count=len(records)),
            encoding=encoding)


@followup_app.command("time")
def time_(
    ctx: typer.Context,
    rm: str = typer.Argument(..., help="The RM.", callback=typed_id),
    minutes: int = typer.Option(..., "--minutes", help="Minutes to add, 1 to 1440."),
    category: str = typer.Option(..., "--category", help="vip, non_vip, admin or training."),
    date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD from 1990-01-01 to "
                                                             "today (default today)."),
) -> None:
    """Record RM time outside logged contacts: the other half of the VIP-time KPI.

    Minutes add to what the day's timesheet holds for the category (an imported timesheet row
    sets it); a day holds at most 1440 minutes in all.

    \b
    Example:
      vipcrm followup time RM1001 --minutes 90 --category admin
    """
    from vipcrm.core.followup import check_time
    from vipcrm.store.audit import record
    from vipcrm.store.db import transaction
    from vipcrm.store.followup import add_time, day_minutes

    st = state(ctx)
    day = parse_record_date(date, "--date", st.today)
    category = _lower(category)
    db = st.db()
    _check_rm(db.conn, rm, "followup time")
    with transaction(db):
        problems = check_time(day, st.today, category, minutes, day_minutes(db.conn, rm, day))
        if problems:
            raise Refused(problems[0])
        total = add_time(db.conn, rm, day, category, minutes)
        record(db, st.user(), "followup time", {"rm_id": rm, "date": day.isoformat(),
                                                 "category": category, "minutes": minutes})
    st.info(Text("{rm} {date} {category}: +{minutes} min (now {total} min)", rm=rm, date=day,
                 category=Code("time_category", category), minutes=minutes, total=total))


def register(app: typer.Typer) -> None:
    app.add_typer(followup_app, name="followup")
