"""`vipcrm report`: what supervisors and branch managers look at (DOMAIN §8), read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

import typer

from vipcrm.cli.common import (BadArgument, EncodingOption, Refused, check_encoding,
                               check_format, parse_date_option, state)
from vipcrm.core.config import TIERS
from vipcrm.core.kpi import pct1
from vipcrm.core.reports import BAND_KEYS, DIMENSIONS, MOVE_KINDS, TIER_ORDER
from vipcrm.core.text import Code, Joined, Listing, Text, said
from vipcrm.formats.output import Field
from vipcrm.formats.zh import WORDS

report_app = typer.Typer(
    no_args_is_help=True,
    help="""Reports and KPIs: tiers, migration, coverage, books, VIP time, the sales funnel,
    scorecards, the grade review, profile completeness, segments, big clients, attrition risk,
    a dashboard.

    Every report covers a period, by default the current month up to today (--from/--to choose
    another), and can be narrowed to a branch (--branch: the clients' ownership branch, or the
    RMs' own branch for RM reports) or an RM (--rm). Nothing is written.

    \b
    Examples:
      vipcrm report tiers --branch BJ01
      vipcrm report kpi --format csv
    """,
)

FROM = typer.Option(None, "--from", help="First day of the period (default: the 1st of the month).")
TO = typer.Option(None, "--to", help="Last day of the period (default: today).")
BRANCH = typer.Option(None, "--branch", help="Only this branch.")
RM = typer.Option(None, "--rm", help="Only this RM (its current clients, its contacts).")
FORMAT = typer.Option("table", "--format", "-f", help="table, csv or json.", case_sensitive=False)

# Chinese headers of the completeness bands; formats.i18n labels every other key.
LABELS_ZH = {key: f"完整度{key[5:].replace('_', '-')}%" for key in BAND_KEYS}
# Codes shown in Chinese tables (CSV and JSON keep the codes).
CODES_ZH = WORDS["report"]


@dataclass
class Ask:
    """What every report starts from: the state, the period and the scope."""
    st: object
    conn: object
    config: object
    start: dt.date
    end: dt.date
    scope: object
    encoding: str | None = None  # of a CSV


def _ask(ctx: typer.Context, start: Optional[str], end: Optional[str], branch: Optional[str],
         rm: Optional[str], *, period: bool = True, whole_year: bool = False,
         encoding: str | None = None) -> Ask:
    """`whole_year`: the period defaults to the year of the review (`core.kpi.review_period`)
    instead of the month to date."""
    from vipcrm.core.kpi import review_period
    from vipcrm.core.planning import feeds_as_of, stale_feeds
    from vipcrm.core.reports import default_period
    from vipcrm.store import reports as store

    st = state(ctx)
    end_day = parse_date_option(end, "--to")
    if end_day is None:
        end_day = review_period(st.today)[1] if whole_year and start is None else st.today
    if end_day > st.today:
        raise BadArgument(Text("{day} is after today ({today}); reports cover data already seen",
                               day=end_day, today=st.today), "--to")
    start_day = parse_date_option(start, "--from") or (
        end_day.replace(month=1, day=1) if whole_year else default_period(end_day)[0])
    if start_day > end_day:
        raise BadArgument(Text("{day} is after the end of the period ({end})", day=start_day,
                               end=end_day), "--from")
    conn = st.db().conn
    scope = checked_scope(conn, branch, rm)
    config = st.config()
    latest = store.freshness(conn)
    when = (Text("Period {start} to {end}", start=start_day, end=end_day) if period
            else Text("As of {end}", end=end_day))
    st.info(Text("{when}; data as of: {feeds}", when=when, feeds=feeds_as_of(latest)))
    stale = stale_feeds(latest, st.today, store.calendar(conn), config["data.stale_after_days"])
    if stale:
        st.warn(Text("stale data: {feeds} older than {days} working day(s) before today; import "
                     "the latest extracts first",
                     feeds=Listing(Code("feed", feed) for feed in stale),
                     days=config["data.stale_after_days"]))
    return Ask(st, conn, config, start_day, end_day, scope, encoding)


def checked_scope(conn, branch: Optional[str], rm: Optional[str]):
    """The branch and RM a report or list is limited to, each known, the RM of that branch."""
    from vipcrm.store import reports as store

    if rm is not None:
        found = store.known_rm(conn, rm)
        if found is None:
            raise Refused(Text("unknown RM {rm!r}; `vipcrm export rms` lists the RM ids", rm=rm))
        if branch is not None and found["branch"] != branch:
            raise Refused(Text("RM {rm} works at branch {its}, not {branch}; drop --branch or "
                               "choose that branch", rm=rm, its=found["branch"], branch=branch))
    if branch is not None and not store.known_branch(conn, branch):
        raise Refused(Text("unknown branch {branch!r}; no RM or client belongs to it",
                           branch=branch))
    return store.Scope(branch, rm)


def _note_history(ask: Ask, day: dt.date) -> None:
    from vipcrm.store.reports import first_tier_run

    first = first_tier_run(ask.conn)
    if first is None:
        ask.st.warn(Text("no tier recompute yet, so no client holds a tier; run `vipcrm tier "
                         "--recompute` first"))
    elif day < first:
        ask.st.info(Text("the tier history starts with the first recompute on {first}; earlier "
                         "days count in the tiers of that run", first=first))


def _label(key: str, lang: str) -> str:
    from vipcrm.formats.i18n import header, tier_name

    if key in TIER_ORDER:
        return tier_name(key, lang)
    if lang == "zh" and key in LABELS_ZH:
        return LABELS_ZH[key]
    return header(key, lang)


def _cell(value, f: Field, lang: str) -> str:
    from vipcrm.formats.output import table_cell

    if f.type == "code":
        return "" if value is None else (CODES_ZH.get(value, value) if lang == "zh" else value)
    if f.type == "list" and lang == "zh" and value:
        from vipcrm.formats.i18n import header

        return "; ".join(LABELS_ZH.get(v) or header(v, lang) for v in value)
    return table_cell(value, f, lang)


def _totals(records: Sequence[dict], fields: Sequence[Field],
            ratios: Mapping[str, tuple[str, str]]) -> dict:
    """Sums of the summed fields; a ratio field is the ratio of its two sums, not a sum."""
    total = {f.key: sum(r.get(f.key) or 0 for r in records) for f in fields if f.total}
    for key, (part, whole) in ratios.items():
        total[key] = pct1(sum(r.get(part) or 0 for r in records),
                          sum(r.get(whole) or 0 for r in records))
    return total


def _show(ask: Ask, records: Sequence[dict], fields: Sequence[Field], fmt: str, title: str, *,
          ratios: Mapping[str, tuple[str, str]] | None = None, totals: bool = True,
          flag: Callable[[dict], bool] | None = None, caption: Text | None = None) -> None:
    """CSV and JSON: the records alone. Table: labels in the chosen language, a total row and
    flagged rows in bold red."""
    st = ask.st
    if fmt != "table":
        st.emit(records, fields, fmt, encoding=ask.encoding)
        return
    from vipcrm.formats.output import print_table

    rows = [[_cell(record.get(f.key), f, st.lang) for f in fields] for record in records]
    styles = ["bold red" if flag and flag(record) else None for record in records]
    total = None
    if totals and records:
        sums = _totals(records, fields, ratios or {})
        first = st.say(Text("Total"))
        total = [_cell(sums[f.key], f, st.lang) if f.key in sums else (first if i == 0 else "")
                 for i, f in enumerate(fields)]
    st.left_out(print_table(st.out, fields, [_label(f.key, st.lang) for f in fields], rows,
                            title=title, caption=st.say(caption) if caption else None,
                            styles=styles, total=total))


def _title(ask: Ask, name: Text, *, period: bool = True) -> str:
    when = f"{ask.start} – {ask.end}" if period else f"{ask.end}"
    where = " · ".join(x for x in (ask.scope.branch, ask.scope.rm_id) if x)
    return f"{ask.st.say(name)}  {when}" + (f"  {where}" if where else "")


# -----------------------------------------------------------------------------------------
# 1. tiers

def _tier_fields(per_branch: bool) -> list[Field]:
    return [*([Field("branch")] if per_branch else []), Field("tier", "tier"),
            Field("clients", "int", True), Field("watch", "int", True),
            Field("aum", "money", True), Field("clients_pct", "pct"), Field("aum_pct", "pct"),
            Field("clients_start", "int", True), Field("aum_start", "money", True),
            Field("clients_change", "int", True), Field("aum_change", "money", True)]


@report_app.command("tiers")
def tiers(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
          branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
          per_branch: bool = typer.Option(False, "--per-branch", help="One block of rows per branch."),
          fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """Clients and AUM per tier at the end of the period, and how that changed since its start.

    Counts retail clients open on --to that hold a tier there (from the tier history), plus a
    `none` row for clients below gold who hold assets; AUM is each client's AUM on the day
    (the classes of aum.asset_classes, each position's latest balance carried forward). `watch`
    counts clients kept in their tier while below its floor. The start is the end of the day
    before --from; shares are of the whole scope (of the branch with --per-branch).

    JSON/CSV keys: [branch,] tier, clients, watch, aum, clients_pct, aum_pct, clients_start,
    aum_start, clients_change, aum_change (money in CNY).

    \b
    Example:
      vipcrm report tiers --per-branch
    """
    from vipcrm.core.reports import eve
    from vipcrm.store.reports import tiers_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    _note_history(ask, eve(ask.start))
    records = tiers_report(ask.conn, ask.config, ask.start, ask.end, ask.scope, per_branch)
    _show(ask, records, _tier_fields(per_branch), fmt, _title(ask, Text("Tiers")),
          ratios={"clients_pct": ("clients", "clients"), "aum_pct": ("aum", "aum")})


# -----------------------------------------------------------------------------------------
# 2. migration

MIGRATION_FIELDS = [Field("from_tier", "tier"), Field("clients", "int", True),
                    *(Field(t, "int", True) for t in TIER_ORDER),
                    *(Field(k, "int", True) for k in MOVE_KINDS)]


@report_app.command("migration")
def migration(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
              branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
              fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """The tier migration matrix: each client's tier at the start (rows) against at the end.

    Rebuilt from the tier history: the start is the end of the day before --from, the end is
    --to; `none` is below gold (a closed client holds no tier). Each row gives the clients that
    held that tier at the start, where they are at the end (one column per tier), and sums its
    cells as stayed, upgraded, downgraded, entered (from below gold: the `none` row) and exited
    (to below gold). Clients below gold at both dates are left out.

    JSON/CSV keys: from_tier, clients, black_gold, diamond, premier_platinum, platinum,
    premier_gold, gold, none, stayed, upgraded, downgraded, entered, exited.

    \b
    Example:
      vipcrm report migration --branch SH01
    """
    from vipcrm.core.reports import eve
    from vipcrm.store.reports import migration_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    _note_history(ask, eve(ask.start))
    records = migration_report(ask.conn, ask.start, ask.end, ask.scope)
    _show(ask, records, MIGRATION_FIELDS, fmt, _title(ask, Text("Tier migration")))


# -----------------------------------------------------------------------------------------
# 3. coverage

COVERAGE_COUNTS = [Field("clients", "int", True), Field("eligible", "int", True),
                   Field("covered", "int", True), Field("coverage_pct", "pct"),
                   Field("never_contacted", "int", True), Field("overdue_tasks", "int", True),
                   Field("missed_tasks", "int", True)]
GROUP_FIELDS = {"tier": [Field("tier", "tier")], "rm": [Field("rm_id"), Field("name")],
                "branch": [Field("branch")]}


def _choice(value: str, choices: Sequence[str], option: str) -> str:
    value = value.strip().lower()
    if value not in choices:
        raise BadArgument(Text("{value!r}; choose one of {choices}", value=value,
                               choices=", ".join(choices)), option)
    return value


@report_app.command("coverage")
def coverage(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
             branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
             by: str = typer.Option("tier", "--by", help="tier, rm or branch: one row per each."),
             fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """Who was contacted within their tier's cadence, who never was, and which tasks slipped.

    Over the retail clients tiered on --to: `eligible` have been in their tier for at least one
    cadence (tiers.<tier>.cadence_days); `covered` are those of them with a `reached` contact on
    or after --to minus the cadence; coverage_pct = covered / eligible. never_contacted: no
    reached contact at all. Tasks follow the rules of `vipcrm plan` for the clients' current
    tier and contacts: overdue_tasks are open on --to past their due date, missed_tasks passed
    due + expiry undone during the period. Clients without an active RM form the empty rm row.

    JSON/CSV keys: tier | rm_id, name | branch, clients, eligible, covered, coverage_pct,
    never_contacted, overdue_tasks, missed_tasks.

    \b
    Example:
      vipcrm report coverage --by rm --branch BJ01
    """
    from vipcrm.store.reports import COVERAGE_GROUPS, coverage_report

    fmt = check_format(fmt)
    by = _choice(by, COVERAGE_GROUPS, "--by")
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    _note_history(ask, ask.end)
    records = coverage_report(ask.conn, ask.config, ask.start, ask.end, ask.scope, by)
    _show(ask, records, [*GROUP_FIELDS[by], *COVERAGE_COUNTS], fmt,
          _title(ask, Text("Coverage")), ratios={"coverage_pct": ("covered", "eligible")})


# -----------------------------------------------------------------------------------------
# 4. rm

RM_FIELDS = [Field("rm_id"), Field("name"), Field("branch"), Field("grade", "grade"),
             Field("active", "bool"), Field("capacity", "int", True), Field("load", "int", True),
             Field("used_pct", "pct"), *(Field(t, "int", True) for t in TIERS),
             Field("untiered", "int", True), Field("grade_gaps", "int", True),
             Field("pinned", "int", True), Field("aum", "money", True),
             Field("tasks_due", "int", True), Field("tasks_done", "int", True),
             Field("plan_completion_pct", "pct")]


@report_app.command("rm")
def rm_book(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
            branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
            fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """Each RM's book: clients by tier, AUM, capacity used, grade gaps and plan completion.

    The book is the RM's current assignments (active RMs, and inactive ones still holding
    clients); grade is the effective grade (trainee while the exam is not passed) and capacity
    its book size (grades.<grade>.capacity), used_pct = load / capacity. AUM is the book's AUM on --to. Plan
    completion: of the tasks of its clients due in the period (the rules of `vipcrm plan`),
    the share done by --to. --branch is the RMs' own branch.

    JSON/CSV keys: rm_id, name, branch, grade, active, capacity, load, used_pct, black_gold,
    diamond, premier_platinum, platinum, premier_gold, gold, untiered, grade_gaps, pinned, aum,
    tasks_due, tasks_done, plan_completion_pct.

    \b
    Example:
      vipcrm report rm --branch BJ01
    """
    from vipcrm.store.reports import rm_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    records = rm_report(ask.conn, ask.config, ask.start, ask.end, ask.scope)
    _show(ask, records, RM_FIELDS, fmt, _title(ask, Text("RM books")),
          ratios={"used_pct": ("load", "capacity"),
                  "plan_completion_pct": ("tasks_done", "tasks_due")})


# -----------------------------------------------------------------------------------------
# 5. timeshare

TIMESHARE_FIELDS = [Field("rm_id"), Field("name"), Field("vip_minutes", "int", True),
                    Field("total_minutes", "int", True), Field("vip_share_pct", "pct"),
                    Field("on_target", "bool")]


@report_app.command("timeshare")
def timeshare(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
              branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
              fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """Each RM's share of time spent on VIP clients over the period, against the target.

    vip_minutes = minutes of the RM's contacts with clients that held a tier on the contact's
    date (the tier history) + its timesheet `vip` minutes; total_minutes = all its contact
    minutes + all its timesheet minutes. vip_share_pct = 100 × vip / total (one decimal);
    on_target when 100 × vip ≥ kpi.vip_time_target_pct (70) × total, compared exactly, so
    exactly 70.0% is on target. RMs below target are shown in bold red; an RM with no time
    recorded has no share and is not on target. Lists active RMs and any RM with time.

    JSON/CSV keys: rm_id, name, vip_minutes, total_minutes, vip_share_pct (0-100), on_target.

    \b
    Example:
      vipcrm report timeshare --branch BJ01 --format json
    """
    from vipcrm.store.reports import timeshare_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    _note_history(ask, ask.start)
    records = timeshare_report(ask.conn, ask.config, ask.start, ask.end, ask.scope)
    target = ask.config["kpi.vip_time_target_pct"]
    _show(ask, records, TIMESHARE_FIELDS, fmt, _title(ask, Text("VIP time share")),
          ratios={"vip_share_pct": ("vip_minutes", "total_minutes")},
          flag=lambda r: not r["on_target"], caption=Text("target ≥ {target}%", target=target))


# -----------------------------------------------------------------------------------------
# 6. pipeline

PIPELINE_FIELDS = [Field("stage", "code"), Field("contacts", "int", True),
                   Field("clients", "int"), Field("converted", "int"), Field("conversion_pct", "pct"),
                   Field("amount", "money", True), Field("referrals", "int", True),
                   Field("overrides", "int", True), Field("after_sale_due", "int", True),
                   Field("after_sale_on_time", "int", True), Field("after_sale_on_time_pct", "pct")]


@report_app.command("pipeline")
def pipeline(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
             branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
             fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """The five-step sales funnel of the period: plan, assess, sale, after_sale,
    celebrate.

    Per stage: contacts logged with that stage (any outcome); clients reached in it; converted:
    those of them reached in the next stage on or after their first contact in this one, and
    conversion_pct = converted / clients; amount (the sales' amounts); referrals and suitability
    overrides logged with the stage. The after_sale row adds the after-sale calls (+7 and +30
    days after a sale) due in the period for the scope's sales, those made on their
    due day, and the share. --branch and --rm select the RMs who logged the contacts.

    JSON/CSV keys: stage, contacts, clients, converted, conversion_pct, amount, referrals,
    overrides, after_sale_due, after_sale_on_time, after_sale_on_time_pct.

    \b
    Example:
      vipcrm report pipeline --rm RM1001
    """
    from vipcrm.store.reports import pipeline_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    records = pipeline_report(ask.conn, ask.config, ask.start, ask.end, ask.scope)
    _show(ask, records, PIPELINE_FIELDS, fmt, _title(ask, Text("Sales pipeline")),
          ratios={"after_sale_on_time_pct": ("after_sale_on_time", "after_sale_due")})


# -----------------------------------------------------------------------------------------
# 7. kpi and 8. review

METRIC_FIELDS = [Field("results", "pct"), Field("process", "pct"), Field("teamwork", "pct"),
                 Field("feedback", "pct"), Field("aum_growth", "money"),
                 Field("net_new_money", "money"), Field("market_move", "money"),
                 Field("sales", "money"), Field("upgrades", "int"),
                 Field("tasks_on_time_pct", "pct"), Field("completeness_pct", "pct"),
                 Field("after_sale_on_time_pct", "pct"), Field("referrals", "int"),
                 Field("joint_visits", "int"), Field("satisfaction", "num")]
KPI_FIELDS = [Field("rank", "int"), Field("rm_id"), Field("name"), Field("branch"),
              Field("grade", "grade"), Field("cohort", "grade"), Field("cohort_rms", "int"),
              Field("score", "pct"), *METRIC_FIELDS]

@report_app.command("kpi")
def kpi(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
        branch: Optional[str] = BRANCH, rm: Optional[str] = RM, fmt: str = FORMAT,
        encoding: Optional[str] = EncodingOption) -> None:
    """The RM scorecard: results 50, process 20, teamwork 15, feedback 15.

    Sub-metrics per active RM over the period. Results: net new money of the clients it held,
    sales amount (reached `sale` contacts), tier upgrades of the clients it held (moves up,
    entries from below gold; not the first recompute). A client counts for the days the RM
    held it (from the assignment history; a change dated D hands it over after day D, so the
    next RM is credited from D + 1): a client reassigned in the period is split between its
    RMs, and an upgrade counts for the RM holding the client on its effective date.
    aum_growth = AUM at the end of the holding's last day in the period (the hand-over day or
    --to) minus at the end of the day before its first (the take-over day or the eve of --from);
    net_new_money = the sum of the client's transaction amounts in the holding (money
    in positive), or its whole AUM change when it has no transaction on record up to --to;
    market_move = aum_growth − net_new_money. The scorecard ranks net_new_money. The four
    are empty for an RM that held no client in the period.
    Process: share of its book's tasks due in the period (the rules of `vipcrm plan`) done by
    their due date, average profile completeness of the book (`report completeness`), share of after-sale calls of its sales made
    on their due day. Teamwork: referrals logged, joint visits (led with a joint RM or joined).
    Feedback: average satisfaction (1-5).

    Each sub-metric becomes a percentile rank among the active RMs of the same grade (cohort:
    an RM without the exam counts as a trainee; cohort_rms of them): 100 × (rank − 1) / (n −
    1) with the lowest value ranked 1, equal values sharing the average rank, a lone RM 100. An
    RM without data on a sub-metric (no rated contact, no task due, no client held) ranks
    lowest, 0, below every RM with data; a sub-metric no RM of the grade has data on is left
    out. A component is the mean of its sub-metrics' ranks; score = Σ weight × component / Σ
    weights (kpi.weights.results/process/teamwork/feedback, 50/20/15/15; a component left out
    is out of both sums). rank = position within the grade; rows by grade, best first.
    --branch and --rm only select the rows.

    JSON/CSV keys: rank, rm_id, name, branch, grade, cohort, cohort_rms, score, results,
    process, teamwork, feedback (0-100), aum_growth, net_new_money, market_move, sales (CNY),
    upgrades, tasks_on_time_pct, completeness_pct, after_sale_on_time_pct, referrals,
    joint_visits, satisfaction.

    \b
    Example:
      vipcrm report kpi --branch GZ01
    """
    from vipcrm.store.reports import kpi_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    records = _kpi(ask, kpi_report)
    _show(ask, records, KPI_FIELDS, fmt, _title(ask, Text("RM scorecard")), totals=False)


def _kpi(ask: Ask, build):
    from vipcrm.core.kpi import KpiError

    try:
        return build(ask.conn, ask.config, ask.start, ask.end, ask.scope)
    except KpiError as exc:
        raise Refused(said(exc)) from None


REVIEW_FIELDS = [Field("position", "int"), Field("rm_id"), Field("name"), Field("branch"),
                 Field("grade", "grade"), Field("cohort", "grade"), Field("cohort_rms", "int"),
                 Field("exam_passed", "bool"), Field("score", "pct"),
                 Field("cohort_median", "pct"), Field("action", "code"),
                 Field("proposed_grade", "grade"), Field("reason", "code"), *METRIC_FIELDS]


@report_app.command("review")
def review(ctx: typer.Context,
           start: Optional[str] = typer.Option(
               None, "--from", help="First day of the period (default: 1 January; in January, "
                                    "1 January of the previous year)."),
           end: Optional[str] = typer.Option(
               None, "--to", help="Last day of the period (default: today; in January without "
                                  "--from, 31 December of the previous year)."),
           branch: Optional[str] = BRANCH, rm: Optional[str] = RM, fmt: str = FORMAT,
           encoding: Optional[str] = EncodingOption) -> None:
    """The year-end grade review proposal, with each RM's evidence.

    The period defaults to the year to date (1 January to today; in January the whole
    previous year); --to alone starts it on 1 January of that year. The review is run within
    each grade (cohort: an RM without the exam counts as a trainee), on the scorecard scores of
    `report kpi`, which are taken within the grade too: position is the place in the grade
    (equal scores by RM id). The top 20% of a grade's active RMs are proposed one grade up
    (reason top_share; a senior RM stays: highest_grade), the bottom 10% one grade down
    (bottom_share), both rounded down and at least one each in a grade of 5 RMs or more (so a
    grade of fewer than 5 RMs moves nobody on its share). An RM who has not passed the exam
    works as a trainee and is not moved (exam_not_passed); a trainee who passed it becomes l4
    when its score is at or above the median of its grade, cohort_median (trainee_passed), else
    stays (trainee_below_median, or lowest_grade in the bottom 10%). Others keep their grade
    (middle). The evidence is the score, its components and the sub-metrics of `report kpi`.

    JSON/CSV keys: position, rm_id, name, branch, grade, cohort, cohort_rms, exam_passed,
    score, cohort_median, action (promote, demote, keep), proposed_grade, reason, then the
    components and sub-metrics of `report kpi`.

    \b
    Example:
      vipcrm report review --branch SH01
    """
    from vipcrm.core.kpi import round1
    from vipcrm.store.reports import review_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, whole_year=True,
               encoding=check_encoding(encoding, fmt))
    records, medians = _kpi(ask, review_report)
    shown = Listing(Text("{grade} {median}", grade=Code("grade_code", grade),
                         median="-" if median is None else f"{round1(median):.1f}")
                    for grade, median in medians.items())
    medians_line = Text("median score per grade: {medians}", medians=shown or "-")
    ask.st.info(medians_line)
    _show(ask, records, REVIEW_FIELDS, fmt, _title(ask, Text("Grade review")), totals=False,
          caption=medians_line)


# -----------------------------------------------------------------------------------------
# 9. completeness

COMPLETENESS_COUNTS = [Field("clients", "int", True), Field("avg_pct", "pct"),
                       Field("at_target", "int", True), Field("at_target_pct", "pct"),
                       *(Field(k, "int", True) for k in BAND_KEYS), Field("most_missing", "list")]


@report_app.command("completeness")
def completeness(ctx: typer.Context, end: Optional[str] = TO, branch: Optional[str] = BRANCH,
                 rm: Optional[str] = RM,
                 by: str = typer.Option("tier", "--by", help="tier or rm: one row per each."),
                 fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """Profile completeness of the tiered clients on --to, per tier or per RM.

    Each client's completeness is the weighted share of its filled profile fields
    (profile.weights.*; a risk level counts only while its assessment is valid). Per row:
    clients, avg_pct, at_target (at or above profile.target_pct, 80) and its share, the
    distribution in 20-point bands (band_80_100 includes 100), and the three fields most often
    missing. The rm rows use the current assignment; clients without an active RM form the empty
    row.

    JSON/CSV keys: tier | rm_id, name, clients, avg_pct, at_target, at_target_pct, band_0_20,
    band_20_40, band_40_60, band_60_80, band_80_100, most_missing (list).

    \b
    Example:
      vipcrm report completeness --by rm --branch SH01
    """
    from vipcrm.store.reports import COMPLETENESS_GROUPS, completeness_report

    fmt = check_format(fmt)
    by = _choice(by, COMPLETENESS_GROUPS, "--by")
    ask = _ask(ctx, None, end, branch, rm, period=False, encoding=check_encoding(encoding, fmt))
    records = completeness_report(ask.conn, ask.config, ask.end, ask.scope, by)
    _show(ask, records, [*GROUP_FIELDS[by], *COMPLETENESS_COUNTS], fmt,
          _title(ask, Text("Profile completeness"), period=False),
          ratios={"at_target_pct": ("at_target", "clients")})


# -----------------------------------------------------------------------------------------
# 10. segments

def _dims(text: str) -> list[str]:
    dims = [d.strip().lower() for d in text.split(",") if d.strip()]
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown or not 1 <= len(dims) <= 3 or len(set(dims)) != len(dims):
        raise BadArgument(Text("{value!r}; give one to three different dimensions of "
                               "{dimensions}, e.g. tier,risk_level", value=text,
                               dimensions=", ".join(DIMENSIONS)), "--by")
    return dims


@report_app.command("segments")
def segments(ctx: typer.Context, end: Optional[str] = TO, branch: Optional[str] = BRANCH,
             rm: Optional[str] = RM,
             by: str = typer.Option("tier,risk_level", "--by",
                                    help="Two or three of: " + ", ".join(DIMENSIONS) + "."),
             fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """Multi-dimensional tiering: clients and AUM on --to cross-tabulated by up to
    three dimensions, to pick target groups and their contact, service and sales strategy.

    Covers retail clients open on --to that hold a tier or assets (tier `none`: below gold).
    Dimensions: tier; risk_level (C1-C5 as recorded, unknown); age_band (under_30, 30_39,
    40_49, 50_59, 60 to the elderly age of suitability.elderly_age, then <age>_plus, unknown);
    life_stage (single or forming a family under 35 by marital status or wedding date, growing
    35-49, mature 50 to the elderly age, retired from it); branch (ownership branch);
    product_mix (the asset class holding most of the client's AUM, none); engagement
    (within_cadence: reached within its tier's cadence, lapsed, never, no_cadence below gold).
    Per combination present: clients, clients_pct, aum, aum_pct (of the whole) and avg_aum.

    JSON/CSV keys: the chosen dimensions, then clients, clients_pct, aum, aum_pct, avg_aum.

    \b
    Example:
      vipcrm report segments --by tier,age_band,engagement
    """
    from vipcrm.store.reports import segments_report

    fmt = check_format(fmt)
    dims = _dims(by)
    ask = _ask(ctx, None, end, branch, rm, period=False, encoding=check_encoding(encoding, fmt))
    records = segments_report(ask.conn, ask.config, ask.end, ask.scope, dims)
    fields = [*(Field(d, "tier" if d == "tier" else "code") for d in dims),
              Field("clients", "int", True), Field("clients_pct", "pct"),
              Field("aum", "money", True), Field("aum_pct", "pct"), Field("avg_aum", "money")]
    _show(ask, records, fields, fmt, _title(ask, Text("Segments"), period=False),
          ratios={"clients_pct": ("clients", "clients"), "aum_pct": ("aum", "aum")})


# -----------------------------------------------------------------------------------------
# 11. corporates

def _corporate_fields() -> list[Field]:
    from vipcrm.core.config import CORPORATE_FACTORS
    from vipcrm.store.reports import VISIT_LEVELS

    return [Field("rank", "int"), Field("client_id"), Field("name"), Field("score", "num"),
            Field("big", "bool"), Field("review", "code"), Field("score_change", "num"),
            Field("previous_rank", "int"), *(Field(f, "num") for f in CORPORATE_FACTORS),
            Field("missing", "list"), Field("strategy", family="strategy"),
            *(Field(f"{level}_{what}", "int") for level in VISIT_LEVELS
              for what in ("visits", "min")),
            Field("visits_short", "int", True)]


@report_app.command("corporates")
def corporates(ctx: typer.Context, end: Optional[str] = TO, branch: Optional[str] = BRANCH,
               rm: Optional[str] = RM,
               year: Optional[int] = typer.Option(None, "--year", min=1900, max=2100,
                                                  help="Review year (default: the latest rated "
                                                       "year up to --to's)."),
               everyone: bool = typer.Option(False, "--all", help="Every rated client, not only "
                                                                 "the big-client list."),
               fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """The big-client list of a review year and the year's visits against the
    minimums.

    From the stored rating (`vipcrm tier corporate`): rank, score, big, each factor's 0-100
    score and the missing metrics; review (entered, stayed, left) and score_change and
    previous_rank against the previous rated year; clients that left the list are listed too.
    Visits are the corporate contacts with a visit level (any outcome but no_answer) from
    1 January of the year to --to, per level against corporate.visits.<level> (1/2/4 a year;
    for a big client whose strategy is invest, corporate.strategy.invest_visits.<level>,
    2/4/8); visits_short sums what a big client still lacks. strategy is the big client's
    sales strategy in force (see `vipcrm tier corporate --help`).

    JSON/CSV keys: rank, client_id, name, score, big, review, score_change, previous_rank,
    contract_volume, unit_price, revenue, collection_rate, profit, quality_loss,
    industry_influence, credit_rating, missing (list), strategy, leadership_visits, leadership_min,
    technical_visits, technical_min, business_visits, business_min, visits_short.

    \b
    Example:
      vipcrm report corporates --all
    """
    from vipcrm.store.reports import corporates_report, rated_years

    fmt = check_format(fmt)
    ask = _ask(ctx, None, end, branch, rm, period=False, encoding=check_encoding(encoding, fmt))
    years = [y for y in rated_years(ask.conn) if y <= ask.end.year]
    if year is None:
        if not years:
            raise Refused(Text("no corporate rating up to this year; import `corporates` metrics "
                               "and run `vipcrm tier corporate` first"))
        year = years[-1]
    elif year not in rated_years(ask.conn):
        raise Refused(Text("review year {year} has not been rated; run `vipcrm tier corporate "
                           "--year {year}` first", year=year))
    records, previous = corporates_report(ask.conn, ask.config, year, ask.end, ask.scope, everyone)
    if previous:
        ask.st.info(Text("review year {year}, compared with {previous}", year=year,
                         previous=previous))
    else:
        ask.st.info(Text("review year {year}, no earlier rated year to compare with", year=year))
    title = f"{ask.st.say(Text('Big clients'))}  {year}"
    _show(ask, records, _corporate_fields(), fmt, title)


# -----------------------------------------------------------------------------------------
# 12. dashboard

@report_app.command("dashboard")
def dashboard(ctx: typer.Context,
              output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write."),
              start: Optional[str] = FROM, end: Optional[str] = TO,
              branch: Optional[str] = BRANCH) -> None:
    """One self-contained HTML page of charts for a branch manager.

    Tier distribution (clients and AUM), the migration matrix of the period, coverage per tier
    (a tier where nobody has been a whole cadence yet says so), each RM's VIP time share
    against the target line (RMs under their branch), the sales funnel (each step's clients
    and how many went on to the next) and profile completeness per tier, drawn as inline SVG:
    no script, no network, opens anywhere; --lang zh draws it in Chinese. Numbers are those of
    the reports of the same name (coverage without the task counts). The file is owner-only and
    never written over the database or another database file.

    \b
    Example:
      vipcrm report dashboard -o dashboard.html --branch BJ01
    """
    from vipcrm.core.text import Text
    from vipcrm.formats.dashboard import render_dashboard
    from vipcrm.store.outputs import Guard
    from vipcrm.store.reports import dashboard_data

    with Guard(state(ctx).db_path).open(output, Text("the dashboard")) as handle:
        ask = _ask(ctx, start, end, branch, None)
        data = dashboard_data(ask.conn, ask.config, ask.start, ask.end, ask.scope)
        handle.write(render_dashboard(data, ask.st.lang))
    ask.st.info(Text("dashboard written to {path}", path=output))


# -----------------------------------------------------------------------------------------
# 13. compliance

COMPLIANCE_FIELDS = [Field("kind", "code"), Field("date"), Field("client_id"), Field("name"),
                     Field("branch"), Field("rm_id"), Field("product_code"),
                     Field("asset_class", family="asset_class"),
                     Field("product_risk"), Field("client_risk"), Field("assessed_on"),
                     Field("age", "int"), Field("channel", family="channel"),
                     Field("amount", "money"),
                     Field("followup_id"), Field("override_reason", "prose"),
                     Field("risk_warning_id"), Field("recording_id")]


@report_app.command("compliance")
def compliance(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
               branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
               fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """What a compliance review looks at (the suitability rules of NFRA Order 2025 No.7): one
    list, by kind.

    override: the period's sales made with a suitability override (reason, risk-warning id).
    elderly_high_risk: the period's sales of R4-R5 (or unrated) products to clients aged
    suitability.elderly_age (65) or over on the sale's day, or of unknown age, with their
    dual-recording ids (empty: none on file, e.g. imported history). A sale can be both.
    Sales are those of the RMs of --branch/--rm (the selling RM's branch); client_risk is the
    client's level when it bought, as logged (empty for imported sales), and assessed_on is
    empty. expired_assessment:
    on --to, each position of a wealth, fund, insurance, bond or metal product held by an open
    client whose risk assessment is not valid then (none, expired after
    suitability.valid_days, or a level not C1-C5), dated --to, in the clients' scope (ownership
    branch, current RM); client_risk and assessed_on are the expired (or missing) assessment.
    Amounts are the sale's amount or the position's balance, in CNY; age is on the row's date.

    JSON/CSV keys: kind (override, elderly_high_risk, expired_assessment), date, client_id,
    name, branch, rm_id, product_code, asset_class, product_risk, client_risk, assessed_on, age,
    channel, amount, followup_id, override_reason, risk_warning_id, recording_id.

    \b
    Example:
      vipcrm report compliance --branch BJ01 --format csv
    """
    from vipcrm.core.tasks import cny
    from vipcrm.store.reports import COMPLIANCE_KINDS, compliance_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    records = compliance_report(ask.conn, ask.config, ask.start, ask.end, ask.scope)
    counts: list = []
    for kind in COMPLIANCE_KINDS:
        rows = [r for r in records if r["kind"] == kind]
        counts += ["; "] if counts else []
        counts.append(Text("{kind} {count} ({amount} CNY)", kind=Code("report", kind),
                           count=len(rows), amount=cny(sum(r['amount'] or 0 for r in rows))))
    ask.st.info(Joined(tuple(counts)))
    _show(ask, records, COMPLIANCE_FIELDS, fmt, _title(ask, Text("Compliance")),
          totals=False, flag=lambda r: r["kind"] == "elderly_high_risk" and not r["recording_id"])


# -----------------------------------------------------------------------------------------
# 14. maturities

MATURITY_FIELDS = [Field("branch"), Field("rm_id"), Field("name"),
                   Field("maturities", "int", True), Field("clients", "int", True),
                   Field("matured", "money", True), Field("reinvested", "money", True),
                   Field("retention_pct", "pct"), Field("pending", "int", True)]
MATURITY_DETAIL_FIELDS = [Field("branch"), Field("rm_id"), Field("client_id"), Field("name"),
                          Field("product_code"), Field("maturity_date"),
                          Field("amount", "money", True), Field("reinvested", "money", True),
                          Field("retention_pct", "pct"), Field("window_end"),
                          Field("pending", "bool")]


@report_app.command("maturities")
def maturities(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
               branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
               details: bool = typer.Option(False, "--details",
                                            help="One row per maturity instead of per RM."),
               fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """Money maturing in the period and how much of it stayed: the retention rate.

    A maturity is a position of a counted asset class (aum.asset_classes) whose maturity date
    (the position's, else the product's) falls in the period and that held a balance the day
    before: that balance is the amount matured. Reinvested is the client's new money within
    plan.retention_days (7) days from the maturity date, both included, up to --to: rises of
    its counted positions (a new position counts whole), and a position renewed for a new term
    (a later maturity date recorded once the previous passed) by its whole balance; money on
    a demand deposit (a deposit without maturity date) does not count. Each rise counts once,
    for the client's earliest maturity whose window holds it and that is still short of its
    amount; a maturity's reinvestment is capped at its amount. retention_pct = reinvested /
    matured. pending counts maturities whose window ends after --to (they may still rise).
    Rows per current RM with its branch (the clients' ownership branch; an empty rm_id is the
    branch's clients without an active RM), or per maturity with --details.

    JSON/CSV keys: branch, rm_id, name, maturities, clients, matured, reinvested,
    retention_pct, pending; with --details: branch, rm_id, client_id, name, product_code,
    maturity_date, amount, reinvested, retention_pct, window_end, pending (bool). Money in CNY.

    \b
    Example:
      vipcrm report maturities --branch BJ01 --details
    """
    from vipcrm.store.reports import maturities_report

    fmt = check_format(fmt)
    ask = _ask(ctx, start, end, branch, rm, encoding=check_encoding(encoding, fmt))
    records = maturities_report(ask.conn, ask.config, ask.start, ask.end, ask.scope, details)
    fields = MATURITY_DETAIL_FIELDS if details else MATURITY_FIELDS
    ratio = ("reinvested", "amount" if details else "matured")
    _show(ask, records, fields, fmt, _title(ask, Text("Maturities")),
          ratios={"retention_pct": ratio},
          caption=Text("retained: reinvested within {days} days",
                       days=ask.config['plan.retention_days']))


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
