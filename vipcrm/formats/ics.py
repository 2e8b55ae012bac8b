"""Plans as iCalendar (RFC 5545) for Outlook and Google Calendar.

One all-day event per visit or call line on its plan date: the plan says which clients to see
that day, not at what time. SMS lines are left out (a message is not an appointment; the CSV
has them). Events carry no phone, ID number or balance, since calendars are often synced to
services outside the bank; UIDs are stable so a re-import updates instead of duplicating.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from icalendar import Calendar, Event

from vipcrm import __version__
from vipcrm.core.planning import PlanLine
from vipcrm.core.tasks import BALANCE
from vipcrm.core.text import Code, Joined, Listing, Text
from vipcrm.formats.i18n import render

CALENDAR_CHANNELS = ("visit", "phone")
# RFC 5545 PRIORITY: 1 highest, 9 lowest.
ICAL_PRIORITY = {1: 1, 2: 5, 3: 9}


def event_uid(line: PlanLine) -> str:
    return f"{line.plan_date:%Y%m%d}-{line.rm_id or 'unassigned'}-{line.client_id}@vipcrm"


def plan_calendar(lines: Iterable[PlanLine], name: Text, lang: str) -> bytes:
    """Titles, descriptions and the calendar's name in the user's language (`lang`): the
    calendar is read by the RM."""
    cal = Calendar()
    cal.add("prodid", f"-//vipcrm//plan {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", render(name, lang))
    for line in lines:
        if line.channel not in CALENDAR_CHANNELS:
            continue
        event = Event()
        event.add("uid", event_uid(line))
        # Derived from the plan date so the same plan gives the same file.
        event.add("dtstamp", dt.datetime.combine(line.plan_date, dt.time(), dt.timezone.utc))
        event.add("dtstart", line.plan_date)
        event.add("dtend", line.plan_date + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        reasons = Listing(Code("reason", reason) for reason in line.reasons)
        if line.channel == "visit":
            summary = Text("Visit {name} ({client}): {reasons}", name=line.name,
                           client=line.client_id, reasons=reasons)
        else:
            summary = Text("Call {name} ({client}): {reasons}", name=line.name,
                           client=line.client_id, reasons=reasons)
        event.add("summary", render(summary, lang))
        event.add("categories", [render(Code("reason", r), lang) for r in line.reasons])
        event.add("priority", ICAL_PRIORITY.get(line.priority, 9))
        due = (Text("overdue since {date}", date=line.due) if line.overdue
               else Text("due {date}", date=line.due))
        points = [render(due, lang)]
        points += [text for text in (_without_balance(p, lang) for p in line.talking_points)
                   if text]
        event.add("description", "\n".join(points))
        cal.add_component(event)
    return cal.to_ical()


def _without_balance(point: Text, lang: str) -> str:
    """A talking point without its sentences holding a balance (the AUM, a maturing amount)."""
    parts = point.parts if isinstance(point, Joined) else (point,)
    return "".join(render(part, lang) for part in parts
                   if not (isinstance(part, Text) and BALANCE in part.params))
