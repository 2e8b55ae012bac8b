"""`vipcrm plan`: each RM's day, computed from the data as of the date (read-only)."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from vipcrm.cli.common import (EncodingOption, Refused, check_encoding, check_format,
                               csv_stdout, parse_date_option, state, typed_id)
from vipcrm.core.text import Code, Listing, Text
from vipcrm.formats.output import Field

FORMATS = ("table", "csv", "json", "ics")
FIELDS = (
    Field("plan_date", "date"), Field("rm_id"), Field("client_id"), Field("name"),
    Field("tier", "tier"), Field("channel", family="channel"), Field("priority", "int"),
    Field("reasons", "list", family="reason"),
    Field("due", "date"), Field("overdue", "bool"), Field("talking_points", "list"),
    Field("household_id"), Field("members", "list"),
)
# The table of an RM's day: from the client on, talking points one a line; a household visit
# lists its members in the client id column.
TABLE_FIELDS = (*FIELDS[2:10], Field("talking_points", "points"))
# The table is shown when its talking points get this many cells (or all they need); on a
# narrower screen each client is a block of lines instead.
POINTS_WIDTH = 48


def plan_command(
    ctx: typer.Context,
    when: str = typer.Argument("today", metavar="today|week|DATE",
                               help="today, week (the working days of the 7 days from today) "
                                    "or a date YYYY-MM-DD."),
    rm: Optional[str] = typer.Option(None, "--rm", help="Only this RM's plan.", callback=typed_id),
    branch: Optional[str] = typer.Option(None, "--branch",
                                         help="Only this branch: its RMs, then its clients "
                                              "without an RM (\"unassigned\")."),
    include_non_working: bool = typer.Option(False, "--include-non-working",
                                             help="Plan a weekend or holiday as asked instead "
                                                  "of the next working day."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or ics",
                            case_sensitive=False),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Each RM's contact plan for a day: one line per client with open tasks.

    Every line merges the client's due reasons (maturity, cadence, birthday …) with the
    strongest channel (visit > phone > SMS), the best priority class (1 compliance and
    retention, 2 key care, 3 routine), the earliest due date, an overdue flag and talking
    points. Lines are ordered by priority, overdue first, due date, tier and client id, and
    capped at the RM's daily capacity; what does not fit stays open for the next working day.
    A non-working day shows the next working day's plan. `plan week` assumes each day's lines
    are contacted that day. Nothing is written.

    Members of one household served by the RM who both have a visit that day get one line, a
    household visit (one place of the capacity): the client id of its best-ranked member, the
    members' names joined by " + ", every reason, and each member's talking points. Phone and
    SMS lines stay one per client.

    Formats: table (grouped by RM, a household visit's member ids in the client column; on a
    screen too narrow for the table, one block of lines per client or household), csv and json
    (keys plan_date, rm_id, client_id, name, tier, channel, priority, reasons, due, overdue,
    talking_points, household_id (null outside a household), members (the client ids the line
    is for)), ics (one all-day event per visit or call, no SMS lines, no phone/ID/balances).

    \b
    Examples:
      vipcrm plan today --rm RM1001
      vipcrm plan week --branch BJ01 --format csv
    """
    from vipcrm.core.planning import plan_day, stale_feeds, week_days
    from vipcrm.store import planning as store

    st = state(ctx)
    fmt = check_format(fmt, FORMATS)
    encoding = check_encoding(encoding, fmt)
    week = when.lower() == "week"
    if when.lower() in ("today", "week"):
        asked = st.today
    else:
        asked = parse_date_option(when, "DATE")
    conn = st.db().conn
    config = st.config()
    cal = store.load_calendar(conn)

    if week:
        days = week_days(asked, cal, include_non_working)
        if not days:
            raise Refused(Text("no working day in the 7 days from {date}; use "
                               "--include-non-working to plan them anyway", date=asked))
    else:
        day = plan_day(asked, cal, include_non_working)
        if day != asked:
            st.info(Text("{asked} is not a working day; showing the plan for {day}, the next "
                         "working day (--include-non-working plans the day as asked)",
                         asked=asked, day=day))
        days = [day]

    selected_rm = None
    if rm is not None:
        selected_rm = store.find_rm(conn, rm)
        if selected_rm is None:
            raise Refused(Text("unknown RM {rm!r}; `vipcrm export rms` lists the RM ids", rm=rm))
        if branch is not None and selected_rm.branch != branch:
            raise Refused(Text("RM {rm} works at branch {its}, not {branch}; drop --branch or "
                               "choose that branch", rm=rm, its=selected_rm.branch,
                               branch=branch))
        if not selected_rm.active:
            st.warn(Text("RM {rm} is inactive: its clients are listed under 'unassigned' of "
                         "branch {branch} until `vipcrm assign` gives them a new RM", rm=rm,
                         branch=selected_rm.branch))
    elif branch is not None and not store.branch_known(conn, branch):
        raise Refused(Text("unknown branch {branch!r}; no RM or client belongs to it",
                           branch=branch))

    _say_freshness(st, store.freshness(conn), cal, config, stale_feeds)

    if selected_rm is not None:
        groups = iter([store.rm_plan(conn, selected_rm, days, config, cal)]) \
            if selected_rm.active else iter(())
    else:
        groups = store.branch_plans(conn, branch, days, config, cal)

    if fmt == "table":
        _tables(st, groups, config)
    elif fmt == "ics":
        from vipcrm.formats.ics import plan_calendar

        lines = [line for g in groups for d in g.days for line in d.lines]
        who = rm or branch or Text("all RMs")
        if len(days) > 1:
            name = Text("vipcrm plan {who} {start} to {end}", who=who, start=days[0],
                        end=days[-1])
        else:
            name = Text("vipcrm plan {who} {start}", who=who, start=days[0])
        sys.stdout.buffer.write(plan_calendar(lines, name, st.lang))
        sys.stdout.flush()
    else:
        _records_out(fmt, (plan_record(line, st.lang)
                           for g in groups for d in g.days for line in d.lines), encoding)

    for problem in cal.problems():
        st.warn(problem)


