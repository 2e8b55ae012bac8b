"""Contact tasks as a function of one client's data and a day (DOMAIN §4).

A task is (client, reason, reference) with a window start, a due date, the last day it stays
open, a channel and a priority class. Nothing is stored: the same data and day always give the
same tasks. A task is open on day D once its window has started, until a covering contact
(outcome other than no_answer, on or after the window start and on or before D) makes it done,
or D passes due + expiry and it is missed. The compliance tasks (risk_expiry, id_expiry) are the
exception: no contact completes them; they are done on the day newer data arrives (a newer
assessment, a later ID expiry), by import or `client update`. A closed campaign withdraws its
tasks from the day after it was closed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

from vipcrm.core.aum import matured, position_value
from vipcrm.core.calendar import ONE_DAY, WorkCalendar
from vipcrm.core.config import TIERS
from vipcrm.core.attrition import describe as describe_attrition
from vipcrm.core.dates import shift
from vipcrm.core.strategy import visit_minimum
from vipcrm.core.suitability import (assessment_expires, needs_elderly_confirmation, product_risk,
                                     suitable_limit)
from vipcrm.core.text import Code, Listing, Text

CLASS_BY_REASON = {
    "risk_expiry": 1, "id_expiry": 1, "maturity": 1, "nav_drop": 1, "aum_outflow": 1,
    "followup_due": 1, "corporate_visit": 1, "birthday": 2, "anniversary": 2, "holiday": 2,
    "period_end": 2, "cadence": 3, "new_product": 3, "contact_birthday": 2, "campaign": 3,
    "retention": 1,
}
# Done when the data they watch is renewed, never by a contact: a call does not renew an ID.
DATA_REASONS = frozenset({"risk_expiry", "id_expiry"})
# What a client who agreed to service contacts only still hears about (PIPL art. 24).
SERVICE_REASONS = frozenset({"risk_expiry", "id_expiry", "maturity", "nav_drop", "followup_due"})
# Only big corporate clients have these.
CORPORATE_REASONS = frozenset({"corporate_visit", "contact_birthday"})
CHANNEL_STRENGTH = {"visit": 3, "phone": 2, "sms": 1}
KEY_TIERS = TIERS[:3]  # served by visits at key times
LOWER_TIERS = TIERS[3:]  # platinum and below
CORPORATE_LEVELS = ("leadership", "technical", "business")

# Window lengths of DOMAIN §4's table (days before the reference date the window opens).
RISK_WINDOW = 30
ID_WINDOW, ID_LEAD = 90, 30
CELEBRATION_LEAD = 3  # birthdays and anniversaries of key tiers
HOLIDAY_WORKING_DAYS = 5
# Calendar days from the earliest a greeting window can open to the festival's first day: five
# working days, their weekends, a holiday run between and the walk back to the period start.
HOLIDAY_REACH = 30
PERIOD_WORKING_DAYS = 10
CADENCE_WINDOW = 14
NAV_DUE, OUTFLOW_DUE, NEW_PRODUCT_DUE, RETENTION_DUE = 2, 3, 7, 3
LOOKBACK = 30  # NAV high and AUM comparison
AFTER_SALE = (7, 30)
# Upper bounds used to skip rules that cannot apply on a day, before asking the calendar.
_SLACK = 20  # longest shift of a due date off a holiday run, with a margin


class PositionPoint(NamedTuple):
    as_of: dt.date
    balance: int  # fen
    asset_class: str
    maturity: dt.date | None  # effective: the snapshot's own, else its product's

    def value_on(self, day: dt.date, classes: Sequence[str]) -> int:
        """What this snapshot, in force on `day`, adds to AUM that day (core.aum)."""
        return position_value(self.balance, self.asset_class, self.as_of, self.maturity, day,
                              classes)


@dataclass(frozen=True)
class Holding:
    """One (client, product) position as its change points, oldest first."""
    product_code: str
    points: tuple[PositionPoint, ...]
    _days: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_days", tuple(p.as_of for p in self.points))

    def point_on(self, day: dt.date) -> PositionPoint | None:
        i = bisect.bisect_right(self._days, day)
        return self.points[i - 1] if i else None

    def balance_on(self, day: dt.date) -> int:
        """The balance held on `day`: 0 before the first snapshot and once matured."""
        point = self.point_on(day)
        if point is None or matured(point.as_of, point.maturity, day):
            return 0
        return point.balance

    def held_on(self, day: dt.date) -> bool:
        return self.balance_on(day) > 0

    def value_on(self, day: dt.date, classes: Sequence[str]) -> int:
        point = self.point_on(day)
        return 0 if point is None else point.value_on(day, classes)

    def values(self, classes: Sequence[str], start: dt.date,
               end: dt.date) -> tuple[int, list[tuple[dt.date, int]]]:
        """What the position adds to AUM on `start`, and each (day, value) it changes to over
        (start, end]: at its change points and at the maturity of the point in force."""
        i = bisect.bisect_right(self._days, start)
        current = self.points[i - 1] if i else None
        first = 0 if current is None else current.value_on(start, classes)
        changes: list[tuple[dt.date, int]] = []
        for k in range(i, len(self.points) + 1):
            following = self.points[k] if k < len(self.points) else None
            until = following.as_of if following is not None and following.as_of <= end else None
            if current is not None:
                m = current.maturity
                if (m is not None and max(current.as_of, start) < m <= end
                        and (until is None or m < until)):
                    changes.append((m, 0))
            if until is None:
                break
            current = following
            changes.append((until, current.value_on(until, classes)))
        return first, changes


class Contact(NamedTuple):
    day: dt.date
    outcome: str = "reached"
    stage: str | None = None
    next_date: dt.date | None = None
    channel: str = "phone"
    note: str | None = None
    visit_level: str | None = None
    followup_id: str = ""

    @property
    def counts(self) -> bool:
        """A contact that completes tasks: anything but an unanswered attempt."""
        return self.outcome != "no_answer"


class DataChange(NamedTuple):
    """A risk assessment date or ID expiry replaced on `day`, by import or `client update`."""
    field: str  # risk_assessed_on or id_expiry
    day: dt.date
    old: dt.date | None
    new: dt.date | None

    @property
    def renews(self) -> bool:
        """A newer assessment or a later expiry: what completes the old date's task. Anything
        else (cleared, or an earlier date) corrects the data and withdraws that task."""
        return self.old is not None and self.new is not None and self.new > self.old


class CampaignTarget(NamedTuple):
    """The client on a campaign's target list (`vipcrm campaign create`)."""
    campaign_id: int
    name: str
    product_code: str
    product_name: str
    product_risk: str | None
    asset_class: str
    slot: dt.date  # the working day its call opens and is due
    ends_on: dt.date  # the campaign's last day
    closed_on: dt.date | None
    score: int
    preference: bool  # the client's product preferences name the product's asset class
    idle_cash: bool
    maturing_on: dt.date | None


