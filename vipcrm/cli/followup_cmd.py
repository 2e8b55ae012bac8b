"""`vipcrm followup`: log contacts through the five-step process, list them, record other time."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import typer

from vipcrm.cli.common import Refused, check_format, parse_date_option, state
from vipcrm.formats.output import Field

followup_app = typer.Typer(help="Log contacts, list them, and record RM time outside client work.",
                           no_args_is_help=True)


def _amount(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    from vipcrm.formats.values import BadValue, parse_money

    try:
        return parse_money(text.strip())
    except BadValue as exc:
        raise typer.BadParameter(str(exc), param_hint="--amount") from None


def _rm(conn, rm_id: str, what: str) -> tuple:
    row = conn.execute("SELECT rm_id, active FROM rms WHERE rm_id = ?", [rm_id]).fetchone()
    if row is None:
        raise Refused(f"unknown RM {rm_id!r} for {what}; check `vipcrm assign load` for RM ids")
    return row


@followup_app.command("log")
def log(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id."),
    channel: str = typer.Option(..., "--channel", help="phone, sms, visit, event, wechat or email."),
    rm: Optional[str] = typer.Option(None, "--rm", help="The RM (default: the client's RM)."),
    date: Optional[str] = typer.Option(None, "--date", help="Day of the contact (default today)."),
    minutes: Optional[int] = typer.Option(None, "--minutes", help="Time spent."),
    stage: Optional[str] = typer.Option(None, "--stage",
                                        help="plan, assess, sale, after_sale or celebrate."),
    outcome: str = typer.Option("reached", "--outcome",
                                help="reached, no_answer, declined or callback."),
    note: Optional[str] = typer.Option(None, "--note"),
    product: Optional[str] = typer.Option(None, "--product", help="Product code (sales)."),
    amount: Optional[str] = typer.Option(None, "--amount", help="Amount in CNY (sales)."),
    satisfaction: Optional[int] = typer.Option(None, "--satisfaction", help="1 to 5."),
    next_date: Optional[str] = typer.Option(None, "--next", help="Next follow-up date."),
    referral: Optional[str] = typer.Option(None, "--referral",
                                           help="Name of a person the client referred."),
    joint_rm: Optional[str] = typer.Option(None, "--joint-rm", help="A second RM on the contact."),
    level: Optional[str] = typer.Option(None, "--level",
                                        help="Corporate visit level: leadership, technical, business."),
    override_reason: Optional[str] = typer.Option(None, "--override-reason",
                                                  help="Why an unsuitable sale goes ahead."),
    confirm_elderly: bool = typer.Option(False, "--confirm-elderly",
                                         help="The elderly client confirmed an R4-R5 purchase."),
    for_sale: Optional[str] = typer.Option(None, "--for-sale",
                                           help="celebrate: the sale's followup id (default: the latest)."),
    recognise: Optional[str] = typer.Option(None, "--recognise",
                                            help="celebrate: who is recognised (RM, team, partners)."),
) -> None:
    """Log one contact; it completes the client's open tasks (unless nobody answered).

    A sale is checked for suitability (refused without --override-reason) and brings after-sale
    calls at +7 and +30 days; a referral creates a prospect.

    Example: vipcrm followup log C0001 --channel phone --stage assess --minutes 15 --note "wants a 1-year plan"
    """
    from vipcrm.core.followup import Contact, check_contact
    from vipcrm.core.suitability import needs_elderly_confirmation, suitable
    from vipcrm.store.audit import record
    from vipcrm.store.db import transaction
    from vipcrm.store.followup import latest_sale, save_contact

    st = state(ctx)
    day = parse_date_option(date, "--date") or st.today
    db = st.db()
    conn = db.conn
    config = st.config()
    row = conn.execute(
        "SELECT c.segment, c.birth_date, c.risk_level, c.risk_assessed_on, c.closed_on, a.rm_id "
        "FROM clients c LEFT JOIN assignments a USING (client_id) WHERE c.client_id = ?", [client]
    ).fetchone()
    if row is None:
        raise Refused(f"unknown client {client!r}; check the id (vipcrm client show ID)")
    segment, birth, risk, assessed, closed_on, assigned_rm = row
    rm_id = rm or assigned_rm
    if rm_id is None:
        raise Refused(f"client {client} has no RM; say who made the contact with --rm")
    _rm(conn, rm_id, "--rm")
    if joint_rm:
        _rm(conn, joint_rm, "--joint-rm")
    product_risk = None
    if product:
        found = conn.execute("SELECT risk_level FROM products WHERE product_code = ?",
                             [product]).fetchone()
        if found is None:
            raise Refused(f"unknown product {product!r}; import it first (vipcrm import products)")
        product_risk = found[0]
    contact = Contact(
        client_id=client, rm_id=rm_id, date=day, channel=channel.lower(), outcome=outcome.lower(),
        stage=stage.lower() if stage else None, minutes=minutes, note=note, product_code=product,
        amount=_amount(amount), satisfaction=satisfaction,
        next_date=parse_date_option(next_date, "--next"), referral=referral,
        joint_rm_id=joint_rm, visit_level=level.lower() if level else None,
        override_reason=override_reason, elderly_confirmed=confirm_elderly,
    )
    problems = check_contact(contact, st.today, corporate=segment == "corporate")
    if problems:
        raise Refused(problems[0])
    if closed_on and closed_on <= day.isoformat():
        raise Refused(f"client {client} closed its relationship on {closed_on}; nothing to log")
    sale_id = None
    if contact.stage == "sale":
        assessed_on = dt.date.fromisoformat(assessed) if assessed else None
        if not suitable(risk, assessed_on, product_risk, day, config) and not override_reason:
            why = ("no valid risk assessment" if risk is None or assessed_on is None
                   or not _valid(assessed_on, day, config)
                   else f"product risk {product_risk or 'unknown (R5)'} is above the client's {risk}")
            raise Refused(f"unsuitable sale of {product} to {client}: {why}; reassess the client "
                          "or give --override-reason")
        birth_date = dt.date.fromisoformat(birth) if birth else None
        if needs_elderly_confirmation(birth_date, product_risk, day, config) and not confirm_elderly:
            raise Refused(f"client {client} is {config['suitability.elderly_age']} or older (or of "
                          f"unknown age) and {product} is {product_risk or 'R5'}: confirm with "
                          "--confirm-elderly after the client's explicit agreement")
    if contact.stage == "celebrate":
        sale = (conn.execute("SELECT followup_id, date, product_code, amount, rm_id FROM followups "
                             "WHERE followup_id = ? AND client_id = ? AND stage = 'sale'",
                             [for_sale, client]).fetchone()
                if for_sale else latest_sale(conn, client, day))
        if sale is None:
            raise Refused(f"no sale of client {client} to celebrate; log the sale first "
                          "or name it with --for-sale")
        sale_id = sale[0]
    before = _open_reasons(st, client, day)
    with transaction(db):
        followup_id = save_contact(conn, contact, sale_id=sale_id, recognised=recognise)
        record(db, st.user(), "followup log", {
            "followup_id": followup_id, "client_id": client, "stage": contact.stage,
            "override_reason": override_reason, "elderly_confirmed": confirm_elderly})
    after = _open_reasons(st, client, day)
    st.info(f"logged {followup_id}: {client} {contact.channel} {contact.outcome}"
            + (f" ({contact.stage})" if contact.stage else ""))
    if override_reason:
        st.warn(f"unsuitable sale recorded with override: {override_reason}")
    done = sorted(before - after)
    if done:
        st.info("completed: " + ", ".join(done))
    elif contact.outcome == "no_answer" and before:
        st.info("no answer: open tasks stay open (" + ", ".join(sorted(before)) + ")")
    if contact.stage == "sale":
        from vipcrm.core.followup import after_sale_dates

        dates = ", ".join(d.isoformat() for d in after_sale_dates(day))
        st.info(f"after-sale care due on {dates} (moved off non-working days in the plan)")
    if referral:
        st.info(f"prospect {referral!r} recorded, referred by {client} to {rm_id}")


def _valid(assessed_on: dt.date, day: dt.date, config) -> bool:
    from vipcrm.core.suitability import assessment_valid

    return assessment_valid(assessed_on, day, config)


def _open_reasons(st, client_id: str, day: dt.date) -> set[str]:
    """The client's open task reasons on `day`, from the same rules as `plan`."""
    from vipcrm.store.planning import open_task_reasons

    return open_task_reasons(st.db(), st.config(), client_id, day)


