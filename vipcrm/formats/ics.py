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
from vipcrm.core.planning import AUM_POINT, PlanLine
from vipcrm.core.tasks import AMOUNT_MARK

CALENDAR_CHANNELS = ("visit", "phone")
# RFC 5545 PRIORITY: 1 highest, 9 lowest.
ICAL_PRIORITY = {1: 1, 2: 5, 3: 9}
CHANNEL_WORD = {"visit": "Visit", "phone": "Call"}


def event_uid(line: PlanLine) -> str:
    return f"{line.plan_date:%Y%m%d}-{line.rm_id or 'unassigned'}-{line.client_id}@vipcrm"


def plan_calendar(lines: Iterable[PlanLine], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//vipcrm//plan {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
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
        event.add("summary", f"{CHANNEL_WORD[line.channel]} {line.name} ({line.client_id}): "
                             + ", ".join(line.reasons))
        event.add("categories", list(line.reasons))
        event.add("priority", ICAL_PRIORITY.get(line.priority, 9))
        points = [p.partition(AMOUNT_MARK)[0] if p.startswith("matures ") else p
                  for p in line.talking_points if not p.startswith(AUM_POINT)]
        overdue = [f"overdue since {line.due}"] if line.overdue else [f"due {line.due}"]
        event.add("description", "\n".join(overdue + points))
        cal.add_component(event)
    return cal.to_ical()