class AttritionPoint(NamedTuple):
    """A stored attrition score, in force from `day` until the client's next one."""
    day: dt.date
    score: int
    points: tuple[int, int, int, int]  # each factor's contribution in tenths (core.attrition)


class Product(NamedTuple):
    product_code: str
    name: str
    asset_class: str
    risk_level: str | None = None
    launch_date: dt.date | None = None
    maturity_date: dt.date | None = None
    status: str = "on_sale"


class KeyPerson(NamedTuple):
    """A decision maker of a corporate client (the `contacts_corp` business file)."""
    name: str
    role: str | None
    birth_date: dt.date


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    segment: str = "retail"
    tier: str | None = None  # a code of TIERS, or None below gold
    watch: bool = False
    tier_since: dt.date | None = None
    rm_id: str | None = None
    pinned: bool = False
    big_corporate: bool = False
    strategy: str | None = None  # a big corporate client's sales strategy (core.strategy)
    key_people: tuple[KeyPerson, ...] = ()  # a big corporate client's decision makers
    consent: str = "all"
    closed_on: dt.date | None = None
    birth_date: dt.date | None = None
    wedding_date: dt.date | None = None
    id_expiry: dt.date | None = None
    risk_level: str | None = None
    risk_assessed_on: dt.date | None = None
    product_preferences: str | None = None
    profile: Mapping[str, Any] = field(default_factory=dict)  # the §7 fields, for talking points
    holdings: tuple[Holding, ...] = ()
    # Oldest first. Complete history, or (from the store) every contact the rules of the
    # planned days can read: see `data_since`.
    contacts: tuple[Contact, ...] = ()
    # Oldest first: the replaced values of risk_assessed_on and id_expiry (see
    # `data_changes_since`); the fields above hold the current values.
    data_changes: tuple[DataChange, ...] = ()
    campaigns: tuple[CampaignTarget, ...] = ()
    # Oldest first: the stored attrition scores from the one in force on the first day read
    # (see `retention_since`).
    attrition: tuple[AttritionPoint, ...] = ()
    household_id: str | None = None  # an open retail client's household (core.household)


class Task(NamedTuple):
    client_id: str
    reason: str
    reference: str
    window_start: dt.date
    due: dt.date
    expires: dt.date | None  # the last day it is open; None: never missed
    channel: str
    priority: int
    detail: Text | None = None  # what the RM needs to know, for the talking points
    covers: str | None = None  # only a contact at this visit level completes it
    # DATA_REASONS: the day newer data replaced the date the task is for, and what the task is
    # from that day: done (renewed) or withdrawn (the date was corrected or cleared). Other
    # tasks (a closed campaign's): the day from which the task is withdrawn unless done before.
    closed_on: dt.date | None = None
    closed_as: str = "done"


class NavDrop(NamedTuple):
    day: dt.date
    nav: int  # millionths
    high: int  # highest NAV of the LOOKBACK days before


@dataclass(frozen=True)
class HolidayWindow:
    festival: str
    start: dt.date  # first day of the holiday period
    window_start: dt.date
    due: dt.date


@dataclass(frozen=True)
class PeriodWindow:
    kind: str  # month, quarter, year
    reference: str
    window_start: dt.date
    due: dt.date


@dataclass
class DayContext:
    """What every client's rules share on one day."""
    day: dt.date
    config: Mapping
    calendar: WorkCalendar
    products: Mapping[str, Product] = field(default_factory=dict)
    nav_drops: Mapping[str, Sequence[NavDrop]] = field(default_factory=dict)  # first per month
    holidays: Sequence[HolidayWindow] = ()
    periods: Mapping[str, Sequence[PeriodWindow]] = field(default_factory=dict)
    new_products: Sequence[Product] = ()
    product_risks: Mapping[str, int] = field(default_factory=dict)  # of new_products, 1-5
    go_live: dt.date | None = None  # the bank's first positions import