def _say_freshness(st, latest, cal, config, stale_feeds) -> None:
    from vipcrm.core.planning import feeds_as_of

    st.info(Text("Data as of: {feeds}", feeds=feeds_as_of(latest)))
    stale = stale_feeds(latest, st.today, cal, config["data.stale_after_days"])
    if stale:
        st.warn(Text("stale data: {feeds} older than {days} working day(s) before today; import "
                     "the latest extracts before relying on AUM and holdings",
                     feeds=Listing(Code("feed", feed) for feed in stale),
                     days=config["data.stale_after_days"]))


def plan_record(line, lang: str) -> dict:
    """A plan line as the JSON/CSV record of CLI.md (also for writing plan files): codes as
    codes, the talking points (prose) in the user's language."""
    from vipcrm.formats.i18n import render

    return {
        "plan_date": line.plan_date.isoformat(), "rm_id": line.rm_id,
        "client_id": line.client_id, "name": line.name, "tier": line.tier,
        "channel": line.channel, "priority": line.priority, "reasons": list(line.reasons),
        "due": line.due.isoformat(), "overdue": line.overdue,
        "talking_points": [render(point, lang) for point in line.talking_points],
        "household_id": line.household_id, "members": list(line.members),
    }


def _records_out(fmt: str, records, encoding: str | None) -> None:
    """Streams: the whole bank's plan never sits in memory."""
    if fmt == "csv":
        from vipcrm.formats.output import write_csv

        with csv_stdout(encoding) as out:
            write_csv(records, FIELDS, out)
        return
    out = sys.stdout
    out.write("[")
    first = True
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("\n  " if first else ",\n  ") + text)
        first = False
    out.write("\n]\n" if not first else "]\n")


def _tables(st, groups, config) -> None:
    from vipcrm.formats.i18n import header
    from vipcrm.formats.output import layout, print_table, table_cell
    from vipcrm.store.planning import capacity_of

    console = st.out
    labels = [header(f.key, st.lang) for f in TABLE_FIELDS]
    points = {len(TABLE_FIELDS) - 1: POINTS_WIDTH}
    for group in groups:
        for plan in group.days:
            if group.rm is not None:
                rm = group.rm
                title = (f"{plan.plan_date}  {rm.rm_id} {rm.name} · {rm.branch} · "
                         f"{len(plan.lines)}/{capacity_of(rm, config)}")
            else:
                title = st.say(Text("{day}  unassigned · {branch} · {lines}", day=plan.plan_date,
                                    branch=group.branch, lines=len(plan.lines)))
            caption = None
            if plan.waiting:
                caption = st.say(Text("{count} more client(s) with open tasks wait for the next "
                                      "working day", count=plan.waiting))
            elif not plan.lines:
                caption = st.say(Text("nothing due"))
            records = [plan_record(line, st.lang) for line in plan.lines]
            rows = [[table_cell(record[f.key], f, st.lang) for f in TABLE_FIELDS]
                    for record in records]
            for record, row in zip(records, rows):
                row[0] = "\n".join(record["members"]) or row[0]
            fit = layout(TABLE_FIELDS, labels, rows, console.width, lows=points)
            if fit.left_out:
                _blocks(st, title, caption, records)
            else:
                print_table(console, TABLE_FIELDS, labels, rows, title=title, caption=caption,
                            lines=True, fitted=fit)


def _blocks(st, title: str, caption: str | None, records: list[dict]) -> None:
    """An RM's day on a narrow screen: per client (or household visit) a line of who, how and
    when, a line of reasons, then the talking points, each wrapped at the screen's width
    without splitting an id, a date or an amount."""
    from vipcrm.formats.escape import printable
    from vipcrm.formats.i18n import tier_name
    from vipcrm.formats.wrap import wrap, wrap_items

    width = st.out.width
    lines = wrap_items(printable(title).split("  "), width, hang="  ")
    for record in records:
        # A household visit: the household, then its members' ids (the line's client first).
        who = ([st.say(Text("household {household}", household=record["household_id"])),
                " + ".join(record["members"])] if len(record["members"]) > 1
               else [record["client_id"]])
        who.append(printable(record["name"]))
        if record["tier"]:  # a corporate client has none (rated apart): nothing, as in the table
            who.append(tier_name(record["tier"], st.lang))
        who += [st.say(Code("channel", record["channel"])),
                st.say(Text("priority {priority}", priority=record["priority"])),
                st.say(Text("due {date}", date=record["due"]))]
        if record["overdue"]:
            who.append(st.say(Text("overdue")))
        lines.append("")
        lines += wrap_items(who, width, hang="    ")
        reasons = Listing(Code("reason", reason) for reason in record["reasons"])
        lines += wrap(st.say(Text("reasons: {reasons}", reasons=reasons)), width, first="  ",
                      hang="    ")
        for point in record["talking_points"]:
            lines += wrap(printable(point), width, first="  - ", hang="    ")
    if caption:
        lines += ["", *wrap(caption, width)]
    st.out.file.write("\n".join(lines) + "\n\n")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
