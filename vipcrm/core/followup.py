"""Checking a contact before it is logged (DOMAIN §5, §6): the five-step process's rules.

The checks return the problems that refuse an entry, each one line with its fix; they never
print. Suitability itself is decided by `vipcrm.core.suitability`; this module says what a sale,
a celebration and a timesheet entry need.

Sales follow the 2011 wealth-product sales rules and NFRA Order 2025 No.7: a wealth product (理财)
is never sold to a client it does not suit, nor anything above C1 to a C1 client, override or
not; any other unsuitable sale needs a recorded reason and the id of the risk warning the client
confirmed; an R4-R5 sale to an elderly client (or one of unknown age) needs its dual recording
(双录) and is not made by phone or SMS; the product's minimum amount holds; and every sale gives
the client a cooling-off period to cancel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from vipcrm.core.calendar import ONE_DAY, WorkCalendar
from vipcrm.core.suitability import (assessment_valid, needs_elderly_confirmation, product_risk,
                                     risk_number, suitable)
from vipcrm.core.tasks import cny
from vipcrm.core.text import Code, Text

CHANNELS = ("phone", "sms", "visit", "event", "wechat", "email")
OUTCOMES = ("reached", "no_answer", "declined", "callback")
STAGES = ("plan", "assess", "sale", "after_sale", "celebrate")
VISIT_LEVELS = ("leadership", "technical", "business")
TIME_CATEGORIES = ("vip", "non_vip", "admin", "training")
# After-sale care: calls at these offsets from the sale (DOMAIN §4 followup_due).
AFTER_SALE_DAYS = (7, 30)
DAY_MINUTES = 24 * 60
# The largest amount one contact records (fen, 10,000,000,000,000.00 CNY): far above any sale,
# small enough that the sums over every contact of a bank stay within SQLite's 64 bits.
MAX_AMOUNT = 10 ** 15
# An elderly client's R4-R5 purchase is recorded (双录), which a call or a text message is not.
UNRECORDED_CHANNELS = ("phone", "sms")
# Wealth products are never sold to a client they do not suit (2011 rules art. 18).
NO_OVERRIDE_CLASS = "wealth"
# A client at this level is never sold anything riskier (NFRA Order 2025 No.7).
LOWEST_LEVEL = 1


@dataclass(frozen=True)
class Contact:
    client_id: str
    rm_id: str
    date: dt.date
    channel: str
    outcome: str = "reached"
    stage: str | None = None
    minutes: int | None = None
    note: str | None = None
    product_code: str | None = None
    amount: int | None = None  # fen
    satisfaction: int | None = None
    next_date: dt.date | None = None
    referral: str | None = None
    joint_rm_id: str | None = None
    visit_level: str | None = None
    override_reason: str | None = None
    # Stored as true on an elderly client's R4-R5 sale made with its dual recording.
    elderly_confirmed: bool = False
    recording_id: str | None = None  # the dual recording (双录) of the sale
    risk_warning_id: str | None = None  # the risk warning the client confirmed (an override)


@dataclass(frozen=True)
class RiskProfile:
    """What suitability reads of the client (DOMAIN §5)."""
    risk_level: str | None
    assessed_on: dt.date | None
    birth_date: dt.date | None


def check_contact(contact: Contact, today: dt.date, *, corporate: bool,
                  max_backdate_days: int | None = None) -> list[Text]:
    """Problems with the entry itself, each a one-line message with the fix.

    `max_backdate_days` (followup.max_backdate_days) bounds how many calendar days before today
    a contact may be dated, so that a scorecard cannot be filled in after the fact; None leaves
    it open (history being imported as it happened).
    """
    problems = []
    if contact.date > today:
        problems.append(Text("date {date} is in the future; log contacts on or before today",
                             date=contact.date))
    elif max_backdate_days is not None and (today - contact.date).days > max_backdate_days:
        problems.append(Text(
            "date {date} is {days} days before today; contacts are logged within {limit} days "
            "(followup.max_backdate_days); older contact history goes in with `vipcrm import "
            "followups`", date=contact.date, days=(today - contact.date).days,
            limit=max_backdate_days))
    if contact.channel not in CHANNELS:
        problems.append(_choose("channel", contact.channel, CHANNELS))
    if contact.outcome not in OUTCOMES:
        problems.append(_choose("outcome", contact.outcome, OUTCOMES))
    if contact.stage is not None and contact.stage not in STAGES:
        problems.append(_choose("stage", contact.stage, STAGES))
    if contact.minutes is not None and not 0 <= contact.minutes <= DAY_MINUTES:
        problems.append(Text("minutes {minutes}: give 0 to {most}", minutes=contact.minutes,
                             most=DAY_MINUTES))
    if contact.satisfaction is not None and not 1 <= contact.satisfaction <= 5:
        problems.append(Text("satisfaction {value}: give 1 to 5", value=contact.satisfaction))
    if contact.next_date is not None and contact.next_date <= contact.date:
        problems.append(Text("next date {next} must be after the contact's date {date}",
                             next=contact.next_date, date=contact.date))
    if contact.amount is not None and contact.amount <= 0:
        problems.append(Text("amount must be positive"))
    elif contact.amount is not None and contact.amount > MAX_AMOUNT:
        problems.append(Text("amount is above the largest a contact records ({most:,} CNY); "
                             "check the amount", most=MAX_AMOUNT // 100))
    if contact.amount is not None and contact.product_code is None:
        problems.append(Text("an amount needs the product it was for (--product)"))
    if contact.outcome == "no_answer":
        # Nobody answered: there is nobody to rate the contact or to refer a friend.
        if contact.satisfaction is not None:
            problems.append(Text("a contact with no answer has no satisfaction; drop "
                                 "--satisfaction"))
        if contact.referral:
            problems.append(Text("a contact with no answer brings no referral; drop --referral"))
    if contact.stage == "sale":
        if contact.product_code is None or contact.amount is None:
            problems.append(Text("a sale needs --product and --amount"))
        if contact.outcome != "reached":
            problems.append(Text("a sale is made with a client who was reached (--outcome "
                                 "reached)"))
    else:
        if contact.override_reason is not None:
            problems.append(Text("--override-reason is for an unsuitable sale only (--stage "
                                 "sale)"))
        if contact.risk_warning_id is not None:
            problems.append(Text("--risk-warning-id is for an unsuitable sale only (--stage "
                                 "sale)"))
        if contact.recording_id is not None:
            problems.append(Text("--recording-id is for a sale only (--stage sale)"))
    if contact.visit_level is not None:
        if contact.visit_level not in VISIT_LEVELS:
            problems.append(_choose("level", contact.visit_level, VISIT_LEVELS))
        elif not corporate:
            problems.append(Text("visit levels are for corporate clients only; drop --level"))
        elif contact.channel != "visit":
            problems.append(Text("a visit level needs --channel visit"))
    if contact.joint_rm_id is not None and contact.joint_rm_id == contact.rm_id:
        problems.append(Text("the joint RM must be another RM than the one logging the contact"))
    return problems


def _choose(what: str, value: str | None, choices: tuple[str, ...]) -> Text:
    """An unknown code: the field (`what`), the value and the codes to use."""
    return Text("{what} {value!r}: use one of {choices}", what=Code("field", what), value=value,
                choices=", ".join(choices))


def unsuitability(client: RiskProfile, product_risk: str | None, day: dt.date,
                  config: Mapping) -> Text | None:
    """Why the product is not suitable for the client on `day`, or None when it is."""
    if suitable(client.risk_level, client.assessed_on, product_risk, day, config):
        return None
    if risk_number(client.risk_level, "C") is None:
        return Text("the client has no risk assessment")
    if not assessment_valid(client.assessed_on, day, config):
        return Text("the client's risk assessment of {assessed} is not valid on {date}",
                    assessed=client.assessed_on or Text("unknown date"), date=day)
    return Text("product risk {risk} is above the client's {level}",
                risk=product_risk or Text("unknown (R5)"), level=client.risk_level)


def check_sale(contact: Contact, client: RiskProfile, product_risk_level: str | None,
               config: Mapping, *, asset_class: str | None = None,
               min_amount: int | None = None) -> list[Text]:
    """Compliance at sale (DOMAIN §5, issue point 3): problems that refuse the sale as entered.
    `asset_class` and `min_amount` (fen) are the product's."""
    problems = []
    sale = dict(product=contact.product_code, client=contact.client_id)
    why = unsuitability(client, product_risk_level, contact.date, config)
    overriding = contact.override_reason or contact.risk_warning_id
    if why and asset_class == NO_OVERRIDE_CLASS:
        problems.append(Text("unsuitable sale of {product} to {client}: {why}; a wealth product "
                             "(理财) is never sold to a client it does not suit, override or not: "
                             "reassess the client or choose a product within its level",
                             why=why, **sale))
    elif (why and risk_number(client.risk_level, "C") == LOWEST_LEVEL
          and product_risk(product_risk_level) > LOWEST_LEVEL):
        problems.append(Text("unsuitable sale of {product} to {client}: {why}; a C1 client is "
                             "never sold above its level, override or not: choose an R1 product",
                             why=why, **sale))
    elif why and not contact.override_reason:
        problems.append(Text("unsuitable sale of {product} to {client}: {why}; reassess the "
                             "client or give --override-reason with the --risk-warning-id the "
                             "client confirmed", why=why, **sale))
    elif why and not contact.risk_warning_id:
        problems.append(Text("an override of the unsuitable sale of {product} to {client} needs "
                             "the risk warning the client confirmed; give its id with "
                             "--risk-warning-id", **sale))
    elif not why and overriding:
        problems.append(Text("{product} is suitable for {client}; drop --override-reason and "
                             "--risk-warning-id (overrides are recorded for unsuitable sales "
                             "only)", **sale))
    if needs_elderly_confirmation(client.birth_date, product_risk_level, contact.date, config):
        age = Text("of unknown age") if client.birth_date is None else Text(
            "aged {age} or over", age=config['suitability.elderly_age'])
        what = Text("client {client} is {age} and {product} is {risk}", age=age,
                    risk=product_risk_level or Text("unrated (R5)"), **sale)
        if not contact.recording_id:
            problems.append(Text("{what}: give the sale's dual-recording (双录) id with "
                                 "--recording-id", what=what))
        if contact.channel in UNRECORDED_CHANNELS:
            problems.append(Text("{what}: such a sale is not made by {channel}; log the recorded "
                                 "meeting (--channel visit, event, wechat or email)", what=what,
                                 channel=Code("channel", contact.channel)))
    if min_amount and contact.amount is not None and contact.amount < min_amount:
        problems.append(Text("amount {amount} CNY is below the minimum of {product}, {minimum} "
                             "CNY; give at least that with --amount", amount=cny(contact.amount),
                             product=contact.product_code, minimum=cny(min_amount)))
    return problems