# ---------------------------------------------------------------------------------------------
# Dates

def data_since(day: dt.date, config: Mapping) -> dt.date:
    """The earliest day whose positions, NAVs and contacts the rules of `day` read, besides a
    client's latest contact, latest covering contact and this year's corporate visits.

    Every task that can still be open on `day` and can be missed starts its window after it:
    AUM outflows and NAV drops with their LOOKBACK, follow-ups and after-sale care.
    """
    return min(outflow_since(day, config) - _days(LOOKBACK + 1),
               nav_since(day, config) - _days(LOOKBACK + 1),
               followup_since(day, config) - _days(max(AFTER_SALE)),
               campaign_since(day, config),
               month_start(day - _days(120)))


def outflow_since(day: dt.date, config: Mapping) -> dt.date:
    """The first month whose outflow task can still be open on `day`."""
    return month_start(day - _days(config["plan.expiry_days.aum_outflow"] + OUTFLOW_DUE + _SLACK))


def nav_since(day: dt.date, config: Mapping) -> dt.date:
    """The first month whose NAV drop task can still be open on `day`."""
    return month_start(day - _days(config["plan.expiry_days.nav_drop"] + NAV_DUE + _SLACK))


def followup_since(day: dt.date, config: Mapping) -> dt.date:
    """The earliest follow-up date whose task can still be open on `day`."""
    return day - _days(config["plan.expiry_days.followup_due"] + 2 * _SLACK)


def data_changes_since(day: dt.date) -> dt.date:
    """The earliest replacement of an assessment or ID expiry the rules of `day` (and the task
    ledger of a period starting then) read: a date replaced earlier had its task closed before
    any window that can still be due."""
    return day - _days(ID_WINDOW + 2 * _SLACK)


def campaign_since(day: dt.date, config: Mapping) -> dt.date:
    """The earliest last day of a campaign whose tasks can still be open on `day`."""
    return day - _days(max(0, config["plan.expiry_days.campaign"]) + _SLACK)


def retention_since(day: dt.date, config: Mapping) -> dt.date:
    """The first month whose retention task can still be open on `day`: the attrition scores
    read start with the one in force on that day."""
    return month_start(day - _days(max(0, config["plan.expiry_days.retention"])
                                   + RETENTION_DUE + _SLACK))


def new_product_since(day: dt.date, config: Mapping) -> dt.date:
    """The earliest launch whose new_product task can still be open on `day`."""
    return day - _days(config["plan.expiry_days.new_product"] + NEW_PRODUCT_DUE + _SLACK)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - ONE_DAY


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    return start, month_end(dt.date(year, 3 * quarter, 1))


def anniversary_in(original: dt.date, year: int) -> dt.date:
    """The date's anniversary in `year`; Feb 29 falls on Feb 28 in common years."""
    try:
        return original.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


@lru_cache(maxsize=None)
def _days(n: int) -> dt.timedelta:
    # Cached: the rules ask for the same few spans for every client.
    return dt.timedelta(days=n)


# ---------------------------------------------------------------------------------------------
# Task state

def task_state(task: Task, contacts: Iterable[Contact], day: dt.date) -> str:
    """future, open, done, withdrawn or missed on `day`, against the client's contacts (or, for
    the compliance tasks, the day their data was replaced)."""
    if task.window_start > day:
        return "future"
    last = day if task.expires is None else min(day, task.expires)
    if task.reason in DATA_REASONS:
        if task.closed_on is not None and task.closed_on <= last:
            return task.closed_as
    else:
        if task.closed_on is not None:
            last = min(last, task.closed_on - ONE_DAY)
        for contact in contacts:
            if (task.window_start <= contact.day <= last and contact.counts
                    and (task.covers is None or contact.visit_level == task.covers)):
                return "done"
        if task.closed_on is not None and task.closed_on <= day:
            return task.closed_as
    if task.expires is not None and day > task.expires:
        return "missed"
    return "open"


def open_tasks(client: Client, ctx: DayContext) -> list[Task]:
    contacts = [c for c in client.contacts if c.day <= ctx.day]
    return [t for t in client_tasks(client, ctx) if task_state(t, contacts, ctx.day) == "open"]


# ---------------------------------------------------------------------------------------------
# Who gets which reasons

def allowed_reasons(client: Client, day: dt.date) -> frozenset[str]:
    if client.closed_on is not None and client.closed_on <= day:
        return frozenset()
    if client.consent == "none":
        return frozenset()
    if client.segment == "corporate":
        reasons = CORPORATE_REASONS if client.big_corporate else frozenset()
    elif client.tier in TIERS:
        reasons = frozenset(CLASS_BY_REASON) - CORPORATE_REASONS
    elif client.pinned:
        reasons = frozenset(r for r, c in CLASS_BY_REASON.items() if c == 1) - CORPORATE_REASONS
    else:
        reasons = frozenset()
    if client.consent == "service_only":
        reasons &= SERVICE_REASONS
    return reasons