@followup_app.command("list")
def list_(
    ctx: typer.Context,
    client: Optional[str] = typer.Option(None, "--client"),
    rm: Optional[str] = typer.Option(None, "--rm"),
    stage: Optional[str] = typer.Option(None, "--stage"),
    date_from: Optional[str] = typer.Option(None, "--from"),
    date_to: Optional[str] = typer.Option(None, "--to"),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """List logged and imported contacts, filtered by client, RM, stage and period.

    Example: vipcrm followup list --rm RM001 --from 2026-11-01 --format csv
    """
    from vipcrm.store.followup import list_followups

    st = state(ctx)
    fmt = check_format(fmt)
    records = list_followups(st.db(), client=client, rm=rm, stage=stage,
                             date_from=parse_date_option(date_from, "--from"),
                             date_to=parse_date_option(date_to, "--to"))
    fields = [Field("followup_id"), Field("date"), Field("client_id"), Field("rm_id"),
              Field("channel"), Field("minutes", "int"), Field("outcome"), Field("stage"),
              Field("product_code"), Field("amount", "money"), Field("satisfaction", "int"),
              Field("next_date"), Field("joint_rm_id"), Field("visit_level"), Field("referral"),
              Field("override_reason"), Field("note")]
    if fmt == "table":
        fields = [f for f in fields if f.key not in ("joint_rm_id", "visit_level", "referral")]
    st.emit(records, fields, fmt, title=f"{len(records)} contact(s)")


@followup_app.command("time")
def time_(
    ctx: typer.Context,
    rm: str = typer.Argument(..., help="The RM."),
    minutes: int = typer.Option(..., "--minutes", min=1, max=24 * 60),
    category: str = typer.Option(..., "--category", help="vip, non_vip, admin or training."),
    date: Optional[str] = typer.Option(None, "--date", help="Default today."),
) -> None:
    """Record RM time outside logged contacts: the other half of the VIP-time KPI.

    Example: vipcrm followup time RM001 --minutes 90 --category admin
    """
    from vipcrm.core.followup import TIME_CATEGORIES
    from vipcrm.store.audit import record
    from vipcrm.store.db import transaction
    from vipcrm.store.followup import add_time

    st = state(ctx)
    day = parse_date_option(date, "--date") or st.today
    if day > st.today:
        raise Refused(f"date {day} is in the future; record time on or before today")
    if category not in TIME_CATEGORIES:
        raise Refused(f"category {category!r}: use one of {', '.join(TIME_CATEGORIES)}")
    db = st.db()
    _rm(db.conn, rm, "time")
    with transaction(db):
        total = add_time(db.conn, rm, day, category, minutes)
        record(db, st.user(), "followup time", {"rm_id": rm, "date": day.isoformat(),
                                                 "category": category, "minutes": minutes})
    st.info(f"{rm} {day} {category}: +{minutes} min (total {total} min)")


def register(app: typer.Typer) -> None:
    app.add_typer(followup_app, name="followup")