def cooling_off_until(sale_date: dt.date, config: Mapping) -> dt.datetime:
    """When the client's right to cancel the sale ends: `suitability.cooling_off_hours` after
    the end of the sale's day (the hour of a sale is not recorded, so the client gets the whole
    period whatever the time of signing)."""
    return (dt.datetime.combine(sale_date + ONE_DAY, dt.time())
            + dt.timedelta(hours=config["suitability.cooling_off_hours"]))


def after_sale_dates(sale_date: dt.date, calendar: WorkCalendar | None = None) -> list[dt.date]:
    """Due dates of the after-sale care calls. With a calendar, moved off non-working days as
    planning moves them: to the previous working day (DOMAIN §4), or to the next one when the
    previous is the day of the sale itself (a holiday week), so the sale never counts as its
    own after-sale call."""
    dates = [sale_date + dt.timedelta(days=days) for days in AFTER_SALE_DAYS]
    if calendar is None:
        return dates
    moved = [calendar.on_or_before(d) for d in dates]
    return [m if m > sale_date else calendar.on_or_after(d) for m, d in zip(moved, dates)]


def check_time(day: dt.date, today: dt.date, category: str, minutes: int,
               day_total: int) -> list[Text]:
    """Non-client time of an RM (DOMAIN §8); `day_total` is what the RM's timesheet already
    holds for that day, all categories."""
    problems = []
    if day > today:
        problems.append(Text("date {date} is in the future; record time on or before today",
                             date=day))
    if category not in TIME_CATEGORIES:
        problems.append(_choose("category", category, TIME_CATEGORIES))
    if not 1 <= minutes <= DAY_MINUTES:
        problems.append(Text("minutes {minutes}: give 1 to {most}", minutes=minutes,
                             most=DAY_MINUTES))
    elif day_total + minutes > DAY_MINUTES:
        problems.append(Text("the timesheet of {date} already holds {total} minutes; adding "
                             "{minutes} would pass the {most} minutes of a day", date=day,
                             total=day_total, minutes=minutes, most=DAY_MINUTES))
    return problems