# ---------------------------------------------------------------------------------------------
# The rules

class _Builder:
    """Makes tasks of one client on one day, moving due dates off non-working days."""

    def __init__(self, client: Client, ctx: DayContext):
        self.client, self.ctx, self.cal = client, ctx, ctx.calendar
        self.tasks: list[Task] = []
        self._next_working: dt.date | None = None

    def add(self, reason: str, reference: str, window_start: dt.date, due: dt.date,
            channel: str, detail: Text | None = None, covers: str | None = None,
            after: dt.date | None = None, closed_by: DataChange | None = None,
            forward: bool = False, expires_from: dt.date | None = None,
            withdrawn_on: dt.date | None = None) -> None:
        """`after`: the day of the contact that asked for this one. Moving the due date back
        onto or before it would let that very contact complete the task, so the due date moves
        forward to the next working day instead. `closed_by`: the change that replaced the
        date a compliance task is for; replaced before the window opened, it never was one.
        `forward`: a due date on a non-working day always moves forward. `expires_from`: the
        day the expiry counts from, when later than the due date (a campaign's last day).
        `withdrawn_on`: the day the task is withdrawn unless done before (a closed campaign);
        on or before the window's start, it never was one."""
        day = self.ctx.day
        if window_start > day and due > day:
            # Not started unless the move off non-working days brings the due date back to
            # `day`; decided without asking the calendar about later dates, whose year may not
            # be known yet.
            if self._next_working is None:
                self._next_working = self.cal.next_working_day(day)
            if self._next_working <= due:
                return
        moved = self.cal.on_or_after(due) if forward else self.cal.on_or_before(due)
        if after is not None and moved <= after:
            moved = self.cal.on_or_after(due)
        due = moved
        window_start = min(window_start, due)
        if window_start > self.ctx.day:
            return
        if closed_by is not None and closed_by.day <= window_start:
            return
        if withdrawn_on is not None and withdrawn_on <= window_start:
            return
        expiry = self.ctx.config[f"plan.expiry_days.{reason}"]
        # A campaign's last day is its row's own date: the expiry stops at the calendar's end.
        expires = (None if expiry < 0 else due + _days(expiry) if expires_from is None
                   else shift(max(due, expires_from), expiry))
        closed = {} if closed_by is None else {
            "closed_on": closed_by.day, "closed_as": "done" if closed_by.renews else "withdrawn"}
        if withdrawn_on is not None:
            closed = {"closed_on": withdrawn_on, "closed_as": "withdrawn"}
        self.tasks.append(Task(self.client.client_id, reason, reference, window_start, due,
                               expires, channel, CLASS_BY_REASON[reason], detail, covers,
                               **closed))


def client_tasks(client: Client, ctx: DayContext) -> list[Task]:
    """Every task of the client whose window has started by ctx.day and that can still matter
    (open, done or recently missed), in a stable order."""
    allowed = allowed_reasons(client, ctx.day)
    if not allowed:
        return []
    b = _Builder(client, ctx)
    for reason, rule in _RULES:
        if reason in allowed:
            rule(b)
    return b.tasks


def known_values(client: Client, field: str, day: dt.date
                 ) -> list[tuple[dt.date, DataChange | None]]:
    """The dates `field` held that were known by `day`, each with the change that replaced it
    (None: still in force); values that arrived after `day` were not known then."""
    values, arrived = [], None
    for change in client.data_changes:
        if change.field != field:
            continue
        if change.old is not None and (arrived is None or arrived <= day):
            values.append((change.old, change))
        arrived = change.day
    current = getattr(client, field)
    if current is not None and (arrived is None or arrived <= day):
        values.append((current, None))
    return values


def _risk_expiry(b: _Builder) -> None:
    for assessed_on, closed_by in known_values(b.client, "risk_assessed_on", b.ctx.day):
        expires = assessment_expires(assessed_on, b.ctx.config)
        if expires - _days(RISK_WINDOW + _SLACK) > b.ctx.day:
            continue
        # No detail: the risk level and its validity are always among the talking points.
        b.add("risk_expiry", expires.isoformat(), expires - _days(RISK_WINDOW),
              expires - ONE_DAY, "phone", closed_by=closed_by)


def _id_expiry(b: _Builder) -> None:
    for e, closed_by in known_values(b.client, "id_expiry", b.ctx.day):
        if e - _days(ID_WINDOW + _SLACK) > b.ctx.day:
            continue
        b.add("id_expiry", e.isoformat(), e - _days(ID_WINDOW), e - _days(ID_LEAD), "phone",
              Text("ID document expires {date}", date=e), closed_by=closed_by)


def cny(fen: int) -> str:
    """Fen as CNY with thousands separators and 2 decimals, exactly."""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


# The parameter of a talking point's sentence that holds a balance: calendars, often synced
# outside the bank, leave such a sentence out.
BALANCE = "amount"


