"""An RM's day (DOMAIN §4): one line per client merging its open tasks, ordered and capped.

Members of one household (core.household) who share the RM and both have a visit line that day
are seen at one household visit: their lines merge into one, which takes one place of the
day's capacity. Carry-over needs no stored state: a task nobody contacted stays open, so it
competes again the next working day. A week is planned by assuming each day's lines are
contacted that day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple, Sequence

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import TIERS
from vipcrm.core.profile import completeness
from vipcrm.core.strategy import MEANING
from vipcrm.core.suitability import assessment_expires, assessment_valid
from vipcrm.core.tasks import (CHANNEL_STRENGTH, Client, Contact, DayContext, Task, aum_on, cny,
                               open_tasks)
from vipcrm.core.text import Code, Listing, Text

TIER_RANK = {tier: i for i, tier in enumerate(TIERS)}
MISSING_SHOWN = 3
NOTE_CHARS = 80
PLANNED = "(planned)"  # the note of a contact `plan week` assumes on an earlier day


class PlanLine(NamedTuple):
    plan_date: dt.date
    rm_id: str | None
    client_id: str
    name: str
    tier: str | None
    channel: str
    priority: int
    reasons: tuple[str, ...]
    due: dt.date
    overdue: bool
    talking_points: tuple[Text, ...]  # rendered in the user's language when shown
    tasks: tuple[Task, ...]
    household_id: str | None = None
    # The clients the line is for: the client alone, or the household's members seen at one
    # visit (the line's client first).
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class RmDay:
    """One RM's plan for one day: the lines shown, and how many open lines wait."""
    plan_date: dt.date
    rm_id: str | None
    capacity: int | None  # None: not capped (the unassigned list of a branch)
    lines: tuple[PlanLine, ...]
    waiting: int


def order_key(line: PlanLine) -> tuple:
    """Best priority class, overdue first, earliest due, highest tier, client id."""
    return (line.priority, not line.overdue, line.due, TIER_RANK.get(line.tier, len(TIERS)),
            line.client_id)


def talking_points(client: Client, tasks: Sequence[Task], ctx: DayContext) -> tuple[Text, ...]:
    """Tier and AUM, risk level and validity, the tasks' facts (maturities, NAV moves, …), the
    top missing profile fields and the last contact's note."""
    day, config = ctx.day, ctx.config
    points = []
    if client.tier:
        standing = Text("{tier} tier", tier=Code("tier", client.tier))
    else:
        standing = Text("big corporate") if client.big_corporate else Text("no tier")
    if client.watch:
        standing += Text(" (watch)")
    points.append(standing)
    if client.strategy in MEANING:
        points.append(Text("strategy {strategy}: {meaning}",
                           strategy=Code("strategy", client.strategy),
                           meaning=MEANING[client.strategy]))
    # The balance in the parameter tasks.BALANCE names: calendars leave the sentence out.
    aum = cny(aum_on(client, day, config["aum.asset_classes"]))
    points.append(Text("AUM {amount}", amount=aum))
    if client.risk_level and client.risk_assessed_on:
        until = assessment_expires(client.risk_assessed_on, config)
        if assessment_valid(client.risk_assessed_on, day, config):
            points.append(Text("risk {level} valid until {date}", level=client.risk_level,
                               date=until))
        else:
            points.append(Text("risk {level} expired {date}", level=client.risk_level,
                               date=until))
    else:
        points.append(Text("no risk assessment"))
    seen = set()
    for task in tasks:
        if task.detail and task.detail not in seen:
            seen.add(task.detail)
            points.append(task.detail)
    # The §7 fields describe a person; a company's file is its key people (contacts_corp).
    missing = () if client.segment == "corporate" else completeness(
        dict(client.profile, risk_level=client.risk_level,
             risk_assessed_on=client.risk_assessed_on), day, config).top_missing(MISSING_SHOWN)
    if missing:
        points.append(Text("ask for: {fields}",
                           fields=Listing(Code("field", f) for f in missing)))
    last = None
    for contact in client.contacts:
        if contact.day <= day:
            last = contact
    if last is not None:
        note = (last.note or "").strip().replace("\n", " ")
        if len(note) > NOTE_CHARS:
            note = note[:NOTE_CHARS - 1] + "…"
        contact = Text("last contact {date} {channel} {outcome}", date=last.day,
                       channel=Code("channel", last.channel),
                       outcome=Code("outcome", last.outcome))
        if note == PLANNED:  # said in the user's language (a note as typed is not)
            contact += Text(": (planned)")
        elif note:
            contact += Text(": {note}", note=note)
        points.append(contact)
    elif not any(point.template.startswith("never contacted") for point in points):
        points.append(Text("never contacted"))
    return tuple(points)


def plan_line(client: Client, ctx: DayContext) -> PlanLine | None:
    """The client's line on ctx.day, or None without open tasks."""
    tasks = open_tasks(client, ctx)
    if not tasks:
        return None
    tasks.sort(key=lambda t: (t.priority, t.due, t.reason, t.reference))
    reasons = tuple(dict.fromkeys(t.reason for t in tasks))
    due = min(t.due for t in tasks)
    channel = max((t.channel for t in tasks), key=CHANNEL_STRENGTH.__getitem__)
    return PlanLine(ctx.day, client.rm_id, client.client_id, client.name, client.tier, channel,
                    min(t.priority for t in tasks), reasons, due, due < ctx.day, (), tuple(tasks),
                    client.household_id, (client.client_id,))


