"""`vipcrm plan`: each RM's day, computed from the data as of the date (read-only)."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from vipcrm.cli.common import Refused, check_format, parse_date_option, state
from vipcrm.formats.output import Field

FORMATS = ("table", "csv", "json", "ics")
FIELDS = (
    Field("plan_date", "date"), Field("rm_id"), Field("client_id"), Field("name"),
    Field("tier", "tier"), Field("channel"), Field("priority", "int"), Field("reasons", "list"),
    Field("due", "date"), Field("overdue", "bool"), Field("talking_points", "list"),
    Field("household_id"), Field("members", "list"),
)
# The table's columns: a household visit lists its members in the client id column.
TABLE_FIELDS = FIELDS[2:11]


def plan_command(
    ctx: typer.Context,
    when: str = typer.Argument("today", metavar="today|week|DATE",
                               help="today, week (the working days of the 7 days from today) "
                                    "or a date YYYY-MM-DD."),
    rm: Optional[str] = typer.Option(None, "--rm", help="Only this RM's plan."),
    branch: Optional[str] = typer.Option(None, "--branch",
                                         help="Only this branch: its RMs, then its clients "
                                              "without an RM (\"unassigned\")."),
    include_non_working: bool = typer.Option(False, "--include-non-working",
                                             help="Plan a weekend or holiday as asked instead "
                                                  "of the next working day."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or ics",
                            case_sensitive=False),
) -> None:
    """Each RM's contact plan for a day: one line per client with open tasks.

    Every line merges the client's due reasons (DOMAIN §4) with the strongest channel (visit >
    phone > SMS), the best priority class (1 compliance and retention, 2 key care, 3 routine),
    the earliest due date, an overdue flag and talking points. Lines are ordered by priority,
    overdue first, due date, tier and client id, and capped at the RM's daily capacity; what does
    not fit stays open for the next working day. A non-working day shows the next working day's
    plan. `plan week` assumes each day's lines are contacted that day. Nothing is written.

    Members of one household served by the RM who both have a visit that day get one line, a
    household visit (one place of the capacity): the client id of its best-ranked member, the
    members' names joined by " + ", every reason, and each member's talking points. Phone and
    SMS lines stay one per client.

    Formats: table (grouped by RM), csv and json (keys plan_date, rm_id, client_id, name, tier,
    channel, priority, reasons, due, overdue, talking_points, household_id (null outside a
    household), members (the client ids the line is for)), ics (one all-day event per visit or
    call, no SMS lines, no phone/ID/balances).

    Example: vipcrm plan today --rm RM001
    """
    from vipcrm.core.planning import plan_day, stale_feeds, week_days
    from vipcrm.store import planning as store

    st = state(ctx)
    fmt = check_format(fmt, FORMATS)
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
            raise Refused(f"no working day in the 7 days from {asked}; "
                          "use --include-non-working to plan them anyway")
    else:
        day = plan_day(asked, cal, include_non_working)
        if day != asked:
            st.info(f"{asked} is not a working day; showing the plan for {day}, the next working "
                    "day (--include-non-working plans the day as asked)")
        days = [day]

    selected_rm = None
    if rm is not None:
        selected_rm = store.find_rm(conn, rm)
        if selected_rm is None:
            raise Refused(f"unknown RM {rm!r}; `vipcrm export rms` lists the RM ids")
        if branch is not None and selected_rm.branch != branch:
            raise Refused(f"RM {rm} works at branch {selected_rm.branch}, not {branch}; "
                          "drop --branch or choose that branch")
        if not selected_rm.active:
            st.warn(f"RM {rm} is inactive: its clients are listed under 'unassigned' of branch "
                    f"{selected_rm.branch} until `vipcrm assign` gives them a new RM")
    elif branch is not None and not store.branch_known(conn, branch):
        raise Refused(f"unknown branch {branch!r}; no RM or client belongs to it")

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
        who = rm or branch or "all RMs"
        name = f"vipcrm plan {who} {days[0]}" + (f" to {days[-1]}" if len(days) > 1 else "")
        sys.stdout.buffer.write(plan_calendar(lines, name))
        sys.stdout.flush()
    else:
        _records_out(fmt, (plan_record(line) for g in groups for d in g.days for line in d.lines))

    for problem in cal.problems():
        st.warn(problem)


def _say_freshness(st, latest, cal, config, stale_feeds) -> None:
    shown = ", ".join(f"{feed} {day or 'none'}" for feed, day in latest.items())
    st.info(f"Data as of: {shown}")
    stale = stale_feeds(latest, st.today, cal, config["data.stale_after_days"])
    if stale:
        st.warn(f"stale data: {', '.join(stale)} older than {config['data.stale_after_days']} "
                "working day(s) before today; import the latest extracts before relying on AUM "
                "and holdings")


def plan_record(line) -> dict:
    """A plan line as the JSON/CSV record of CLI.md (also for writing plan files)."""
    return {
        "plan_date": line.plan_date.isoformat(), "rm_id": line.rm_id,
        "client_id": line.client_id, "name": line.name, "tier": line.tier,
        "channel": line.channel, "priority": line.priority, "reasons": list(line.reasons),
        "due": line.due.isoformat(), "overdue": line.overdue,
        "talking_points": list(line.talking_points), "household_id": line.household_id,
        "members": list(line.members),
    }


def _records_out(fmt: str, records) -> None:
    """Streams: the whole bank's plan never sits in memory."""
    out = sys.stdout
    if fmt == "csv":
        from vipcrm.formats.output import write_csv

        write_csv(records, FIELDS, out)
        return
    out.write("[")
    first = True
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("\n  " if first else ",\n  ") + text)
        first = False
    out.write("\n]\n" if not first else "]\n")


def _tables(st, groups, config) -> None:
    from rich.table import Table

    from vipcrm.formats.output import table_cell
    from vipcrm.store.planning import capacity_of

    console = st.out
    for group in groups:
        for plan in group.days:
            if group.rm is not None:
                rm = group.rm
                title = (f"{plan.plan_date}  {rm.rm_id} {rm.name} · {rm.branch} · "
                         f"{len(plan.lines)}/{capacity_of(rm, config)}")
            else:
                title = f"{plan.plan_date}  unassigned · {group.branch} · {len(plan.lines)}"
            caption = None
            if plan.waiting:
                caption = (f"{plan.waiting} more client(s) with open tasks wait for the next "
                           "working day")
            elif not plan.lines:
                caption = "nothing due"
            table = Table(title=title, caption=caption, show_lines=True, title_justify="left")
            for f in TABLE_FIELDS:
                table.add_column(_label(f.key, st.lang), overflow="fold",
                                 justify="right" if f.type == "int" else "left")
            for line in plan.lines:
                record = plan_record(line)
                cells = [table_cell(record[f.key], f, st.lang) for f in TABLE_FIELDS]
                cells[0] = "\n".join(line.members)
                cells[-1] = "\n".join(line.talking_points)
                table.add_row(*cells)
            console.print(table)


def _label(key: str, lang: str) -> str:
    from vipcrm.formats.i18n import header

    return header(key, lang)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