def _maturity(b: _Builder) -> None:
    day, config = b.ctx.day, b.ctx.config
    for holding in b.client.holdings:
        seen = set()
        product = b.ctx.products.get(holding.product_code)
        for point in holding.points:
            m = point.maturity or (product.maturity_date if product else None)
            lead = config[f"plan.maturity_lead.{point.asset_class}"]
            if m is None or m in seen or not (day - _days(2 * _SLACK) <= m <= day + _days(lead + _SLACK)):
                continue
            seen.add(m)
            # Held now, or on the due date once that has passed (a matured position may close).
            balance = holding.balance_on(min(day, b.cal.on_or_before(m - ONE_DAY)))
            if balance <= 0:
                continue
            name = product.name if product else holding.product_code
            # The amount in a sentence of its own, a BALANCE that calendars leave out.
            b.add("maturity", f"{holding.product_code} {m}", m - _days(lead), m - ONE_DAY,
                  "phone", Text("matures {date}: {product} {name}", date=m,
                                product=holding.product_code, name=name)
                  + Text(", amount {amount} CNY", amount=cny(balance)))


def _nav_drop(b: _Builder) -> None:
    for holding in b.client.holdings:
        for drop in b.ctx.nav_drops.get(holding.product_code, ()):
            if drop.day > b.ctx.day or not holding.held_on(drop.day):
                continue
            pct = 100 * (drop.high - drop.nav) / drop.high
            b.add("nav_drop", f"{holding.product_code} {drop.day:%Y-%m}", drop.day,
                  drop.day + _days(NAV_DUE), "phone",
                  Text("NAV {product} -{pct:.1f}% from its {days}-day high on {date}",
                       product=holding.product_code, pct=pct, days=LOOKBACK, date=drop.day))


def aum_on(client: Client, day: dt.date, classes: Sequence[str]) -> int:
    """AUM in fen on `day` (DOMAIN §1): counted classes only, negative balances and matured
    positions count 0."""
    return sum(holding.value_on(day, classes) for holding in client.holdings)


def aum_steps(client: Client, classes: Sequence[str], start: dt.date,
              end: dt.date) -> tuple[list[dt.date], list[int]]:
    """AUM as a step function over [start, end]: its value on `start` and on each later day it
    changes, in one pass over the change points."""
    return _steps([h.values(classes, start, end) for h in client.holdings], start)


def _steps(values: Sequence[tuple[int, list[tuple[dt.date, int]]]],
           start: dt.date) -> tuple[list[dt.date], list[int]]:
    current, events, total = [], [], 0
    for i, (value, changes) in enumerate(values):
        current.append(value)
        total += value
        events.extend((d, i, v) for d, v in changes)
    days, values_out = [start], [total]
    for d, i, value in sorted(events):
        total += value - current[i]
        current[i] = value
        if d == days[-1]:
            values_out[-1] = total
        else:
            days.append(d)
            values_out.append(total)
    return days, values_out


def outflow_days(client: Client, day: dt.date, config: Mapping) -> dict[str, dt.date]:
    """Month (YYYY-MM) -> the first day of that month, up to `day`, whose AUM is at least
    plan.outflow_pct below the AUM LOOKBACK days earlier; months whose tasks may be open."""
    classes, pct = config["aum.asset_classes"], config["plan.outflow_pct"]
    first_month = outflow_since(day, config)
    start = first_month - _days(LOOKBACK)
    found: dict[str, dt.date] = {}
    # If even the lowest AUM the span can have is above the threshold of the highest it can
    # have, no day shows an outflow: a cheap bound from each holding's own low and high.
    low = high = 0
    per_holding = [h.values(classes, start, day) for h in client.holdings]
    for value, changes in per_holding:
        values = [value, *(v for _, v in changes)]
        low += min(values)
        high += max(values)
    if low * 100 > high * (100 - pct):
        return found
    days, values = _steps(per_holding, start)

    def aum(d: dt.date) -> int:
        return values[bisect.bisect_right(days, d) - 1]

    lookback = _days(LOOKBACK)
    month = first_month
    while month <= day:
        end = min(month_end(month), day)
        # AUM(d) and AUM(d - LOOKBACK) only change on a change point or LOOKBACK days after one.
        candidates = {month} | {c for c in days if month <= c <= end}
        candidates |= {c + lookback for c in days if month <= c + lookback <= end}
        for d in sorted(candidates):
            before = aum(d - lookback)
            if before > 0 and aum(d) * 100 <= before * (100 - pct):
                found[f"{d:%Y-%m}"] = d
                break
        month = end + ONE_DAY
    return found


def _aum_outflow(b: _Builder) -> None:
    c, day = b.client, b.ctx.day
    days = outflow_days(c, day, b.ctx.config)
    if c.watch:
        # The tier is kept under watch: one visit or call a month until it recovers.
        this_month = f"{day:%Y-%m}"
        days[this_month] = min(days.get(this_month, day), month_start(day))
    channel = "visit" if c.tier in KEY_TIERS else "phone"
    for month, d in sorted(days.items()):
        detail = Text("AUM fell {pct}%+ in {days} days by {date}",
                      pct=b.ctx.config['plan.outflow_pct'], days=LOOKBACK, date=d)
        if c.watch and month == f"{day:%Y-%m}":
            detail = Text("tier under watch: AUM below its floor")
        b.add("aum_outflow", month, d, d + _days(OUTFLOW_DUE), channel, detail)