def household_visit(lines: Sequence[PlanLine], day: dt.date) -> PlanLine:
    """The visit lines of one household's members as one line: every reason, the best
    priority, the earliest due date, the highest tier; the best-ranked member's line leads."""
    lines = sorted(lines, key=order_key)
    tasks = sorted((t for line in lines for t in line.tasks),
                   key=lambda t: (t.priority, t.due, t.reason, t.reference, t.client_id))
    due = min(line.due for line in lines)
    lead = lines[0]
    return lead._replace(
        name=" + ".join(line.name for line in lines),
        tier=min((line.tier for line in lines), key=lambda t: TIER_RANK.get(t, len(TIERS))),
        priority=min(line.priority for line in lines),
        reasons=tuple(dict.fromkeys(t.reason for t in tasks)), due=due, overdue=due < day,
        tasks=tuple(tasks), members=tuple(line.client_id for line in lines))


def merge_household_visits(lines: list[PlanLine], day: dt.date) -> list[PlanLine]:
    """One line per household visit: the visit lines of members of one household (all of one
    RM's book) merge; phone and SMS lines stay per client."""
    visits: dict[str, list[PlanLine]] = {}
    for line in lines:
        if line.channel == "visit" and line.household_id is not None:
            visits.setdefault(line.household_id, []).append(line)
    together = {hid: group for hid, group in visits.items() if len(group) > 1}
    if not together:
        return lines
    merged = [line for line in lines
              if line.household_id not in together or line.channel != "visit"]
    merged += [household_visit(group, day) for group in together.values()]
    return merged


def with_talking_points(line: PlanLine, clients: Mapping[str, Client],
                        ctx: DayContext) -> PlanLine:
    """The line's talking points; a household visit's name who is who, then each member's."""
    if len(line.members) == 1:
        points = talking_points(clients[line.client_id], line.tasks, ctx)
    else:
        # Ids and names are data, not sentences: they stay as they are in every language.
        names = [f"{m} {clients[m].name}" for m in line.members]
        points = [Text("household {household} visit: {members}", household=line.household_id,
                       members=Listing(names))]
        for member, name in zip(line.members, names):
            mine = [t for t in line.tasks if t.client_id == member]
            points += [Text("{member}:", member=name),
                       *talking_points(clients[member], mine, ctx)]
        points = tuple(points)
    return line._replace(talking_points=points)


def rm_day(clients: Iterable[Client], ctx: DayContext, rm_id: str | None,
           capacity: int | None) -> RmDay:
    """The day of one RM: the best `capacity` lines; the rest wait for the next working day.

    An RM's members of one household with a visit that day get one household visit line
    (clients without an RM are not merged: nobody visits them yet)."""
    by_id = {}
    lines = []
    for client in clients:
        line = plan_line(client, ctx)
        if line is not None:
            lines.append(line)
            by_id[client.client_id] = client
    if rm_id is not None:
        lines = merge_household_visits(lines, ctx.day)
    if capacity is None or len(lines) <= capacity:
        shown = sorted(lines, key=order_key)
    else:
        shown = heapq.nsmallest(capacity, lines, key=order_key)
    # Talking points only for the lines shown: they cost more than the ranking.
    shown = [with_talking_points(line, by_id, ctx) for line in shown]
    return RmDay(ctx.day, rm_id, capacity, tuple(shown), len(lines) - len(shown))


def rm_days(clients: Sequence[Client], contexts: Sequence[DayContext], rm_id: str | None,
            capacity: int | None) -> list[RmDay]:
    """Several days in a row, each assuming the lines of the days before were contacted then."""
    clients = list(clients)
    days = []
    for ctx in contexts:
        plan = rm_day(clients, ctx, rm_id, capacity)
        days.append(plan)
        contacted = {member: line.channel for line in plan.lines for member in line.members}
        if contacted:
            clients = [_with_contact(c, ctx.day, contacted[c.client_id])
                       if c.client_id in contacted else c for c in clients]
    return days


def _with_contact(client: Client, day: dt.date, channel: str) -> Client:
    planned = Contact(day, "reached", channel=channel, note=PLANNED,
                      followup_id=f"planned {day}")
    return dataclasses.replace(client, contacts=client.contacts + (planned,))


def plan_day(asked: dt.date, cal: WorkCalendar, include_non_working: bool) -> dt.date:
    """The day a plan asked for `asked` is made for: the next working day unless told."""
    if include_non_working:
        return asked
    return cal.on_or_after(asked)


def week_days(start: dt.date, cal: WorkCalendar, include_non_working: bool) -> list[dt.date]:
    """The working days among the seven days from `start` (every day with include_non_working)."""
    days = [start + dt.timedelta(days=i) for i in range(7)]
    return days if include_non_working else [d for d in days if cal.is_working_day(d)]


def feeds_as_of(latest: Mapping[str, dt.date | None]) -> Listing:
    """Each feed with the date of its latest data, for the data-as-of line (§10)."""
    return Listing(Text("{feed} {date}", feed=Code("feed", feed), date=day or Text("none"))
                   for feed, day in latest.items())


def stale_feeds(latest: Mapping[str, dt.date | None], today: dt.date, cal: WorkCalendar,
                stale_after: int) -> list[str]:
    """Feeds whose latest data is older than `stale_after` working days before today (§10)."""
    limit = today
    for _ in range(stale_after):
        limit = cal.previous_working_day(limit)
    return [feed for feed, day in latest.items() if day is None or day < limit]
