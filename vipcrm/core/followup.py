"""Checking a contact before it is logged (DOMAIN §5, §6): the five-step process's rules.

`check_contact` returns the problems that refuse the entry; it never prints. Suitability of a
sale is decided by `vipcrm.core.suitability`; this module only says what a sale needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CHANNELS = ("phone", "sms", "visit", "event", "wechat", "email")
OUTCOMES = ("reached", "no_answer", "declined", "callback")
STAGES = ("plan", "assess", "sale", "after_sale", "celebrate")
VISIT_LEVELS = ("leadership", "technical", "business")
TIME_CATEGORIES = ("vip", "non_vip", "admin", "training")
# After-sale care: calls at these offsets from the sale (DOMAIN §4 followup_due).
AFTER_SALE_DAYS = (7, 30)


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
    elderly_confirmed: bool = False


def check_contact(contact: Contact, today: dt.date, *, corporate: bool) -> list[str]:
    """Problems with the entry itself, each a one-line message with the fix."""
    problems = []
    if contact.date > today:
        problems.append(f"date {contact.date} is in the future; log contacts on or before today")
    if contact.channel not in CHANNELS:
        problems.append(f"channel {contact.channel!r}: use one of {', '.join(CHANNELS)}")
    if contact.outcome not in OUTCOMES:
        problems.append(f"outcome {contact.outcome!r}: use one of {', '.join(OUTCOMES)}")
    if contact.stage is not None and contact.stage not in STAGES:
        problems.append(f"stage {contact.stage!r}: use one of {', '.join(STAGES)}")
    if contact.minutes is not None and not 0 <= contact.minutes <= 24 * 60:
        problems.append(f"minutes {contact.minutes}: give 0 to 1440")
    if contact.satisfaction is not None and not 1 <= contact.satisfaction <= 5:
        problems.append(f"satisfaction {contact.satisfaction}: give 1 to 5")
    if contact.next_date is not None and contact.next_date <= contact.date:
        problems.append(f"next date {contact.next_date} must be after the contact's date {contact.date}")
    if contact.amount is not None and contact.amount <= 0:
        problems.append("amount must be positive")
    if contact.amount is not None and contact.product_code is None:
        problems.append("an amount needs the product it was for (--product)")
    if contact.stage == "sale":
        if contact.product_code is None or contact.amount is None:
            problems.append("a sale needs --product and --amount")
        if contact.outcome != "reached":
            problems.append("a sale is made with a client who was reached (--outcome reached)")
    if contact.visit_level is not None:
        if contact.visit_level not in VISIT_LEVELS:
            problems.append(f"level {contact.visit_level!r}: use one of {', '.join(VISIT_LEVELS)}")
        elif not corporate:
            problems.append("visit levels are for corporate clients only; drop --level")
        elif contact.channel != "visit":
            problems.append("a visit level needs --channel visit")
    if contact.joint_rm_id is not None and contact.joint_rm_id == contact.rm_id:
        problems.append("the joint RM must be another RM than the one logging the contact")
    return problems


def after_sale_dates(sale_date: dt.date) -> list[dt.date]:
    """Due dates of the after-sale care calls, before any move off non-working days."""
    return [sale_date + dt.timedelta(days=days) for days in AFTER_SALE_DAYS]