def _followup_due(b: _Builder) -> None:
    day = b.ctx.day
    horizon = followup_since(day, b.ctx.config)
    for contact in b.client.contacts:
        if contact.day > day:
            break
        if contact.next_date is not None and horizon <= contact.next_date <= day + _days(_SLACK):
            b.add("followup_due", f"{contact.followup_id} next", contact.next_date,
                  contact.next_date, "phone", Text("follow-up set on {date}", date=contact.day),
                  after=contact.day)
        if contact.stage == "sale" and contact.counts:
            for offset in AFTER_SALE:
                n = contact.day + _days(offset)
                if horizon <= n <= day + _days(_SLACK):
                    b.add("followup_due", f"{contact.followup_id} +{offset}", n, n, "phone",
                          Text("after-sale care (+{days} days) for the sale of {date}",
                               days=offset, date=contact.day),
                          after=contact.day)


def _corporate_visit(b: _Builder) -> None:
    day = b.ctx.day
    quarter = quarter_of(day)
    start, end = quarter_bounds(day.year, quarter)
    for level in CORPORATE_LEVELS:
        per_year = visit_minimum(level, b.client.strategy, b.ctx.config)
        needed = math.ceil(per_year * quarter / 4)
        done = sum(1 for c in b.client.contacts
                   if c.visit_level == level and c.counts and dt.date(day.year, 1, 1) <= c.day < start)
        if done < needed:
            b.add("corporate_visit", f"{level} {day.year}-Q{quarter}", start, end, "visit",
                  Text("{level} visit: {done} of {needed} due by {date}",
                       level=Code("level", level), done=done, needed=needed, date=end),
                  covers=level)


def _celebrations(original: dt.date, day: dt.date, lead: int) -> Iterator[tuple[int, dt.date]]:
    """(year, date) of the anniversaries of `original` whose window can matter on `day`."""
    # Only a celebration within weeks of the day matters: the year before or after only
    # around New Year.
    years = [day.year]
    if day.month == 1:
        years.insert(0, day.year - 1)
    elif day.month == 12:
        years.append(day.year + 1)
    for year in years:
        when = anniversary_in(original, year)
        if abs((when - day).days) <= lead + _SLACK:
            yield year, when


def _celebration(b: _Builder, reason: str, original: dt.date | None, what: Text) -> None:
    if original is None:
        return
    key = b.client.tier in KEY_TIERS
    lead = CELEBRATION_LEAD if key else 0
    for year, when in _celebrations(original, b.ctx.day, lead):
        b.add(reason, str(year), when - _days(lead), when, "visit" if key else "sms",
              Text("{what} on {date}", what=what, date=when))


def _birthday(b: _Builder) -> None:
    _celebration(b, "birthday", b.client.birth_date, Text("birthday"))


def _anniversary(b: _Builder) -> None:
    _celebration(b, "anniversary", b.client.wedding_date, Text("wedding anniversary"))


def _contact_birthday(b: _Builder) -> None:
    """A decision maker's birthday is key care of a big client: a visit in the three days
    before, as for the top tiers' own clients. The talking point names the person and role,
    never the phone."""
    for person in b.client.key_people:
        for year, when in _celebrations(person.birth_date, b.ctx.day, CELEBRATION_LEAD):
            if person.role:
                detail = Text("birthday of decision maker {name} ({role}) on {date}",
                              name=person.name, role=person.role, date=when)
            else:
                detail = Text("birthday of decision maker {name} on {date}", name=person.name,
                              date=when)
            b.add("contact_birthday", f"{person.name} {year}", when - _days(CELEBRATION_LEAD),
                  when, "visit", detail)


def _holiday(b: _Builder) -> None:
    channel = "visit" if b.client.tier in KEY_TIERS else "sms"
    for window in b.ctx.holidays:
        b.add("holiday", window.start.isoformat(), window.window_start, window.due, channel,
              Text("{festival} holiday from {date}", festival=Code("festival", window.festival),
                   date=window.start))


PERIOD_OF_TIER = {"black_gold": "month", "diamond": "quarter", "premier_platinum": "quarter",
                  "platinum": "year", "premier_gold": "year", "gold": "year"}


def _period_end(b: _Builder) -> None:
    tier = b.client.tier
    kind = PERIOD_OF_TIER.get(tier)
    for window in b.ctx.periods.get(kind, ()):
        channel = "phone" if kind == "year" and tier in LOWER_TIERS else "visit"
        b.add("period_end", window.reference, window.window_start, window.due, channel,
              Text("{period} end {reference}", period=Code("period", kind),
                   reference=window.reference))


def _cadence(b: _Builder) -> None:
    c, day = b.client, b.ctx.day
    cadence = b.ctx.config[f"tiers.{c.tier}.cadence_days"]
    last = None
    for contact in c.contacts:
        if contact.day > day:
            break
        if contact.counts:
            last = contact.day
    if last is not None:
        due = last + _days(cadence)
        # shift: a contact stored as 0001-01-01 opens its window at the calendar's start.
        b.add("cadence", due.isoformat(), shift(due, -CADENCE_WINDOW), due, "phone",
              Text("no contact since {date} ({days}-day cadence)", date=last, days=cadence))
    elif c.tier_since is not None:
        go_live = b.ctx.go_live
        if go_live is None or c.tier_since > go_live:
            b.add("cadence", c.tier_since.isoformat(), c.tier_since, c.tier_since, "phone",
                  Text("never contacted since entering the tier"))
            return
        # In its tier at go-live: the bank's whole book would fall due on day one, so each
        # client gets its own day of the first cadence. Moved forward off a non-working day,
        # so go-live day itself holds only its own share.
        due = go_live + _days(go_live_offset(c.client_id, cadence))
        b.add("cadence", due.isoformat(), due, due, "phone",
              Text("never contacted: first call of the go-live round from {date}", date=go_live),
              forward=True)


def go_live_offset(client_id: str, cadence: int) -> int:
    """Days after go-live a never-contacted client's first cadence call falls due, in
    [0, cadence): a stable hash of its id, so the same client gets the same day in every
    process and on every night, whatever the rest of the data does."""
    digest = hashlib.blake2b(client_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % cadence


# Asset classes as clients name them in product preferences.
CLASS_WORDS = {
    "deposit": ("deposit", "存款", "储蓄"), "wealth": ("wealth", "理财"), "fund": ("fund", "基金"),
    "insurance": ("insurance", "保险"), "bond": ("bond", "债"), "metal": ("metal", "gold bar", "贵金属", "黄金"),
    "custody": ("custody", "存管", "证券"),
}


@lru_cache(maxsize=4096)
def preferred_classes(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    lowered = text.lower()
    return frozenset(cls for cls, words in CLASS_WORDS.items() if any(w in lowered for w in words))


def _new_product(b: _Builder) -> None:
    c, day, config = b.client, b.ctx.day, b.ctx.config
    if not b.ctx.new_products:
        return
    held_products, held_classes = set(), set()
    for holding in c.holdings:
        if holding.held_on(day):
            held_products.add(holding.product_code)
            held_classes.add(holding.point_on(day).asset_class)
    wanted = held_classes | preferred_classes(c.product_preferences)
    channel = "sms" if c.tier in LOWER_TIERS else "phone"
    limit = suitable_limit(c.risk_level, c.risk_assessed_on, day, config)
    if not limit:
        return  # nothing is suitable (§5)
    for product in b.ctx.new_products:
        if (product.asset_class not in wanted or product.product_code in held_products
                or b.ctx.product_risks[product.product_code] > limit):
            continue  # untargeted, or unsuitable: never proposed (§5)
        launch = product.launch_date
        b.add("new_product", product.product_code, launch, launch + _days(NEW_PRODUCT_DUE),
              channel, Text("new {asset_class}: {product} {name} ({risk})",
                            asset_class=Code("asset_class", product.asset_class),
                            product=product.product_code, name=product.name,
                            risk=product.risk_level or "R5"))


def _campaign(b: _Builder) -> None:
    """A call to each campaign target from its slot day, due that day and owed until the
    campaign's last day (+ plan.expiry_days.campaign); withdrawn once the campaign is closed."""
    day, config = b.ctx.day, b.ctx.config
    for target in b.client.campaigns:
        if target.slot > day:
            continue
        # An elderly client's R4-R5 purchase is recorded (双录), which a call is not.
        elderly = needs_elderly_confirmation(b.client.birth_date, target.product_risk, day, config)
        fit: list[Text] = []
        if target.preference:
            fit.append(Text("prefers {asset_class}",
                            asset_class=Code("asset_class", target.asset_class)))
        if target.idle_cash:
            fit.append(Text("idle cash"))
        if target.maturing_on is not None:
            fit.append(Text("funds maturing {date}", date=target.maturing_on))
        facts = dict(id=target.campaign_id, product=target.product_code,
                     name=target.product_name, risk=target.product_risk or "R5",
                     score=target.score)
        detail: Text = (Text("campaign {id}: {product} {name} ({risk}), fit {score}", **facts)
                        if target.name == target.product_name else
                        Text("campaign {id} {campaign}: {product} {name} ({risk}), fit {score}",
                             campaign=target.name, **facts))
        if fit:
            detail += Text(" ({reasons})", reasons=Listing(fit))
        if elderly:
            detail += Text("; in person with its dual recording (双录)")
        withdrawn = target.closed_on + ONE_DAY if target.closed_on is not None else None
        b.add("campaign", str(target.campaign_id), target.slot, target.slot,
              "visit" if elderly else "phone", detail, expires_from=target.ends_on,
              withdrawn_on=withdrawn)


def _retention(b: _Builder) -> None:
    """One retention call a month while the stored attrition score (the one in force, computed
    on or before the day) is at or above attrition.task_score: its window opens on the month's
    first day with such a score."""
    c, day, config = b.client, b.ctx.day, b.ctx.config
    if not c.attrition:
        return
    threshold = config["attrition.task_score"]
    points = c.attrition
    days = [p.day for p in points]
    channel = "visit" if c.tier in KEY_TIERS else "phone"
    month = retention_since(day, config)
    while month <= day:
        end = min(month_end(month), day)
        i = bisect.bisect_right(days, month)
        found = None
        if i and points[i - 1].score >= threshold:
            found = (month, points[i - 1])
        else:
            for p in points[i:]:
                if p.day > end:
                    break
                if p.score >= threshold:
                    found = (p.day, p)
                    break
        if found is not None:
            start, p = found
            b.add("retention", f"{month:%Y-%m}", start, shift(start, RETENTION_DUE), channel,
                  Text("attrition risk {score}/100 scored {date} ({factors})", score=p.score,
                       date=p.day, factors=describe_attrition(p.points)))
        month = end + ONE_DAY


_RULES = (
    ("risk_expiry", _risk_expiry), ("id_expiry", _id_expiry), ("maturity", _maturity),
    ("nav_drop", _nav_drop), ("aum_outflow", _aum_outflow), ("followup_due", _followup_due),
    ("corporate_visit", _corporate_visit), ("birthday", _birthday), ("anniversary", _anniversary),
    ("contact_birthday", _contact_birthday),
    ("holiday", _holiday), ("period_end", _period_end), ("cadence", _cadence),
    ("new_product", _new_product), ("campaign", _campaign), ("retention", _retention),
)


# ---------------------------------------------------------------------------------------------
# What all clients share on a day

def nav_drops(series: Sequence[tuple[dt.date, int]], pct: int,
              since: dt.date) -> list[NavDrop]:
    """The first day of each month on or after `since` whose NAV is at least `pct`% below the
    highest NAV of the LOOKBACK days before it. `series` is (date, nav) oldest first."""
    days = [d for d, _ in series]
    found: dict[tuple[int, int], NavDrop] = {}
    for i, (d, nav) in enumerate(series):
        if d < since or (d.year, d.month) in found:
            continue
        lo = bisect.bisect_left(days, d - _days(LOOKBACK))
        window = [v for _, v in series[lo:i]]
        if window:
            high = max(window)
            if high > 0 and nav * 100 <= high * (100 - pct):
                found[(d.year, d.month)] = NavDrop(d, nav, high)
    return list(found.values())


def holiday_windows(day: dt.date, cal: WorkCalendar, config: Mapping) -> list[HolidayWindow]:
    """Holiday periods whose greeting window can be open on `day` (one per period start)."""
    expiry = config["plan.expiry_days.holiday"]
    windows: dict[dt.date, HolidayWindow] = {}
    for festival, year in cal.festivals_near(day, before=expiry + _SLACK, after=HOLIDAY_REACH):
        first = cal.festival_day(festival, year)
        if first is None or first - _days(HOLIDAY_REACH) > day:
            continue
        start = cal.holiday_start(festival, year)
        if start is None or start in windows:
            continue
        due = cal.nth_working_day_before(start, 1)
        window_start = cal.nth_working_day_before(start, HOLIDAY_WORKING_DAYS)
        windows[start] = HolidayWindow(festival, start, window_start, due)
    return sorted(windows.values(), key=lambda w: w.start)


def _periods(kind: str, day: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The period of `kind` containing `day` and the one before: (reference, start, end)."""
    out = []
    if kind == "month":
        start = month_start(day)
        prev = month_start(start - ONE_DAY)
        for s in (prev, start):
            out.append((f"{s:%Y-%m}", s, month_end(s)))
    elif kind == "quarter":
        q = quarter_of(day)
        prev = (day.year, q - 1) if q > 1 else (day.year - 1, 4)
        for y, qq in (prev, (day.year, q)):
            s, e = quarter_bounds(y, qq)
            out.append((f"{y}-Q{qq}", s, e))
    else:
        for y in (day.year - 1, day.year):
            out.append((str(y), dt.date(y, 1, 1), dt.date(y, 12, 31)))
    return out


def period_windows(day: dt.date, cal: WorkCalendar, config: Mapping) -> dict[str, list[PeriodWindow]]:
    expiry = config["plan.expiry_days.period_end"]
    result: dict[str, list[PeriodWindow]] = {}
    for kind in ("month", "quarter", "year"):
        windows = []
        for reference, start, end in _periods(kind, day):
            # The window opens within the period's last weeks and closes days after it ends.
            if end - _days(3 * PERIOD_WORKING_DAYS) > day or end + _days(expiry + _SLACK) < day:
                continue
            windows.append(PeriodWindow(
                kind, reference, cal.nth_last_working_day(start, end, PERIOD_WORKING_DAYS),
                cal.nth_last_working_day(start, end, 1)))
        result[kind] = windows
    return result


def day_context(day: dt.date, config: Mapping, cal: WorkCalendar, *,
                products: Mapping[str, Product] | None = None,
                navs: Mapping[str, Sequence[tuple[dt.date, int]]] | None = None,
                go_live: dt.date | None = None) -> DayContext:
    """Everything shared by all clients on `day`. `navs`: product -> (date, nav) oldest first,
    from at least LOOKBACK days before nav_since(day, config). `go_live`: the bank's first
    positions import, from which never-contacted clients' first calls are spread."""
    products = products or {}
    since = nav_since(day, config)
    drops = {code: [d for d in nav_drops(series, config["plan.nav_drop_pct"], since) if d.day <= day]
             for code, series in (navs or {}).items()}
    launched_after = new_product_since(day, config)
    fresh = sorted((p for p in products.values()
                    if p.status == "on_sale" and p.launch_date is not None
                    and launched_after <= p.launch_date <= day),
                   key=lambda p: p.product_code)
    return DayContext(day, config, cal, products, {k: v for k, v in drops.items() if v},
                      holiday_windows(day, cal, config), period_windows(day, cal, config), fresh,
                      {p.product_code: product_risk(p.risk_level) for p in fresh}, go_live)
